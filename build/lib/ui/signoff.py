"""Sign-off: the version's status, the version table, the next step in the chain, and the yearly
review. The rules are in ``assessor.lifecycle``; this page only asks for names and calls them.

Who may take a step is the role's (``assessor.access``). When the app runs without sign-in, the
person says which role they are acting in, and the page records the names they give.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import streamlit as st

from assessor import lifecycle as lc
from assessor.store import InvalidChange
from ui import state
from ui.text import md

APPROVER_ROWS = 3


def _role() -> str:
    """The role this person acts in: the signed-in member's, else the one they choose."""
    from ui import auth

    if auth.enabled():
        from assessor.access import lifecycle_role

        member = auth.role() or "viewer"
        st.markdown(f"You are signed in as **{md(member)}** in this organisation.")
        return lifecycle_role(member) or "viewer"
    roles = [lc.EDITOR, lc.LEAD, lc.TRUSTEE]
    return st.radio(
        "You are acting as",
        roles,
        format_func=lambda r: lc.ROLE_LABELS[r],
        key="signoff|role",
        horizontal=True,
        help="Each step is taken by one role: the safeguarding lead reviews, the trustees approve.",
    )


def _take(new) -> bool:
    """Save a step's result; say why not if the store refuses it."""
    st.session_state["assessment"] = new
    result = state.save()
    if result is None:
        return False
    state.flash(
        "success",
        f"Saved: version {lc.versions(result.assessment)[-1].version} is now "
        f"{lc.STATUS_LABELS[lc.status(result.assessment)].lower()}.",
    )
    return True


def _step(fn, **kwargs) -> None:
    try:
        new = fn(state.assessment(), **kwargs)
    except lc.NotAllowed as exc:
        st.session_state["signoff|error"] = str(exc)
        return
    try:
        _take(new)
    except InvalidChange as exc:  # pragma: no cover - state.save reports these itself
        st.session_state["signoff|error"] = "; ".join(exc.problems)


def _version_table(a) -> None:
    """The version table as a list, newest first: it wraps on a phone, where a table would not."""
    lines = []
    for v in reversed(lc.versions(a)):
        parts = [lc.STATUS_LABELS[v.status]]
        if v.prepared_by:
            parts.append(
                f"prepared by {md(v.prepared_by)}"
                + (f" ({v.submitted_on:%d %b %Y})" if v.submitted_on else "")
            )
        if v.reviewed_by:
            parts.append(
                f"reviewed by {md(v.reviewed_by)}" + (f" ({v.reviewed_on:%d %b %Y})" if v.reviewed_on else "")
            )
        if v.approvers:
            people = "; ".join(f"{md(p.name)} ({md(p.role)})" for p in v.approvers)
            parts.append(f"approved by {people}" + (f" on {v.approved_on:%d %b %Y}" if v.approved_on else ""))
        if v.minute:
            parts.append(f"minute {md(v.minute)}")
        lines.append(f"- **Version {v.version}**: " + " · ".join(parts))
    st.markdown("\n".join(lines))


