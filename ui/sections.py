"""The profile page and one page per risk area."""

from __future__ import annotations

import streamlit as st

from ui import autosave, state
from ui.questions import render_sections


def profile_page() -> None:
    cat = state.catalogue()
    st.title(cat.profile.title)
    state.show_flash()
    if cat.profile.intro:
        st.write(cat.profile.intro)
    read_only_note()
    st.header("Organisation")
    for field, label in (
        ("name", "Organisation name"),
        ("charity_number", "Charity number (if any)"),
        ("website", "Website (if any)"),
        ("phone", "Phone your team watches for members' worries (if any)"),
        ("email", "Inbox your team watches for members' worries (if any)"),
    ):
        if state.read_only():
            from ui.text import md

            st.markdown(
                f":small[**{label}**]  \n{md(getattr(state.assessment().organisation, field) or '-')}"
            )
            continue
        autosave.text_box(
            f"org|{field}",
            label,
            lambda field=field: getattr(state.assessment().organisation, field) or "",
            lambda text, field=field: {f"organisation/{field}": text.strip() or None},
            max_chars=300,
            strong=True,
        )
    render_sections(cat.profile.sections, cat)
    next_button("profile")


def area_page(area_id: str) -> None:
    cat = state.catalogue()
    area = next(a for a in cat.areas if a.id == area_id)
    st.title(area.title)
    state.show_flash()
    kind = "Key risk" if area.kind == "key_risk" else "How you operate"
    st.markdown(f"*{kind}*")
    read_only_note()
    st.write(area.summary)
    st.write(
        "Rate each statement for your community as it is today. *Don't know* counts as a gap until "
        "you find out; choose *Not applicable* only when the statement cannot apply to you."
    )
    render_sections(area.sections, cat)
    next_button(area_id)


def read_only_note() -> None:
    """With sign-in, a person whose role does not answer is told so (their saves are refused)."""
    if state.read_only():
        from ui import auth

        st.info(
            f"You can read these answers but not change them: your role here is {auth.role()}. "
            "An editor or owner of your organisation answers the questions.",
            icon=":material/visibility:",
        )


def next_button(current: str) -> None:
    order: list[str] = st.session_state.get("page_order", [])
    pages = st.session_state.get("pages", {})
    if current in order and order.index(current) + 1 < len(order):
        nxt = order[order.index(current) + 1]
        title = st.session_state.get("page_titles", {}).get(nxt) or pages[nxt].title
        if st.button(f"Next: {title}", type="primary"):
            state.go(nxt)
