"""Plain-text risk register and action plan for the terminal (``assessor score``)."""

from __future__ import annotations

import textwrap

from assessor.assessment import Assessment
from assessor.questionnaire import Catalogue
from assessor.scoring import AreaResult, Result

_WIDTH = 100


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, _WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def _area_block(area: AreaResult, catalogue: Catalogue) -> list[str]:
    bands = catalogue.meta.scoring.bands
    i, r = area.inherent, area.residual
    lines = [
        f"{area.title}",
        f"  inherent L{i.likelihood} x I{i.impact} = {i.score:>2} {bands[i.band].label:<6}"
        f"  controls {area.control_strength:>4.0%} of {area.controls_counted}"
        f"  residual L{r.likelihood} x I{r.impact} = {r.score:>2} {bands[r.band].label}",
        f"    starting point L{area.base.likelihood} x I{area.base.impact}"
        + (f"; {' and '.join(area.capped)} capped at 5" if area.capped else ""),
    ]
    for f in area.raised_by:
        lines.append(_wrap(f"+ {f.axis} {f.change}: {f.because} [{', '.join(f.guidance)}]", "    "))
    status = {"in_place": "in place", "partly": "partly in place", "missing": "MISSING"}
    for k in area.key_controls:
        lines.append(
            _wrap(f"* key control {status[k.status]}: {k.name} ({k.id}) [{', '.join(k.guidance)}]", "    ")
        )
    if area.uncapped is not None and area.caps:
        u = area.uncapped
        lines.append(
            f"    safeguards alone give L{u.likelihood} x I{u.impact} = {u.score} {bands[u.band].label}"
        )
    for c in area.caps:
        held = "" if c.binding else " (the safeguards already keep it there)"
        lines.append(_wrap(f"^ cap: {c.because}{held} [{', '.join(c.guidance)}]", "    "))
    for f in area.lowered_by:
        lines.append(_wrap(f"- {f.answer_label}: {f.text} [{', '.join(f.guidance)}]", "    "))
    for f in area.gaps:
        label = f.answer_label or "Unanswered"
        lines.append(_wrap(f"! gap ({label}): {f.text} [{', '.join(f.guidance)}]", "    "))
    return lines


def format_result(result: Result, assessment: Assessment, catalogue: Catalogue) -> str:
    out = [
        f"Risk register: {assessment.organisation.name}",
        f"Assessed {assessment.meta.assessed_on.isoformat()}; next review "
        f"{assessment.meta.review_date().isoformat()}; questionnaire {result.questionnaire_version}"
        + ("; auditing a platform the organisation does not run" if result.audit else ""),
        f"Answered {result.answered} of {result.visible} questions shown.",
        "",
        f"OVERALL: {result.overall_label.upper()} ({result.overall.value}). {result.overall_meaning}",
        "",
        f"{'Area':<44}{'Inherent':>10}{'Controls':>10}{'Residual':>10}  RAG",
    ]
    for a in result.areas:
        out.append(
            f"{a.title[:43]:<44}{a.inherent.score:>10}{a.control_strength:>10.0%}{a.residual.score:>10}"
            f"  {a.residual.band.value}"
        )
    if result.not_applicable:
        out.append(f"Not applicable to this profile: {', '.join(result.not_applicable)}")
    out += ["", "WHY", ""]
    for a in result.areas:
        out += [*_area_block(a, catalogue), ""]
    out += ["ACTION PLAN", ""]
    for n, act in enumerate(result.actions, 1):
        flag = " (find out first)" if act.find_out_first else ""
        out.append(_wrap(f"{n:>2}. [{act.priority_label}] {act.text}{flag}", ""))
        out.append(
            f"      Owner: {act.owner_label}. Due: {act.due_window} ({act.due_date.isoformat()})."
            f" From: {', '.join(act.sources)}"
        )
        if act.why:
            out.append(_wrap(f"Why: {act.why}", "      "))
    if result.to_find_out:
        out += ["", 'TO FIND OUT (answered "don\'t know")', ""]
        out += [_wrap(f"- {f.text} ({f.question_id})", "") for f in result.to_find_out]
    if result.unanswered:
        out += ["", f"UNANSWERED ({len(result.unanswered)})", ""]
        out += [_wrap(f"- {f.text} ({f.question_id})", "") for f in result.unanswered]
    return "\n".join(out)
