"""Reading r10 (issue 10), how and when the lead replies after a disclosure, over the whole corpus
(tests/corpus.py) and over variants of its answers. Each rule is driven by profile.reply_routes and the
audience, never by a scenario:

* a word in person "at the next session they come to" never stands alone and is never the route for
  an urgent concern: it is printed only where the answers say young people come to sessions
  (reply_routes in_person), only after a prompt route the lead uses the same day (a thread a second
  adult reads, their own phone or email, a safe parent, or the call or email they make when asked),
  and only "for a concern that is not urgent" (SC 6-8, RF 5-6);
* the second adult at a session is one who is there anyway and has had a criminal record check, never
  a trustee who has to come in for it (SC 6);
* a high-risk concern never waits for a reply: the procedure and the staff code say the referral is
  made the same day (SC 8, RF 5);
* in a community of adults and young people, an adult who discloses gets the adult route, the same
  in the procedure's reply step and in its rule for disclosures made in the space (RF 7).
"""

from __future__ import annotations

import copy
import re

import pytest

from tests.corpus import CORPUS, IDS, blocks, parse_pages, rendered

# reading r15 LG 7-8: only for a young person who also comes to sessions (online-only members never do)
IN_PERSON = "in person at the next one"
NOT_URGENT = "if they also come to our sessions and the concern is not urgent, " + IN_PERSON
# What a prompt route (used the same day) says, as macros.reply_ways prints it.
PROMPT = (
    r"in a thread on .+? that a second adult",
    r"by phone, on the number they gave us",
    r"by an email to the address they gave us",
    r"through their parent or carer",
    r"in a conversation that includes a second adult",  # reading r11 RF 2: the lead starts it
    r"in a private thread on .+? that adds a second adult",  # reading r13 LG 8: no group DM (Discord)
    r"in a few words on .+? that name nothing",  # reading r13 GC 3-4: no private conversation (Minecraft)
)
VARIANTS = [
    ["in_person"],
    ["in_person", "parent"],
    ["in_person", "platform_thread"],
    ["in_person", "own_phone", "own_email"],
    ["platform_thread"],
    ["parent"],
]


def _replies(parsed):
    """(document, sentence) for each sentence that says how the lead replies to a young person."""
    return [
        (doc, sentence)
        for doc, text in blocks(parsed)
        for sentence in re.split(r"(?<=\.) (?=[A-Z])", text)
        if re.search(r"replies the same day|the member is contacted by", sentence)
    ]


def _check(name, routes, parsed):
    routes = set(routes)
    replies = _replies(parsed)
    assert replies, name
    for doc, sentence in replies:
        where = (name, doc, sentence)
        if "in_person" not in routes:
            assert "in person at the next" not in sentence, where
            continue
        assert sentence.count(IN_PERSON) == 1, where
        before, after = sentence.split(IN_PERSON, 1)
        # never alone, never for an urgent concern
        assert before.endswith(NOT_URGENT[: -len(IN_PERSON)]), where
        assert any(re.search(p, before) for p in PROMPT), where
        # with a checked adult who is there anyway, never a trustee who comes in for it
        clause = after.split(", never ")[0].split(", and logs")[0].split(", logs")[0]
        assert "there anyway and has had a criminal record check" in clause, where
        assert "trustee" not in clause, where


def _young(path):
    f = rendered(path).context.flags
    return f.runs and f.under_18 and not f.one_to_one


@pytest.mark.parametrize("path", [p for p in CORPUS if _young(p)], ids=lambda p: p.stem)
def test_in_person_is_never_the_only_reply_nor_the_urgent_one(path):
    pack = rendered(path)
    _check(path.stem, pack.context.profile.reply_routes, pack.parsed)


@pytest.mark.parametrize("routes", VARIANTS, ids=lambda r: "+".join(r))
@pytest.mark.parametrize(
    "stem", ["sports-club-whatsapp", "refugee-community-facebook", "lgbtq-youth-discord", "youth-forum"]
)
def test_in_person_is_never_alone_whatever_routes_are_answered(stem, routes):
    path = next(p for p in CORPUS if p.stem == stem)
    pack = rendered(path)
    variant = copy.deepcopy(pack.assessment)
    variant.profile["reply_routes"] = routes
    _check(stem, routes, parse_pages(variant, pack.catalogue))


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_high_risk_concern_never_waits_for_a_reply(path):
    pack = rendered(path)
    f = pack.context.flags
    if not (f.runs and f.under_18):
        return
    lead = "chair of trustees" if f.no_lead else "designated safeguarding lead"
    proc = pack.texts["procedure"]
    assert (
        f"A high-risk concern never waits for a reply: the {lead} makes the referral below the same day."
        in (proc)
    ), path.stem
    assert "refers a high-risk concern the same day." in pack.texts["staff_code"], path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_adult_who_discloses_gets_the_same_adult_route_in_both_places(path):
    pack = rendered(path)
    f = pack.context.flags
    if not (f.runs and f.under_18 and f.adults) or f.one_to_one:
        return
    proc = pack.texts["procedure"]
    step = re.search(
        r"If the person who told you is an adult, reply to them (.+?), ask what they would like", proc
    )
    rule = re.search(
        r"[Tt]he member is contacted by .+?: a young person the same day.+?; an adult (.+?)\. ", proc
    )
    assert step and rule, path.stem
    assert step.group(1) == rule.group(1), (step.group(1), rule.group(1))


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_young_person_told_to_call_the_lead_is_told_how_the_lead_replies(path):
    """SC 17: the rules give young people the lead's phone number; they also say that the lead
    replies through a parent or carer (where that is a route) or with another adult involved, never
    in a private chat with them alone, as the procedure does."""
    pack = rendered(path)
    f = pack.context.flags
    young = f.runs and f.under_18 and not f.one_to_one
    routes = pack.context.profile.reply_routes
    for doc in ("house_rules", "house_rules_young", "behaviour_code"):
        if doc not in pack.parsed:
            continue
        reach = [b.text for b in pack.parsed[doc].blocks if b.text.startswith("How to reach us:")]
        if not reach:
            continue
        said = re.search(r"replies to you (.+?), never in a private chat with you alone\.", reach[0])
        assert bool(said) == young, (path.stem, doc, reach[0])
        if said:
            assert said.group(1).endswith(f"with another adult from {pack.context.org.name} involved"), said
            assert ("through your parent or carer" in said.group(1)) == (not routes or "parent" in routes), (
                said
            )


@pytest.mark.parametrize("routes", VARIANTS, ids=lambda r: "+".join(r))
def test_under_a_bodys_contact_rule_the_prompt_reply_goes_through_a_safe_parent(routes):
    """SC 6: where a national body's rule says adults reach young players through their parents (The
    FA's contact_rule, contacts.yaml), the reply goes through a safe parent the same day whatever
    routes are ticked, never only a word at the next session."""
    pack = rendered(next(p for p in CORPUS if p.stem == "sports-club-whatsapp"))
    assert pack.context.contacts.sector and pack.context.contacts.sector.contact_rule
    variant = copy.deepcopy(pack.assessment)
    variant.profile["reply_routes"] = routes
    proc = parse_pages(variant, pack.catalogue)["procedure"].text
    step = proc.split("Reply to the young person:", 1)[1].split("A high-risk concern never waits", 1)[0]
    assert re.search(r"replies the same day[^.]*through their parent or carer", step), (routes, step)
