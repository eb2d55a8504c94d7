"""Reading r7, audience-specific content (engineer "audience2"), over the whole corpus
(tests/scenarios and examples) and over variants of it:

* the immigration advisers' regulator is named as members will see it on the register and on an
  adviser's certificate: the Immigration Advice Authority (formerly the OISC), from helplines.yaml
  with its source and date checked (RF 4);
* where under-18s take part, the house rules ask for a parent's or carer's consent too before a
  picture of someone else is shared, except where parents are contacted only with the young
  person's agreement (SC 12);
* a club with a national body's route (profile.sector: it meets in person for its activities) may
  say where it will be for fixtures and lifts: its personal-details rule does not forbid the
  group's purpose; every other community keeps "where you are or will be" private (SC 11);
* no pack suggests an age check through a school, which could out a young person who is not out
  there (LG 2).
"""

from __future__ import annotations

import copy
import re

import pytest

from assessor.assessment import load_assessment
from assessor.documents.context import build_context
from tests.corpus import CORPUS, IDS, parse_pages, rendered


def _rule_text(page, token: str) -> list[str]:
    return [m.text for m in page.marks if m.kind == "rule" and token in m.tokens]


def _variant(assessment, **profile):
    variant = copy.deepcopy(assessment)
    variant.profile.update(profile)
    return variant


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_immigration_regulator_is_named_as_members_see_it(path, catalogue):
    assessment = load_assessment(path, catalogue)
    focus = [f for f in assessment.profile.get("community_focus") or [] if f != "general"]
    variant = _variant(assessment, community_focus=[*focus, "refugees"])
    context = build_context(variant, catalogue)
    iaa = context.helpline("Immigration Advice Authority")
    assert iaa is not None and iaa.checked and "gov.uk" in iaa.source, path.stem
    everything = " ".join(p.text for p in parse_pages(variant, catalogue).values())
    assert "Immigration Advice Authority" in everything, path.stem
    assert "Office of the Immigration Services Commissioner" not in everything, path.stem
    assert not re.search(r"\bthe OISC (regulates|website|takes|and its)\b", everything), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_photos_of_children_need_a_parents_consent_too(path, catalogue):
    pack = rendered(path)
    context, pages = pack.context, pack.parsed
    if "house_rules" not in pages:
        pytest.skip("no house rules")
    rules = _rule_text(pages["house_rules"], "images-of-others:consent")
    if not rules:
        pytest.skip("no picture-sharing rule: nothing is posted")
    wanted = context.flags.under_18 and not context.flags.parents_by_agreement
    assert any("parent’s or carer’s" in r for r in rules) == wanted, (path.stem, rules)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_personal_details_rule_fits_a_club_that_meets(path, catalogue):
    assessment = load_assessment(path, catalogue)
    for variant in (assessment, _variant(assessment, sector="football", nation="england")):
        context = build_context(variant, catalogue)
        pages = parse_pages(variant, catalogue)
        if "house_rules" not in pages:
            continue
        rules = " ".join(_rule_text(pages["house_rules"], "personal-details:private"))
        if not rules:
            continue
        meets = context.contacts.sector is not None
        assert ("fixtures and lifts" in rules) == meets, (path.stem, rules)
        assert ("where you are or will be" in rules) == (not meets), (path.stem, rules)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_age_check_through_a_school(path, catalogue):
    assessment = load_assessment(path, catalogue)
    for variant in (assessment, _variant(assessment, community_focus=["lgbtq"])):
        everything = " ".join(p.text for p in parse_pages(variant, catalogue).values())
        assert not re.search(r"joining only through [^.]*\bschool\b", everything), path.stem
