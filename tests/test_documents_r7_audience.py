"""Reading r6, audience-specific content (engineer "audience"), over the whole corpus
(tests/scenarios and examples) and over variants of it:

* a community of refugees, asylum seekers or migrants (profile.community_focus refugees) gets the
  rules that fit it: never post case reference numbers, official letters or details of family abroad
  (RF 11); advice on one's own immigration case only from a regulated adviser, with the OISC's role
  from helplines.yaml, in the house rules and the staff code (RF 16); the fear that the police or
  social services will harm an immigration case, answered in the procedure (RF 29); and the
  modern-slavery, asylum and domestic abuse lines of its nation (RF 17). No other community gets them;
* where members use other languages (profile.languages), the house rules never claim the rules are
  "the same in every language" (they exist only in English until translated) and promise the
  translation instead, as does the policy statement (RF 6, RF 7);
* where cover for the lead is not in place (responding.lead_cover), the procedure tells staff to go
  straight to the statutory route or the police when neither lead nor deputy answers (YC 6);
* a young carers' community gets young-carer triage (caring that is too much, a crisis of the person
  cared for, a young person who stops coming) and the route back to the referring service, and the
  Carers Trust among the sources of help (YC 11, YC 17);
* an upper age for the adults (profile.oldest_age) gives "young people aged 13 to 25", never
  "13 to 17 and adults" (LG 10);
* a rule the organisation already has is kept in the adult house rules: content notes
  (triggering_content.content_warnings) and no screenshots (privacy_data.no_recording) (LG 14, 15);
* an incident in an LGBTQ+ community is answered by the outing passages as well (LG 1).
"""

from __future__ import annotations

import copy

import pytest

from assessor.assessment import Answer, load_assessment
from assessor.documents.claims import check_incidents, facts
from assessor.documents.context import build_context
from tests.corpus import CORPUS, IDS, parse_pages

REFUGEE_RULES = {
    "house_rules": ("case-papers:private", "immigration-advice:regulated-only"),
    "staff_code": ("immigration-advice:regulated-only",),
    "procedure": ("immigration-fear:explain",),
}


def _rules(page) -> set[str]:
    return {t for m in page.marks if m.kind == "rule" for t in m.tokens}


def _with_focus(assessment, focus: list[str]):
    variant = copy.deepcopy(assessment)
    variant.profile["community_focus"] = focus
    return variant


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_refugee_rules_appear_for_refugee_communities_and_only_there(path, catalogue):
    assessment = load_assessment(path, catalogue)
    focus = list(assessment.profile.get("community_focus") or [])
    for variant, expected in (
        (assessment, "refugees" in focus),
        (_with_focus(assessment, [*[f for f in focus if f != "general"], "refugees"]), True),
    ):
        pages = parse_pages(variant, catalogue)
        for doc, rules in REFUGEE_RULES.items():
            if doc not in pages:
                continue
            present = _rules(pages[doc])
            for rule in rules:
                assert (rule in present) == expected, (path.stem, doc, rule, expected)
        everything = " ".join(p.text for p in pages.values())
        assert ("Immigration Advice Authority" in everything) == expected, path.stem
        if expected:
            # The refugee lines of the nation, each with a source and a date checked (helplines.yaml).
            context = build_context(variant, catalogue)
            names = {h.name for h in context.helplines}
            assert "Modern Slavery & Exploitation Helpline" in names, path.stem
            if context.flags.adults:
                # the nation's domestic abuse helpline, shared with survivors' communities
                assert any({"refugees", "abuse_survivors"} <= set(h.communities) for h in context.helplines)
            for line in context.helplines:
                if "refugees" in line.communities:
                    assert line.source and line.checked, line.name
            # A national body with no contact to give says how to find it, not "look up the area's".
            if "procedure" in pages:
                assert (
                    'Search for the Immigration Advice Authority and its "Find an Adviser"'
                    in pages["procedure"].text
                )
            # A body with no contact to give is named in the rules, not listed as a line to call.
            assert all(h.phone or h.web or h.email for h in context.support_lines), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_rules_in_other_languages_are_promised_never_claimed(path, catalogue):
    assessment = load_assessment(path, catalogue)
    variants = [assessment]
    if not assessment.profile.get("languages"):
        variant = copy.deepcopy(assessment)
        variant.profile["languages"] = "Polish and Urdu"
        variants = [variant]
    for variant in variants:
        pages = parse_pages(variant, catalogue)
        rules = pages["house_rules"]
        assert "same in every language" not in rules.text, path.stem
        assert "rules-translation:promised" in _rules(rules), path.stem
        promise = next(m for m in rules.marks if "rules-translation:promised" in m.tokens)
        assert variant.profile["languages"].rstrip(".") in promise.text, path.stem
        if "policy_statement" in pages:
            assert "translated into each of them" in pages["policy_statement"].text, path.stem


