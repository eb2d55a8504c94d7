"""Review (every answer on one page) and Results (ratings, heat map, explanations, action plan)."""

from __future__ import annotations

import datetime as dt
import html
import zlib
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from assessor.assessment import MAX_EVIDENCE, MAX_SHORT, STATUS_LABELS, ActionStatus, PlanEntry
from assessor.followup import FollowUp, calendar_ics, follow_ups, headline
from assessor.scoring import AreaResult, PlannedAction, Result, answer_label, score
from assessor.visibility import PROFILE_PAGE, Visibility, answer_value
from ui import autosave, state
from ui.page import narrow
from ui.questions import _key
from ui.sections import next_button
from ui.text import md

T = TypeVar("T")

BAND_COLOURS = {"red": "#b3261e", "amber": "#a05a00", "green": "#1e6b34"}
BAND_FILL = {"red": "#f6d5d3", "amber": "#fbe7c6", "green": "#d5ecd9"}


def review_page() -> None:
    cat = state.catalogue()
    a = state.assessment()
    st.title("Review your answers")
    st.write("Everything you have answered, page by page. Use **Edit** to go back and change an answer.")
    vis = Visibility(cat, a.responses())
    pages = st.session_state.get("pages", {})
    groups = [(PROFILE_PAGE, cat.profile.title, cat.profile.sections)]
    groups += [(area.id, area.title, area.sections) for area in vis.areas()]
    for page_id, title, sections in groups:
        st.header(title)
        rows = [q for _, qs in vis.sections(sections) for q in qs]
        missing = 0
        for q in rows:
            value = answer_value(a, q.id)
            shown = answer_label(cat, q, value) or ""
            note = a.answers[q.id].note if q.id in a.answers else None
            # A summary list: the question in bold, its answer beside it (below it on a phone, where
            # the columns stack), both from the top of the row however long the answer is.
            cols = st.columns([5, 4, 1], vertical_alignment="top")
            cols[0].markdown(f"**{q.text}**")
            if shown:
                cols[1].text(shown)
            else:
                missing += 1
                cols[1].markdown(":orange[Not answered]")
            if page_id in pages:
                cols[2].page_link(
                    pages[page_id],
                    label="Edit",
                    icon=":material/edit:",
                    query_params={state.QUERY_KEY: state.draft_id(), state.QUESTION_KEY: q.id},
                    help=f"Change this answer on the {title} page",
                )
            if note:
                st.markdown(f"Note: {md(note)}")
        if missing:
            st.warning(
                f"{missing} question{'s' if missing != 1 else ''} in {title} "
                f"{'are' if missing != 1 else 'is'} not answered yet, and count{'' if missing != 1 else 's'} as gaps."
            )
    next_button("review")


def _heatmap(result: Result) -> str:
    """A 5x5 grid (likelihood up, impact across) with area counts; plain HTML from our own labels."""
    cells: dict[tuple[int, int], list[str]] = {}
    for r in result.areas:
        cells.setdefault((r.residual.likelihood, r.residual.impact), []).append(r.title)
    cat = state.catalogue()
    rows = []
    for likelihood in range(5, 0, -1):
        tds = [f'<th scope="row">{likelihood}</th>']
        for impact in range(1, 6):
            band = cat.meta.scoring.matrix[likelihood][impact - 1].value
            names = cells.get((likelihood, impact), [])
            title = html.escape("; ".join(names)) or "none"
            count = str(len(names)) if names else ""
            tds.append(
                f'<td style="background:{BAND_FILL[band]};border:1px solid #fff;width:18%;height:2.4em;'
                f'text-align:center;font-weight:700;color:{BAND_COLOURS[band]}" title="{title}">{count}</td>'
            )
        rows.append("<tr>" + "".join(tds) + "</tr>")
    head = "".join(f'<th scope="col">{i}</th>' for i in range(1, 6))
    return (
        '<table aria-label="Heat map of residual risk: number of risk areas by likelihood and impact" '
        'style="border-collapse:collapse;width:100%;max-width:28em">'
        '<caption style="caption-side:bottom;text-align:left">Likelihood (rows, 5 = almost certain) by '
        "impact (columns, 5 = severe). Numbers count risk areas.</caption>"
        f"{''.join(rows)}<tr><th></th>{head}</tr></table>"
    )


