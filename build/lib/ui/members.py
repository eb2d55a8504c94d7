"""Members (hosted mode, owners only): people and roles, invitation links, and the audit log.

The page checks the role itself, on the server, whatever the menu shows; and every call it makes
goes through the checked store (assessor.access), which checks it again.
"""

from __future__ import annotations

import streamlit as st

from assessor.access import ROLE_TEXT, ROLES, Forbidden, can, can_remove
from ui import auth, state
from ui.text import md

AUDIT_SHOWN = 200


def _link(token: str) -> str:
    from ui.router import _base_url

    return f"{_base_url()}?{auth.INVITE_KEY}={token}"


def members_page() -> None:
    st.title("Members")
    state.show_flash()
    org = auth.current_org()
    if not auth.enabled() or org is None or not can(auth.role(), "manage_members"):
        st.error("Only an owner of an organisation manages its members.", icon=":material/block:")
        return
    store = state.store()
    st.write(
        f"People in **{md(store.org(org).name)}** and what each may do. A person signs in with the "
        "email address listed here, and sees only the organisations they belong to."
    )
    with st.expander("What each role may do"):
        st.markdown("\n".join(f"- {ROLE_TEXT[r]}" for r in ROLES))
    people = store.members(org)
    st.header("People")
    for m in people:
        with st.container(border=True, key=f"member-{m.email.replace('@', '-at-').replace('.', '-')}"):
            left, mid, right = st.columns([4, 3, 2], vertical_alignment="bottom")
            left.markdown(f"**{md(m.email)}**  \nAdded {m.added.astimezone():%d %b %Y}")
            if not can_remove(people, m.email, "owner"):  # the last owner stays an owner
                mid.markdown(
                    "Owner: the only one, so it stays so. Make someone else an owner first to change it."
                )
                continue
            chosen = mid.selectbox(
                f"Role of {md(m.email)}", ROLES, index=ROLES.index(m.role), key=f"role|{m.email}"
            )
            if chosen != m.role:
                _change(lambda m=m, chosen=chosen: store.set_member(org, m.email, chosen))
            if right.button("Remove", key=f"remove|{m.email}", help=f"Remove {m.email}"):
                _change(lambda m=m: store.remove_member(org, m.email))

    st.header("Invite someone")
    st.write(
        "The app sends no email: copy the invitation link and send it yourself. It works once, and "
        "only for a person signed in with the address you enter."
    )
    with st.form("invite", clear_on_submit=True):
        email = st.text_input("Their email address", max_chars=320)
        role = st.selectbox("Their role", ROLES, index=ROLES.index("editor"), format_func=ROLE_TEXT.get)
        if st.form_submit_button("Make an invitation link", type="primary"):
            try:
                token = store.invite(org, email, role)
            except ValueError as exc:
                st.error(str(exc))
            else:
                st.session_state["invite-link"] = (email.strip().lower(), role, _link(token))
    made = st.session_state.get("invite-link")
    if made:
        st.success(f"Invitation for **{md(made[0])}** as {made[1]}. Copy this link and send it to them:")
        st.code(made[2], language=None)
    pending = store.invitations(org)
    if pending:
        st.subheader("Invitations not yet used")
        for inv in pending:
            left, right = st.columns([7, 2], vertical_alignment="center")
            left.markdown(
                f"**{md(inv.email)}** as {inv.role}, made {inv.created.astimezone():%d %b %Y, %H:%M}"
            )
            if right.button("Cancel", key=f"cancel-invite|{inv.id}"):
                _change(lambda inv=inv: store.cancel_invite(org, inv.id))

    st.header("Audit log")
    audit_table(store.audit(org, limit=AUDIT_SHOWN), names=_names(store, org))


def _change(do) -> None:
    try:
        do()
    except Forbidden as exc:
        state.flash("error", str(exc))
    st.session_state.pop("invite-link", None)
    st.rerun()


def _names(store, org: str) -> dict[str, str]:
    return {d.id: d.organisation for d in store.list(org=org) + store.list(org=org, deleted=True)}


def audit_table(entries: list, names: dict[str, str] | None = None) -> None:
    """Who did what, when, and to which answers: newest first, as a plain table that wraps."""
    from ui import sync

    if not entries:
        st.write("Nothing logged yet.")
        return
    rows = ["| When | Who | What | Assessment | Answers and details |", "| --- | --- | --- | --- | --- |"]
    for e in entries:
        what = "; ".join(sync.describe(f) for f in e.fields[:8])
        if len(e.fields) > 8:
            what += f"; and {len(e.fields) - 8} more"
        detail = "; ".join(x for x in (what, e.detail) if x)
        draft = (names or {}).get(e.draft_id or "", "") if e.draft_id else ""
        rows.append(
            f"| {e.at.astimezone():%d %b %Y, %H:%M} | {md(e.actor or '-')} | {md(e.action)} | "
            f"{md(draft) if draft else '-'} | {md(detail) if detail else '-'} |"
        )
    st.markdown("\n".join(rows))
    st.caption(f"The newest {len(entries)} entries.")
