"""The router: builds the page list for the open draft, the sidebar, and runs the page.

Kept out of ``streamlit_app.py`` so that it is compiled once per process: Streamlit
recompiles the entry script on every rerun.
"""

from __future__ import annotations

import importlib

import streamlit as st

from assessor.access import Forbidden
from assessor.store import StoreError
from ui import auth, memory, state, sync
from ui.page import helpers as page_helpers
from ui.start import page as start_page
from ui.text import md


def _lazy(module: str, name: str, *args: str):
    """A page function that imports its module when the page is first shown.

    A first visit lands on Start, which needs none of the questionnaire, scoring or document
    code; importing it all up front was most of the app's cold start."""

    def run() -> None:
        getattr(importlib.import_module(module), name)(*args)

    run.__name__ = "_".join((name, *args))
    return run


def main() -> None:
    st.set_page_config(
        # An emoji icon becomes an inline data: URL; a ":material/...:" page icon made the browser
        # fetch the favicon from fonts.gstatic.com, the app's one request to an outside host.
        page_title="Online safety risk assessment",
        page_icon="🛡️",
        layout="wide",
    )
    try:
        auth.gate()  # with sign-in configured: nothing below runs for a visitor not signed in
        state.sync_from_url()
    except StoreError as exc:  # a damaged, read-only or locked database: say what to do, no traceback
        st.error(str(exc), icon=":material/database:")
        st.stop()
    st.html(state.STYLE)  # style only: Streamlit puts it in the event container, taking no space

    start = st.Page(start_page, title="Start", icon=":material/home:", url_path="start", default=True)
    portfolio = st.Page(
        _lazy("ui.portfolio", "portfolio_page"),
        title="Portfolio",
        icon=":material/dashboard:",
        url_path="portfolio",
    )
    nav: dict[str, list[st.Page]] = {"": [start, portfolio]}
    pages: dict[str, st.Page] = {"start": start, "portfolio": portfolio}
    order: list[str] = []
    titles: dict[str, str] = {}  # page titles without the sidebar's "(answered/total)"
    steps: list = []

    if state.draft_id():
        from assessor.visibility import PROFILE_PAGE

        # An area whose questions all depend on answers not given yet is not listed as "(0/0)":
        # it appears, with its count, once a question on it applies.
        steps = [s for s in state.steps() if s.total or s.page == PROFILE_PAGE]
        questions = []
        for step in steps:
            mark = ":material/check_circle:" if step.complete else ":material/radio_button_unchecked:"
            if step.page == PROFILE_PAGE:
                fn = _lazy("ui.sections", "profile_page")
            else:
                fn = _lazy("ui.sections", "area_page", step.page)
            page = st.Page(
                fn, title=f"{step.title} ({step.answered}/{step.total})", icon=mark, url_path=step.page
            )
            pages[step.page] = page
            titles[step.page] = step.title
            questions.append(page)
            order.append(step.page)
        pages["review"] = st.Page(
            _lazy("ui.results", "review_page"),
            title="Review answers",
            icon=":material/checklist:",
            url_path="review",
        )
        pages["results"] = st.Page(
            _lazy("ui.results", "results_page"),
            title="Results",
            icon=":material/analytics:",
            url_path="results",
        )
        pages["documents"] = st.Page(
            _lazy("ui.documents", "documents_page"),
            title="Documents",
            icon=":material/description:",
            url_path="documents",
        )
        pages["signoff"] = st.Page(
            _lazy("ui.signoff", "signoff_page"),
            title="Sign-off",
            icon=":material/verified:",
            url_path="signoff",
        )
        pages["history"] = st.Page(
            _lazy("ui.history", "history_page"),
            title="History",
            icon=":material/history:",
            url_path="history",
        )
        order += ["review", "results", "documents"]
        nav["Assessment"] = questions
        nav["Outcome"] = [
            pages["review"],
            pages["results"],
            pages["documents"],
            pages["signoff"],
            pages["history"],
        ]

        answered = sum(s.answered for s in steps)
        total = sum(s.total for s in steps)
        with st.sidebar:
            st.markdown(f"**{md(state.assessment().organisation.name)}**")
            st.progress(answered / total if total else 0.0, text=f"{answered} of {total} questions answered")
            return_code()

    if auth.enabled() and auth.may("manage_members"):
        pages["members"] = st.Page(
            _lazy("ui.members", "members_page"), title="Members", icon=":material/group:", url_path="members"
        )
        nav[""].append(pages["members"])
    auth.sidebar()

    st.session_state["pages"] = pages
    st.session_state["page_order"] = order
    st.session_state["page_titles"] = titles
    current = st.navigation(nav, expanded=True)
    state.follow_go(pages)
    try:
        if state.draft_id():
            progress_line(current.url_path, steps)
        # One element whatever it holds (no notice, a notice, conflicts to settle): a notice that
        # came or went moved every element of the page one place while the rerun drew it, so for
        # a moment a question was shown twice or not at all (tests/test_two_servers.py).
        with st.container(key="sync-notices"):
            sync.show()
        current.run()
    except StoreError as exc:
        st.error(str(exc), icon=":material/database:")
        st.stop()
    except Forbidden as exc:  # a role's limit reached past the page's own checks: say so, nothing changed
        st.error(f"{exc} Nothing was changed.", icon=":material/block:")
        st.stop()
    state.scroll_after_page_change(current.url_path)
    state.finish_run()
    memory.write()
    page_helpers()


