"""What changed between two versions of an assessment, for trustees.

``compare(old, new, catalogue)`` lists the answers changed (with both values), the risk areas
whose rating moved (both ratings), the actions completed, added or dropped, and the documents
whose wording changed. The app's History page, ``python -m assessor diff OLD NEW`` and the risk
assessment's optional page "Changes since the version approved on …" all show this.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from dataclasses import dataclass
from typing import Any

from assessor.assessment import Assessment, Person
from assessor.questionnaire import Catalogue, Kind


@dataclass(frozen=True)
class AnswerChange:
    question: str  # question id (profile questions as profile.<id>)
    text: str  # the question as asked
    where: str  # the page it is on
    part: str  # "answer" or "note"
    before: str
    after: str


@dataclass(frozen=True)
class RatingMove:
    area: str
    title: str
    before: str  # "High (L4 × I4 = 16)", or "Not applicable"
    after: str
    before_band: str  # high, medium, low, or "" when not applicable
    after_band: str


@dataclass(frozen=True)
class ActionChange:
    action: str  # action id
    text: str
    change: str  # completed, added or dropped
    detail: str = ""


@dataclass(frozen=True)
class Changes:
    old: str  # how each version is named: "version 1, approved 30 November 2026"
    new: str
    answers: tuple[AnswerChange, ...] = ()
    ratings: tuple[RatingMove, ...] = ()
    actions: tuple[ActionChange, ...] = ()
    documents: tuple[str, ...] = ()  # titles of documents whose wording changed
    overall: tuple[str, str] | None = None  # the overall rating, before and after, when it moved
    approved_on: dt.date | None = None  # when the old version was approved, if it was

    def is_empty(self) -> bool:
        return not (self.answers or self.ratings or self.actions or self.documents or self.overall)

    def completed(self) -> tuple[ActionChange, ...]:
        return tuple(a for a in self.actions if a.change == "completed")

    def added(self) -> tuple[ActionChange, ...]:
        return tuple(a for a in self.actions if a.change == "added")

    def dropped(self) -> tuple[ActionChange, ...]:
        return tuple(a for a in self.actions if a.change == "dropped")


# -- naming values ------------------------------------------------------------------------------


def _date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def value_label(catalogue: Catalogue, qid: str, value: Any) -> str:
    """An answer as the person chose it: option labels, a person's name, the text."""
    if value in (None, "", []):
        return "(not answered)"
    if isinstance(value, Person):
        value = value.model_dump()
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v) or "(not answered)"
    if isinstance(value, dt.date):
        return _date(value)
    q = catalogue.index.get(qid)
    if q is None:
        return str(value)
    if q.kind == Kind.control:
        labels = {a.value: text for a, text in catalogue.meta.control_answers.items()}
        return labels.get(value, str(value))
    options = {o.value: o.label for o in q.options}
    if isinstance(value, list):
        return ", ".join(options.get(v, str(v)) for v in value)
    return options.get(value, str(value))


def version_name(a: Assessment) -> str:
    from assessor import lifecycle

    v = lifecycle.versions(a)[-1]
    if v.status.value == "approved" and v.approved_on:
        return f"version {v.version}, approved {_date(v.approved_on)}"
    return f"version {v.version}, {lifecycle.STATUS_LABELS[v.status].lower()}"


# -- comparing ----------------------------------------------------------------------------------


def _answers(old: Assessment, new: Assessment, catalogue: Catalogue) -> list[AnswerChange]:
    where = {q.id: catalogue.profile.title for s in catalogue.profile.sections for q in s.questions}
    for area in catalogue.areas:
        for s in area.sections:
            for q in s.questions:
                where[q.id] = area.title

    def parts(a: Assessment) -> dict[tuple[str, str], Any]:
        out: dict[tuple[str, str], Any] = {}
        for k, v in a.profile.items():
            out[f"profile.{k}", "answer"] = v
        for qid, ans in a.answers.items():
            out[qid, "answer"] = ans.value
            out[qid, "note"] = ans.note
        return {k: v for k, v in out.items() if v not in (None, "", [])}

    before, after = parts(old), parts(new)
    order = {q.id: n for n, q in enumerate(catalogue.questions())}
    keys = sorted(before.keys() | after.keys(), key=lambda k: (order.get(k[0], len(order)), k))
    out = []
    for qid, part in keys:
        b, a = before.get((qid, part)), after.get((qid, part))
        if b == a:
            continue
        q = catalogue.index.get(qid)
        if part == "note":
            shown = (b or "(no note)", a or "(no note)")
        else:
            shown = (value_label(catalogue, qid, b), value_label(catalogue, qid, a))
        out.append(AnswerChange(qid, q.text if q else qid, where.get(qid, ""), part, *shown))
    return out


def _ratings(old_result: Any, new_result: Any, catalogue: Catalogue) -> list[RatingMove]:
    labels = {b.value: rule.label for b, rule in catalogue.meta.scoring.bands.items()}

    def rating(area: Any) -> str:
        r = area.residual
        return f"{labels.get(r.band.value, r.band.value)} (L{r.likelihood} × I{r.impact} = {r.score})"

    before = {a.id: a for a in old_result.areas}
    after = {a.id: a for a in new_result.areas}
    titles = {a.id: a.title for a in catalogue.areas}
    out = []
    for area in [a.id for a in catalogue.areas]:
        b, a = before.get(area), after.get(area)
        if b is None and a is None:
            continue
        if (
            b is not None
            and a is not None
            and (b.residual.likelihood, b.residual.impact)
            == (
                a.residual.likelihood,
                a.residual.impact,
            )
        ):
            continue
        out.append(
            RatingMove(
                area,
                titles.get(area, area),
                rating(b) if b else "Not applicable",
                rating(a) if a else "Not applicable",
                b.residual.band.value if b else "",
                a.residual.band.value if a else "",
            )
        )
    return out


