"""Reading r13 (issue 10), section "groupdm": contact routes the platform can really provide, over the
whole corpus (tests/corpus.py). Each rule follows the registry (platforms.yaml group_chat,
private_threads) and the answers, never a scenario:

* where the platform holds no private conversation of a member, a second adult and no one else (a
  Discord group DM takes only friends; a Minecraft /msg whispers to one player), no document offers
  one: not "a conversation that includes/adds ... and no one else", not "a group conversation"
  (GC 3, GC 4, LG note 8);
* there the holding reply and the ways staff talk with young people use what the platform has: a
  private thread that adds the second adult (private_threads), a session with a second adult there
  (profile.reply_routes in_person), the parent or carer, or a few words in the open space;
* the registry's group_chat facts carry a source and a date checked.
"""

from __future__ import annotations

import re

import pytest

from assessor.catalogue import default_catalogue
from tests.corpus import CORPUS, IDS, holds_a_conversation_of_three, rendered, squash

OFFERS_A_CONVERSATION = re.compile(
    r"conversation that (includes|adds)\b[^.;]{0,120}\bno one else|group conversation"
)


_squash = squash


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_conversation_the_platform_cannot_hold(path):
    pack = rendered(path)
    if holds_a_conversation_of_three(pack.context):
        return
    for doc, text in pack.texts.items():
        found = OFFERS_A_CONVERSATION.search(_squash(text))
        assert not found, (path.stem, doc, found and found[0])


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_holding_reply_uses_what_the_platform_has(path):
    pack = rendered(path)
    c = pack.context
    if holds_a_conversation_of_three(c) or not (c.flags.runs and c.flags.under_18) or c.flags.one_to_one:
        return
    lead = "the chair of trustees" if c.flags.no_lead else "the designated safeguarding lead"
    # reading r14 GC 1: with no private thread, no reply in the open (tests/test_documents_r15_holding.py)
    where = f"in a private thread on {c.profile.platform_product} that adds {lead}"
    body = c.contacts.sector
    for doc in (
        ("staff_code", "procedure") if c.platform.private_threads and not (body and body.contact_rule) else ()
    ):
        assert f"thank them, with no details and no questions, {where}" in _squash(pack.texts[doc]), (
            path.stem,
            doc,
        )
    # the ways staff talk with young people name a second adult in a place that exists
    ways = [
        b.text
        for b in pack.parsed["house_rules"].blocks
        if any(r.startswith("adult-child-dm:") for r in b.rules) and "where others can see:" in b.text
    ]
    assert ways, path.stem
    for text in ways:
        if c.platform.private_threads:
            assert f"private thread on {c.profile.platform_product} that adds a second adult" in text, text
        elif "in_person" in c.profile.reply_routes:
            assert "in person at a session with a second adult from" in text, text


def test_the_registry_says_where_it_learnt_each_platforms_conversations():
    for pid, platform in default_catalogue().platforms.items():
        if platform.group_chat is None and platform.private_threads is None:
            continue
        assert platform.checked, pid
        about = " ".join(s.about for s in platform.sources)
        assert "checked 2026-12-01" in about, pid
        if platform.group_chat == "friends":
            assert "friends" in about, pid
        if platform.group_chat == "none":
            assert "/msg" in about, pid
        if platform.private_threads:
            assert "private thread" in about, pid


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_national_bodys_rule_gives_the_holding_reply_by_age(path):
    """Reading r13 SC 9: where a national body's rule sets the route by age (contacts.yaml
    holding_routes), the holding reply is that rule alone, one route per age, never a new conversation
    that adds the lead; and the lead's reply says who logs and refers (the second adult at a session is
    in brackets, so 'logs the contact' is the lead's)."""
    pack = rendered(path)
    c = pack.context
    body = c.contacts.sector
    if not (c.flags.runs and c.flags.under_18) or c.flags.one_to_one:
        return
    for doc in ("staff_code", "procedure"):
        text = _squash(pack.texts[doc])
        if body and body.contact_rule:
            # reading r14 SC 1, r15 SC 5: a few calm words where they were told, never a new chat
            assert "where they told you, never in a new private chat" in text, (path.stem, doc)
            assert "conversation that adds" not in text, (path.stem, doc)
        if "in_person" in c.profile.reply_routes:
            assert "has had a criminal record check), " in text, (path.stem, doc)
