"""Review (every answer on one page) and Results (ratings, heat map, explanations, action plan)."""

from __future__ import annotations

import datetime as dt
import html
import zlib

import streamlit as st

from assessor.assessment import PlanEntry
from assessor.scoring import AreaResult, Result, answer_label, score
from assessor.visibility import PROFILE_PAGE, Visibility, answer_value
from ui import state
from ui.questions import _key
from ui.text import md

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
            cols = st.columns([6, 3, 1], vertical_alignment="center")
            cols[0].markdown(q.text)
            if shown:
                cols[1].text(shown)
            else:
                missing += 1
                cols[1].markdown(":orange[Not answered]")
            if page_id in pages:
                cols[2].page_link(pages[page_id], label="Edit", query_params={"draft": state.draft_id()})
            if note:
                st.markdown(f"Note: {md(note)}")
        if missing:
            st.warning(f"{missing} question(s) on this page are not answered yet. They count as gaps.")


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
        f"**Starting point** {r.base.likelihood} × {r.base.impact} for any community. "
        f"**Inherent risk** {r.inherent.likelihood} × {r.inherent.impact} = {r.inherent.score} "
        f"({_band_text(r.inherent.band)}).{capped} **Controls** {r.control_strength:.0%} effective across "
        f"{r.controls_counted} question(s), "
        + (f"which lowers {' and '.join(moves)}." if moves else "not yet enough to lower either score.")
        + f" **Residual risk** {r.residual.likelihood} × {r.residual.impact} "
        f"= {r.residual.score} ({_band_text(r.residual.band)})."
    )
    if r.raised_by:
        st.markdown("**What raised it from the starting point**")
        for f in r.raised_by:
            st.markdown(f"- {f.because} ({f.axis} {f.change}; guidance {', '.join(f.guidance) or '–'})")
    if r.lowered_by:
        st.markdown("**What lowered it**")
        for f in r.lowered_by:
            st.markdown(f"- {f.text} — *{f.answer_label}* (guidance {', '.join(f.guidance) or '–'})")
    if r.gaps:
        st.markdown("**Gaps**")
        for f in r.gaps:
            st.markdown(
                f"- {f.text} — *{f.answer_label or 'not answered'}* (guidance {', '.join(f.guidance) or '–'})"
            )
    cites = [f"**{g}** {cat.guidance[g].source}: {cat.guidance[g].topic}" for g in r.guidance]
    if cites:
        st.markdown("Based on: " + "; ".join(cites))


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
        if entry.owner or entry.due:
            a.plan[action.id] = entry
        else:
            a.plan.pop(action.id, None)
    state.save()


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

    left, right = st.columns([3, 2])
    with left:
        st.subheader("Risk register")
        st.dataframe(
            [
                {
                    "Area": r.title,
                    "Inherent": r.inherent.score,
                    "Controls": f"{r.control_strength:.0%}",
                    "Residual": r.residual.score,
                    "Rating": _band_text(r.residual.band),
                }
                for r in result.areas
            ],
            hide_index=True,
            use_container_width=True,
        )
    with right:
        st.subheader("Heat map")
        st.html(_heatmap(result))
    st.subheader("Inherent and residual risk by area")
    st.bar_chart(
        {
            "Area": [r.title for r in result.areas],
            "Inherent": [r.inherent.score for r in result.areas],
            "Residual": [r.residual.score for r in result.areas],
        },
        x="Area",
        y=["Inherent", "Residual"],
        stack=False,
        horizontal=True,
        color=["#9aa5b1", "#1f5f8b"],
    )

    st.header("Why each area scored as it did")
    for r in result.areas:
        with st.expander(f"{r.title}: {_band_text(r.residual.band)} ({r.residual.score})"):
            _explain(r)

    st.header("Action plan")
    st.write("Change an owner or due date in the table; changes are saved with the assessment.")
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
            }
            for x in result.actions
        ],
        key=key,
        hide_index=True,
        use_container_width=True,
        disabled=["Priority", "Action", "When"],
        column_config={
            "Action": st.column_config.TextColumn(width="large"),
            "Due": st.column_config.DateColumn(format="DD/MM/YYYY"),
        },
        on_change=_save_plan,
        args=(result, key),
    )
    if result.to_find_out:
        st.subheader("To find out")
        for f in result.to_find_out:
            st.markdown(f"- {f.text}")
