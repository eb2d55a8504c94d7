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
4. **Caps**: a key control that is missing (or only partly in place), a key
   condition of the profile (no safeguarding lead named), or weak controls
   overall hold the residual at or above a floor set in the YAML (``cap``),
   never above the inherent risk. Each floor is a fixed point for a given
   inherent risk and cap, and floors combine by taking the larger likelihood
   and the larger impact, so every cap is listed in the explanation.
   A key control another area links to (``key_controls.linked``) holds that
   area up the same way, named with its own area in the explanation.

Improving one answer can only raise S and can only lift caps (conditions may
not depend on scored questions, and the floor of a partly-in-place key control
is never above that of a missing one), so it can never raise a residual risk.

The action plan ranks gaps by harm: the question's harm class in the order
``harm_order`` gives for the case, then a missing key control, a real gap before a
document this pack supplies, the area's residual risk and the control's weight. An action's
priority is raised by the area's band at most ``max_raise`` steps above its own.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel

from assessor.assessment import Assessment, Person
from assessor.conditions import tests_in
from assessor.platforms import all_responses
from assessor.questionnaire import (
    BAND_ORDER,
    PRIORITY_ORDER,
    Action,
    Band,
    Cap,
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


class KeyControlStatus(BaseModel):
    """A key control of an area and whether it is in place."""

    id: str  # a question id, or the id of a key condition of the profile
    name: str
    status: Literal["in_place", "partly", "missing"]
    answer_label: str | None
    from_profile: bool = False
    guidance: list[str] = []


class AppliedCap(BaseModel):
    """A floor the area's residual risk may not fall below, and why."""

    source: str  # question id, key condition id, or "weak_controls"
    # floor_held: a floor on both axes (a question's `impact_while_missing`), worded by its band
    kind: Literal[
        "key_missing",
        "key_partly",
        "profile",
        "weak",
        "floor_missing",
        "floor_partly",
        "floor_held",
        "incident",
    ]
    because: str
    band: Band | None
    likelihood: int
    impact: int
    binding: bool  # it raised the residual above what the controls alone gave
    guidance: list[str] = []


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
    uncapped: Rating | None = None  # residual from the controls alone, before any cap
    key_controls: list[KeyControlStatus] = []
    key_missing: list[str] = []  # ids of key controls (and key conditions) not in place
    caps: list[AppliedCap] = []
    cap: AppliedCap | None = None  # the cap that holds the residual up most, if any does


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
    key: bool = False  # closes a key control that is missing (or a key condition of the profile)
    why: str = ""  # why it has this priority, in a sentence
    merged_from: list[str] = []  # action ids whose gaps this one action also closes
    phase: int = 1  # 2 or more: moved to a later phase so that fewer actions fall due together


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
    key_missing: list[str] = []  # key conditions of the profile that hold (e.g. appoint_lead)


_DONT_KNOW = ControlAnswer.dont_know.value  # read once, not through the enum for every answer
_new = object.__new__
_set = object.__setattr__


def _built(model: type[BaseModel], **fields: Any) -> Any:
    """A result object from fields the scorer has already checked, without validating them again.

    Validation costs about twice the rest of building one; every field must be given, with the type
    validation would have produced (``score --json`` is byte-identical either way)."""
    obj = _new(model)
    _set(obj, "__dict__", fields)
    _set(obj, "__pydantic_fields_set__", set(fields))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5 + 1e-9)


def band_of(catalogue: Catalogue, likelihood: int, impact: int) -> Band:
    return catalogue.meta.scoring.matrix[likelihood][impact - 1]


def _rating(catalogue: Catalogue, likelihood: int, impact: int) -> Rating:
    band = band_of(catalogue, likelihood, impact)
    key = (likelihood, impact, band)
    rating = _RATINGS.get(key)
    if rating is None:  # 25 possible ratings per matrix: built once, shared (never mutated)
        rating = _RATINGS[key] = Rating(
            likelihood=likelihood, impact=impact, score=likelihood * impact, band=band
        )
    return rating


_RATINGS: dict[tuple[int, int, Band], Rating] = {}


def _clamp(v: int) -> int:
    return max(1, min(5, v))


def _strength(catalogue: Catalogue, q: Question, value: Any) -> float | None:
    """Control strength of an answer: None when the question does not count."""
    if q.kind == Kind.control:
        if value == ControlAnswer.not_applicable.value:
            return None
        if value is None:
            return 0.0
        return catalogue.control_strengths[value]
    strengths = catalogue.option_strengths[q.id]
    return strengths[value] if isinstance(value, str) and value in strengths else 0.0


def answer_label(catalogue: Catalogue, q: Question, value: Any) -> str | None:
    if not is_answered(value):
        return None
    if q.kind == Kind.control:
        return catalogue.control_labels[value]
    labels = catalogue.option_labels.get(q.id, {})
    if isinstance(value, list):
        return "; ".join(labels.get(v, v) for v in value)
    if isinstance(value, Person):
        return ", ".join(p for p in (value.name, value.role) if p)
    return labels.get(value, str(value))


def adults_only(assessment: Assessment) -> bool:
    """No under-18s take part: texts with an adults' wording use it."""
    audience = set(assessment.profile.get("audience") or [])
    return bool(audience) and not audience & {"under_13", "age_13_17"}


def _finding(
    catalogue: Catalogue,
    assessment: Assessment,
    q: Question,
    section: str,
    area: str | None,
    adults: bool | None = None,
) -> Finding:
    if q.id.startswith("profile."):
        value, note = assessment.profile.get(q.id.removeprefix("profile.")), None
    else:
        answer = assessment.answers.get(q.id)
        value, note = (answer.value, answer.note) if answer else (None, None)
    if adults is None:
        adults = adults_only(assessment)
    # Most answers are one of a few values: the same finding is built once and shared. Not with a note:
    # each note is its own, and kept findings that are never found again cost the garbage collector
    # more than building them (scoring new assessments: a tenth of the time went in full collections).
    cacheable = note is None and (value is None or isinstance(value, str))
    if cacheable:
        key = (id(q), section, area, value, note, adults, id(catalogue))
        hit = _FINDINGS.get(key)
        if hit is not None and hit[0] is q and hit[1] is catalogue:
            return hit[2]
    strength = _strength(catalogue, q, value) if q.scored else None
    finding = _built(
        Finding,
        question_id=q.id,
        text=q.text_adults if q.text_adults and adults else q.text,
        section=section,
        area_id=area,
        answer=value if isinstance(value, str) else None,
        answer_label=answer_label(catalogue, q, value),
        strength=strength,
        weight=q.weight,
        note=note,
        guidance=list(q.guidance),
    )
    if cacheable:
        if len(_FINDINGS) > 50_000:
            _FINDINGS.clear()
        _FINDINGS[key] = (q, catalogue, finding)  # keeps q and the catalogue alive with their ids
    return finding


# Findings by question, place and answer, shared between results (never mutated).
_FINDINGS: dict[tuple, tuple[Question, Catalogue, Finding]] = {}


_SHARED: dict[tuple, Any] = {}