def _status(a: Assessment, aid: str) -> str:
    entry = a.plan.get(aid)
    state = getattr(entry, "state", None) if entry is not None else None
    return state().value if callable(state) else "not_started"


def _actions(old: Assessment, new: Assessment, old_result: Any, new_result: Any) -> list[ActionChange]:
    before = {a.id: a for a in old_result.actions}
    after = {a.id: a for a in new_result.actions}
    text = {**{k: a.text for k, a in before.items()}, **{k: a.text for k, a in after.items()}}
    out = []
    for aid in [*before, *[k for k in after if k not in before]]:
        was, now = _status(old, aid), _status(new, aid)
        entry = new.plan.get(aid)
        if now == "done" and was != "done":
            when = getattr(entry, "completed", None)
            evidence = getattr(entry, "evidence", None)
            detail = ", ".join(
                x
                for x in (
                    f"done {_date(when)}" if when else "done",
                    f"evidence: {evidence}" if evidence else "",
                )
                if x
            )
            out.append(ActionChange(aid, text[aid], "completed", detail))
        elif now == "wont_do" and was != "wont_do":
            out.append(
                ActionChange(
                    aid, text[aid], "dropped", f"won't do: {getattr(entry, 'reason', '') or ''}".strip()
                )
            )
        elif aid in before and aid not in after and now != "done":
            out.append(
                ActionChange(aid, text[aid], "dropped", "no longer needed: the answers no longer call for it")
            )
        elif aid in after and aid not in before:
            out.append(ActionChange(aid, text[aid], "added", f"{after[aid].priority_label} priority"))
    rank = {"completed": 0, "added": 1, "dropped": 2}
    return sorted(out, key=lambda c: rank[c.change])


_SKIP = re.compile(
    r"<head>.*?</head>|<header class=\"doc-head\">.*?</header>|<section class=\"(versions|changes)[^\"]*\">.*?</section>"
    r"|<div class=\"box warning draft-note\".*?</div>|<table class=\"sign-off\">.*?</table>"
    r"|<span class=\"signoff-state\">.*?</span>",
    re.S,
)


def wording(html: str) -> str:
    """A document's wording, without its header, draft marks, sign-off block, version table,
    change page and the words that follow the sign-off state ("proposes" in a draft, "has
    committed" once approved): what the sign-off state alone changes is not a change of wording."""
    text = re.sub(r"<[^>]+>", " ", _SKIP.sub(" ", html))
    return " ".join(htmllib.unescape(text).split())


def _documents(old: Assessment, new: Assessment, catalogue: Catalogue) -> list[str]:
    from assessor.documents.context import build_context
    from assessor.documents.pack import _html, _specs

    def pages(a: Assessment) -> dict[str, tuple[str, str]]:
        ctx = build_context(a, catalogue)
        specs = _specs(ctx)
        return {s.id: (s.title, wording(_html(s, ctx, specs))) for s in specs}

    before, after = pages(old), pages(new)
    out = []
    for doc in [*after, *[d for d in before if d not in after]]:
        if before.get(doc, ("", None))[1] != after.get(doc, ("", None))[1]:
            title = (after.get(doc) or before[doc])[0]
            if doc not in before:
                title += " (new in the pack)"
            elif doc not in after:
                title += " (no longer in the pack)"
            out.append(title)
    return out


def compare(old: Assessment, new: Assessment, catalogue: Catalogue, *, documents: bool = True) -> Changes:
    """Everything that changed from ``old`` to ``new`` that trustees need to see."""
    from assessor import lifecycle
    from assessor.scoring import score

    old_result, new_result = score(old, catalogue), score(new, catalogue)
    overall = None
    if old_result.overall != new_result.overall:
        overall = (old_result.overall_label, new_result.overall_label)
    approved = lifecycle.versions(old)[-1]
    return Changes(
        old=version_name(old),
        new=version_name(new),
        answers=tuple(_answers(old, new, catalogue)),
        ratings=tuple(_ratings(old_result, new_result, catalogue)),
        actions=tuple(_actions(old, new, old_result, new_result)),
        documents=tuple(_documents(old, new, catalogue)) if documents else (),
        overall=overall,
        approved_on=approved.approved_on if approved.status.value == "approved" else None,
    )


def format_changes(ch: Changes) -> str:
    """The comparison as plain text (the CLI prints it)."""
    lines = [f"Changes from {ch.old} to {ch.new}", ""]
    if ch.is_empty():
        return "\n".join([*lines, "No changes."]) + "\n"
    if ch.overall:
        lines += [f"Overall rating: {ch.overall[0]} -> {ch.overall[1]}", ""]
    lines.append(f"Answers changed ({len(ch.answers)}):")
    for c in ch.answers:
        what = "Note on: " if c.part == "note" else ""
        lines.append(f"  {c.question}: {what}{_short(c.text)}")
        lines.append(f"    {_short(c.before)} -> {_short(c.after)}")
    lines += ["", f"Ratings moved ({len(ch.ratings)}):"]
    lines += [f"  {r.title}: {r.before} -> {r.after}" for r in ch.ratings]
    for kind in ("completed", "added", "dropped"):
        rows = [a for a in ch.actions if a.change == kind]
        lines += ["", f"Actions {kind} ({len(rows)}):"]
        lines += [f"  {a.action}: {_short(a.text)}" + (f" ({a.detail})" if a.detail else "") for a in rows]
    lines += ["", f"Documents whose wording changed ({len(ch.documents)}):"]
    lines += [f"  {d}" for d in ch.documents]
    return "\n".join(lines) + "\n"


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
