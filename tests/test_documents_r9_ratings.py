"""Reading r8, the risk register's credibility (issue 10), over the whole corpus (tests/scenarios and
examples). Each rule is driven by the answers, the profile and the catalogue, never by a scenario:

* an incident this year raises every area that acts on it first (its ``urgent_when``), not only one
  of them: impersonation raises "Anonymity and impersonation" as it raises "Fake profiles" (RF 4);
* while the first answer to this year's incident (``answers_incident``) is not in place, the area's
  likelihood keeps its rating before safeguards: the same thing can happen again the same way (RF 4);
* a safeguard whose absence is the harm itself (``floor_while_missing``: reaching a member at risk,
  a member being able to block someone) holds the likelihood at its rating before safeguards while
  missing, and one step below while partly in place (LG 5, AQ 2);
* the register's explanation names the rule that sets the rating it prints, not another floor that
  the rating already exceeds (AQ 2: "cannot fall below Medium" printed for a likelihood 3 that the
  blocking floor set).
"""

from __future__ import annotations

import re

import pytest

from assessor.catalogue import default_catalogue
from assessor.platforms import all_responses
from tests.corpus import CORPUS, IDS, rendered, scored


def _scored(path):
    catalogue, assessment, result = scored(path)
    return assessment, result, all_responses(assessment, catalogue)


def _register(path):
    pack = rendered(path)
    return pack.context, pack.texts["risk_report"]


def _area(catalogue, area_id):
    return next(a for a in catalogue.areas if a.id == area_id)


def _explained(text: str, risk) -> str:
    start = text.index(f"{risk.number}. {risk.title}: ", text.index("Each risk explained"))
    r = risk.residual
    end = text.index(f"Now: L{r.likelihood} × I{r.impact} = {r.score}.", start)
    return text[start:end]


def _floors(path):
    """(area result, question, answer strength, incident?) for every control that holds a floor."""
    catalogue = default_catalogue()
    _, result, responses = _scored(path)
    incidents = set(responses.get("profile.incidents") or ()) - {"none"}
    out = []
    for area in result.areas:
        own = {q.id for s in _area(catalogue, area.id).sections for q in s.questions}
        for f in (*area.lowered_by, *area.gaps):
            q = catalogue.index.get(f.question_id)
            if q is None or q.id not in own or f.strength is None or f.strength >= 1:
                continue
            incident = bool(incidents & set(q.answers_incident))
            if incident or q.floor_while_missing:
                out.append((area, q, f, incident))
    return out


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_incident_raises_every_area_that_acts_on_it_first(path):
    catalogue = default_catalogue()
    _, result, responses = _scored(path)
    raised = 0
    for area in result.areas:
        rule = _area(catalogue, area.id).urgent_when
        if rule is None or not rule.holds(responses):
            continue
        raised += 1
        assert any(f.because.startswith("In the past year") for f in area.raised_by), (path.stem, area.id)
    if path.stem in ("refugee-community-facebook", "learning-disability-whatsapp"):
        assert raised >= 2, path.stem  # fake profiles and impersonation both


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_missing_answer_to_the_harm_itself_holds_the_likelihood(path):
    rules = default_catalogue().meta.scoring.likelihood_floor
    held = []
    for area, q, f, incident in _floors(path):
        partly = not incident and f.strength > 0 and f.answer not in ("not_in_place", "dont_know")
        floor = max(1, area.inherent.likelihood - (rules.partly_steps if partly else 0))
        assert area.residual.likelihood >= floor, (path.stem, area.id, q.id, f.answer)
        held.append((area.id, q.id))
    expected = {
        "refugee-community-facebook": ("anonymity", "anonymity.staff_never_ask"),
        "lgbtq-youth-discord": ("anonymity", "anonymity.reach_member"),
        "anon-qa-app-audit": ("reporting", "reporting.block_tool"),
    }
    if path.stem in expected:
        assert expected[path.stem] in held, (path.stem, held)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_register_names_the_rule_that_sets_the_rating(path):
    context, text = _register(path)
    _, result, _ = _scored(path)
    by_id = {a.id: a for a in result.areas}
    for risk in context.risks:
        area = by_id[risk.id]
        said = _explained(text, risk)
        u, r = area.uncapped, area.residual
        if u is None or (u.likelihood, u.impact) == (r.likelihood, r.impact):
            continue
        cap = area.cap
        assert cap is not None and cap.binding, (path.stem, risk.id)
        sets = (cap.likelihood == r.likelihood > u.likelihood) or (cap.impact == r.impact > u.impact)
        assert sets, (path.stem, risk.id, cap.because, r)
        assert risk.held_by and risk.held_by in said, (path.stem, risk.id)
        if cap.kind in ("floor_missing", "floor_partly", "incident"):
            assert re.search(rf"cannot fall below likelihood {r.likelihood}\b", said), (path.stem, said)


def test_a_control_that_holds_a_floor_has_a_short_name():
    """The floor's reason names the control; its full wording is set out once, in the gaps."""
    for area in default_catalogue().areas:
        for section in area.sections:
            for q in section.questions:
                if q.floor_while_missing or q.answers_incident:
                    assert q.short and len(q.short.split()) <= 10, q.id


@pytest.mark.parametrize(
    "stem, area_id, least",
    [
        ("refugee-community-facebook", "anonymity", 4),  # RF 4: impersonated this year, no "we never charge"
        ("lgbtq-youth-discord", "anonymity", 3),  # LG 5: pseudonymous, reach only partly in place
        ("anon-qa-app-audit", "reporting", 3),  # AQ 2: nobody can block an anonymous sender
    ],
)
def test_the_readers_ratings_are_no_longer_below_the_facts(stem, area_id, least):
    path = next(p for p in CORPUS if p.stem == stem)
    _, result, _ = _scored(path)
    area = next(a for a in result.areas if a.id == area_id)
    assert area.residual.likelihood >= least, (stem, area_id, area.residual)