def _register(result: Result) -> str:
    """The risk register as a plain table that wraps: every column readable at 390 px and at
    200% zoom (Streamlit's data grid cut the columns after the first off on a phone)."""
    head = "".join(
        f'<th scope="col" style="text-align:{align};padding:.4em .35em;border-bottom:2px solid #9aa5b1">{name}</th>'
        for name, align in (
            ("Area", "left"),
            ("Before safe&shy;guards", "right"),
            ("Safe&shy;guards", "right"),
            ("Now", "right"),
            ("Rating", "left"),
        )
    )
    cell = "padding:.4em .35em;border-bottom:1px solid #d5dae5;vertical-align:top"
    rows = []
    for r in result.areas:
        band = r.residual.band
        rows.append(
            f'<tr><th scope="row" style="{cell};text-align:left;font-weight:400">{html.escape(r.title)}</th>'
            f'<td style="{cell};text-align:right">{r.inherent.score}</td>'
            f'<td style="{cell};text-align:right">{r.control_strength:.0%}</td>'
            f'<td style="{cell};text-align:right">{r.residual.score}</td>'
            f'<td style="{cell};color:{BAND_COLOURS[band]};font-weight:600">{html.escape(_band_text(band))}</td></tr>'
        )
    return (
        # Words break only where they must (hyphens: auto, English), never a letter at a time.
        '<table lang="en" style="border-collapse:collapse;width:100%;font-size:.95rem;hyphens:auto;'
        'overflow-wrap:break-word">'
        '<caption style="caption-side:top;text-align:left;position:absolute;left:-9999px">Risk register</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _chart_spec(result: Result) -> dict:
    """Grouped horizontal bars, with whole area names (Streamlit's own bar chart cuts them short)."""
    values = [
        {"Area": r.title, "When": when, "Score": value}
        for r in result.areas
        for when, value in (("Before safeguards", r.inherent.score), ("Now", r.residual.score))
    ]
    return {
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {
                "field": "Area",
                "type": "nominal",
                "sort": None,
                "title": None,
                "axis": {"labelLimit": 320},
            },
            "yOffset": {"field": "When", "sort": ["Before safeguards", "Now"]},
            "x": {
                "field": "Score",
                "type": "quantitative",
                "title": "Risk score (likelihood × impact)",
                "scale": {"domain": [0, 25]},
                # Right-aligned under the axis, the title runs back under the area names on a phone
                # instead of past the chart's right edge.
                "axis": {"titleAnchor": "end", "titleAlign": "right"},
            },
            "color": {
                "field": "When",
                "type": "nominal",
                "sort": ["Before safeguards", "Now"],
                "title": None,
                "scale": {"range": ["#9aa5b1", "#1f5f8b"]},
                # One key under the other: side by side, the second ran off a phone's screen.
                "legend": {"orient": "bottom", "direction": "vertical"},
            },
        },
    }


def _band_text(band: str) -> str:
    cat = state.catalogue()
    return cat.meta.scoring.bands[band].label


def _explain(r: AreaResult) -> None:
    cat = state.catalogue()
    st.write(r.summary)
    dl = r.inherent.likelihood - r.residual.likelihood
    di = r.inherent.impact - r.residual.impact
    moves = [f"likelihood by {dl}"] * bool(dl) + [f"impact by {di}"] * bool(di)
    capped = (
        f" The scale stops at 5, so {' and '.join(r.capped)} went no higher although the factors add up to more."
        if r.capped
        else ""
    )
    st.markdown(
        f"**Starting point** for any community: likelihood {r.base.likelihood} × impact {r.base.impact}. "
        f"**Before safeguards**, with what is listed below: {r.inherent.likelihood} × {r.inherent.impact} "
        f"= {r.inherent.score} ({_band_text(r.inherent.band)}).{capped} **Safeguards** are "
        f"{r.control_strength:.0%} complete across {r.controls_counted} "
        f"question{'s' if r.controls_counted != 1 else ''}, "
        + (f"which lowers {' and '.join(moves)}." if moves else "not yet enough to lower either score.")
        + f" **Now**: {r.residual.likelihood} × {r.residual.impact} "
        f"= {r.residual.score} ({_band_text(r.residual.band)})."
    )
    if r.raised_by:
        st.markdown("**What makes it more likely or more serious here**")
        for f in r.raised_by:
            st.markdown(f"- {f.because} ({f.axis} {f.change}; guidance {', '.join(f.guidance) or '–'})")
    if r.lowered_by:
        st.markdown("**Safeguards that lower it**")
        for f in r.lowered_by:
            st.markdown(f"- {f.text} — *{f.answer_label}* (guidance {', '.join(f.guidance) or '–'})")
    if r.gaps:
        st.markdown("**Gaps and partial safeguards**")
        for f in r.gaps:
            st.markdown(
                f"- {f.text} — *{f.answer_label or 'not answered'}* (guidance {', '.join(f.guidance) or '–'})"
            )
    cites = [f"**{g}** {cat.guidance[g].source}: {cat.guidance[g].topic}" for g in r.guidance]
    if cites:
        st.markdown("Guidance this rests on: " + "; ".join(cites))


