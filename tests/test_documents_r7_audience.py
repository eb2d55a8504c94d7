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
  translation instead, as does the policy statement (RF 6, RF 7).
"""

from __future__ import annotations

import copy

import pytest

from assessor.assessment import load_assessment
from assessor.documents.claims import parse, render_pages
from assessor.documents.context import build_context
from tests.corpus import CORPUS, IDS

REFUGEE_RULES = {
    "house_rules": ("case-papers:private", "immigration-advice:regulated-only"),
    "staff_code": ("immigration-advice:regulated-only",),
    "procedure": ("immigration-fear:explain",),
}


def _pages(assessment, catalogue):
    return {name: parse(html, name) for name, html in render_pages(assessment, catalogue).items()}


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
        pages = _pages(variant, catalogue)
        for doc, rules in REFUGEE_RULES.items():
            if doc not in pages:
                continue
            present = _rules(pages[doc])
            for rule in rules:
                assert (rule in present) == expected, (path.stem, doc, rule, expected)
        everything = " ".join(p.text for p in pages.values())
        assert ("Office of the Immigration Services Commissioner" in everything) == expected, path.stem
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
        pages = _pages(variant, catalogue)
        rules = pages["house_rules"]
        assert "same in every language" not in rules.text, path.stem
        assert "rules-translation:promised" in _rules(rules), path.stem
        promise = next(m for m in rules.marks if "rules-translation:promised" in m.tokens)
        assert variant.profile["languages"].rstrip(".") in promise.text, path.stem
        if "policy_statement" in pages:
            assert "translated into each of them" in pages["policy_statement"].text, path.stem
