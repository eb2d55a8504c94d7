"""Reading r14 (issue 10), daily: where the daily check of reports is an at-once action (signpost_help,
critical: young members use the space on days nobody is on), it is the rule from sign-off, so no
document tells members that nobody reads reports outside moderation hours or that reports wait for the
next session; the house rules, the young people's rules and the procedure say reports are read once a
day (GC 2, GC 3, GC 4). Where there is no such action, the documents keep the answers' own reply time.
Over the whole corpus (tests/corpus.py); the rule follows the actions, never a scenario.
"""

from __future__ import annotations

import pytest

from tests.corpus import CORPUS, IDS, rendered, squash

# What a member would read as "reports are not read until the next session / moderation hours".
WAITS = ("nobody reads messages or reports", "nobody reads messages,", "read at the next session")
MEMBER_DOCS = ("house_rules", "house_rules_young", "procedure")


_squash = squash


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_daily_check_is_what_every_document_says(path):
    pack = rendered(path)
    daily = [a for a in pack.context.actions if a.id == "signpost_help" and a.immediate]
    texts = {doc: _squash(pack.texts[doc]) for doc in MEMBER_DOCS if doc in pack.texts}
    if not daily:
        return
    for doc, text in texts.items():
        for phrase in WAITS:
            assert phrase not in text, (
                f"{path.stem} {doc}: {phrase!r} while action {daily[0].number} is a daily check"
            )
    for doc in ("house_rules", "house_rules_young"):
        if doc in texts:
            assert "reads reports once a day" in texts[doc], f"{path.stem} {doc}: no daily check"
    if "procedure" in texts:
        assert "Expected reply time for members: in moderation hours" in texts["procedure"] or (
            "Expected reply time" not in texts["procedure"]
        ), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_reply_time_is_the_answer_without_a_daily_check(path):
    pack = rendered(path)
    if any(a.id == "signpost_help" and a.immediate for a in pack.context.actions):
        return
    given = (pack.assessment.profile.get("response_time") or "").strip().rstrip(".")
    text = _squash(pack.texts.get("procedure", ""))
    if given and "Expected reply time for members:" in text:
        assert f"Expected reply time for members: {_squash(given)}" in text, path.stem


def test_corpus_has_a_daily_check():
    """The rule is exercised: at least one scenario's answers call for the at-once daily check."""
    assert any(a.id == "signpost_help" and a.immediate for p in CORPUS for a in rendered(p).context.actions)
