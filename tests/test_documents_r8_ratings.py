"""Reading r7, the risk register's credibility and its explanation (issue 10), over the whole corpus
(tests/scenarios and examples).

Each rule is driven by the scoring result and the answers, never by a scenario:

* a risk whose residual a cap holds up (a key control missing or partly in place, weak safeguards
  overall) says so, naming the rule from the YAML; "too few yet to lower either score" is printed
  only where the safeguards alone would lower nothing (AQ 1: 23% lowered a score, 28% did not);
* an incident raises the rating before safeguards, and the explanation says so, so that a residual
  below it does not contradict "more likely to happen again" (LG 10, GC 8);
* the register never says members cannot report where the platform registry says a report tool
  exists: it says where the platform's reports go (platforms.yaml reports_go_to; YC 2);
* a safeguard credited as in place names no group agreement the organisation does not have
  (behaviour.conduct_rules not in place; AQ 3);
* an audit of a platform the organisation does not run is never told "unless you check ages
  yourself", nor to have members report anyone who breaks the platform's age rules: nobody can
  know who is sending (AQ 2, AQ 4).
"""

from __future__ import annotations

import re

import pytest

from assessor.catalogue import default_catalogue
from assessor.platforms import all_responses
from tests.corpus import CORPUS, IDS, rendered


def _explained(text: str, risk) -> str:
    """The sentence that rates one risk in section 4: from its heading to its residual."""
    start = text.index(f"{risk.number}. {risk.title}: ", text.index("Each risk explained"))
    r = risk.residual
    end = text.index(f"Now: L{r.likelihood} × I{r.impact} = {r.score}.", start)
    return text[start:end]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_risk_held_up_by_a_rule_names_the_rule(path):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    held = 0
    for risk in context.risks:
        said = _explained(texts["risk_report"], risk)
        u, r, i = risk.uncapped, risk.residual, risk.inherent
        would_lower = u is not None and (u.likelihood, u.impact) != (i.likelihood, i.impact)
        if "too few yet to lower either score" in said:
            assert not would_lower, (path.stem, risk.title, said)
        if u is not None and (r.likelihood, r.impact) != (u.likelihood, u.impact):
            held += 1
            assert "would lower" in said and "cannot fall below" in said, (path.stem, risk.title, said)
            assert risk.held_by and risk.held_by in said, (path.stem, risk.title, said)
    # The corpus holds risks held up by a rule, so the check above is not empty.
    if path.stem in ("anon-qa-app-audit", "sports-club-whatsapp"):
        assert held, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_incident_raises_the_rating_before_safeguards(path):
    pack = rendered(path)
    assessment, context, texts = pack.assessment, pack.context, pack.texts
    incidents = [i for i in assessment.profile.get("incidents") or [] if i != "none"]
    found = 0
    for risk in context.risks:
        for f in risk.raised_by:
            if f.because.startswith("In the past year"):
                found += 1
                assert "rating before safeguards is raised" in f.because, (path.stem, f.because)
    text = texts["risk_report"]
    assert not re.search(r"more likely to\s+happen again", text), path.stem
    if incidents:
        assert found, (path.stem, incidents)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_register_never_says_members_cannot_report_where_the_platform_has_a_report_tool(path):
    pack = rendered(path)
    assessment, texts = pack.assessment, pack.texts
    catalogue = default_catalogue()
    goes_to = all_responses(assessment, catalogue).get("derived.reports_go_to")
    if goes_to in ("platform", "admins", "both"):
        text = texts["risk_report"]
        assert not re.search(r"[Mm]embers cannot report", text), (path.stem, goes_to)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_safeguard_in_place_names_no_group_agreement_the_organisation_lacks(path):
    pack = rendered(path)
    assessment, context = pack.assessment, pack.context
    responses = all_responses(assessment, default_catalogue())
    if responses.get("behaviour.conduct_rules") == "in_place":
        return
    for risk in context.risks:
        for f in risk.lowered_by:
            if f.strength >= 1:
                assert "group agreement" not in f.text.lower(), (path.stem, risk.title, f.text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_audit_is_never_told_to_check_ages_itself_or_to_judge_ages(path):
    pack = rendered(path)
    assessment, texts = pack.assessment, pack.texts
    if assessment.profile.get("relationship") == "runs":
        return
    text = texts["risk_report"]
    assert "unless you check ages yourself" not in text, path.stem
    assert not re.search(r"report [^.]*anyone who breaks its age rules", text), path.stem
