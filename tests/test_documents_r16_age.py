"""Reading r15 (issue 10): who the space is for once members younger than the platform's minimum age
are moved out, over the whole corpus (tests/corpus.py). Each rule is driven by the registry, the
profile and contacts.yaml, never by a scenario:

* the organisation can take a child only out of its own groups, never off the app itself: no document
  promises to take a child's account "off it"; the commitment names what comes out (a number, on an app
  that shows phone numbers: registry phone_numbers_visible) and out of what (SC 1, SC 2);
* the audience sentence of both house rules follows the plan (catalogue platform_age): where a national
  body names its age groups for the age players are under at the season's cut-off (contacts.yaml
  age_groups), the groups of the team named for the minimum age, and younger teams, are for parents and
  carers only, and the rules never say the space is for members "aged 13 and over" (SC 3, SC 4);
* the staff code never says "some of" a group that is wholly below the minimum age (SC 15);
* the young people's rules never run the lead's role into "your mum, dad or carer" (RF 13).
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered, squash


def _runs_under_age(pack):
    return pack.context.flags.under_age and not pack.context.flags.audit


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_document_promises_to_take_a_child_off_the_app_itself(path):
    pack = rendered(path)
    for name, text in pack.texts.items():
        assert not re.search(r"own (account|number) off it\b", squash(text)), (path.stem, name)
    if not _runs_under_age(pack):
        return
    platform = pack.context.platform
    what = "number" if platform.phone_numbers_visible else "account"
    where = "our groups" if platform.phone_numbers_visible else "our online community on"
    for name in ("policy_statement", "house_rules"):
        text = squash(pack.texts[name])
        assert f"we are taking any child’s own {what} out of {where}" in text, (path.stem, name)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_audience_sentence_follows_the_plan_for_under_age_members(path):
    pack = rendered(path)
    if not _runs_under_age(pack):
        return
    c = pack.context
    minimum = c.platform.minimum_age
    adult = squash(pack.texts["house_rules"])
    young = squash(pack.texts.get("house_rules_young", ""))
    sector = c.contacts.sector
    if c.flags.under_13 and sector is not None and sector.age_groups:
        team = f"under-{minimum}s"
        for text in (adult, young):
            assert f"so the groups of our teams up to the {team} are for parents and carers only" in text
            assert f"aged {minimum} and over" not in text, path.stem
        assert f"is for parents and carers, and for players in our teams older than the {team}" in adult
        for doc in ("staff_code", "procedure"):
            assert f"or any player in our {team} on" in squash(pack.texts[doc]), (path.stem, doc)
    else:
        groups = " and ".join(c.profile.under_age_groups).lower()
        assert (
            f"is for our members aged {minimum} and over, and for the parents and carers of our {groups}"
            in adult
        )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_staff_code_says_some_only_of_a_group_partly_below_the_minimum_age(path):
    pack = rendered(path)
    if not _runs_under_age(pack):
        return
    code = squash(pack.texts["staff_code"])
    minimum = pack.context.platform.minimum_age
    for group in pack.context.profile.under_age_groups:
        assert f"Some of our {group.lower()}" not in code or minimum > 13, path.stem
    assert not re.search(r"under 13 are younger than \S+ minimum age of 13", code), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_lead_is_never_run_into_the_parent_in_the_young_peoples_rules(path):
    pack = rendered(path)
    young = squash(pack.texts.get("house_rules_young", ""))
    assert ", our safeguarding lead or your mum" not in young, path.stem


# -- RF 3: a young person in a refugee community may have no parent to hand --------------------------

DECISION = "Decide, and write down, how under-18s take part in a community they share with adults"


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_refugee_communitys_parent_wording_names_the_unaccompanied_childs_route(path):
    """Where the community's focus is refugees and under-18s take part, the under-18 decision and the
    parent-contact wording name unaccompanied or separated children and their route, the body from
    contacts.yaml separated_children for the pack's nation; no other pack mentions them."""
    pack = rendered(path)
    c = pack.context
    data = pack.catalogue.contacts.separated_children
    nation = pack.assessment.profile.get("nation") or "england"
    code = squash(pack.texts.get("staff_code", ""))
    young = squash(pack.texts.get("house_rules_young", ""))
    report = squash(pack.texts["risk_report"])
    if not (c.flags.refugees and c.flags.under_18):
        assert c.contacts.separated_children is None, path.stem
        for text in (code, young, report):
            assert "unaccompanied or separated child" not in text, path.stem
        return
    body = data[nation].short
    assert f"their social worker or the carer {body} placed them with" in code, path.stem
    if "your mum, dad" in young:
        assert "your mum, dad, carer or social worker" in young, path.stem
        assert "your mum, dad or carer" not in young, path.stem
    if DECISION in report:
        assert (
            "(for an unaccompanied or separated child, their social worker or the carer they were placed with)"
            in report
        )
    assert data[nation].source in report, path.stem


def test_every_nation_has_a_sourced_route_for_children_without_a_parent():
    from assessor.catalogue import default_catalogue

    data = default_catalogue().contacts.separated_children
    assert set(data) == {"england", "wales", "scotland", "northern_ireland"}
    for nation, route in data.items():
        assert route.source.startswith("http") and route.checked is not None, nation
        assert "looked after" in route.purpose, nation