def _with_answer(assessment, qid: str, value: str):
    variant = copy.deepcopy(assessment)
    variant.answers[qid] = Answer(value=value)
    return variant


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_without_cover_for_the_lead_high_risk_goes_straight_to_the_statutory_route(path, catalogue):
    assessment = load_assessment(path, catalogue)
    for value in ("in_place", "not_in_place"):
        variant = _with_answer(assessment, "responding.lead_cover", value)
        context = build_context(variant, catalogue)
        procedure = parse_pages(variant, catalogue)["procedure"]
        expected = value != "in_place" and not context.flags.no_lead
        marks = [m for m in procedure.marks if "lead-unreachable:go-straight" in m.tokens]
        assert bool(marks) == expected, (path.stem, value)
        if expected:
            assert any("do not wait" in m.text and context.emergency in m.text for m in marks), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_young_carers_get_their_triage_route_back_and_carers_trust(path, catalogue):
    assessment = load_assessment(path, catalogue)
    focus = list(assessment.profile.get("community_focus") or [])
    for variant, expected in (
        (assessment, "young_carers" in focus),
        (_with_focus(assessment, [*[f for f in focus if f != "general"], "young_carers"]), True),
    ):
        pages = parse_pages(variant, catalogue)
        procedure = pages["procedure"]
        assert ("young-carers:route-back" in _rules(procedure)) == expected, path.stem
        assert ("For a young carer: caring that is too much" in procedure.text) == expected, path.stem
        assert ("Carers Trust" in pages["house_rules"].text) == expected, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_upper_age_for_adults_names_the_age_range(path, catalogue):
    assessment = load_assessment(path, catalogue)
    audience = set(assessment.profile.get("audience") or [])
    if not {"age_13_17", "adults"} <= audience:
        return
    variant = copy.deepcopy(assessment)
    variant.profile["oldest_age"] = variant.profile.get("oldest_age") or "21"
    oldest = variant.profile["oldest_age"]
    pages = parse_pages(variant, catalogue)
    rules = pages["house_rules"].text
    assert f"young people aged 13 to {oldest}" in rules, path.stem
    assert "13 to 17 and adults" not in " ".join(p.text for p in pages.values()), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_rules_the_organisation_already_has_are_kept_in_the_house_rules(path, catalogue):
    assessment = load_assessment(path, catalogue)
    if assessment.profile.get("relationship") != "runs" or assessment.profile.get("platform") == "video":
        return
    for qid, rule in (
        ("triggering_content.content_warnings", "content-notes:required"),
        ("privacy_data.no_recording", "forward-messages:forbidden"),
    ):
        for value in ("in_place", "partly"):
            variant = _with_answer(assessment, qid, value)
            house_rules = parse_pages(variant, catalogue)["house_rules"]
            assert rule in _rules(house_rules), (path.stem, qid, value)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_bullying_in_an_lgbtq_community_is_answered_by_the_outing_rules(path, catalogue):
    assessment = load_assessment(path, catalogue)
    focus = list(assessment.profile.get("community_focus") or [])
    variant = _with_focus(assessment, [*[f for f in focus if f != "general"], "lgbtq"])
    variant.profile["incidents"] = ["behaviour"]
    pages = parse_pages(variant, catalogue)
    known = facts(variant, catalogue)
    assert not check_incidents(pages, known, catalogue.presentation.incidents), path.stem
    context = build_context(variant, catalogue)
    (_, _, passages) = context.incidents[0]
    assert "outing" in {e.section for e in passages}, path.stem
    assert "never out anyone" in pages["risk_report"].text, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_credited_procedure_of_its_own_is_brought_under_the_two_adult_rule(path, catalogue):
    """YC 10: the risk assessment credits the organisation's own disclosure procedure (its note: the
    second host talks with the young person alone); in a video session with young people the pack's
    two-adult rule governs, and the risk assessment says to bring the procedure into line."""
    assessment = load_assessment(path, catalogue)
    variant = copy.deepcopy(assessment)
    variant.answers["disclosure.group_procedure"] = Answer(
        value="in_place", note="Our procedure: one host talks with the young person after the session."
    )
    context = build_context(variant, catalogue)
    risk_report = parse_pages(variant, catalogue)["risk_report"]
    expected = context.flags.runs and context.flags.video and context.flags.under_18
    marks = [
        m for m in risk_report.marks if "two-adults:required" in m.tokens and "bring it into line" in m.text
    ]
    assert bool(marks) == expected, path.stem
