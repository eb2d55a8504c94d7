"""Reading r13 (issue 10), rules that fit the format and the reader (fit), over the whole corpus
(tests/corpus.py). Each rule follows the profile, the registry or the contacts data, never a scenario:

* on an audited app where anyone can message members without giving their name, the rules say a
  member need not answer and that an answer posted is public; never "keep conversations where people
  you trust can see them", which points the wrong way there (AQ 4);
* every young people's leaflet where under-18s take part says what to do if a nude image of them is
  already online: Report Remove, from the contacts data (child_sexual_images.self_report) (AQ 3);
* joining a video session from a private place is advice ("if you can"), never a rule a young carer
  sharing a room could break (YC 5);
* in a live video session nobody can add a content warning to what was already said: the action
  never asks anyone to "add one when a member forgets"; the host warns before a planned topic (YC 4).
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered, scored


def _squash(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", _squash(text))


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_anonymous_messages_from_strangers_are_not_kept_where_others_see(path):
    pack = rendered(path)
    c = pack.context
    for doc in ("house_rules", "house_rules_young"):
        if doc not in pack.texts:
            continue
        text = _squash(pack.texts[doc])
        if not c.strangers_write_in:
            continue
        assert not re.search(r"Keep (conversations|chats) where people you trust can see them", text), (
            path.stem,
            doc,
        )
        assert re.search(r"(do not|don't) have to answer", text, re.I), (path.stem, doc)
        if c.flags.public_posts:
            assert re.search(r"answer[^.]*public", text, re.I), (path.stem, doc)


def test_the_anonymous_inbox_case_is_in_the_corpus():
    assert any(rendered(p).context.strangers_write_in for p in CORPUS)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_young_peoples_leaflet_says_how_to_get_a_shared_image_removed(path):
    pack = rendered(path)
    if not pack.context.flags.under_18 or "house_rules_young" not in pack.texts:
        return
    route = pack.context.contacts.child_sexual_images
    assert route is not None and route.self_report and route.self_report_source, path.stem
    text = _squash(pack.texts["house_rules_young"])
    assert "Report Remove" in text and "childline.org.uk" in text, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_joining_from_a_private_place_is_advice_not_a_rule(path):
    pack = rendered(path)
    for doc in ("house_rules", "house_rules_young", "member_code"):
        for sentence in _sentences(pack.texts.get(doc, "")):
            if re.search(r"private place|not in bed", sentence, re.I):
                assert re.search(r"\bif you can\b", sentence, re.I), (path.stem, doc, sentence)
            assert not re.search(r"\bsit up, not in bed\b", sentence, re.I), (path.stem, doc, sentence)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_live_video_content_warnings_fit_a_live_session(path):
    pack = rendered(path)
    if not pack.context.flags.video:
        return
    _, _, result = scored(path)
    for action in result.actions:
        text = _squash(action.text)
        assert "when a member forgets" not in text, (path.stem, text)
        if text.startswith("Add content warnings"):
            assert "warns before" in text, (path.stem, text)
    assert "when a member forgets" not in _squash(pack.texts["risk_report"]), path.stem
