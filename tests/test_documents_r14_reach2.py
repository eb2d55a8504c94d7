"""Reading r12 (issue 10), contact routes for sports clubs and young carers (reach2), over the whole
corpus (tests/corpus.py) and over copies of it with one answer changed. Each rule follows the answers,
the registry or the profile, never a scenario:

* the action that records a way to reach members never asks for a child's own contact "directly":
  for an under-18 it is a route through a parent or carer or one that includes another adult, never
  one to one; it points to no "group agreement"; and where disclosure.missing_member is answered not
  applicable it asks nothing about someone who "stops taking part" (SC 4, RF 6);
* members below the platform's minimum age in a group (a messaging app, or a national body's age
  groups) are taken out of it plainly: their own accounts removed, the group kept for parents and
  carers, the children reached through them; never "a space for their age" (SC 3);
* where cover for the lead is not in place, the policy statement and the staff code promise a same-day
  reply only when the lead or the deputy is working, and name the gap, the action that closes it and
  the route for a high-risk concern meanwhile; the lead's reply goes through a host's private chat,
  never "a private chat with a host" as if the lead hosted (YC 1, YC 6);
* a young carers' pack names the adult safeguarding route and law of its nation, for the adult they
  care for (YC 3);
* the risk assessment's "bring it into line" for a procedure of the organisation's own is dated and
  owned (YC 4).
"""

from __future__ import annotations

import re

import pytest

from assessor.scoring import score
from tests.corpus import CORPUS, IDS, parse_pages, rendered, scored, squash

UNDER_18 = {"under_13", "age_13_17"}


_squash = squash


def _young(profile) -> bool:
    return bool(UNDER_18 & set(profile.get("audience") or []))


def _variants(path):
    """The scenario as written, and a copy whose missing_member is answered not applicable."""
    catalogue, assessment, result = scored(path)
    yield "as written", assessment, result
    copy = assessment.model_copy(deep=True)
    if "disclosure.missing_member" in copy.answers:
        copy.answers["disclosure.missing_member"].value = "not_applicable"
        yield "missing_member n/a", copy, score(copy, catalogue)


def contact_faults(text: str, young: bool, missing_na: bool) -> list[str]:
    """What is wrong with the text of the member-contact action."""
    bad = []
    if "group agreement, what you will do" in text:
        bad.append("points to a group agreement")
    if missing_na and "stops taking part" in text:
        bad.append("asks about someone who stops taking part, answered not applicable")
    if young and "safe way to" in text:
        if "contact them directly" in text or "also a parent or carer" in text:
            bad.append("a child's own contact, directly")
        if "never one to one" not in text:
            bad.append("no 'never one to one' for a child")
    return bad


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_member_contact_action_keeps_children_off_one_to_one(path):
    for label, assessment, result in _variants(path):
        missing_na = (assessment.answers.get("disclosure.missing_member") or None) is not None and (
            assessment.answers["disclosure.missing_member"].value == "not_applicable"
        )
        for action in result.actions:
            if action.id != "keep_member_contact":
                continue
            bad = contact_faults(action.text, _young(assessment.profile), missing_na)
            assert not bad, (path.stem, label, bad, action.text)


def test_the_contact_rule_finds_the_old_wording():
    old = (
        "For each member you work with, record a safe way to contact them directly (for children, also "
        "a parent or carer). Agree with members, in the group agreement, what you will do if someone "
        "stops taking part or seems to be at risk."
    )
    assert len(contact_faults(old, young=True, missing_na=True)) == 4
    assert contact_faults(old, young=False, missing_na=False) == ["points to a group agreement"]


def _under_age_variants(path):
    """The scenario as written, and, for a national body's club, a copy with no national body (the
    registry's minimum age and the audience alone decide)."""
    catalogue, assessment, result = scored(path)
    yield "as written", assessment, result
    if assessment.profile.get("sector"):
        copy = assessment.model_copy(deep=True)
        copy.profile.pop("sector")
        yield "no national body", copy, score(copy, catalogue)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_children_below_the_minimum_age_in_a_group_are_reached_through_parents(path):
    for label, assessment, result in _under_age_variants(path):
        action = next((a for a in result.actions if a.id == "platform_age"), None)
        if action is None or assessment.profile.get("relationship") != "runs":
            continue
        where = (path.stem, label, action.text)
        assert "a space for their age" not in action.text, where
        if assessment.profile.get("platform") == "messaging_group":
            # words3 (reading r14 SC 8): the accounts come out of the organisation's own groups
            assert "from your groups" in action.text, where
            assert "Keep those groups for parents and carers only" in action.text, where
            # the lead decides how to reach each child (r5_fixb: a parent may be the risk)
            assert "the safeguarding lead decides how to reach each child" in action.text, where
            assert "usually through their parent or carer" in action.text, where


