"""Property tests: any valid answer set scores; a better control never raises a risk."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.assessment import Answer, Assessment
from assessor.questionnaire import Catalogue, Kind
from assessor.scoring import score

CONTROL_ORDER = ["not_in_place", "dont_know", "partly", "in_place"]
ANSWERS = [*CONTROL_ORDER, "not_applicable", None]


@st.composite
def assessments(draw, catalogue: Catalogue) -> Assessment:
    profile = {}
    for section in catalogue.profile.sections:
        for q in section.questions:
            key = q.id.removeprefix("profile.")
            values = [o.value for o in q.options]
            if q.kind == Kind.single:
                profile[key] = draw(st.sampled_from(values))
            elif q.kind == Kind.multi:
                profile[key] = draw(st.lists(st.sampled_from(values), unique=True))
    answers = {}
    for area in catalogue.areas:
        for section in area.sections:
            for q in section.questions:
                if q.kind == Kind.control:
                    value = draw(st.sampled_from(ANSWERS))
                elif q.kind == Kind.single:
                    value = draw(st.sampled_from([None] + [o.value for o in q.options]))
                else:
                    continue
                if value is not None:
                    answers[q.id] = Answer(value=value)
    return Assessment(organisation={"name": "Property Org"}, profile=profile, answers=answers)


def improvements(catalogue: Catalogue, a: Assessment):
    """Every assessment that differs from ``a`` by one strictly better scored answer."""
    for q in catalogue.questions():
        if not q.scored:
            continue
        current = a.answers.get(q.id)
        value = current.value if current else None
        if q.kind == Kind.control:
            if value == "not_applicable":
                continue
            rank = CONTROL_ORDER.index(value) if value else 0
            better = CONTROL_ORDER[rank + 1 :]
        else:
            strength = {o.value: o.strength for o in q.options}
            now = strength.get(value, 0.0)
            better = [v for v, s in strength.items() if s > now]
        for b in better:
            yield q.id, a.model_copy(update={"answers": {**a.answers, q.id: Answer(value=b)}})


def _check(catalogue, a):
    before = score(a, catalogue)
    assert before == score(a, catalogue)  # deterministic
    residual = {r.id: r.residual for r in before.areas}
    for qid, better in improvements(catalogue, a):
        after = score(better, catalogue)
        for r in after.areas:
            old = residual[r.id]
            assert r.residual.likelihood <= old.likelihood, qid
            assert r.residual.impact <= old.impact, qid
            assert r.residual.score <= old.score, qid


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_bundled_questionnaire_is_monotonic(catalogue, data):
    _check(catalogue, data.draw(assessments(catalogue)))


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_mini_questionnaire_is_monotonic(mini, data):
    _check(mini, data.draw(assessments(mini)))
