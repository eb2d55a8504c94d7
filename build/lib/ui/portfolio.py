"""Portfolio page: several communities side by side, and the one-page trustee summary PDF.

The communities are the assessments this browser can list on the Start page (every one in
single-user mode), plus any opened here by return code. Nothing of another organisation is shown
unless its code is typed in.
"""

from __future__ import annotations

import datetime as dt
import html

import streamlit as st

from assessor.portfolio import Portfolio, community_name, portfolio
from assessor.store import normalise_code
from ui import state
from ui.results import BAND_FILL

EXTRA = "portfolio_codes"  # drafts added by return code in this session
# Darker than the Results page's band colours: small bold text on the fill passes AA contrast
# (the printed summary's colours, templates/assets/pack.css).
BAND_INK = {"red": "#7d1d12", "amber": "#6b4300", "green": "#1d5a2b"}


def _drafts() -> list:
    from ui.start import _listed

    listed = [] if state.shared_server() else _listed()
    seen = {d.id for d in listed}
    extra = [i for i in st.session_state.get(EXTRA, []) if i not in seen]
    return listed + (state.store().list(extra) if extra else [])


@st.cache_data(show_spinner=False, max_entries=16)
def _pdf(page: str) -> bytes:
    """The PDF of the summary's HTML, cached by that HTML."""
    from assessor.documents.pdf import html_to_pdf

    return html_to_pdf(page)


def _rag(band: str, label: str) -> str:
    return (
        f'<span style="background:{BAND_FILL[band]};color:{BAND_INK[band]};font-weight:700;'
        f'padding:0 .4em;border-radius:3px;white-space:nowrap">{html.escape(label)}</span>'
    )