_UNTIL = re.compile(r"Until cover is agreed for every time [^.(]*\(action \d+\)")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_same_day_promise_follows_the_cover_for_the_lead(path):
    pack = rendered(path)
    c = pack.context
    policy = _squash(pack.texts.get("policy_statement", ""))
    staff = _squash(pack.texts.get("staff_code", ""))
    gap = not c.flags.no_lead and not c.in_place("responding.lead_cover")
    if not gap:
        assert "Until cover is agreed" not in policy + staff, path.stem
        return
    assert c.commitment_for("responding.lead_cover"), path.stem
    m = re.search(r"Any concern about [^.]*? goes to [^.]*\.", policy)
    if m:
        # reading r15 RF 12: no stray comma before the full stop ("whenever they are working,.")
        assert re.search(r"same day whenever (one of them is|they are) working\.", m.group(0)), m.group(0)
        assert _UNTIL.search(policy), path.stem
    if "safeguarding lead replies" in staff:
        assert _UNTIL.search(staff), path.stem


def test_cover_in_place_makes_no_gap_note():
    path = next(p for p in CORPUS if p.stem == "young-carers-zoom")
    catalogue, assessment, _ = scored(path)
    assert _UNTIL.search(_squash(rendered(path).texts["policy_statement"]))
    copy = assessment.model_copy(deep=True)
    copy.answers["responding.lead_cover"].value = "in_place"
    texts = {name: _squash(page.text) for name, page in parse_pages(copy, catalogue).items()}
    assert "Until cover is agreed" not in texts["policy_statement"] + texts["staff_code"]
    assert (
        "goes to the designated safeguarding lead, or the deputy if the lead is away, on the same day."
        in (texts["policy_statement"])
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_lead_replies_through_a_host_not_as_one(path):
    pack = rendered(path)
    for doc in ("staff_code", "procedure"):
        for sentence in re.split(r"(?<=\.)\s+", _squash(pack.texts.get(doc, ""))):
            if re.search(r"safeguarding lead replies|chair of trustees replies", sentence):
                assert "a private chat with a host during a session" not in sentence, (
                    path.stem,
                    doc,
                    sentence,
                )


NATIONS = ("england", "wales", "scotland", "northern_ireland")
ADULT_LAW = {
    "england": "the Care Act 2014",
    "wales": "duty to make enquiries about an adult at risk",
    "scotland": "the Adult Support and Protection (Scotland) Act 2007",
    "northern_ireland": "the adult protection arrangements of the Health and Social Care Trusts",
}


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_young_carers_have_a_route_for_the_adult_they_care_for(path):
    catalogue, assessment, _ = scored(path)
    if "young_carers" not in (assessment.profile.get("community_focus") or []):
        return
    for nation in NATIONS:
        copy = assessment.model_copy(deep=True)
        copy.profile["nation"] = nation
        pages = {name: _squash(page.text) for name, page in parse_pages(copy, catalogue).items()}
        route = catalogue.contacts.adult_safeguarding[nation]
        assert f"also refers that adult to {route.short}" in pages["procedure"], (path.stem, nation)
        assert ADULT_LAW[nation] in pages["policy_statement"], (path.stem, nation)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_bringing_a_procedure_into_line_is_dated_and_owned(path):
    text = _squash(rendered(path).texts["risk_report"])
    for m in re.finditer(r"Where a procedure of your own, noted above, differs from this pack", text):
        said = text[m.start() : m.start() + 800]
        assert re.search(
            r"bring it into line: [^()]*(\([^)]*\)[^()]*)*?"
            r"(This is part of action \d+ \([^)]*, by \d{1,2} \w+ \d{4}\)\.|does this at sign-off)",
            said,
        ), (path.stem, said)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_referrer_is_told_on_the_same_terms_as_the_school(path):
    """Reading r13 YC 1: where the procedure involves a school only with the young person's agreement,
    telling the service that referred a young carer (a school or the council's team) needs the same
    agreement, unless someone is at risk of significant harm; never 'where it would not put them at risk'."""
    text = _squash(rendered(path).texts.get("procedure", ""))
    for m in re.finditer(r"[^.]*tells the service that referred them[^.]*\.", text):
        assert "where it would not put them at risk" not in m.group(0), (path.stem, m.group(0))
        if "involves the school only with the young person’s agreement" in text:
            assert (
                "only with the young person’s agreement, unless someone is at risk of significant harm"
                in (m.group(0))
            ), (path.stem, m.group(0))