def progress_line(page: str, steps: list) -> None:
    """At the top of every page of an open assessment (the sidebar is hidden on a phone):
    where this page is in the questionnaire and how many questions are answered.

    The questions that apply depend on the profile (who takes part, what the platform allows), so
    the total grows as it is answered: the profile page says so, and any page says how many
    questions were just added."""
    answered = sum(s.answered for s in steps)
    total = sum(s.total for s in steps)
    where = [i for i, s in enumerate(steps) if s.page == page]
    parts = [f"Section {where[0] + 1} of {len(steps)}"] if where else []
    parts.append(f"{answered} of {total} questions answered")
    before = st.session_state.get("shown_total", {}).get(state.draft_id())
    st.session_state.setdefault("shown_total", {})[state.draft_id()] = total
    why = ""
    if before is not None and total > before:
        added = total - before
        why = (
            f"{added} more question{'s' if added != 1 else ''} now appl{'y' if added != 1 else 'ies'}, "
            "because of your answers: the profile decides which risks and safeguards are asked about."
        )
    elif page == "profile":
        why = (
            "The total grows as you answer this page: your answers about who takes part and what the "
            "platform allows add the questions that apply to you."
        )
    # One element whatever it says, so no line from the last page is left behind greyed out.
    with st.container(key="progress-line"):
        st.markdown(" · ".join(parts) + (f"  \n{why}" if why else ""))


def return_code() -> None:
    """The open assessment's short return code, with the link, to keep or download."""
    summary = state.store().summary(state.draft_id())
    if not summary.code:
        return
    link = f"{_base_url()}?{state.QUERY_KEY}={state.draft_id()}"
    st.markdown(
        f"Return code: **{summary.code}**  \nSaved automatically. Use the code on the Start page, "
        "or bookmark this page, to come back."
    )
    st.download_button(
        "Download the code and link",
        (
            f"{summary.organisation}: online safety risk assessment\n\n"
            f"Return code: {summary.code}\nLink: {link}\n\n"
            "Anyone with the code or the link can open and change this assessment: keep them private.\n"
        ).encode(),
        file_name=f"return-code-{summary.code}.txt",
        mime="text/plain",
        icon=":material/key:",
    )


def _base_url() -> str:
    try:
        url = st.context.url or ""
    except AttributeError:
        url = ""
    return url.split("?")[0].rsplit("/", 1)[0] + "/" if url else "/"