def _save_plan(result: Result, key: str) -> None:
    edits = st.session_state[key].get("edited_rows", {})
    a = state.assessment()
    for row, change in edits.items():
        action = result.actions[int(row)]
        entry = a.plan.get(action.id) or PlanEntry()
        if "Owner" in change:
            entry.owner = (change["Owner"] or "").strip() or None
        if "Due" in change:
            due = change["Due"]
            entry.due = dt.date.fromisoformat(due[:10]) if isinstance(due, str) and due else due or None
        if not entry.is_empty():  # keep a status or evidence when owner and date are cleared
            a.plan[action.id] = entry
        else:
            a.plan.pop(action.id, None)
    state.save()


STATUS_CHOICES = ["not_started", "in_progress", "done", "wont_do"]


def _source_links(action: PlannedAction) -> None:
    """Links to the questions an action came from, to update the answer now that it is done."""
    cat = state.catalogue()
    pages = st.session_state.get("pages", {})
    for qid in action.sources:
        q = cat.index.get(qid)
        page_id = PROFILE_PAGE if q is None or qid.startswith("profile.") else qid.split(".", 1)[0]
        if page_id not in pages:
            page_id = PROFILE_PAGE
        if page_id not in pages:
            continue
        query = {state.QUERY_KEY: state.draft_id()}
        if q is not None:
            query[state.QUESTION_KEY] = qid
        label = q.text if q is not None else "the profile answers that raised it"
        st.page_link(
            pages[page_id],
            label=f"Update the answer: {label}",
            icon=":material/edit:",
            query_params=query,
        )


def _save_follow_up(f: FollowUp, status: str, completed: dt.date | None, reason: str, evidence: str) -> bool:
    from pydantic import ValidationError

    entry = f.entry
    try:
        new = PlanEntry(
            owner=entry.owner,
            due=entry.due,
            status=None if status == "not_started" else status,
            completed=(completed or dt.date.today()) if status == "done" else None,
            reason=reason.strip() or None if status == "wont_do" else None,
            evidence=evidence,
        )
    except ValidationError as exc:
        st.error("Not saved: " + "; ".join(md(e["msg"].removeprefix("Value error, ")) for e in exc.errors()))
        return False
    a = state.assessment()
    if new.is_empty():
        a.plan.pop(f.action.id, None)
    else:
        a.plan[f.action.id] = new
    state.save()
    return True


def _follow_up(result: Result) -> None:
    """One action at a time (chosen from a list): its status, completion date, reason and evidence.
    One form, not one per action, so the page stays light and a keyboard user tabs through four
    fields, not a hundred."""
    a = state.assessment()
    today = dt.date.today()
    ups = {f.action.id: f for f in follow_ups(a, result)}
    if not ups:
        return
    st.subheader("Follow up an action")
    done = sum(f.status == ActionStatus.done for f in ups.values())
    late = sum(f.days_late(today) > 0 for f in ups.values())
    st.write(
        f"{done} of {len(ups)} done; {late} overdue. Choose an action to record where it stands. Evidence is "
        "a link or a reference to where the proof is kept (minutes, a policy's version, a settings page): "
        "never upload or paste personal information about anyone."
    )

    def label(aid: str) -> str:
        f = ups[aid]
        days = f.days_late(today)
        flag = f", overdue by {days} day{'s' if days != 1 else ''}" if days else ""
        return f"{f.number}. {headline(f.action.text, 70)} ({f.status_label}{flag})"

    prompt = st.session_state.get("followup_done")
    ids = list(ups)
    chosen = prompt[1] if prompt and prompt[0] == state.draft_id() and prompt[1] in ups else None
    aid = st.selectbox(
        "Action",
        ids,
        index=ids.index(chosen) if chosen else 0,
        format_func=label,
        key=_key("followup", "action"),
    )
    f = ups[aid]
    x = f.action
    st.markdown(
        f"**{md(x.priority_label)}.** {md(x.text)}  \nOwner: {md(x.owner_label)} · due {x.due_date:%d/%m/%Y}"
    )
    if prompt == (state.draft_id(), x.id):
        st.success(
            "Marked done. Now update the answer it came from, so that the rating and the documents say "
            "the safeguard is in place:",
            icon=":material/task_alt:",
        )
        _source_links(x)
    with st.form(_key("followup", "form")):
        status = st.selectbox(
            "Status",
            STATUS_CHOICES,
            index=STATUS_CHOICES.index(f.status.value),
            format_func=lambda v: STATUS_LABELS[ActionStatus(v)],
            key=_key(x.id, "fu-status"),
        )
        completed = st.date_input(
            "Date completed (when done)",
            value=f.entry.completed or today,
            format="DD/MM/YYYY",
            key=_key(x.id, "fu-completed"),
        )
        reason = st.text_input(
            "Reason (needed for won't do)",
            value=f.entry.reason or "",
            max_chars=MAX_SHORT * 3,
            key=_key(x.id, "fu-reason"),
        )
        evidence = st.text_input(
            "Evidence: a link or a reference, such as 'Trustee minutes 3/2026, item 2'",
            value=f.entry.evidence or "",
            max_chars=MAX_EVIDENCE,
            key=_key(x.id, "fu-evidence"),
        )
        if st.form_submit_button("Save follow-up", key=_key("followup", "save")) and _save_follow_up(
            f, status, completed, reason, evidence
        ):
            if status == "done" and f.status != ActionStatus.done:
                st.session_state["followup_done"] = (state.draft_id(), x.id)
            else:
                st.session_state.pop("followup_done", None)
            st.rerun()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The plan's downloads, one button each: (label, file: a name in exports() or the calendar's, mime,
