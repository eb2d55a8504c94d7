"""Reading r15 (issue 10), the first reply to a young person's worry and the lead's reply: one rule in
the staff code (section 4) and the escalation procedure (the reply step and the rule for a disclosure
made in the space), over the whole corpus (tests/corpus.py) and variants of its answers. Each rule
follows the answers and the registry, never a scenario:

* whoever receives a worry always thanks the young person, with no details and no questions, says
  that the lead will be in touch and tells the lead at once; a step headed "Reply to the young
  person" never forbids replying (SC 5, GC 1: "do not reply to it yourself anywhere else" contradicted
  "Thank them for telling you" and "a moderator replies ... at once, calmly"). Where the platform
  holds a conversation that adds the lead, the reply goes there (the refugee pack's "holding
  acknowledgement with the lead added"); where it holds none, or a national body's contact rule
  forbids starting a new chat with a child, a few calm words where the young person told them, never
  a new private chat; never through a parent or carer;
* where cover for the lead is not agreed, the lead's reply is one rule: "When the lead (or the
  deputy) is working, ... replies the same day", otherwise it waits until one of them is back; never
  an unqualified same-day promise beside a sentence that says the reply waits, never "the first of
  them back", never a stray comma before a full stop (YC 1, RF 12);
* a word in person at a session is only for a young person who also comes to sessions, and only
  where the answers say young people do (profile.reply_routes in_person); the rule for a disclosure
  made in the space is short sentences, not one run-on sentence (LG 7, LG 8).
"""

from __future__ import annotations

import copy
import re

import pytest

from tests.corpus import CORPUS, IDS, holds_a_conversation_of_three, parse_pages, rendered, scored, squash

HELD = "in a few calm words where they told you, never in a new private chat"
THANK = "thank them, with no details and no questions"
IN_PERSON = "if they also come to our sessions and the concern is not urgent, in person at the next one"


def _young(c) -> bool:
    return bool(c.flags.runs and c.flags.under_18)


def _lead(c) -> str:
    return "the chair of trustees" if c.flags.no_lead else "the designated safeguarding lead"


def _gap(c) -> bool:
    return bool(
        not c.flags.no_lead
        and not c.in_place("responding.lead_cover")
        and c.commitment_for("responding.lead_cover")
    )


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.:]) (?=[A-Z])", text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_whoever_hears_a_worry_thanks_the_young_person_and_tells_the_lead(path):
    pack = rendered(path)
    c = pack.context
    if not _young(c):
        return
    lead = _lead(c)
    body = c.contacts.sector
    held = not c.flags.one_to_one and (
        bool(body and body.contact_rule)
        or not (holds_a_conversation_of_three(c) or (c.platform and c.platform.private_threads))
    )
    for doc in ("staff_code", "procedure"):
        text = squash(pack.texts[doc])
        assert "do not reply to it yourself" not in text, (path.stem, doc)
        parts = text.split("ever discuss a worry about their safety in a group")[1:]
        assert parts, (path.stem, doc)
        for part in parts:
            first = (
                part.split(" at once", 1)[0] if doc == "staff_code" else part.split(" will be in touch")[0]
            )
            assert THANK in first and "parent or carer" not in first, (path.stem, doc, first)
            if held:
                assert HELD in first, (path.stem, doc, first)
            elif not c.flags.one_to_one:
                assert f"adds {lead}" in first and HELD not in first, (path.stem, doc, first)
        if doc == "procedure":
            step = text.split("Reply to the young person:", 1)[1].split(" will be in touch", 1)[0]
            assert THANK in step, (path.stem, step)
            # the procedure's earlier step and its rule for a disclosure in the space agree
            assert "Thank them for telling you" in text, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_leads_reply_is_one_rule_when_cover_is_not_agreed(path):
    pack = rendered(path)
    c = pack.context
    for doc, raw in pack.texts.items():
        text = squash(raw)
        assert ",." not in text and "first of them back" not in text, (path.stem, doc)
    if not _young(c):
        return
    opening = (
        "When the lead or the deputy is working, "
        if c.profile.deputy.named
        else "When the lead or the chair of trustees is working, "  # reading r16 RF 2
    )
    for doc in ("staff_code", "procedure"):
        text = squash(pack.texts[doc])
        replies = [s for s in _sentences(text) if re.search(r"\breplies the same day\b", s)]
        assert replies, (path.stem, doc)
        for sentence in replies:
            if _gap(c):
                assert sentence.startswith(opening), (path.stem, doc, sentence)
            else:
                assert not sentence.startswith("When the lead"), (path.stem, doc, sentence)
        if _gap(c):
            assert "reply waits until" in text, (path.stem, doc)
        else:
            assert "reply waits until" not in text, (path.stem, doc)


def test_cover_in_place_makes_the_same_day_reply_plain():
    path = next(p for p in CORPUS if p.stem == "young-carers-zoom")
    catalogue, assessment, _ = scored(path)
    assert _gap(rendered(path).context)
    changed = assessment.model_copy(deep=True)
    changed.answers["responding.lead_cover"].value = "in_place"
    for doc in ("staff_code", "procedure"):
        text = squash(parse_pages(changed, catalogue)[doc].text)
        assert "The designated safeguarding lead replies the same day" in text, doc
        assert "When the lead" not in text and "reply waits until" not in text, doc


def _in_person(path, routes=None):
    pack = rendered(path)
    if routes is None:
        return pack.context, {d: squash(pack.texts[d]) for d in ("staff_code", "procedure")}
    catalogue, assessment, _ = scored(path)
    changed = assessment.model_copy(deep=True)
    changed.profile = copy.deepcopy(changed.profile) | {"reply_routes": routes}
    parsed = parse_pages(changed, catalogue)
    return rendered(path).context, {d: squash(parsed[d].text) for d in ("staff_code", "procedure")}


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_word_in_person_is_only_for_those_who_come_to_sessions(path):
    c, texts = _in_person(path)
    if not _young(c) or c.flags.one_to_one:
        return
    for doc, text in texts.items():
        found = text.count("in person at the next")
        if "in_person" in c.profile.reply_routes:
            assert found and found == text.count(IN_PERSON), (path.stem, doc)
        else:
            assert not found, (path.stem, doc)


@pytest.mark.parametrize("routes", [["platform_thread"], ["platform_thread", "in_person"]])
def test_the_in_person_word_follows_the_answer_not_the_scenario(routes):
    path = next(p for p in CORPUS if p.stem == "lgbtq-youth-discord")
    _, texts = _in_person(path, routes)
    for doc, text in texts.items():
        assert ("in_person" in routes) == (IN_PERSON in text), (routes, doc)
        assert "in person at the next session" not in text, (routes, doc)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_rule_for_a_disclosure_in_the_space_is_short_sentences(path):
    pack = rendered(path)
    for block in pack.parsed["procedure"].blocks if "procedure" in pack.parsed else ():
        text = squash(block.text)
        if not text.startswith("A disclosure made "):
            continue
        sentences = _sentences(text)
        assert len(sentences) >= 2, (path.stem, text)
        last = sentences[-1]
        assert last.startswith("The ") and " decides how to support other members" in last, (path.stem, last)
        assert not any(", the member is contacted" in s for s in sentences), (path.stem, text)
