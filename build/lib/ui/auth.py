"""Sign-in (hosted mode): Streamlit's ``st.login`` / ``st.user`` with any OpenID Connect provider.

Hosted mode is on when ``.streamlit/secrets.toml`` (or another secrets file Streamlit reads) has
an ``[auth]`` section: see the README's "Signing in" section. Then every page needs a signed-in
person, identified by the ``email`` claim of their identity token, and every read and change
goes through ``assessor.access.CheckedStore`` with their role in the assessment's organisation.
With no ``[auth]`` section the app runs as a single-machine tool, as before, and the Start page
says so.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from assessor.access import ROLE_TEXT, CheckedStore, can
from ui.text import md

INVITE_KEY = "invite"  # ?invite=TOKEN: an invitation link


def _auth_section() -> Mapping | None:
    try:
        section = st.secrets.get("auth")
    except (FileNotFoundError, OSError, ValueError):
        return None
    except Exception:  # StreamlitSecretNotFoundError: no secrets file at all
        return None
    return section if isinstance(section, Mapping) else None


def enabled() -> bool:
    """True when a sign-in provider is configured: the app is then hosted for organisations."""
    section = _auth_section()
    return bool(section) and "redirect_uri" in section and "cookie_secret" in section


def providers() -> list[str | None]:
    """The configured providers: None for the unnamed one in ``[auth]``, else ``[auth.NAME]`` names."""
    section = _auth_section() or {}
    named = [k for k, v in section.items() if isinstance(v, Mapping) and "client_id" in v]
    return ([None] if "client_id" in section else []) + sorted(named)


def email() -> str | None:
    """The signed-in person's email address (their identity here), or None."""
    if not enabled() or not st.user.get("is_logged_in"):
        return None
    address = st.user.get("email")
    if not isinstance(address, str) or "@" not in address or st.user.get("email_verified") is False:
        return None
    return address.strip().lower()


def checked(inner) -> CheckedStore:
    """The store as the signed-in person may use it, one per session (its role cache is reset
    at the start of each run, so a changed role counts from the next click)."""
    who = email()
    if who is None:
        raise PermissionError("not signed in")
    held = st.session_state.get("checked_store")
    if held is None or held.email != who or held.inner is not inner:
        held = CheckedStore(inner, who)
        st.session_state["checked_store"] = held
    return held


def current_org() -> str | None:
    """The organisation this tab works in: the open assessment's, else the one chosen."""
    return st.session_state.get("org")


def role() -> str | None:
    """The signed-in person's role in the current organisation (None: not a member, or no sign-in)."""
    if not enabled():
        return None
    from ui import state

    return state.store().role_in(current_org())


def may(action: str) -> bool:
    """May this person take ``action`` here? Always True without sign-in (single machine)."""
    return not enabled() or can(role(), action)


# -- the gate -----------------------------------------------------------------------------------


def gate() -> None:
    """Run before anything reads a draft. Without sign-in configured: nothing to do. Otherwise a
    visitor who is not signed in sees only the sign-in page; a signed-in one is placed in an
    organisation (accepting an invitation in the URL first)."""
    if not enabled():
        return
    held = st.session_state.get("checked_store")
    if held is not None:
        held._roles.clear()  # roles are read again on every run
    if not st.user.get("is_logged_in"):
        sign_in_page()
        st.stop()
    if email() is None:
        st.title("Sign-in did not give an email address")
        st.error(
            "Your account did not give this app a verified email address, which is how "
            "organisations invite people. Ask the person who runs this server to check the "
            "sign-in settings (the `email` claim), then sign in again.",
            icon=":material/error:",
        )
        st.button("Sign out", on_click=st.logout)
        st.stop()
    from ui import state

    store = state.store()
    token = st.query_params.get(INVITE_KEY)
    if token:
        from assessor.store import InvalidInvite

        del st.query_params[INVITE_KEY]
        try:
            joined = store.accept_invite(token)
        except InvalidInvite as exc:
            state.flash("error", str(exc))
        else:
            st.session_state["org"] = joined.org_id
            state.close_draft()
            state.flash("success", f"You have joined {joined.org_name} as {joined.role}.")
    mine = {m.org_id for m in store.orgs()}
    if current_org() not in mine:
        st.session_state["org"] = next(iter(sorted(mine)), None) if mine else None


def sign_in_page() -> None:
    st.title("Online safety risk assessment")
    st.header("Sign in")
    st.write(
        "This server keeps assessments for several organisations. Sign in with your work account "
        "to see your organisation's assessments. You see only the organisations you belong to."
    )
    if st.query_params.get(INVITE_KEY):
        st.info(
            "You have opened an invitation. Sign in with the email address it was sent to, then "
            "open the invitation link again to join.",
            icon=":material/mail:",
        )
    for name in providers() or [None]:
        label = "Sign in" if name is None else f"Sign in with {name.title()}"
        if st.button(label, type="primary", key=f"sign-in|{name}"):
            if name:
                st.login(name)
            else:
                st.login()


def sidebar() -> None:
    """Who is signed in, in which organisation (a choice when several), and Sign out."""
    if not enabled():
        return
    from ui import state

    store = state.store()
    orgs = store.orgs()
    with st.sidebar:
        st.markdown(f"Signed in as **{md(email())}**")
        if len(orgs) > 1:
            names = {m.org_id: f"{m.org_name} ({m.role})" for m in orgs}
            chosen = st.selectbox(
                "Organisation",
                list(names),
                index=list(names).index(current_org()) if current_org() in names else 0,
                format_func=names.get,
                key="org-choice",
                disabled=bool(state.draft_id()),
                help="Close the open assessment (Start page) to change organisation."
                if state.draft_id()
                else None,
            )
            if chosen != current_org() and not state.draft_id():
                st.session_state["org"] = chosen
                st.rerun()
        elif orgs:
            st.markdown(f"{md(orgs[0].org_name)}: {orgs[0].role}")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:")


def start_note() -> None:
    """On the Start page: how this server is run (sign-in, or a single machine)."""
    from ui import state

    if not enabled():
        if state.single_user():
            how = "Single-user mode: every assessment saved on this computer is listed below."
        elif state.shared_server():
            how = "Each assessment opens only from its link or return code."
        else:
            how = "The list below shows only the assessments this browser started or opened."
        st.info(
            "**No sign-in on this server.** It runs as a single-machine tool: nobody signs in, and "
            f"anyone who can reach it can start an assessment. {how} To host it for several "
            "organisations with sign-in and roles, see the README's section on signing in.",
            icon=":material/computer:",
        )
        return
    store = state.store()
    org = current_org()
    if org is None:
        st.info(
            f"You are signed in as **{md(email())}** but belong to no organisation yet. Ask an owner "
            "of your organisation for an invitation link, or start an organisation below.",
            icon=":material/group:",
        )
        _new_org_form()
        return
    r = role()
    st.info(
        f"Signed in as **{md(email())}**: {ROLE_TEXT.get(r or '', 'not a member')}, in "
        f"**{md(store.org(org).name)}**.",
        icon=":material/badge:",
    )


def _new_org_form() -> None:
    from ui import state

    st.header("Start an organisation")
    with st.form("new-org"):
        name = st.text_input("Organisation name", max_chars=300, key="new-org-name")
        if st.form_submit_button("Start the organisation"):
            if not name.strip():
                st.error("Enter the organisation's name.")
            else:
                st.session_state["org"] = state.store().create_org(name.strip())
                state.flash("success", f"{name.strip()} is set up, with you as its owner.")
                st.rerun()
