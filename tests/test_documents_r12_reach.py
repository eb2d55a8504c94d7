"""Reading r11 (issue 10), section "reach": how a volunteer and the lead reach people, over the whole
corpus (tests/corpus.py). Each rule follows the answers, never a scenario:

* a volunteer's holding reply to a young person's worry has a permitted channel: a conversation that
  adds the lead and no one else (a second adult sees it), or a parent or carer where a national body's
  rule says so; never a private chat of their own (SC 1, RF 2);
* the lead then replies the same day by a route the lead starts: never "ask them to get in touch" or
  "once they get in touch", which waits for a child who may never call (RF 2, RF 4);
* the staff code's no-private-messages rule, the holding reply and the lead's reply are separate short
  bullets (SC 2, RF 3), and a parent route carries one condition, not two (SC 1);
* where admins act through their own profiles and there is no page, section 1 gives the adult route
  (the procedure's conversation with another member of staff), not only section 4's young people's
  ways (RF 1).
"""

from __future__ import annotations

import pytest

from tests.corpus import CORPUS, IDS, holds_a_conversation_of_three, rendered, squash

_squash = squash


def _young(pack) -> bool:
    f = pack.context.flags
    return bool(f.runs and f.under_18)


def _lead(pack) -> str:
    return "the chair of trustees" if pack.context.flags.no_lead else "the designated safeguarding lead"


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_holding_reply_has_a_permitted_channel(path):
    pack = rendered(path)
    if not _young(pack) or pack.context.flags.one_to_one:
        return
    where = f"in a conversation that adds {_lead(pack)} and no one else"
    if not holds_a_conversation_of_three(pack.context):
        # reading r13 GC 3-4, LG 8: a private thread that adds the lead, or a few words in the open
        platform = pack.context.platform
        if not platform.private_threads:
            return  # reading r14 GC 1: no reply in the open (tests/test_documents_r15_holding.py)
        where = f"in a private thread on {pack.context.profile.platform_product} that adds {_lead(pack)}"
    sector = pack.context.contacts.sector
    if sector and sector.contact_rule:
        return  # reading r14 SC 1: the lead decides the first reply (tests/test_documents_r15_holding.py)
    staff = _squash(pack.texts["staff_code"])
    proc = _squash(pack.texts["procedure"])
    assert f"thank them, with no details and no questions, {where}" in staff, path.stem
    step = proc.split("Reply to the young person:", 1)[1].split("A high-risk concern never waits", 1)[0]
    assert f"thank them, with no details and no questions, {where}" in step, (path.stem, step)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_lead_never_waits_for_the_young_person(path):
    pack = rendered(path)
    if not _young(pack):
        return
    for doc in ("staff_code", "procedure"):
        text = _squash(pack.texts.get(doc, ""))
        for said in ("ask them to get in touch", "once they get in touch"):
            assert said not in text, (path.stem, doc, said)
        if doc == "staff_code" or "Reply to the young person:" in text:
            assert f"{_lead(pack)[4:]} replies the same day" in text, (path.stem, doc)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_contact_rule_and_the_replies_are_short_separate_bullets(path):
    pack = rendered(path)
    if not _young(pack):
        return
    items = [b.text for b in pack.parsed["staff_code"].blocks if b.tag == "li"]
    rule = [t for t in items if "If a young person messages you privately" in t]
    assert len(rule) == 1, path.stem
    assert "Never discuss a worry" not in rule[0], rule[0]
    worry = [t for t in items if t.startswith("Never discuss a worry about their safety")]
    reply = [
        t
        for t in items
        if " replies the same day " in t and t.endswith("refers a high-risk concern the same day.")
    ]
    assert len(worry) == 1 and len(reply) == 1, (path.stem, worry, reply)
    for text in rule + worry + reply:
        assert len(text.split()) <= 170, (path.stem, len(text.split()), text)
    proc = _squash(pack.texts["procedure"])
    assert "decides it is safe (unless" not in proc, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_without_a_page_admins_have_an_adult_route(path):
    pack = rendered(path)
    c = pack.context
    if not (c.flags.runs and c.platform and c.platform.lacks("staff_accounts")) or c.flags.own_page:
        return
    first = next(
        b.text for b in pack.parsed["staff_code"].blocks if "When you need to contact a member" in b.text
    )
    if c.private_contact == "transparent":
        assert "do it in a conversation that includes another member of staff and no one else" in first, first
        if c.flags.under_18:
            assert "with anyone under 18 only in the ways section 4 sets out" in first, first