# icon, help).
DOWNLOADS = (
    ("Action plan (Excel)", "action-plan.xlsx", XLSX, ":material/table:",
     "The action plan and the risk register, one sheet each"),
    ("Action plan (CSV)", "action-plan.csv", "text/csv", ":material/csv:", None),
    ("Risk register (CSV)", "risk-register.csv", "text/csv", ":material/csv:", None),
    ("Dates (calendar)", "follow-up.ics", "text/calendar", ":material/calendar_month:",
     "The review date and each open action's due date, for Outlook, Google or Apple Calendar"),
)  # fmt: skip


def memoised(memo: dict, key: object, build: Callable[[], T]) -> T:
    """``build()``, kept in ``memo`` while ``key`` stays the same (one value at a time); a key of
    None is never kept."""
    if key is None or memo.get("key") != key or "value" not in memo:
        memo.clear()
        memo["value"], memo["key"] = build(), key
    return memo["value"]


def _downloads(result: Result) -> None:
    """The action plan and risk register for spreadsheets, and the dates for a calendar. Built only
    when a button is pressed (Streamlit calls the function then, outside the script run), and the
    exports once per saved revision and day (every change is saved, so the revision names the
    answers), not once per file."""
    from ui.documents import file_stem

    a, cat = state.assessment(), state.catalogue()
    stem = file_stem(a)
    seed = f"draft:{state.draft_id()}"  # hashed in the file: the draft id is not revealed
    # A plain dict from the session, so that the click (outside the run) needs no session state.
    memo = st.session_state.setdefault("exports_memo", {})
    rev = st.session_state.get("saved_rev")
    key = (state.draft_id(), rev, dt.date.today()) if rev is not None else None

    def build(name: str) -> bytes:
        if name.endswith(".ics"):
            return calendar_ics(a, result, seed=seed)
        from assessor.exports import exports

        return memoised(memo, key, lambda: exports(a, result, cat))[name]

    st.subheader("Download the plan")
    for col, (label, name, mime, icon, help_text) in zip(st.columns(len(DOWNLOADS)), DOWNLOADS, strict=True):
        col.download_button(
            label,
            lambda name=name: build(name),
            file_name=f"{stem}-{name}",
            mime=mime,
            icon=icon,
            help=help_text,
        )


def _plan_table(result: Result) -> None:
    a = state.assessment()
    st.write(
        "Change an owner or due date in the table; changes are saved with the assessment. Record each "
        "action's progress under “Follow up an action” below."
    )
    ids = ",".join(x.id for x in result.actions)
    key = _key("plan", str(zlib.crc32(ids.encode())))
    st.data_editor(
        [
            {
                "Priority": x.priority_label,
                "Action": x.text,
                "Owner": x.owner_label,
                "Due": x.due_date,
                "When": x.due_window,
                "Status": STATUS_LABELS[(a.plan.get(x.id) or PlanEntry()).state()],
            }
            for x in result.actions
        ],
        key=key,
        hide_index=True,
        use_container_width=True,
        disabled=True if state.read_only() else ["Priority", "Action", "When", "Status"],
        column_config={
            "Action": st.column_config.TextColumn(width="large"),
            "Owner": st.column_config.TextColumn(max_chars=MAX_SHORT),
            "Due": st.column_config.DateColumn(format="DD/MM/YYYY"),
        },
        on_change=_save_plan,
        args=(result, key),
    )


