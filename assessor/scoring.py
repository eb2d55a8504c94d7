"""Explainable gap scoring.

For each risk area that applies:

1. **Inherent risk**: likelihood and impact start at the area's ``base`` and
   are moved by profile ``modifiers`` (each one recorded as a reason).
2. **Control strength** S (0-1): the weighted mean strength of the area's
   visible scored questions. Unanswered and "don't know" count as 0;
   "not applicable" is left out. With nothing left to count, S is 0: an area
   is never scored as perfect by default.
3. **Residual risk**: each axis is lowered by round(S x reduction), never
   below 1; the RAG band comes from the 5x5 matrix in ``catalogue.yaml``.

Improving one answer can only raise S (conditions may not depend on scored
questions), so it can never raise a residual risk.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import BaseModel

from assessor.assessment import Assessment, Person
from assessor.questionnaire import (
    BAND_ORDER,
    PRIORITY_ORDER,
    Action,
    Band,
    Catalogue,
    ControlAnswer,
    Kind,
    Priority,
    Question,
    RiskArea,
)
from assessor.visibility import Visibility, is_answered


class Rating(BaseModel):
    likelihood: int
    impact: int
    score: int
    band: Band


class Factor(BaseModel):
    """A profile feature that moved inherent likelihood or impact."""

    axis: str
    change: str
    because: str
    guidance: list[str]


class Finding(BaseModel):
    """One question's contribution to an area's result."""

    question_id: str
    text: str
    section: str
    area_id: str | None
    answer: str | None
    answer_label: str | None
    strength: float | None
    weight: float | None
    note: str | None
    guidance: list[str]


class AreaResult(BaseModel):
    id: str
    title: str
    kind: str
    summary: str
    guidance: list[str]
    base: Rating  # the area's starting point, before anything about this community
    inherent: Rating
    capped: list[str]  # axes whose factors added up past the 1-5 scale
    residual: Rating
    control_strength: float
    controls_counted: int
    raised_by: list[Factor]
    lowered_by: list[Finding]
    gaps: list[Finding]


class PlannedAction(BaseModel):
    id: str
    text: str
    priority: Priority
    priority_label: str
    owner: str
    owner_label: str
    owner_is_custom: bool
    due_window: str
    due_date: dt.date
    areas: list[str]
    sources: list[str]
    find_out_first: bool
    guidance: list[str]


class Result(BaseModel):
    questionnaire_version: str
    audit: bool
    overall: Band
    overall_label: str
    overall_meaning: str
    areas: list[AreaResult]
    not_applicable: list[str]
    actions: list[PlannedAction]
    to_find_out: list[Finding]
    unanswered: list[Finding]
    answered: int
    visible: int


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5 + 1e-9)


def band_of(catalogue: Catalogue, likelihood: int, impact: int) -> Band:
    return catalogue.meta.scoring.matrix[likelihood][impact - 1]


def _rating(catalogue: Catalogue, likelihood: int, impact: int) -> Rating:
    return Rating(
        likelihood=likelihood,
        impact=impact,
        score=likelihood * impact,
        band=band_of(catalogue, likelihood, impact),
    )


def _clamp(v: int) -> int:
    return max(1, min(5, v))


def _strength(catalogue: Catalogue, q: Question, value: Any) -> float | None:
    """Control strength of an answer: None when the question does not count."""
    if q.kind == Kind.control:
        if value == ControlAnswer.not_applicable.value:
            return None
        if value is None:
            return 0.0
        return catalogue.meta.scoring.answer_strength[ControlAnswer(value)]
    option = next((o for o in q.options if o.value == value), None)
    return 0.0 if option is None else option.strength


def answer_label(catalogue: Catalogue, q: Question, value: Any) -> str | None:
    if not is_answered(value):
        return None
    if q.kind == Kind.control:
        return catalogue.meta.control_answers[ControlAnswer(value)]
    labels = {o.value: o.label for o in q.options}
    if isinstance(value, list):
        return "; ".join(labels.get(v, v) for v in value)
    if isinstance(value, Person):
        return ", ".join(p for p in (value.name, value.role) if p)
    return labels.get(value, str(value))


def _finding(
    catalogue: Catalogue, assessment: Assessment, q: Question, section: str, area: str | None
) -> Finding:
    if q.id.startswith("profile."):
        value, note = assessment.profile.get(q.id.removeprefix("profile.")), None
    else:
        answer = assessment.answers.get(q.id)
        value, note = (answer.value, answer.note) if answer else (None, None)
    strength = _strength(catalogue, q, value) if q.scored else None
    return Finding(
        question_id=q.id,
        text=q.text,
        section=section,
        area_id=area,
        answer=value if isinstance(value, str) else None,
        answer_label=answer_label(catalogue, q, value),
        strength=strength,
        weight=q.weight,
        note=note,
        guidance=list(q.guidance),
    )


def _inherent(
    catalogue: Catalogue, area: RiskArea, responses: dict[str, Any]
) -> tuple[int, int, list[Factor], list[str]]:
    """Base, plus every matching ``add``, clamped to 1-5; then ``at_least`` floors.

    Floors come last so that the order of rules in the YAML never changes the result.
    Also returns the axes where the adds ran past the scale, so the explanation can say so.
    """
    factors: list[Factor] = []
    capped: list[str] = []
    values = {}
    for axis in ("likelihood", "impact"):
        spec = getattr(area.inherent, axis)
        matching = [m for m in spec.modifiers if m.when.holds(responses)]
        raw = spec.base + sum(m.add for m in matching if m.add is not None)
        v = _clamp(raw)
        if v != raw:
            capped.append(axis)
        for mod in matching:
            if mod.add is not None:
                factors.append(
                    Factor(
                        axis=axis, change=f"{mod.add:+d}", because=mod.because, guidance=list(mod.guidance)
                    )
                )
        for mod in matching:
            if mod.at_least is not None:
                v = max(v, mod.at_least)
                factors.append(
                    Factor(
                        axis=axis,
                        change=f"at least {mod.at_least}",
                        because=mod.because,
                        guidance=list(mod.guidance),
                    )
                )
        values[axis] = v
    return values["likelihood"], values["impact"], factors, capped


def is_audit(catalogue: Catalogue, assessment: Assessment) -> bool:
    return catalogue.meta.scoring.audit_when.holds(assessment.responses())


def score(assessment: Assessment, catalogue: Catalogue) -> Result:
    """Score an assessment. Pure and deterministic: same input, same result."""
    rules = catalogue.meta.scoring
    responses = assessment.responses()
    vis = Visibility(catalogue, responses)
    audit = rules.audit_when.holds(responses)

    area_results: list[AreaResult] = []
    to_find_out: list[Finding] = []
    unanswered: list[Finding] = []
    answered = visible = 0
    gaps_by_area: dict[str, list[tuple[Question, Finding]]] = {}

    for section, questions in vis.sections(catalogue.profile.sections):
        for q in questions:
            f = _finding(catalogue, assessment, q, section.title, None)
            visible += 1
            if f.answer_label is None:
                unanswered.append(f)
            else:
                answered += 1

    shown_areas = vis.areas()
    for area in shown_areas:
        likelihood, impact, factors, capped = _inherent(catalogue, area, responses)
        total_w = total_ws = 0.0
        counted = 0
        lowered, gaps = [], []
        for section, questions in vis.sections(area.sections):
            for q in questions:
                f = _finding(catalogue, assessment, q, section.title, area.id)
                visible += 1
                if f.answer_label is None:
                    unanswered.append(f)
                else:
                    answered += 1
                if f.answer == ControlAnswer.dont_know.value:
                    to_find_out.append(f)
                if not q.scored or f.strength is None:
                    continue
                counted += 1
                total_w += q.weight or 0
                total_ws += (q.weight or 0) * f.strength
                if f.strength > 0:
                    lowered.append(f)
                if f.strength < 1:
                    gaps.append(f)
                    gaps_by_area.setdefault(area.id, []).append((q, f))
        s = total_ws / total_w if total_w else 0.0
        res_l = max(1, likelihood - round_half_up(s * rules.reduction["likelihood"]))
        res_i = max(1, impact - round_half_up(s * rules.reduction["impact"]))
        area_results.append(
            AreaResult(
                id=area.id,
                title=area.title,
                kind=area.kind,
                summary=area.summary,
                guidance=list(area.guidance),
                base=_rating(catalogue, area.inherent.likelihood.base, area.inherent.impact.base),
                inherent=_rating(catalogue, likelihood, impact),
                capped=capped,
                residual=_rating(catalogue, res_l, res_i),
                control_strength=round(s, 4),
                controls_counted=counted,
                raised_by=factors,
                lowered_by=lowered,
                gaps=gaps,
            )
        )

    order = {a.id: i for i, a in enumerate(catalogue.areas)}
    area_results.sort(key=lambda r: (-r.residual.score, -r.inherent.score, order[r.id]))
    overall = max((r.residual.band for r in area_results), key=BAND_ORDER.index, default=Band.green)
    band_rule = rules.bands[overall]
    actions = _plan(catalogue, assessment, area_results, gaps_by_area, audit)
    return Result(
        questionnaire_version=catalogue.meta.version,
        audit=audit,
        overall=overall,
        overall_label=band_rule.label,
        overall_meaning=band_rule.meaning,
        areas=area_results,
        not_applicable=[a.id for a in catalogue.areas if a not in shown_areas],
        actions=actions,
        to_find_out=to_find_out,
        unanswered=unanswered,
        answered=answered,
        visible=visible,
    )


def _more_urgent(a: Priority, b: Priority) -> Priority:
    return min(a, b, key=PRIORITY_ORDER.index)


def _plan(
    catalogue: Catalogue,
    assessment: Assessment,
    areas: list[AreaResult],
    gaps_by_area: dict[str, list[tuple[Question, Finding]]],
    audit: bool,
) -> list[PlannedAction]:
    """One action per distinct gap fix, most urgent first."""
    rules = catalogue.meta.scoring
    by_id: dict[str, dict[str, Any]] = {}
    rank = {r.id: i for i, r in enumerate(areas)}
    for result in areas:
        floor_from_band = rules.priority_by_band[result.residual.band]
        for q, finding in gaps_by_area.get(result.id, []):
            action: Action | None = catalogue.action_for(q)
            if action is None or action.id is None:
                continue
            priority = _more_urgent(action.priority, floor_from_band)
            unknown = finding.answer in (None, ControlAnswer.dont_know.value)
            entry = by_id.get(action.id)
            if entry is None:
                by_id[action.id] = {
                    "action": action,
                    "priority": priority,
                    "areas": [result.id],
                    "sources": [q.id],
                    "unknown": unknown,
                    "rank": rank[result.id],
                }
            else:
                entry["priority"] = _more_urgent(entry["priority"], priority)
                entry["unknown"] = entry["unknown"] and unknown
                entry["rank"] = min(entry["rank"], rank[result.id])
                if result.id not in entry["areas"]:
                    entry["areas"].append(result.id)
                if q.id not in entry["sources"]:
                    entry["sources"].append(q.id)
    planned = []
    for aid, e in by_id.items():
        action = e["action"]
        text, owner, guidance = action.text, action.owner, list(action.guidance)
        if audit and action.audit is not None:
            text = action.audit.text
            owner = action.audit.owner or owner
            guidance += [g for g in action.audit.guidance if g not in guidance]
        rule = rules.priorities[e["priority"]]
        override = assessment.plan.get(aid)
        due = assessment.meta.assessed_on + dt.timedelta(days=rule.days)
        custom_owner = bool(override and override.owner)
        planned.append(
            PlannedAction(
                id=aid,
                text=text,
                priority=e["priority"],
                priority_label=rule.label,
                owner=override.owner if custom_owner else owner,  # type: ignore[union-attr]
                owner_label=override.owner if custom_owner else catalogue.meta.roles[owner],  # type: ignore[union-attr]
                owner_is_custom=custom_owner,
                due_window=rule.due,
                due_date=override.due if override and override.due else due,
                areas=e["areas"],
                sources=e["sources"],
                find_out_first=e["unknown"],
                guidance=guidance,
            )
        )
    planned.sort(key=lambda a: (PRIORITY_ORDER.index(a.priority), by_id[a.id]["rank"], a.id))
    return planned