def side_by_side(p: Portfolio) -> str:
    """The communities as columns, the key risks as rows: a plain table that scrolls sideways
    on a phone, every cell text (the colour only repeats the word)."""
    cell = "padding:.35em .5em;border-bottom:1px solid #d5dae5;vertical-align:top;text-align:left"
    head = "".join(
        f'<th scope="col" style="{cell};border-bottom:2px solid #9aa5b1;min-width:9em">{html.escape(c.name)}'
        f'<br><span style="font-weight:400">{html.escape(c.organisation)}</span></th>'
        for c in p.communities
    )

    def row(title: str, cells: list[str], strong: bool = False) -> str:
        weight = 700 if strong else 400
        tds = "".join(f'<td style="{cell}">{x}</td>' for x in cells)
        return (
            f'<tr><th scope="row" style="{cell};font-weight:{weight};position:sticky;left:0;background:#fff">'
            f"{html.escape(title)}</th>{tds}</tr>"
        )

    rows = [row("Overall rating", [_rag(c.overall.band, c.overall.label) for c in p.communities], True)]
    for rid, title in p.risks:
        rows.append(
            row(
                title,
                [
                    f"{_rag(c.risks[rid].band, c.risks[rid].label)} ({c.risks[rid].score})"
                    if rid in c.risks
                    else "Not assessed"
                    for c in p.communities
                ],
            )
        )
    rows.append(
        row(
            "Highest other area",
            [
                f"{_rag(c.other[1].band, c.other[1].label)} {html.escape(c.other[0])}" if c.other else "None"
                for c in p.communities
            ],
        )
    )
    rows.append(
        row(
            "Review due",
            [
                f"<strong>Overdue since {c.review_due:%d %B %Y}</strong>"
                if c.review_overdue
                else f"{c.review_due:%d %B %Y}"
                for c in p.communities
            ],
            True,
        )
    )
    rows.append(row("Open critical actions", [str(c.open_critical or "None") for c in p.communities], True))
    rows.append(
        row(
            "Open actions (overdue)",
            [f"{c.open_actions} ({c.overdue_actions} overdue)" for c in p.communities],
        )
    )
    return (
        '<div style="overflow-x:auto" tabindex="0" role="region" aria-label="Communities side by side">'
        '<table lang="en" style="border-collapse:collapse;font-size:.95rem">'
        '<caption style="caption-side:top;text-align:left;position:absolute;left:-9999px">'
        "Communities side by side: overall rating, rating of each key risk, review due and open critical "
        f'actions</caption><thead><tr><th scope="col" style="{cell};border-bottom:2px solid #9aa5b1">'
        f"Community</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _names(chosen: list[str], names: dict[str, str]) -> None:
    """Name each community (saved in its assessment as meta.community)."""
    from assessor.store import InvalidChange

    cat = state.catalogue()
    with st.expander("Name the communities"), st.form("portfolio-names"):
        typed = {}
        for draft in chosen:
            current = state.store().load(draft, cat).meta.community or ""
            typed[draft] = (
                current,
                st.text_input(f"Community name for {names[draft]}", value=current, max_chars=300),
            )
        if st.form_submit_button("Save names"):
            for draft, (before, after) in typed.items():
                if after.strip() != before:
                    try:
                        state.store().apply(
                            draft,
                            state.store().head(draft),
                            {"meta/community": after.strip() or None},
                            cat,
                            author=state.tab(),
                        )
                    except InvalidChange as exc:
                        st.error(f"{names[draft]}: not saved: {exc}")
            if state.draft_id() in typed:
                state.refresh()
            st.rerun()


def _add_by_code() -> None:
    st.header("Add an assessment")
    st.write("Another community's assessment, opened by its return code for this visit.")
    with st.form("portfolio-code"):
        code = st.text_input("Add an assessment by its return code (such as ABCD-EFGH)", max_chars=20)
        if st.form_submit_button("Add"):
            found = state.store().find_code(code) if normalise_code(code) else None
            if found is None:
                st.error("No assessment has that code. Check it against the code you were given.")
            else:
                extra = st.session_state.setdefault(EXTRA, [])
                if found not in extra:
                    extra.append(found)
                st.rerun()


def portfolio_page() -> None:
    from assessor.errors import SourceErrors
    from assessor.portfolio import portfolio_html

    st.title("Portfolio: all your communities")
    st.write(
        "When your organisation runs several communities (a forum, a WhatsApp group per age group, a "
        "Discord server), give each its own assessment. This page shows them side by side, and makes "
        "a one-page summary for trustees."
    )
    drafts = _drafts()
    if not drafts:
        st.info("No assessments to show yet. Start one on the Start page, or add one by its return code.")
        _add_by_code()
        return
    cat = state.catalogue()
    loaded, problems = {}, []
    for d in drafts:
        try:
            loaded[d.id] = state.store().load(d.id, cat)
        except SourceErrors as exc:
            problems.append(f"{d.organisation} ({d.code}): {exc.problems[0].message}")
    names = {
        d.id: f"{community_name(loaded[d.id], d.organisation)} · {d.organisation} ({d.code})"
        for d in drafts
        if d.id in loaded
    }
    chosen = st.multiselect(
        "Assessments in the portfolio", list(names), default=list(names), format_func=names.__getitem__
    )
    items = [(f"{names[d]}", loaded[d]) for d in chosen]
    if not items:
        st.info("Choose at least one assessment.")
        _add_by_code()
        return
    _names(chosen, names)
    p = portfolio(items, cat, dt.date.today(), problems)
    high = sum(c.overall.band == "red" for c in p.communities)
    st.header("Side by side")
    st.markdown(
        f"**{len(p.communities)}** communit{'ies' if len(p.communities) != 1 else 'y'} · **{high}** rated High · "
        f"**{p.open_critical}** open critical action{'s' if p.open_critical != 1 else ''} · "
        f"**{p.overdue_reviews}** review{'s' if p.overdue_reviews != 1 else ''} overdue"
    )
    st.html(side_by_side(p))
    st.write(
        "Ratings are the risk now, after the safeguards each community said are in place. Name each "
        "community under “Name the communities” above so that the columns say which is which; until "
        "then the platform's name is used."
    )
    for problem in problems:
        st.warning(f"Left out: {problem}")
    st.header("Summary for trustees")
    st.write("One page, landscape: the ratings above, the reviews due and the open critical actions.")
    page = portfolio_html(p)
    st.download_button(
        "Download the trustee summary (PDF)",
        lambda: _pdf(page),
        file_name=f"portfolio-summary-{p.today.isoformat()}.pdf",
        mime="application/pdf",
        type="primary",
        icon=":material/picture_as_pdf:",
    )
    _add_by_code()