def signoff_page() -> None:
    st.title("Sign-off and versions")
    state.show_flash()
    a = state.assessment()
    status = lc.status(a)
    version = lc.versions(a)[-1]
    st.write(
        "An assessment is prepared as a draft, submitted for review, reviewed by the safeguarding "
        "lead and approved by the trustees. An approved version cannot be changed: any later edit "
        "starts the next version as a draft, and the approved one is kept as it was. Review it at "
        "least once a year, and after an incident or any change to the platform or its members."
    )
    st.markdown(f"**Version {version.version}: {lc.STATUS_LABELS[status].lower()}.**")
    if status == lc.Status.approved:
        st.markdown(
            f"Approved on {version.approved_on:%d %B %Y} (minute {md(version.minute)}). "
            f"Fingerprint of the answers approved: `{version.content_hash}`"
        )
    carried = lc.carried_over(a)
    if carried:
        st.warning(
            f"{len(carried)} answer{'s' if len(carried) != 1 else ''} carried over from the last approved "
            "version still need confirming. Each question page marks them: confirm each one or change it."
        )

    st.header("Versions")
    _version_table(a)

    _changes_page(a)

    st.header("Next step")
    error = st.session_state.pop("signoff|error", None)
    if error:
        st.error(error)
    role = _role()
    steps = lc.allowed(a, role)
    today = dt.date.today()
    if not steps:
        need = [t for t, starts in lc.FROM.items() if status in starts]
        who = sorted({lc.ROLE_LABELS.get(r, r).lower() for t in need for r in sorted(lc.MAY[t])})
        st.info(f"Nothing for you to do at this step. The next step is for: {', '.join(who) or 'nobody'}.")
        return
    if lc.SUBMIT in steps:
        name = st.text_input(
            "Your name (who prepared this version)", key="signoff|submit-name", max_chars=300
        )
        if st.button("Submit for review by the safeguarding lead", type="primary", key="signoff|submit"):
            _step(lc.submit, by=name, role=role, on=today)
            st.rerun()
    if lc.REVIEW in steps:
        name = st.text_input("Your name (safeguarding lead)", key="signoff|review-name", max_chars=300)
        if st.button("Mark as reviewed: ready for the trustees", type="primary", key="signoff|review"):
            _step(lc.review, by=name, role=role, on=today)
            st.rerun()
    if lc.APPROVE in steps:
        _approve_form(role)
    if lc.SEND_BACK in steps and st.button("Send back to draft for changes", key="signoff|send-back"):
        _step(lc.send_back, role=role)
        st.rerun()
    if lc.START_REVIEW in steps:
        st.subheader("Start the next review")
        st.write(
            "Copies this approved version into a new draft version with every answer and note kept. "
            "Each answer is marked “carried over, please confirm” until someone confirms or changes "
            "it. The questions about what has changed since the last review come first."
        )
        if st.button("Start the next review", type="primary", key="signoff|start-review"):
            _step(lc.start_review, role=role, on=today)
            st.session_state["go_to"] = "profile"
            st.rerun()


def _approve_form(role: str) -> None:
    st.subheader("Record the trustees' approval")
    with st.form("signoff|approve-form"):
        st.write(
            "Name the trustees who approved this version at their meeting, and the minute that records it."
        )
        people = []
        for i in range(APPROVER_ROWS):
            left, right = st.columns(2)
            name = left.text_input(f"Trustee {i + 1}: name", key=f"signoff|approver-name-{i}", max_chars=300)
            who = right.text_input(
                f"Trustee {i + 1}: role",
                key=f"signoff|approver-role-{i}",
                max_chars=300,
                placeholder="Chair of trustees" if i == 0 else "",
            )
            if name.strip():
                people.append((name, who or "Trustee"))
        minute = st.text_input(
            "Minute reference", key="signoff|minute", max_chars=300, placeholder="e.g. TM 2026/14"
        )
        on = st.date_input(
            "Date approved", key="signoff|approved-on", format="DD/MM/YYYY", value=dt.date.today()
        )
        if st.form_submit_button("Record the approval", type="primary"):
            _step(lc.approve, approvers=people, minute=minute, role=role, on=on)
            st.rerun()


def _changes_page(a) -> None:
    """The risk assessment with its page for trustees: changes since the last approved version."""
    current = lc.versions(a)[-1].version
    earlier = [
        (rev, v)
        for rev, v in state.store().approved_revisions(state.draft_id())
        if v.get("version") != current
    ]
    if not earlier:
        return
    rev, v = earlier[0]
    when = v.get("approved_on", "")
    with contextlib.suppress(ValueError, TypeError):
        when = f"{dt.date.fromisoformat(when):%d %B %Y}"
    st.header("Changes for the trustees")
    st.write(
        f"The risk assessment can include a page for the trustees: the changes since version "
        f"{v.get('version')}, approved {when}. The History page shows the same comparison."
    )
    key = (st.session_state.get("saved_rev"), rev)
    if st.button("Prepare the risk assessment with the changes page", key="signoff|changes"):
        from assessor.diff import compare
        from assessor.documents import render_document
        from assessor.documents.workers import RenderError, SettingError

        cat = state.catalogue()
        with st.spinner("Comparing and writing the risk assessment…"):
            changes = compare(state.store().load(state.draft_id(), cat, rev), a, cat)
            try:
                pdf = render_document("risk_report", a, cat, "pdf", changes=changes)
            except (RenderError, SettingError) as exc:
                st.error(str(exc))
                return
            st.session_state["signoff|changes-pdf"] = (key, pdf)
    ready = st.session_state.get("signoff|changes-pdf")
    if ready and ready[0] == key:
        st.download_button(
            "Download the risk assessment with the changes page (PDF)",
            ready[1],
            file_name=f"risk-assessment-version-{current}-changes.pdf",
            mime="application/pdf",
            icon=":material/download:",
        )
