"""Start page: what the tool does, new assessment, resume, upload, delete."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from assessor.errors import SourceErrors
from assessor.sourcemap import MAX_BYTES
from ui import auth, state
from ui.text import md


def _new(name: str, assessor: str) -> None:
    from assessor.assessment import Assessment, Meta  # on first use: see ui/state.py

    cat = state.catalogue()
    a = Assessment(
        organisation={"name": name.strip()},
        meta=Meta(
            assessor=assessor.strip() or None,
            assessed_on=dt.date.today(),
            questionnaire_version=cat.meta.version,
        ),
    )
    state.start_draft(a)


def _upload(raw: bytes, name: str) -> bool:
    from assessor.assessment import parse_assessment

    try:
        a = parse_assessment(raw, state.catalogue(), name)
    except SourceErrors as exc:
        st.session_state["upload_problems"] = [str(p) for p in exc.problems]
        return False
    st.session_state.pop("upload_problems", None)
    state.start_draft(a)
    state.flash(
        "success", f"Opened {md(name)}: {md(a.organisation.name)}. It is saved here as a new assessment."
    )
    return True


def _readable(raw: bytes, name: str) -> bool:
    """Check a file before asking to replace the open assessment with it: a bad file changes nothing."""
    from assessor.assessment import parse_assessment

    try:
        parse_assessment(raw, state.catalogue(), name)
    except SourceErrors as exc:
        st.session_state["upload_problems"] = [str(p) for p in exc.problems]
        return False
    return True


def page() -> None:
    st.title("Online safety risk assessment")
    state.show_flash()
    st.write(
        "This tool walks you through the safeguarding of an online community: a forum, chat room, "
        "messaging or social-media group, game or video session. It asks about your platform and "
        "how you run it, shows where the gaps are and why, and writes the documents you adopt: a "
        "risk assessment for trustees, an online safety policy statement, house rules, codes of "
        "conduct and an escalation procedure."
    )
    st.info(
        "**How long it takes.** About 45 to 60 minutes, in one sitting or several. Every answer is "
        "saved as you go, and the link in your address bar brings you back to it.\n\n"
        "**Your data stays here.** Answers are stored only in this deployment's own database. "
        "Nothing is sent anywhere else. Avoid writing members' names or details of real incidents "
        "in notes.",
        icon=":material/lock:",
    )
    auth.start_note()
    if auth.enabled() and auth.current_org() is None:
        return  # signed in but in no organisation: nothing to open or start yet

    if auth.may("create"):
        _new_form()
    if state.draft_id():
        st.success(f"You have **{md(state.assessment().organisation.name)}** open.")
        _overdue_notice()
        if st.button("Continue where you left off", type="primary"):
            state.go("profile")
    _code_form()
    if auth.enabled() or not state.shared_server():
        _saved_list()
    if auth.may("create"):
        _upload_form()


def _new_form() -> None:
    st.header("Start a new assessment")
    with st.form("new"):
        name = st.text_input("Organisation name", max_chars=300)
        assessor = st.text_input("Your name (the person completing the assessment)", max_chars=300)
        if st.form_submit_button("Start", type="primary"):
            if not name.strip():
                st.error("Enter the organisation's name to start.")
            else:
                _replace(("new", name, assessor), f"Start a new assessment for {name.strip()}")
    _confirm("new")


def _code_form() -> None:
    st.header("Open an assessment from its return code")
    with st.form("code"):
        code = st.text_input("Return code (8 letters and numbers, such as ABCD-EFGH)", max_chars=20)
        if st.form_submit_button("Open"):
            found = state.store().find_code(code)
            if found is None:
                st.error("No assessment has that code. Check it against the code you were given.")
            elif found == state.draft_id():
                state.go("profile")
            else:
                _replace(("open", found), "Open the assessment with that code")
    _confirm("open")


def _upload_form() -> None:
    st.header("Open an assessment file")
    st.write("An assessment file (`.yaml`) downloaded from this tool, or written by hand.")
    uploaded = st.file_uploader(
        f"Assessment file (up to {MAX_BYTES // 1000:,} KB)", type=["yaml", "yml", "json"]
    )
    if uploaded is not None and st.button("Open this file") and _readable(uploaded.getvalue(), uploaded.name):
        _replace(("upload", uploaded.getvalue(), uploaded.name), f"Open {uploaded.name}")
    _confirm("upload")
    problems = st.session_state.get("upload_problems")
    if problems:
        shown = "\n".join(f"- {md(p)}" for p in problems[:20])
        more = f"\n\n…and {len(problems) - 20} more." if len(problems) > 20 else ""
        st.error(
            f"That file could not be opened, so nothing has changed.\n\n{shown}{more}\n\n"
            "Check that it is an assessment file saved from this tool. If it was edited by hand, the "
            "numbers after the file name give the line and column to look at.",
            icon=":material/error:",
        )


def _overdue_notice(limit: int = 5) -> None:
    """The open assessment's overdue review and overdue actions, with a link to follow them up."""
    from assessor.followup import overdue
    from assessor.scoring import score

    a = state.assessment()
    # Scoring takes about 25 ms: once per saved revision and day, not on every draw of the page.
    items = state.per_revision("overdue", lambda: overdue(a, score(a, state.catalogue()), dt.date.today()))
    if not items:
        return
    lines = []
    for d in items[:limit]:
        late = f"{d.days_late} day{'s' if d.days_late != 1 else ''} overdue"
        if d.kind == "review":
            lines.append(f"- **The yearly review** was due {d.date:%d %B %Y} ({late}).")
        else:
            lines.append(
                f"- **Action {d.number}** ({md(d.owner or '')}, due {d.date:%d %B %Y}, {late}): {md(d.title)}"
            )
    more = f"\n\n…and {len(items) - limit} more." if len(items) > limit else ""
    with st.container(border=True, key="overdue"):
        st.warning(
            f"**{len(items)} overdue in this assessment.**\n\n" + "\n".join(lines) + more,
            icon=":material/event_busy:",
        )
        pages = st.session_state.get("pages", {})
        if "results" in pages:
            st.page_link(
                pages["results"],
                label="Follow up the actions (Results page)",
                icon=":material/task_alt:",
                query_params={state.QUERY_KEY: state.draft_id()},
            )