def _plan_owner(action_id: str, suggested: str) -> str:
    entry = state.assessment().plan.get(action_id)
    return (entry.owner if entry and entry.owner else None) or suggested


def _on_plan_due(action_id: str) -> None:
    value = st.session_state.get(_key("plan", f"{action_id}|due"))
    a = state.assessment()
    entry = a.plan.get(action_id) or PlanEntry()
    entry.due = value if isinstance(value, dt.date) else None
    if not entry.is_empty():
        a.plan[action_id] = entry
    else:
        a.plan.pop(action_id, None)
    state.save(widget=True)


def _plan_list(result: Result) -> None:
    """The action plan on a narrow screen (a phone, or 200% zoom), where the table's columns
    cannot all be read: one card per action, with the same edits (owner and due date)."""
    a = state.assessment()
    st.write(
        "Change an owner or due date under each action; changes are saved with the assessment. Record "
        "each action's progress under “Follow up an action” below."
    )
    for n, x in enumerate(result.actions, 1):
        with st.container(border=True, key=f"plan-{state.question_anchor(x.id)}"):
            status = STATUS_LABELS[(a.plan.get(x.id) or PlanEntry()).state()]
            st.markdown(f"**{n}. {md(x.priority_label)} priority** · {md(x.due_window)} · {md(status)}")
            st.markdown(md(x.text))
            if state.read_only():  # with sign-in, a role that only reads sees the plan, not boxes
                st.markdown(f"Owner: {md(_plan_owner(x.id, x.owner_label))} · due {x.due_date:%d/%m/%Y}")
                continue
            autosave.text_box(
                f"plan|{x.id}|owner",
                "Owner",
                lambda x=x: _plan_owner(x.id, x.owner_label),
                lambda text, x=x: {f"plan/{x.id}/owner": text.strip() or None},
                max_chars=MAX_SHORT,
            )
            key = _key("plan", f"{x.id}|due")
            if key not in st.session_state and not state.adopting(key):
                st.session_state[key] = x.due_date
            st.date_input("Due", key=key, format="DD/MM/YYYY", on_change=_on_plan_due, args=(x.id,))
            if state.adopting(key):
                _on_plan_due(x.id)


def results_page() -> None:
    cat = state.catalogue()
    a = state.assessment()
    result = score(a, cat)
    st.title("Results")
    state.show_flash()
    band = result.overall.value
    st.markdown(
        f'<div role="status" style="border-left:8px solid {BAND_COLOURS[band]};background:{BAND_FILL[band]};'
        f'padding:.8em 1em;border-radius:4px"><strong style="font-size:1.3em">Overall rating: '
        f"{html.escape(result.overall_label)}</strong><br>{html.escape(result.overall_meaning)}</div>",
        unsafe_allow_html=True,
    )
    st.markdown(
        f"Answered {result.answered} of {result.visible} questions. The overall rating is the highest "
        "residual risk of any area. Unanswered and *don't know* answers count as gaps."
    )
    if result.audit:
        st.info("You are auditing a platform you do not run: actions are what your organisation can do.")

    st.header("Risk register")
    st.write(  # not st.caption: its grey fails the contrast check
        "Scores are likelihood × impact, each from 1 to 5. “Before safeguards” is set by who takes part "
        "and what the platform allows; “Now” is after the safeguards you said are in place."
    )
    st.html(_register(result))
    left, right = st.columns([2, 3])
    with left:
        st.subheader("Heat map")
        st.html(_heatmap(result))
    with right:
        st.subheader("Before safeguards and now, by area")
        st.vega_lite_chart(_chart_spec(result), use_container_width=True)

    st.header("Why each area scored as it did")
    for r in result.areas:
        with st.expander(f"{r.title}: {_band_text(r.residual.band)} ({r.residual.score})"):
            _explain(r)

    st.header("Action plan")
    if narrow():
        _plan_list(result)
    else:
        _plan_table(result)
    if not state.read_only():  # with sign-in, only a role that answers records follow-up
        _follow_up(result)
    _downloads(result)
    if result.to_find_out:
        st.subheader("To find out")
        st.write(
            "You answered “don't know” to these. Find out whether each is true; until then it counts as a gap."
        )
        for f in result.to_find_out:
            st.markdown(f"- {f.text}")
    next_button("results")
    from ui.documents import prerender  # the documents are ready by the time someone asks

    prerender()
