"""Reading r10, how adults talk to young people (issue 10), over the whole scenario corpus
(tests/corpus.py) and over football variants of it. Each rule is driven by the contacts data or the
answers, never by a scenario:

* where a national body sets how adults contact young members (contacts.yaml sector_routes
  contact_rule, with its member-facing contact_routes), every sentence that lists the ways adults talk
  with young people (policy statement, house rules, young people's rules, behaviour code, staff code)
  states that rule, and the general ways (a group, a conversation with a second adult and no one else)
  are gone; the staff code never adds "This rule comes first" (SC 1-4);
* "members may be sharing things in front of others that they would be safer sharing one to one" is a
  reason given only for a support service (profile.community_focus), never for a club (SC 9);
* the policy's list of who takes part never reads as if the parents were younger than the platform's
  minimum age (SC 15).
"""

from __future__ import annotations

import copy
import re
from functools import cache

import pytest

from tests.corpus import CORPUS, IDS, NO_GROUP_WAYS, holds_a_conversation_of_three, parse_pages, rendered

LISTS_WAYS = re.compile(r"where (others|another adult) can see|must talk with young people|asks adults in")
DOCS = ("policy_statement", "house_rules", "house_rules_young", "behaviour_code", "staff_code")
GENERAL = re.compile(r"second adult\b[^.;]{0,120}\bno one else")
# Variants that differ in the flags the ways depend on: parents only with the young person's
# agreement (LGBTQ+), a one-to-one channel (young carers), adults and young people together (refugee
# drop-in), a video service (Scouts).
VARIANTS = ("lgbtq-youth-discord", "young-carers-zoom", "refugee-community-facebook", "scouts-teams-video")
SUPPORT = {"mental_health", "abuse_survivors", "addiction_recovery", "lgbtq", "young_carers", "bereavement"}
ONE_TO_ONE = "safer sharing one to one"


def _path(stem):
    return next(p for p in CORPUS if p.stem == stem)


@cache
def _football(stem):
    """(context, parsed pages) of a scenario as an affiliated football club in England."""
    pack = rendered(_path(stem))
    variant = copy.deepcopy(pack.assessment)
    variant.profile.update(sector="football", nation="england")
    from assessor.documents.context import build_context

    return build_context(variant, pack.catalogue), parse_pages(variant, pack.catalogue)


def _check_ways(name, context, parsed):
    sector = context.contacts.sector
    body = bool(context.flags.under_18 and sector and sector.contact_rule)
    seen = 0
    for doc in DOCS:
        if doc not in parsed:
            continue
        assert "This rule comes first" not in parsed[doc].text, (name, doc)
        for block in parsed[doc].blocks:
            if not any(r.startswith("adult-child-dm:") for r in block.rules) or not LISTS_WAYS.search(
                block.text
            ):
                continue
            seen += 1
            if body:
                assert not GENERAL.search(block.text), (name, doc, block.text)
                assert "conversation that also includes" in block.text, (name, doc, block.text)
                assert re.search(r"parents? or carers? \((unless|only if)", block.text), (
                    name,
                    doc,
                    block.text,
                )
                assert "{" not in block.text, block.text
                if doc != "staff_code":
                    # the member-facing version: a group only where the parent or carer is in it
                    assert re.search(r"in a group (your|their) parent or carer is also in", block.text), (
                        name,
                        doc,
                        block.text,
                    )
            elif context.flags.runs and not holds_a_conversation_of_three(context):
                # reading r13 GC 3-4, LG 8: no conversation of three on the platform
                assert not GENERAL.search(block.text), (name, doc, block.text)
                assert re.search(NO_GROUP_WAYS, block.text), (name, doc, block.text)
            elif context.flags.runs:
                assert GENERAL.search(block.text), (name, doc, block.text)
    if body and context.flags.runs:
        assert seen >= 3, (name, seen)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_ways_adults_talk_with_young_people_follow_the_national_bodys_rule(path):
    pack = rendered(path)
    _check_ways(path.stem, pack.context, pack.parsed)


@pytest.mark.parametrize("stem", VARIANTS)
def test_the_rule_replaces_the_general_ways_whatever_the_community(stem):
    context, parsed = _football(stem)
    assert context.contacts.sector and context.contacts.sector.contact_rule
    _check_ways(stem + "-football", context, parsed)


def test_the_sports_club_states_the_fa_rule_in_every_document():
    pack = rendered(_path("sports-club-whatsapp"))
    for doc in DOCS:
        assert "in a group" in pack.texts[doc] and "Club Welfare Officer" in pack.texts[doc], doc


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_safer_one_to_one_is_said_only_of_a_support_service(path):
    pack = rendered(path)
    focus = set(pack.assessment.profile.get("community_focus") or [])
    if ONE_TO_ONE in pack.texts["risk_report"]:
        assert focus & SUPPORT, path.stem


def test_a_club_that_has_not_checked_its_format_is_given_a_reason_that_fits_it():
    pack = rendered(_path("sports-club-whatsapp"))
    assert pack.assessment.profile.get("right_format") == "not_considered"
    text = pack.texts["risk_report"]
    assert ONE_TO_ONE not in text
    assert "right way to meet this purpose" in text
    variant = copy.deepcopy(pack.assessment)
    variant.profile["community_focus"] = ["mental_health"]
    assert ONE_TO_ONE in parse_pages(variant, pack.catalogue)["risk_report"].text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_parents_are_never_the_ones_younger_than_the_minimum_age(path):
    policy = rendered(path).texts.get("policy_statement", "")
    assert not re.search(r"parents and carers of our [^;:]*?, who are younger", policy), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_under_age_action_names_the_team_named_for_the_minimum_age(path):
    """SC 5: where the national body names its age groups by age at a cut-off (contacts.yaml
    age_groups, The FA: 31 August), most of the team named for the platform's minimum age is below
    it, and the action that takes under-age members off the platform says so."""
    pack = rendered(path)
    known = pack.known
    wanted = bool(
        known.get("derived.body_age_groups")
        and known.get("derived.platform_under_age")
        and "under_13" in (known.get("profile.audience") or [])
        and pack.context.flags.runs
    )
    text = pack.texts["risk_report"]
    assert ("team named for that age" in text) == wanted, path.stem
    assert ("under-13s start the season aged 12" in text) == wanted, path.stem
    if wanted:
        sector = pack.context.contacts.sector
        assert sector.age_groups and "31 August" in sector.age_groups and sector.age_groups_source


def test_without_the_national_body_the_action_names_no_team():
    pack = rendered(_path("sports-club-whatsapp"))
    variant = copy.deepcopy(pack.assessment)
    variant.profile["sector"] = "none"
    text = parse_pages(variant, pack.catalogue)["risk_report"].text
    assert "Remove the accounts of members younger than this app's minimum age from your groups" in text
    assert "31 August" not in text
