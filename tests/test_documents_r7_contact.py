"""Reading r6, contact fixes (who to tell, private contact, adult and child wording), over the whole
scenario corpus (tests/corpus.py):

* no document asks for "another adult copied in": where adding a person to a chat makes a group
  (WhatsApp, Messenger) that cannot be done; the transparent route is "a conversation that includes a
  second adult ... and no one else", and the parent-or-carer condition sits in brackets right after
  the parent or carer, so that it cannot be read as qualifying the group (SC 12, RF 18, GC 5);
* where the platform may have no such conversation (a game server, or an unknown platform), the
  procedure gives a compliant reply: acknowledge briefly with no details, and the lead decides how to
  reach the young person (GC 6);
* in young people's documents of a community with adult members, the ban on adults messaging a young
  person excepts the young person's own family, as the adult documents except "their own child"
  (RF 13, RF 14), and the friend-request line names who it is about;
* no self-defeating "only if the child agrees" for a child who cannot decide, and where a parent's
  consent is required but the young person will not let a parent be asked, no image is taken (YC 8, YC 9).
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, NO_GROUP_WAYS, holds_a_conversation_of_three, rendered

YOUNG = ("house_rules_young", "behaviour_code")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_document_asks_for_an_adult_copied_in(path):
    parsed = rendered(path).parsed
    for doc, page in parsed.items():
        assert "copied in" not in page.text, doc


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_transparent_routes_name_a_second_adult_and_bracket_the_parent_condition(path):
    pack = rendered(path)
    context, parsed = pack.context, pack.parsed
    if not context.flags.under_18 or not context.flags.runs:
        return
    for doc, page in parsed.items():
        for block in page.blocks:
            # the rules that list the ways staff talk with young people (not the member code's rule
            # for adult members)
            if not any(r.startswith("adult-child-dm:") for r in block.rules) or not re.search(
                r"can see|talk with young people", block.text
            ):
                continue
            if context.contacts.sector and context.contacts.sector.contact_rule:
                # reading r10 SC 1-4: a national body's contact rule replaces the general ways (a group
                # with no parent, two adults) that would contradict it; tests/test_documents_r11_talk.py
                assert not re.search(r"second adult\b[^.;]{0,120}\band no one else", block.text), block.text
                assert "conversation that also includes" in block.text, (doc, block.text)
            elif not holds_a_conversation_of_three(context):
                # reading r13 GC 3-4, LG 8: a private thread, or a session with a second adult there
                assert re.search(NO_GROUP_WAYS, block.text), (doc, block.text)
                assert "no one else" not in block.text, (doc, block.text)
            else:
                assert re.search(r"second adult\b[^.;]{0,120}\band no one else", block.text), (
                    doc,
                    block.text,
                )
            if "parent or carer" in block.text:
                # the condition belongs to the parent or carer, never to the whole list
                assert re.search(r"parents? or carers? \((unless|only if)", block.text), (doc, block.text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_where_the_platform_may_have_no_such_conversation_the_reply_is_still_possible(path):
    pack = rendered(path)
    context, parsed = pack.context, pack.parsed
    if not (context.flags.runs and context.flags.under_18):
        return
    proc = parsed["procedure"].text
    # Reading r8 RF 9, LG 8: no platform is assumed to hold a two-adult conversation (Messenger and
    # Discord may not either), so every pack gives the compliant reply: acknowledge with no details,
    # and the lead replies by a route off the platform (or the sanctioned channel).
    # (reading r14 SC 1, GC 1: or, where no private reply is possible, the receiver tells the lead at once)
    # (reading r15 SC 5, GC 1: never "do not reply to it yourself": a few calm words where they told you)
    assert "with no details" in proc, path.stem
    # (reading r9: only by the routes the organisation has, profile.reply_routes; reading r10: the same
    # day, and never only in person at a session). Reading r11 RF 2, RF 4: where the answers give no
    # way off the platform, "by phone or email once they get in touch" waited for the young person, who
    # may never call; the lead now starts the conversation the staff code already permits (a second
    # adult and no one else), the one the holding reply opened.
    assert re.search(
        r"replies the same day (by phone|in a thread on|through |in a conversation that includes a second adult)",
        proc,
    ), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_young_peoples_documents_except_the_young_persons_own_family(path):
    pack = rendered(path)
    context, parsed = pack.context, pack.parsed
    if not (context.flags.under_18 and context.flags.adults and context.flags.runs):
        return
    for doc in YOUNG:
        if doc not in parsed:
            continue
        for block in parsed[doc].blocks:
            if re.search(r"(members )?aged 18 or over\b", block.text) and "message you" in block.text:
                assert "your own family" in block.text, (doc, block.text)
        text = parsed[doc].text
        assert not re.search(r"\bThey (don’t|will not) send you friend requests", text), doc


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_self_defeating_agreement_for_a_child_who_cannot_decide(path):
    pack = rendered(path)
    context, parsed = pack.context, pack.parsed
    everything = " ".join(p.text for p in parsed.values())
    assert "only if the child agrees to them being asked" not in everything
    if context.flags.parents_by_agreement and context.flags.under_18:
        staff = parsed["staff_code"].text
        if "images policy requires it" in staff:
            assert "the image is not taken" in staff


MEMBER_DOCS = ("house_rules", "house_rules_young", "house_rules_easy_read", "behaviour_code")
# Any of these in a members' document sends a worry to an adult who may be unchecked, or forbids it
ANOTHER_ROUTE = re.compile(
    r"\btell (a|the) (moderator|group admin|host)s?\b|\bnot (a|the) (moderator|group admin)\b|"
    r"take it privately to|any adult from",
    re.I,
)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_one_route_for_a_worry_where_moderators_are_not_all_checked(path):
    """LG 11, RF 9, RF 12, SC 10, SC 11: where under-18s take part and safer recruitment is not in
    place, every members' document sends a worry to the lead (the trustees until one is named), and
    none says "tell a moderator" in one sentence and "not a moderator" in the next."""
    pack = rendered(path)
    context, parsed = pack.context, pack.parsed
    if not context.worries_to_lead:
        return
    for doc in MEMBER_DOCS:
        if doc in parsed:
            found = ANOTHER_ROUTE.search(parsed[doc].text)
            assert not found, (doc, found and found[0])


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_members_are_told_how_to_reach_the_lead(path):
    """LG 12: the young people's documents give a way to reach the lead, not only a name."""
    pack = rendered(path)
    context, parsed = pack.context, pack.parsed
    lead = context.profile.lead
    if not (context.flags.runs and lead.named and lead.email) or context.flags.video:
        return
    for doc in ("house_rules", "house_rules_young"):
        if doc in parsed:
            assert lead.email in parsed[doc].text, doc


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_bans_on_private_contact_are_aimed_at_adults_and_strangers(path):
    """RF 8, RF 10, LG 13, SC 8, SC 9: the bans protect young people from adults and from people
    known only from the community; they do not stop teammates, families or adults contacting each
    other, and adults are not told to "tell a trusted adult"."""
    pack = rendered(path)
    context, parsed = pack.context, pack.parsed
    f = context.flags
    if not (f.runs and f.under_18):
        return
    for doc in ("house_rules", "house_rules_young"):
        if doc in parsed:
            text = parsed[doc].text
            assert not re.search(r"private chats with people you met here", text), doc
            assert "another member’s number to contact them" not in text, doc
            assert "someone else’s number to contact them" not in text, doc
    if f.adults and "house_rules" in parsed:
        text = parsed["house_rules"].text
        if f.member_messages:
            assert "Adults may message other adults privately" in text
        assert "If you are 18 or over, never arrange to meet anyone under 18" in text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_organisations_own_reporting_route_is_named_where_answered(path):
    """LG 12, GC 9: profile.report_route (a ModMail bot, a /report command) is in the house rules and
    the young people's rules, on a line of its own; the report button's paragraph says whose rules it
    is for, never "its rules"."""
    pack = rendered(path)
    context, parsed = pack.context, pack.parsed
    route = context.profile.report_route
    for page in parsed.values():
        assert "Use it for anything that breaks its rules" not in page.text
    if not (route and context.flags.runs):
        return
    for doc in ("house_rules", "house_rules_young"):
        if doc in parsed:
            assert route in parsed[doc].text, doc


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_private_chat_with_a_host_answered_as_a_channel_is_allowed_everywhere(path):
    """YC 1: where a private chat with a host in a session is one of the organisation's one-to-one
    channels (profile.one_to_one session_chat), every document that states the one-to-one rule names
    it, and the house rules tell young people they can use it."""
    pack = rendered(path)
    context, parsed = pack.context, pack.parsed
    if "session_chat" not in context.profile.one_to_one:
        return
    named = "a private chat with a host during a session"
    for doc, page in parsed.items():
        for block in page.blocks:
            if "adult-child-dm:sanctioned-only" in block.rules and "only through" in block.text:
                assert named in block.text, (doc, block.text)
    assert "in a private chat to a host during the session" in parsed["house_rules"].text
    assert "in a private chat during the session" in parsed["house_rules_young"].text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_lead_is_phoned_before_the_reply_step(path):
    """YC 7: after immediate safety, listen (thank them, no leading questions, no secrets), then phone
    the lead at once, and only then the long step on how any reply goes."""
    pack = rendered(path)
    context, parsed = pack.context, pack.parsed
    if not context.flags.runs:
        return
    items = [b.text for b in parsed["procedure"].blocks if b.tag == "li"]
    phone = next(i for i, t in enumerate(items) if t.startswith("Phone ") and "at once" in t)
    reply = next(i for i, t in enumerate(items) if t.startswith("Reply to the "))
    thanks = next(i for i, t in enumerate(items) if t.startswith("Thank them for telling you"))
    assert thanks < phone < reply, (thanks, phone, reply)


def test_admins_acting_through_personal_profiles_are_told_how_to_contact_a_member():
    """RF 15: where admins act through their own profiles, the staff code says which route they use
    to contact a member on their own, not only that they never use their profile."""
    path = next(p for p in CORPUS if p.stem == "refugee-community-facebook")
    parsed = rendered(path).parsed
    text = parsed["staff_code"].text
    assert "never use your profile to contact" in text
    assert "When you need to contact a member on their own" in text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_adult_who_discloses_in_a_mixed_community_has_a_reply_step(path):
    """RF 18: where adults and under-18s take part, the reply step covers an adult who discloses
    high-risk harm too, by the pack's private-contact route."""
    pack = rendered(path)
    context, parsed = pack.context, pack.parsed
    f = context.flags
    if not (f.runs and f.under_18 and f.adults):
        return
    proc = parsed["procedure"].text
    assert "If the person who told you is an adult, reply to them" in proc
    assert "ask what they would like to happen and whether they are safe now" in proc
