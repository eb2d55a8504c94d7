"""Reading r12 (issue 10), gaming club (game3), over the whole corpus (tests/corpus.py). Each rule
follows the answers and the platform registry, never a scenario:

* staff or volunteers on personal accounts that can message young members privately: the stop is a
  critical action due at once, on page 1, and the account set-up keeps its own date (GC 2);
* an at-once action holds only what one message does: a new space for each age group, or an
  organisation account for each volunteer, is its own action with a later date (GC 3);
* young members use the space on days nobody is on duty and are not told: the lead or deputy reads
  reports daily from now on, as an at-once action, and the procedure says so where it says when
  reports are read (GC 1);
* where the registry says how the platform's own tool works (Minecraft Java: press P, Hide), the
  rules say that, never a "block" button the game lacks (GC 6).
"""

from __future__ import annotations

import pytest

from tests.corpus import CORPUS, IDS, rendered, squash

YOUNG = {"under_13", "age_13_17"}


_squash = squash


def _answer(pack, qid: str):
    a = pack.assessment.answers.get(qid)
    return getattr(a, "value", None)


def _at_once(pack):
    """The plan's actions due on the assessment date (critical, at once)."""
    issued = pack.assessment.meta.assessed_on
    return [a for a in pack.context.actions if a.priority == "critical" and a.due == issued]


def _personal_dms(pack) -> bool:
    p = pack.assessment.profile
    return (
        pack.context.flags.runs
        and bool(YOUNG & set(p.get("audience") or []))
        and "staff_messages" in (p.get("features") or [])
        and _answer(pack, "staff_conduct.authorised_accounts") in ("partly", "not_in_place", "dont_know")
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_one_to_one_messages_from_personal_accounts_stop_at_once(path):
    pack = rendered(path)
    if not _personal_dms(pack):
        return
    stops = [
        a
        for a in _at_once(pack)
        if ("one to one" in a.text or "one-to-one" in a.text) and "personal account" in a.text
    ]
    assert stops, (path.stem, [a.text[:80] for a in _at_once(pack)])
    page1 = _squash(pack.texts["risk_report"]).split("Each risk explained", 1)[0]
    assert any(a.headline.split(":")[0] in page1 for a in stops), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_at_once_action_holds_no_work_that_takes_weeks(path):
    pack = rendered(path)
    for a in _at_once(pack):
        for work in ("its own space", "set up an individual organisation account"):
            assert work not in a.text.lower(), (path.stem, a.number, a.text)
    if "play" in (pack.assessment.profile.get("off_duty_presence") or ()):
        later = [a for a in pack.context.actions if "its own space" in a.text]
        assert later and all(a.due > pack.assessment.meta.assessed_on for a in later), path.stem


def _unread_days(pack) -> bool:
    p = pack.assessment.profile
    return (
        pack.context.flags.runs
        and p.get("moderation_cover") == "some_days"
        and bool(YOUNG & set(p.get("audience") or []))
        and _answer(pack, "moderation.out_of_hours") in ("not_in_place", "dont_know")
        and _answer(pack, "reporting.report_to_you") in ("in_place", "partly")
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_reports_on_days_nobody_is_on_are_read_daily_from_now_on(path):
    pack = rendered(path)
    proc = _squash(pack.texts.get("procedure", ""))
    if not _unread_days(pack):
        assert "once a day by" not in proc, path.stem
        return
    daily = [a for a in _at_once(pack) if "read reports" in a.text and "once a day" in a.text]
    assert daily, (path.stem, [a.text[:80] for a in _at_once(pack)])
    assert "reports are read only in moderation hours" not in proc, path.stem
    assert f"once a day by the designated safeguarding lead or the deputy (action {daily[0].number})" in proc
    high = proc.split("High", 1)[1]
    assert "At once when it is read (reports are read in moderation hours, and once a day by" in high


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_rules_name_the_platforms_own_tool_not_a_block_button(path):
    pack = rendered(path)
    platform = pack.context.platform
    if not (pack.context.flags.blocking and platform is not None and platform.block_how):
        return
    for doc in ("house_rules", "house_rules_young"):
        text = _squash(pack.texts.get(doc, ""))
        if not text:
            continue
        assert platform.block_how in text, (path.stem, doc)
        for said in ("block button", "block or mute", "block the person"):
            assert said not in text, (path.stem, doc, said)