def _shared(model: type[BaseModel], **fields: Any) -> Any:
    """A small result object, built once for the same fields and shared (never mutated)."""
    key = (model, *fields, *[tuple(v) if v.__class__ is list else v for v in fields.values()])
    hit = _SHARED.get(key)
    if hit is None:
        if len(_SHARED) > 50_000:
            _SHARED.clear()
        hit = _SHARED[key] = model(**fields)
    return hit


_FACTORS: dict[tuple[int, str, str], tuple[Any, Factor]] = {}


def _factor(mod: Any, axis: str, change: str) -> Factor:
    """The factor a modifier gives: built once per modifier and shared (never mutated)."""
    key = (id(mod), axis, change)
    cached = _FACTORS.get(key)
    if cached is not None and cached[0] is mod:  # the modifier is kept alive with its factor
        return cached[1]
    factor = Factor(axis=axis, change=change, because=mod.because, guidance=list(mod.guidance))
    _FACTORS[key] = (mod, factor)
    return factor


_MEMO: dict[tuple, tuple[Any, Any]] = {}
_REFS: dict[tuple[str, int], tuple[Any, tuple[str, ...]]] = {}


def _refs(kind: str, owner: Any, conditions: list[Any]) -> tuple[str, ...]:
    """The question ids a set of conditions reads (worked out once per owner)."""
    cached = _REFS.get((kind, id(owner)))
    if cached is not None and cached[0] is owner:
        return cached[1]
    refs = tuple(sorted({t.q for c in conditions if c is not None for t in tests_in(c)}))
    _REFS[(kind, id(owner))] = (owner, refs)
    return refs


def _memo(kind: str, owner: Any, refs: tuple[str, ...], responses: dict[str, Any], compute: Any) -> Any:
    """``compute()`` once for each combination of the answers ``refs`` names: conditions read nothing
    else, so the result is the same. Answers of other types (a person) are not cached."""
    values = []
    for q in refs:
        v = responses.get(q)
        if isinstance(v, list):
            v = tuple(v)
        elif not (v is None or isinstance(v, (str, bool, int))):
            return compute()
        values.append(v)
    key = (kind, id(owner), *values)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is owner:
        return hit[1]
    if len(_MEMO) > 50_000:
        _MEMO.clear()
    value = compute()
    _MEMO[key] = (owner, value)  # keeps the owner alive with its id
    return value


def _sections_memo(vis: Visibility, area: RiskArea) -> list[tuple[Any, list[Question]]]:
    """The area's visible sections and questions, once per combination of the answers their
    ``show_if`` conditions read."""
    conds = [s.show_if for s in area.sections] + [q.show_if for s in area.sections for q in s.questions]
    refs = _refs("sections", area, conds)
    return _memo("sections", area, refs, vis.responses, lambda: vis.sections(area.sections))


_AXES: dict[int, tuple[RiskArea, tuple]] = {}


def _axes(area: RiskArea) -> tuple:
    """Per area, not per assessment: each axis's base and its modifiers as (holds, add, at_least,
    the factor it gives), in the YAML's order."""
    cached = _AXES.get(id(area))
    if cached is not None and cached[0] is area:
        return cached[1]
    axes = []
    for axis in ("likelihood", "impact"):
        spec = getattr(area.inherent, axis)
        mods = tuple(
            (
                m.when.holds,
                m.add,
                m.at_least,
                _factor(m, axis, f"{m.add:+d}" if m.add is not None else f"at least {m.at_least}"),
            )
            for m in spec.modifiers
        )
        axes.append((axis, spec.base, mods))
    if len(_AXES) > 10_000:
        _AXES.clear()
    _AXES[id(area)] = (area, tuple(axes))  # keeps the area alive with its id
    return _AXES[id(area)][1]


# A reason may name a derived fact in braces ("Members post about {derived.self_harm_subjects}
# here"): the organisation's own answer is said, never a fixed list it did not give (reading r12, LG 1).
_SLOT = re.compile(r"\{(derived\.[a-z_]+)\}")


def _said(text: str, responses: dict[str, Any]) -> str:
    """A reason with each ``{derived.*}`` slot filled from the answers."""
    return _SLOT.sub(lambda m: str(responses.get(m[1]) or ""), text) if "{" in text else text