def _replace(action: tuple, what: str, where: str | None = None) -> None:
    """Do an action that opens another assessment in this tab; with one open, ask first (at
    ``where``, the place on the page it was asked from)."""
    if state.draft_id() is None:
        _do(action)
    else:
        st.session_state["replace"] = (action, what, where or action[0])
        st.rerun()


def _do(action: tuple) -> None:
    kind = action[0]
    if kind == "new":
        _new(action[1], action[2])
    elif kind == "open":
        state.open_draft(action[1])
    elif kind == "upload" and not _upload(action[1], action[2]):
        return
    state.go("profile")


def _confirm(kind: str) -> None:
    """The question before something replaces the open assessment in this tab, where it was asked."""
    pending = st.session_state.get("replace")
    if not pending or pending[2] != kind or not state.draft_id():
        return
    action, what, _ = pending
    a = state.assessment()
    code = state.store().summary(state.draft_id()).code
    with st.container(border=True, key=f"replace-{kind}"):
        st.warning(
            f"{md(what)}? It replaces **{md(a.organisation.name)}** in this tab. That assessment stays "
            f"saved: come back to it from the list below or with its return code, **{code}**.",
            icon=":material/swap_horiz:",
        )
        yes, no = st.columns(2)
        if yes.button("Yes, continue", key=f"replace-yes-{kind}", type="primary"):
            st.session_state.pop("replace", None)
            _do(action)
        if no.button("Cancel", key=f"replace-no-{kind}"):
            st.session_state.pop("replace", None)
            st.rerun()


def _listed(deleted: bool = False) -> list:
    """The saved assessments to list: this browser's own, or all of them in single-user mode;
    with sign-in, the current organisation's."""
    if auth.enabled():
        return state.store().list(deleted=deleted, org=auth.current_org())
    if state.single_user():
        return state.store().list(deleted=deleted)
    from ui import memory

    return state.store().list(memory.drafts(), deleted=deleted)


def _saved_list() -> None:
    drafts = _listed()
    st.header("Your saved assessments")
    if auth.enabled():
        st.write("Your organisation's assessments.")
    elif state.single_user():
        st.write("Single-user mode: every assessment saved on this computer is listed.")
    else:
        st.write(
            "Assessments started or opened in this browser. To open one from another browser, use "
            "its return code or its link."
        )
    _confirm("list")
    if not drafts:
        st.write("None yet.")
        _deleted_list()
        return
    for d in drafts:
        with st.container(border=True):
            left, mid, right = st.columns([5, 2, 2], vertical_alignment="center")
            left.markdown(f"**{md(d.organisation)}**  \nLast saved {d.updated.astimezone():%d %b %Y, %H:%M}")
            mid.progress(min(d.progress, 1.0), text=f"{d.progress:.0%} answered")
            left.markdown(f"Return code: {d.code}")
            if right.button("Open", key=f"open|{d.id}"):
                if d.id == state.draft_id():
                    state.go("profile")
                _replace(("open", d.id), f"Open {d.organisation}", "list")
            confirm_key = f"confirm-delete|{d.id}"
            if st.session_state.get(confirm_key):
                st.warning(f"Delete **{md(d.organisation)}**? You can undo this from this page for 30 days.")
                yes, no = st.columns(2)
                if yes.button("Yes, delete it", key=f"yes|{d.id}", type="primary"):
                    state.store().delete(d.id)
                    if state.draft_id() == d.id:
                        state.close_draft()
                    st.session_state.pop(confirm_key)
                    st.rerun()
                if no.button("Keep it", key=f"no|{d.id}"):
                    st.session_state.pop(confirm_key)
                    st.rerun()
            elif auth.may("delete") and right.button("Delete", key=f"del|{d.id}"):
                st.session_state[confirm_key] = True
                st.rerun()
    _deleted_list()


def _deleted_list() -> None:
    """Soft-deleted drafts, kept for UNDO_DAYS, with Undo."""
    from assessor.store import UNDO_DAYS

    gone = _listed(deleted=True) if auth.may("delete") else []
    if not gone:
        return
    st.subheader("Recently deleted")
    st.write(f"Deleted assessments are kept for {UNDO_DAYS} days, then removed for good.")
    for d in gone:
        left, right = st.columns([7, 2], vertical_alignment="center")
        left.markdown(f"**{md(d.organisation)}**  \nDeleted {d.deleted.astimezone():%d %b %Y, %H:%M}")
        if right.button("Undo delete", key=f"undo|{d.id}"):
            state.store().undelete(d.id)
            st.rerun()