def _filled(factor: Factor, responses: dict[str, Any]) -> Factor:
    """The factor with its reason's slots filled (the shared factor itself where it has none)."""
    if "{" not in factor.because:
        return factor
    return _shared(
        Factor,
        axis=factor.axis,
        change=factor.change,
        because=_said(factor.because, responses),
        guidance=list(factor.guidance),
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
    values = []
    for axis, base, mods in _axes(area):
        matching = [m for m in mods if m[0](responses)]
        raw = base
        for _, add, _, factor in matching:
            if add is not None:
                raw += add
                factors.append(_filled(factor, responses))
        v = _clamp(raw)
        if v != raw:
            capped.append(axis)
        for _, _, at_least, factor in matching:
            if at_least is not None:
                v = max(v, at_least)
                factors.append(_filled(factor, responses))
        values.append(v)
    return values[0], values[1], factors, capped


def responses_for(assessment: Assessment, catalogue: Catalogue) -> dict[str, Any]:
    """Answers as conditions see them: the profile, the answers and the platform's derived facts."""
    return all_responses(assessment, catalogue)


def is_audit(catalogue: Catalogue, assessment: Assessment) -> bool:
    return catalogue.meta.scoring.audit_when.holds(responses_for(assessment, catalogue))


@lru_cache(maxsize=4096)
def _band_floor(
    matrix: tuple[tuple[Band, ...], ...], reduction: tuple[int, int], li: int, ii: int, band: Band
) -> tuple[int, int]:
    """How far an area of inherent (li, ii) may fall while it must stay in ``band`` or above.

    The floor is the lowest-scoring point no higher than the inherent risk, in the band, that
    never lifts a residual the controls give above the cap's band when the two are combined
    (each axis takes the larger value); ties keep the impact and lower the likelihood, since
    controls mostly make harm less likely. When the inherent risk is below the band, the floor
    is the inherent risk.
    """
    want = BAND_ORDER.index(band)

    def rank(lk: int, im: int) -> int:
        return BAND_ORDER.index(matrix[lk - 1][im - 1])

    if rank(li, ii) < want:
        return li, ii
    reachable = {
        (
            max(1, li - round_half_up(k / 200 * reduction[0])),
            max(1, ii - round_half_up(k / 200 * reduction[1])),
        )
        for k in range(201)
    }
    best: tuple[int, int, int] | None = None
    for lk in range(1, li + 1):
        for im in range(1, ii + 1):
            if rank(lk, im) < want:
                continue
            if any(rank(max(u, lk), max(v, im)) > max(rank(u, v), want) for u, v in reachable):
                continue
            cand = (lk * im, lk, -im)
            if best is None or cand < best:
                best = cand
    return (li, ii) if best is None else (best[1], -best[2])


_MATRICES: dict[int, tuple[Any, tuple[tuple[Band, ...], ...]]] = {}


def _matrix(catalogue: Catalogue) -> tuple[tuple[Band, ...], ...]:
    m = catalogue.meta.scoring.matrix
    cached = _MATRICES.get(id(m))
    if cached is not None and cached[0] is m:
        return cached[1]
    t = tuple(tuple(m[row]) for row in range(1, 6))
    _MATRICES[id(m)] = (m, t)
    return t


@lru_cache(maxsize=4096)
def _cap_floor(
    matrix: tuple[tuple[Band, ...], ...], reduction: tuple[int, int], cap: Cap, li: int, ii: int
) -> tuple[int, int]:
    fl, fi = min(cap.likelihood or 1, li), min(cap.impact or 1, ii)
    if cap.band is not None:
        bl, bi = _band_floor(matrix, reduction, li, ii, cap.band)
        fl, fi = max(fl, bl), max(fi, bi)
    return fl, fi


def cap_applies(catalogue: Catalogue, cap: Cap, li: int, ii: int) -> bool:
    """Whether a cap applies to an area of this inherent risk (see ``Cap.from_inherent``)."""
    if cap.from_impact is not None and ii < cap.from_impact:
        return False
    if cap.from_inherent is None:
        return True
    return BAND_ORDER.index(band_of(catalogue, li, ii)) >= BAND_ORDER.index(cap.from_inherent)


def cap_floor(catalogue: Catalogue, cap: Cap, li: int, ii: int) -> tuple[int, int]:
    """The floor a cap sets for an area of inherent likelihood ``li`` and impact ``ii``."""
    if not cap_applies(catalogue, cap, li, ii):
        return 1, 1
    red = catalogue.meta.scoring.reduction
    return _cap_floor(_matrix(catalogue), (red["likelihood"], red["impact"]), cap, li, ii)


_CAP_AT: dict[tuple[int, int, int], tuple[Cap, Catalogue, tuple[bool, int, int, Band, str]]] = {}


def _cap_at(catalogue: Catalogue, cap: Cap, li: int, ii: int) -> tuple[bool, int, int, Band, str]:
    """Whether a cap applies at inherent (li, ii), its floor, the floor's band and the floor in words:
    worked out once per cap and inherent risk (it does not depend on the answers)."""
    key = (id(cap), li, ii)
    hit = _CAP_AT.get(key)
    if hit is not None and hit[0] is cap and hit[1] is catalogue:
        return hit[2]
    applies = cap_applies(catalogue, cap, li, ii)
    fl, fi = cap_floor(catalogue, cap, li, ii)
    value = (applies, fl, fi, band_of(catalogue, fl, fi), _cap_words(catalogue, cap, fl, fi))
    if len(_CAP_AT) > 10_000:
        _CAP_AT.clear()
    _CAP_AT[key] = (cap, catalogue, value)  # keeps the cap and the catalogue alive with their ids
    return value


# Likelihood-only floors (catalogue.yaml `likelihood_floor`), one per level 1-5, so that caps keep
# their ids. A tuple, not a cache: nothing may clear it.
_LIKELIHOOD_CAPS = tuple(Cap(likelihood=n) for n in range(1, 6))
# Floors on both axes (a question's `impact_while_missing`), one per likelihood and impact. Tuples,
# not a dict: a dict keyed by tuples reads as a cache (tests/test_documents_r7_perf.py empties every
# one), and an emptied table broke every later score with a KeyError.
_BOTH_CAPS = tuple(tuple(Cap(likelihood=lk, impact=im) for im in range(1, 6)) for lk in range(1, 6))


def _cap_words(catalogue: Catalogue, cap: Cap, fl: int, fi: int) -> str:
    if cap.band is None and cap.impact is None:
        return f"likelihood {fl}"
    band = band_of(catalogue, fl, fi)
    label = catalogue.meta.scoring.bands[band].label
    return f"{label} (likelihood {fl}, impact {fi})"


def _key_name(q: Question) -> str:
    if q.short:
        return q.short
    return q.text.rstrip(".")


def _key_status(catalogue: Catalogue, q: Question, value: Any, strength: float) -> str:
    if value is None or value in catalogue.meta.scoring.key_controls.missing_answers:
        return "missing"
    if strength >= 1:
        return "in_place"
    return "missing" if strength <= 0 else "partly"


def score(assessment: Assessment, catalogue: Catalogue) -> Result:
    """Score an assessment. Pure and deterministic: same input, same result."""
    rules = catalogue.meta.scoring
    responses = responses_for(assessment, catalogue)
    vis = Visibility(catalogue, responses)
    audit = rules.audit_when.holds(responses)
    adults = adults_only(assessment)  # once per assessment, not per finding
    floor = rules.likelihood_floor
    incidents = set(responses.get("profile.incidents") or ()) - {"none"}

    area_results: list[AreaResult] = []
    to_find_out: list[Finding] = []
    unanswered: list[Finding] = []
    answered = visible = 0
    gaps_by_area: dict[str, list[tuple[Question, Finding, str]]] = {}

    for section, questions in vis.sections(catalogue.profile.sections):
        for q in questions:
            if q.optional and not is_answered(assessment.profile.get(q.id.removeprefix("profile."))):
                continue  # no tick is a complete answer
            visible += 1
            if is_answered(assessment.profile.get(q.id.removeprefix("profile."))):
                answered += 1
            else:
                unanswered.append(_finding(catalogue, assessment, q, section.title, None, adults))

    shown_areas = vis.areas()
    shown_ids = {a.id for a in shown_areas}
    visible_sections = {a.id: _sections_memo(vis, a) for a in shown_areas}
    extra: dict[str, list[tuple[Any, Question]]] = {}
    for area in shown_areas:
        for section, questions in visible_sections[area.id]:
            for q in questions:
                for other in q.also_counts_in:
                    if other in shown_ids and other != area.id:
                        extra.setdefault(other, []).append((section, q))
    conditions_held = [(kid, kc) for kid, kc in rules.key_conditions.items() if kc.when.holds(responses)]
    kc_rules = rules.key_controls
    # Key controls another area links to (catalogue.yaml `key_controls.linked`): their status, where
    # they are shown, apply and count (not "not applicable").
    linked: dict[str, tuple[Question, Finding, str, Any]] = {}
    if kc_rules.linked:
        wanted = {qid for qids in kc_rules.linked.values() for qid in qids}
        for area in shown_areas:
            for section, questions in visible_sections[area.id]:
                for q in questions:
                    if q.id in wanted and q.key and (q.key_if is None or q.key_if.holds(responses)):
                        f = _finding(catalogue, assessment, q, section.title, area.id, adults)
                        if f.strength is not None:
                            linked[q.id] = (q, f, _key_status(catalogue, q, f.answer, f.strength), area)

    for area in shown_areas:
        likelihood, impact, factors, capped = _inherent(catalogue, area, responses)
        total_w = total_ws = 0.0
        counted = 0
        lowered, gaps = [], []
        keys: list[KeyControlStatus] = []
        caps: list[tuple[str, str, Cap, str, list[str]]] = []  # source, kind, cap, because, guidance
        items = [(s, q, True) for s, qs in visible_sections[area.id] for q in qs]
        items += [(s, q, False) for s, q in extra.get(area.id, [])]
        for section, q, own in items:
            if not q.scored:  # counted as answered or not, never scored: no finding unless unanswered
                answer = assessment.answers.get(q.id)
                if q.optional and not (answer is not None and is_answered(answer.value)):
                    continue  # no tick is a complete answer
                if own:
                    visible += 1
                    if answer is not None and is_answered(answer.value):
                        answered += 1
                    else:
                        unanswered.append(_finding(catalogue, assessment, q, section.title, area.id, adults))
                continue
            f = _finding(catalogue, assessment, q, section.title, area.id, adults)
            if own:
                visible += 1
                if f.answer_label is None:
                    unanswered.append(f)
                else:
                    answered += 1
                if f.answer == _DONT_KNOW:
                    to_find_out.append(f)
            if f.strength is None:  # not applicable (q is scored: unscored questions continued above)
                continue
            counted += 1
            total_w += q.weight or 0
            total_ws += (q.weight or 0) * f.strength
            if f.strength > 0:
                lowered.append(f)
            status = None
            if q.key and (q.key_if is None or q.key_if.holds(responses)):
                raw = f.answer if f.answer is not None else None
                status = _key_status(catalogue, q, raw, f.strength)
                name = _key_name(q)
                keys.append(
                    _shared(
                        KeyControlStatus,
                        id=q.id,
                        name=name,
                        status=status,
                        answer_label=f.answer_label,
                        guidance=f.guidance,
                    )
                )
                if status == "missing":
                    cap = q.cap or area.cap or kc_rules.cap
                    if cap is not None:
                        said = f.answer_label.lower() if f.answer_label else "unanswered"
                        caps.append(
                            (
                                q.id,
                                "key_missing",
                                cap,
                                f"Key control {said}: {name}. While it is missing,",
                                f.guidance,
                            )
                        )
                elif status == "partly" and (q.partly_cap or kc_rules.partly_cap) is not None:
                    caps.append(
                        (
                            q.id,
                            "key_partly",
                            q.partly_cap or kc_rules.partly_cap,
                            f"Key control only partly in place: {name}. Until it is in place,",
                            f.guidance,
                        )
                    )
            if floor is not None and own and f.strength < 1:
                incident = bool(incidents.intersection(q.answers_incident))
                # A control every incident needs, after this year's incident (reading r11, AQ 4).
                after = q.floor_after_incident and bool(incidents) and not q.floor_while_missing
                if incident or q.floor_while_missing or after:
                    missing = f.strength <= 0 or f.answer in kc_rules.missing_answers
                    said = f.answer_label.lower() if f.answer_label else "unanswered"
                    words = {"name": _key_name(q), "answer": said}
                    if incident or missing:
                        steps, kind = 0, ("incident" if incident else "floor_missing")
                        text = floor.incident_because if incident else floor.missing_because
                    else:
                        steps, kind, text = floor.partly_steps, "floor_partly", floor.partly_because
                    if after and not incident and floor.after_incident_because:
                        text = floor.after_incident_because
                    cap = _LIKELIHOOD_CAPS[max(1, likelihood - steps) - 1]
                    if q.impact_while_missing and missing and not incident and floor.impact_because:
                        # Nothing else here stops the harm going on: the impact keeps its rating too.
                        cap, text = _BOTH_CAPS[likelihood - 1][impact - 1], floor.impact_because
                        kind = "floor_held"
                    caps.append((q.id, kind, cap, text.format(**words), f.guidance))
            if f.strength < 1:
                gaps.append(f)
                gaps_by_area.setdefault(area.id, []).append((q, f, status or ""))
        for kid, kc in conditions_held:
            if area.id in kc.areas:
                keys.append(
                    KeyControlStatus(
                        id=kid,
                        name=kc.missing,
                        status="missing",
                        answer_label=None,
                        from_profile=True,
                        guidance=list(kc.guidance),
                    )
                )
                caps.append((kid, "profile", kc.cap, f"{kc.missing}. Until that changes,", list(kc.guidance)))
        for qid in kc_rules.linked.get(area.id, ()):
            if qid not in linked:
                continue
            q, f, status, owner = linked[qid]
            words = {"name": _key_name(q), "area": owner.title}
            if status == "missing":
                cap = q.cap or owner.cap or kc_rules.cap
                said = f.answer_label.lower() if f.answer_label else "unanswered"
                because = kc_rules.linked_missing_because.format(**words, answer=said)
            elif status == "partly":
                cap = q.partly_cap or kc_rules.partly_cap
                because = kc_rules.linked_partly_because.format(**words)
            else:
                continue
            if cap is not None:
                caps.append((qid, f"key_{status}", cap, because, f.guidance))
        s = total_ws / total_w if total_w else 0.0
        if floor is not None and floor.incident_area and area.id in incidents and s < 1:
            # This year's incident happened here: while any of its safeguards is missing, it is not rare.
            cap = _LIKELIHOOD_CAPS[min(likelihood, floor.incident_area) - 1]
            caps.append(
                ("profile.incidents", "incident", cap, floor.incident_area_because or "", list(area.guidance))
            )
        for weak in [rules.weak_controls, *rules.weak_controls_more]:
            if weak is not None and s < weak.below:
                caps.append(("weak_controls", "weak", weak.cap, weak.because, list(area.guidance)))
        for rule in area.strength_rules:
            lifted = bool(rule.unless_in_place) and all(
                responses.get(q) == ControlAnswer.in_place.value for q in rule.unless_in_place
            )
            if s < rule.below and not lifted and (rule.when is None or rule.when.holds(responses)):
                because = _said(rule.because, responses)
                caps.append((f"{area.id}.strength_rule", "weak", rule.cap, because, list(area.guidance)))
        res_l = max(1, likelihood - round_half_up(s * rules.reduction["likelihood"]))
        res_i = max(1, impact - round_half_up(s * rules.reduction["impact"]))
        uncapped = (res_l, res_i)
        applied: list[AppliedCap] = []
        for source, kind, cap, because, cap_guidance in caps:
            applies, fl, fi, floor_band, floor_words = _cap_at(catalogue, cap, likelihood, impact)
            if not applies:
                continue
            binding = fl > uncapped[0] or fi > uncapped[1]
            applied.append(
                _shared(
                    AppliedCap,
                    source=source,
                    kind=kind,
                    because=f"{because} this area cannot fall below {floor_words}.",
                    band=floor_band,
                    likelihood=fl,
                    impact=fi,
                    binding=binding,
                    guidance=cap_guidance,
                )
            )
            res_l, res_i = max(res_l, fl), max(res_i, fi)
        # The cap the explanation names sets the residual itself (a floor another cap already exceeds
        # explains nothing), then the highest floor.
        top = max(
            (c for c in applied if c.binding),
            key=lambda c: (
                (c.likelihood == res_l > uncapped[0]) or (c.impact == res_i > uncapped[1]),
                c.likelihood * c.impact,
                c.impact,
            ),
            default=None,
        )
        area_results.append(
            _built(
                AreaResult,
                id=area.id,
                title=area.title,
                kind=area.kind,
                summary=area.summary_for(responses),
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
                uncapped=_rating(catalogue, *uncapped),
                key_controls=keys,
                key_missing=[k.id for k in keys if k.status == "missing"],
                caps=applied,
                cap=top,
            )
        )

    order = {a.id: i for i, a in enumerate(catalogue.areas)}
    area_results.sort(key=lambda r: (-r.residual.score, -r.inherent.score, order[r.id]))
    overall = max((r.residual.band for r in area_results), key=BAND_ORDER.index, default=Band.green)
    band_rule = rules.bands[overall]
    actions = _plan(catalogue, assessment, responses, area_results, gaps_by_area, audit, conditions_held)
    return _built(
        Result,
        questionnaire_version=catalogue.meta.version,
        audit=audit,
        overall=overall,
        overall_label=band_rule.label,
        overall_meaning=band_rule.meaning_for(responses),
        areas=area_results,
        not_applicable=[a.id for a in catalogue.areas if a.id not in shown_ids],
        actions=actions,
        to_find_out=to_find_out,
        unanswered=unanswered,
        answered=answered,
        visible=visible,
        key_missing=[kid for kid, _ in conditions_held],
    )


_URGENCY = {p: i for i, p in enumerate(PRIORITY_ORDER)}  # 0 = critical


def _more_urgent(a: Priority, b: Priority) -> Priority:
    return a if _URGENCY[a] <= _URGENCY[b] else b


def _raised(own: Priority, by_band: Priority, max_raise: int) -> Priority:
    """The more urgent of the action's own priority and the band's, at most ``max_raise`` steps above its own."""
    limit = PRIORITY_ORDER[max(0, _URGENCY[own] - max_raise)]
    return _more_urgent(own, _less_urgent(by_band, limit))


def _effective(catalogue: Catalogue, action: Action, audit: bool) -> Action:
    """The action as planned: an audit that names a shared action uses that one."""
    if audit and action.audit_action is not None:
        return catalogue.actions[action.audit_action]
    return action


# Key conditions of the profile (no lead named, members below the platform's minimum age) rank
# before every gap: nothing else the plan asks for works without them.
_KC_HARM = (1,)


def harm_order_for(catalogue: Catalogue, responses: dict[str, Any]) -> Any:
    """The ``harm_order`` entry that applies to this assessment (the first whose ``when`` holds)."""
    return next(
        (h for h in catalogue.meta.scoring.harm_order if h.when is None or h.when.holds(responses)), None
    )


def harm_class(q: Question, area: RiskArea | None) -> str:
    """The harm class of a question: its own ``harm``, else its area's, else "other"."""
    return q.harm or (area.harm if area is not None else None) or "other"


def _less_urgent(a: Priority, b: Priority) -> Priority:
    return a if _URGENCY[a] >= _URGENCY[b] else b


# What rank_by can name, in the order _plan builds each gap's features.
_FEATURES = (
    "answers_incident", "harm_class", "key_missing", "key", "absent", "answered", "real_gap", "incident",
    "immediate", "residual", "gap", "own_priority", "answered_danger",
)  # fmt: skip

_PLAN_TABLES: dict[int, tuple[Catalogue, dict, dict, frozenset[str]]] = {}


def _plan_tables(catalogue: Catalogue) -> tuple[dict, dict, frozenset[str]]:
    """Per catalogue: what a gap's action and harm class are (by question, area and audit), the
    priority steps for each combination of own priority, band and flags, and the actions the pack
    supplies (``_pack_supplied``). None of them depends on answers."""
    cached = _PLAN_TABLES.get(id(catalogue))
    if cached is None or cached[0] is not catalogue:
        cached = _PLAN_TABLES[id(catalogue)] = (catalogue, {}, {}, _pack_supplied(catalogue))
    return cached[1], cached[2], cached[3]


def _question_plan(catalogue: Catalogue, q: Question, area: RiskArea | None, audit: bool) -> tuple:
    base = catalogue.action_for(q)
    if base is None or base.id is None:
        return (None, None, None, 0, "", 0, 0, (), ())
    action = _effective(catalogue, base, audit)
    return (
        base,
        action,
        action.id or base.id,
        _URGENCY[action.priority],
        harm_class(q, area),
        0 if action.supplied_by_pack else 1,
        1 if action.immediate else 0,
        tuple(q.answers_incident),
        # Wordings chosen by the answers that also set how urgent the action is (`given` priority).
        tuple(v for v in action.given if v.priority is not None) if not audit else (),
    )


def _priority_steps(
    rules: Any, own: Priority, band: Band, key: bool, urgent: bool, answers: bool, crit_ok: bool,
    ceiling: Priority | None, floor: Priority | None = None, partly: bool = False,
) -> tuple[Priority, Priority, bool, Priority | None, Priority | None]:  # fmt: skip
    """A gap's priority: (priority, before the incident step, held back from critical, lowered to,
    held to by being partly in place)."""
    key_map = rules.priority_by_band_key or rules.priority_by_band
    by_band = key_map[band] if key else rules.priority_by_band[band]
    priority = _raised(own, by_band, rules.max_raise)
    partly_to = rules.partly_at_most_by_band.get(band) if partly and not answers else None
    if partly_to is not None and _URGENCY[priority] < _URGENCY[partly_to]:
        # Half closed in an area of this band: finishing it is as urgent as the band, no more.
        priority = partly_to
    else:
        partly_to = None
    before_incident = priority
    if (urgent or answers) and rules.incident_raise:
        # Acted on first: one step up, never more than max_raise above its own priority.
        stepped = PRIORITY_ORDER[max(0, _URGENCY[priority] - rules.incident_raise)]
        limit = rules.max_raise
        if answers and rules.incident_answer_max_raise is not None:
            # The first answer to this year's incident may go further (never low to critical: le=2).
            limit = rules.incident_answer_max_raise
        priority = _raised(own, stepped, limit)
    if floor is not None:
        # A gap of this class is at least this urgent here, never more than max_raise above its own.
        priority = _more_urgent(priority, _raised(own, floor, rules.max_raise))
    at_most = rules.priority_at_most_by_band.get(band)
    if at_most is not None and not key and not answers:
        # An answer to this year's incident is not an improvement to make one day.
        priority = _less_urgent(priority, at_most)
    held_back = priority == Priority.critical and not crit_ok
    if held_back:
        priority = Priority.high
    lowered_to = None
    if ceiling is not None and _URGENCY[priority] < _URGENCY[ceiling]:
        priority = lowered_to = ceiling
    return priority, before_incident, held_back, lowered_to, partly_to


def _why(
    rules: Any, harm_rule: Any, incidents: set[str], incident_labels: dict[str, str], key: bool, urgent: bool,
    answers: bool, kinds: tuple[str, ...], title: str, label: str, priority: Priority,
    before_incident: Priority, held_back: bool, lowered_to: Priority | None, cls: str, lifted: str = "", floor_note: str = "",
    partly_to: Priority | None = None, mostly: Any = False, given_why: str | None = None,
) -> str:  # fmt: skip
    """Why a gap's action has its priority, in a sentence or two."""
    if key:
        why = f"Closes a missing key control in {title} ({label})."
    elif urgent:
        why = f"Closes a gap in {title} ({label}), where an incident happened since the last review."
    else:
        why = f"Closes a gap in {title} ({label})."
    if partly_to is not None:
        held = rules.priorities[partly_to].label.lower()
        why += (
            f" It is a key safeguard, but mostly in place already ({mostly})"
            if mostly
            else " It is partly in place already"
        ) + f", so in a {label} area finishing it is at most {held}."
    if answers:
        named = ", ".join(incident_labels.get(k, k) for k in kinds if k in incidents)
        raised_to = rules.priorities[priority].label.lower()
        why += (
            f" It is the first answer to an incident since the last review ({named.lower()}):"
            + lifted
            + (f" raised one step to {raised_to}," if priority != before_incident else "")
            + " not held back by the area's band, and ranked first within its priority."
        )
    elif urgent:
        raised_to = rules.priorities[priority].label.lower()
        why += (
            f" An incident of this kind is acted on first: raised one step to {raised_to}"
            if priority != before_incident
            else " An incident of this kind is acted on first"
        ) + " and ranked first within its priority."
    if held_back:
        why += f" Critical is kept for {', '.join(harm_rule.critical)} harm here, so this one is high."
    why += floor_note
    if lowered_to is not None:
        label_to = rules.priorities[lowered_to].label.lower()
        why += f" A gap of this kind ({cls}) is at most {label_to} here."
    if given_why:
        why += f" {given_why}"
    return why


# The word that dates an action to today ("... from personal accounts now: until ..."): kept only
# where the action is critical, since a later due date contradicts it. "right now", "for now" and
# "just now" are not dates and stay whole (reading r8, AQ 4: "cannot talk safely right: agree").
_NOW = re.compile(r"(?<!\bright)(?<!\bfor)(?<!\bjust)\s+now(?=[:;,])")


def _pack_supplied(catalogue: Catalogue) -> frozenset[str]:
    """Actions that adopt a document every pack supplies (documents.yaml `supplied`, with no
    condition): the pack holds what they ask for."""
    return frozenset(
        aid for aid, entries in catalogue.presentation.supplied.items() if any(not e.when for e in entries)
    )


def _plan(
    catalogue: Catalogue,
    assessment: Assessment,
    responses: dict[str, Any],
    areas: list[AreaResult],
    gaps_by_area: dict[str, list[tuple[Question, Finding, str]]],
    audit: bool,
    conditions_held: list[tuple[str, Any]],
) -> list[PlannedAction]:
    """One action per distinct fix, ranked by harm; critical is kept for what must happen now."""
    rules = catalogue.meta.scoring
    bands = {r.id: r for r in areas}
    urgent_areas = {
        a.id: a.urgent_when is not None and a.urgent_when.holds(responses)
        for a in catalogue.areas
        if a.id in bands
    }
    area_rank = {r.id: i for i, r in enumerate(areas)}
    area_by_id = {a.id: a for a in catalogue.areas}
    harm_rule = harm_order_for(catalogue, responses)
    harm_classes = list(harm_rule.order) if harm_rule is not None else []
    harm_tier = {c: i for i, c in enumerate(harm_classes)}
    rank_by = rules.rank_by
    incidents = set(assessment.profile.get("incidents") or ())
    incident_labels = catalogue.option_labels.get("profile.incidents", {})
    idx = [_FEATURES.index(r.value) for r in rank_by]
    pick = operator.itemgetter(*idx) if len(idx) > 1 else (lambda f: (f[idx[0]],) if idx else ())
    by_id: dict[str, dict[str, Any]] = {}
    eligible: dict[str, bool] = {}  # whether a gap it closes may be critical here (class, own priority)

    def add(action: Action, aid: str, priority: Priority, area: str | None, source: str, unknown: bool,
            harm: tuple, key: bool, why: str, original: str) -> None:  # fmt: skip
        entry = by_id.get(aid)
        if entry is None:
            entry = by_id[aid] = {
                "action": action, "priority": priority, "areas": [], "sources": [], "unknown": unknown,
                "harm": harm, "key": key, "why": why, "merged": [],
            }  # fmt: skip
        else:
            if _URGENCY[priority] < _URGENCY[entry["priority"]] or (
                priority == entry["priority"] and harm > entry["harm"]
            ):
                entry["why"] = why
            entry["priority"] = _more_urgent(entry["priority"], priority)
            entry["unknown"] = entry["unknown"] and unknown
            entry["harm"] = max(entry["harm"], harm)
            entry["key"] = entry["key"] or key
        if area is not None and area not in entry["areas"]:
            entry["areas"].append(area)
        if source not in entry["sources"]:
            entry["sources"].append(source)
        if original != aid and original not in entry["merged"]:
            entry["merged"].append(original)

    for kid, kc in conditions_held:
        action = kc.action.model_copy(update={"id": kid})
        for area in kc.areas:
            add(action, kid, action.priority, area if area in bands else None, kid, False,
                _KC_HARM, True, f"{kc.missing}.", kid)  # fmt: skip
        if not kc.areas:
            add(
                action,
                kid,
                action.priority,
                None,
                kid,
                False,
                _KC_HARM,
                True,
                f"{kc.missing}.",
                kid,
            )

    adults = adults_only(assessment)

    def wording(action: Action) -> tuple[str, str, list[str], Any]:
        """The text, owner and guidance printed for an action, and the wording chosen."""
        given = next((v for v in action.given if v.when.holds(responses)), None) if action.given else None
        text, owner, guidance = (given or action).text, action.owner, list(action.guidance)
        variant = (  # only read outside an audit; an at-once `split` wording is printed as it is
            next((v for v in action.platform if v.when.holds(responses)), None)
            if action.platform and not audit and not (given is not None and given.split)
            else None
        )
        if given is not None and given.owner:
            owner = given.owner
        chosen = given  # the wording printed: its at_sign_off puts the action with the sign-off
        if audit and action.audit is not None:
            audit_given = next((v for v in action.audit.given if v.when.holds(responses)), None)
            text = audit_given.text if audit_given is not None else action.audit.text
            owner = action.audit.owner or owner
            guidance += [g for g in action.audit.guidance if g not in guidance]
            chosen = audit_given
        elif variant is not None and not audit:
            # The platform cannot do what the action's own text asks (platforms.yaml).
            text = variant.adults if variant.adults and adults else variant.text
            chosen = variant
        elif action.adults and adults and given is None:
            text = action.adults
        elif given is not None and given.adults and adults:
            text = given.adults
        return text, owner, guidance, chosen

    info, prio_memo, in_pack = _plan_tables(catalogue)
    crit_classes = harm_rule.critical if harm_rule is not None else None
    ceilings = harm_rule.at_most if harm_rule is not None else {}
    floors = harm_rule.at_least if harm_rule is not None else {}
    n_classes = len(harm_classes)
    for result in areas:
        band = result.residual.band
        label = rules.bands[band].label
        urgent = urgent_areas[result.id]
        residual = result.residual.score
        rank_area = -area_rank[result.id]
        area_def = area_by_id.get(result.id)
        for q, finding, status in gaps_by_area.get(result.id, []):
            qi = info.get((q.id, result.id, audit))
            if qi is None:
                qi = info[(q.id, result.id, audit)] = _question_plan(catalogue, q, area_def, audit)
            base, action, aid, own_idx, cls, real_gap, immediate, kinds, urgent_given = qi
            if action is None:
                continue
            raised_by = None
            plain = action  # the action as the gap alone would plan it (for a `split` wording's rest)
            if urgent_given:
                # The wording the answers choose may say the gap is a danger now (catalogue `given`
                # with `priority`): the action is at least that urgent, and due at once if `immediate`.
                chosen = next((v for v in action.given if v.when.holds(responses)), None)
                if chosen is not None and chosen.priority is not None:
                    raised_by = chosen
                    if _URGENCY[chosen.priority] < own_idx or (chosen.immediate and not action.immediate):
                        action = action.model_copy(
                            update={
                                "priority": _more_urgent(action.priority, chosen.priority),
                                "immediate": action.immediate or chosen.immediate,
                            }
                        )
                        own_idx, immediate = _URGENCY[action.priority], 1 if action.immediate else 0
            strength = finding.strength or 0.0
            mostly = (
                status == "partly"
                and bool(q.mostly_in_place_with)
                and all(responses.get(x) == ControlAnswer.in_place.value for x in q.mostly_in_place_with)
            )
            if mostly:
                mostly = " and ".join(_key_name(catalogue.index[x]).lower() for x in q.mostly_in_place_with)
                status = ""  # planned like any control partly in place, not as a key gap
            partly = 0 < strength < 1 and not status
            if partly and q.whole_gap_when is not None and q.whole_gap_when.holds(responses):
                partly = False  # not half a safeguard here: the action keeps its own priority
            key = status == "missing"
            answers = bool(kinds) and not incidents.isdisjoint(kinds)
            # The first answer to this year's incident may be critical whatever its harm class.
            crit_ok = (
                crit_classes is None
                or cls in crit_classes
                or (answers and rules.incident_answer_max_raise is not None)
            )
            gap_band, lifted = band, ""
            if answers and rules.incident_answer_band:
                # As urgent as the area where this year's incident happened.
                for k in kinds:
                    other = bands[k].residual.band if k in incidents and k in bands else gap_band
                    if BAND_ORDER.index(other) > BAND_ORDER.index(gap_band):
                        gap_band = other
                        lifted = (
                            f" as urgent as {bands[k].title}, where it happened ({rules.bands[other].label}),"
                        )
            pkey = (
                own_idx,
                gap_band,
                key,
                urgent,
                answers,
                crit_ok,
                ceilings.get(cls),
                floors.get(cls),
                partly,
            )
            steps = prio_memo.get(pkey)
            if steps is None:
                steps = prio_memo[pkey] = _priority_steps(rules, action.priority, *pkey[1:])
            priority, before_incident, held_back, lowered_to, partly_to = steps
            split = raised_by is not None and raised_by.split
            if split:
                # The at-once wording is its own action; the rest keeps the gap's own priority and date.
                plain_steps = _priority_steps(rules, plain.priority, *pkey[1:])
                plain_priority = plain_steps[0]
            if (
                raised_by is not None
                and _URGENCY[raised_by.priority] < _URGENCY[priority]
                and (raised_by.priority != Priority.critical or crit_ok or raised_by.immediate)
            ):
                # A danger the answers show now is not held to the area's band or a half-closed gap,
                # nor, when one step stops it at once (`immediate`), to the harm classes that may be
                # critical: a report read days late is a response gap (reading r12, GC 1).
                priority = raised_by.priority
            floor = floors.get(cls)
            floor_note = (
                f" A gap of this kind ({cls}) is at least {rules.priorities[floor].label.lower()} here."
                if floor is not None and _URGENCY[priority] <= _URGENCY[floor]
                else ""
            )
            feats = (
                # answers_incident: the first answer to an incident this year; of those, one that
                # works at once (`immediate`: a warning that stops the same trick) before a session
                # or guide that takes longer (reading r8, RF 2).
                (1 + immediate if answers else 0),
                -harm_tier.get(cls, n_classes),  # harm_class, in the lead's order (`harm_order`)
                1 if key else 0,  # key_missing: a missing key control
                1 if status else 0,  # key: a key control, missing or only partly in place
                1 if strength <= 0 else 0,  # absent: not in place at all
                0 if finding.answer_label is None else 1,  # answered: unanswered is found out first
                real_gap,  # real_gap: before adopting a document in this pack
                1 if urgent else 0,  # incident: an incident of this kind in the past year
                immediate,  # immediate: a danger now
                residual,  # residual: the area's residual risk
                round((1 - strength) * (q.weight or 0.0), 3),  # gap: weight x distance from in place
                -own_idx,  # own_priority: the action's own priority
                1 if raised_by is not None else 0,  # answered_danger: a `given` wording set its priority
            )
            harm = (0, *pick(feats), rank_area)
            why = (key, urgent, answers, kinds, result.title, label, priority, before_incident, held_back,
                   lowered_to, cls, lifted, floor_note, partly_to, mostly,
                   raised_by.why if raised_by is not None else None)  # fmt: skip
            unknown = (finding.answer is None or finding.answer == _DONT_KNOW) and not (
                q.known_when is not None and q.known_when.holds(responses)
            )
            add(action, aid, priority, result.id, q.id, unknown, harm, key, why, base.id)
            eligible[aid] = eligible.get(aid, False) or (own_idx <= rules.max_raise and crit_ok)
            if split:
                # The usual wording (without the split ones), as its own action, planned as the gap;
                # where the gap alone is critical too, it stays in the same action, after the at-once part.
                rest = plain.model_copy(update={"given": [v for v in plain.given if not v.split]})
                if plain_priority == Priority.critical and raised_by.join_critical_rest:
                    by_id[aid]["rest"] = rest
                    split = False
            if split:
                # The gap is closed by the rest (its source); the at-once action keeps the question's id.
                # Where the at-once part stops the danger itself (`rest_high`), the rest (interviews,
                # references) is work of weeks, high at most, with its own date (reading r14, SC 3, LG 4).
                demoted = raised_by.rest_high and plain_priority == Priority.critical
                if demoted:
                    plain_priority = Priority.high
                if q.id in by_id[aid]["sources"]:
                    by_id[aid]["sources"].remove(q.id)
                rest_feats = (
                    *feats[:8],
                    1 if plain.immediate else 0,
                    *feats[9:11],
                    -_URGENCY[plain.priority],
                    0,
                )
                rest_why = (
                    *why[:6],
                    plain_priority,
                    *plain_steps[1:4],
                    *why[10:12],
                    "" if demoted else why[12],
                    plain_steps[4],
                    mostly,
                    None,
                )
                then = f"{aid}.then"
                add(rest, then, plain_priority, result.id, q.id, unknown, (0, *pick(rest_feats), rank_area),
                    key, rest_why, base.id)  # fmt: skip
                eligible[then] = eligible.get(then, False) or (
                    _URGENCY[plain.priority] <= rules.max_raise and crit_ok
                )

    for e in by_id.values():  # the why of the gap each action kept, in words (only those are built)
        if not isinstance(e["why"], str):
            e["why"] = _why(rules, harm_rule, incidents, incident_labels, *e["why"])

    planned = []
    for e in by_id.values():
        text, owner, guidance, chosen = wording(e["action"])
        if e.get("rest") is not None:
            # A split wording whose rest is itself a rule put in force now: one action, due at once,
            # the rest's own wording first, as page 1 prints it, then the at-once message.
            text = wording(e["rest"])[0].rstrip() + " " + text.lstrip()
        e["owner"], e["text"], e["guidance"] = owner, text, guidance
        e["sign_off"] = chosen is not None and chosen.at_sign_off

    order = {p: i for i, p in enumerate(PRIORITY_ORDER)}

    for e in by_id.values():  # the harm tuple is final now; priorities may still change below
        e["neg"] = tuple(map(operator.neg, e["harm"]))

    def rank(a: str) -> tuple:
        e = by_id[a]
        return (order[e["priority"]], e["neg"], a)

    ranked = sorted(by_id, key=rank)
    high_rule = rules.critical_for_high
    severe = [
        r
        for r in areas
        if high_rule is not None
        and r.residual.band == Band.red
        and r.residual.impact >= high_rule.from_impact
    ]
    if severe and not any(e["priority"] == Priority.critical for e in by_id.values()):
        # High overall with nothing critical would tell trustees to carry out critical actions
        # that do not exist: the most harmful gap serving a severe High area becomes critical.
        high_ids = {r.id for r in severe}
        serving = [a for a in ranked if high_ids & set(by_id[a]["areas"])]
        pick = next((a for a in serving if eligible.get(a, False)), None)
        if pick is not None:
            e = by_id[pick]
            titles = ", ".join(r.title for r in severe if r.id in e["areas"])
            e["priority"] = Priority.critical
            e["why"] += (
                f" It is the most harmful gap in a High area ({titles}), and a High rating needs at"
                " least one critical action, so it is critical."
            )
        elif serving:
            kept = ", ".join(harm_rule.critical) if harm_rule is not None and harm_rule.critical else "none"
            by_id[serving[0]]["why"] += (
                " No gap in the High areas may be critical here (critical is kept for "
                f"{kept} harm, and an action is never raised more than {rules.max_raise} step above its own"
                " priority), so none is."
            )
        ranked = sorted(by_id, key=rank)
    if rules.critical_at_most is not None:
        # The limit is on gaps: a key condition of the profile (no lead named, members below the
        # platform's minimum age) does not take the place of a critical gap (reading r8, SC 7).
        conditions = {kid for kid, _ in conditions_held}
        crit = [a for a in ranked if by_id[a]["priority"] == Priority.critical and a not in conditions]
        limit = rules.critical_at_most
        if rules.critical_in_all_at_most is not None:
            held = sum(by_id[a]["priority"] == Priority.critical for a in by_id if a in conditions)
            limit = max(0, min(limit, rules.critical_in_all_at_most - held))
        for a in crit[limit:]:
            by_id[a]["priority"] = Priority.high
            by_id[a]["why"] += " Critical is kept for the most harmful few, so this one is high."
        ranked = sorted(by_id, key=rank)
    at_once = rules.at_once
    fallbacks = {role: fb for role, fb in rules.role_fallbacks.items() if fb.when.holds(responses)}
    planned_now = at_once is not None and (at_once.when is None or at_once.when.holds(responses))
    roles = catalogue.meta.roles
    assessed_on = assessment.meta.assessed_on
    due_by_days: dict[int, dt.date] = {}
    phasing, per_phase, last_phase, last_days = rules.phasing, {}, 1, 0
    review_days = max(0, (assessment.meta.review_date() - assessed_on).days)
    for aid in ranked:
        e = by_id[aid]
        action = e["action"]
        rule = rules.priorities[e["priority"]]
        days, window, phased = rule.days, rule.due, 1
        if at_once is not None and e["priority"] in at_once.priorities:
            if planned_now:
                days, window = 0, at_once.due
            elif action.immediate:
                days, window = 0, at_once.immediate_due or at_once.due
        elif (
            phasing is not None
            and (aid in in_pack or action.supplied_by_pack or e["sign_off"])
            and not assessment.plan.get(aid)
        ):
            # The trustees sign this pack now: adopting a document it supplies is not phased, and is
            # due within the first phase at the latest.
            if e["priority"] != Priority.critical:
                days = min(days, phasing.every_days)
                window = phasing.pack_due.format(weeks=days // 7)
        elif phasing is not None and e["priority"] != Priority.critical and not assessment.plan.get(aid):
            # No more than `at_most` actions fall due in any one phase: in plan order, each takes the
            # first phase from its own window on (and not before the one before it) with room left.
            every = phasing.every_days
            phase = max(-(-days // every), last_phase)
            while per_phase.get(phase, 0) >= phasing.at_most:
                phase += 1
            per_phase[phase] = per_phase.get(phase, 0) + 1
            if phase * every > days and (phase > -(-days // every) or last_days > days):
                days, phased = phase * every, phase
                window = phasing.due.format(phase=phase, weeks=days // 7)
            last_phase, last_days = phase, days
        if 0 < review_days < days and not assessment.plan.get(aid):
            # No action falls due after the next review, which checks it. A review already due is
            # flagged as overdue on its own; it does not make every open action overdue too.
            days, window = review_days, (phasing.by_review if phasing is not None else window)
        if e["priority"] != Priority.critical and "now" in e["text"]:
            # "now" is a promise only a critical action keeps (reading r7, LG 3, GC 1). The test
            # for "now" first: the pattern's look-behinds, tried at every position, made this
            # line a seventh of scoring time.
            e["text"] = _NOW.sub("", e["text"])
        owner = e["owner"]
        owner_label = roles[owner]
        fallback = fallbacks.get(owner)
        if fallback is not None:
            owner, owner_label = fallback.owner, fallback.label
        due = due_by_days.get(days)
        if due is None:
            due = due_by_days[days] = assessed_on + dt.timedelta(days=days)
        override = assessment.plan.get(aid)
        custom_owner = bool(override and override.owner)
        planned.append(
            _built(
                PlannedAction,
                id=aid,
                text=e["text"],
                priority=e["priority"],
                priority_label=rule.label,
                owner=override.owner if custom_owner else owner,  # type: ignore[union-attr]
                owner_label=override.owner if custom_owner else owner_label,  # type: ignore[union-attr]
                owner_is_custom=custom_owner,
                due_window=window,
                due_date=override.due if override and override.due else due,
                areas=e["areas"],
                sources=e["sources"],
                find_out_first=e["unknown"],
                guidance=e["guidance"],
                key=e["key"],
                why=e["why"],
                merged_from=e["merged"],
                phase=phased,
            )
        )
    return planned
