"""The profile page and one page per risk area."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.questions import render_sections


def _on_org(field: str) -> None:
    value = (st.session_state[f"{state.draft_id()}|org|{field}"] or "").strip()
    org = state.assessment().organisation
    if field == "name" and not value:
        st.session_state[f"{state.draft_id()}|org|name"] = org.name
        state.flash("error", "The organisation needs a name; the previous name was kept.")
        return
    setattr(org, field, value or None)
    state.save()


def profile_page() -> None:
    cat = state.catalogue()
    st.title(cat.profile.title)
    state.show_flash()
    if cat.profile.intro:
        st.write(cat.profile.intro)
    org = state.assessment().organisation
    st.subheader("Organisation")
    for field, label in (
        ("name", "Organisation name"),
        ("charity_number", "Charity number (if any)"),
        ("website", "Website (if any)"),
    ):
        key = f"{state.draft_id()}|org|{field}"
        if key not in st.session_state and not state.adopting(key):
            st.session_state[key] = getattr(org, field) or ""
        st.text_input(label, key=key, on_change=_on_org, args=(field,), max_chars=300)
        if state.adopting(key):
            _on_org(field)
    render_sections(cat.profile.sections, cat)
    next_button("profile")


def area_page(area_id: str) -> None:
    cat = state.catalogue()
    area = next(a for a in cat.areas if a.id == area_id)
    st.title(area.title)
    state.show_flash()
    kind = "Key risk" if area.kind == "key_risk" else "How you operate"
    st.markdown(f"*{kind}*")
    st.write(area.summary)
    st.write(
        "Rate each statement for your community as it is today. *Don't know* counts as a gap until "
        "you find out; choose *Not applicable* only when the statement cannot apply to you."
    )
    render_sections(area.sections, cat)
    next_button(area_id)


def next_button(current: str) -> None:
    order: list[str] = st.session_state.get("page_order", [])
    pages = st.session_state.get("pages", {})
    if current in order and order.index(current) + 1 < len(order):
        nxt = order[order.index(current) + 1]
        title = st.session_state.get("page_titles", {}).get(nxt) or pages[nxt].title
        if st.button(f"Next: {title}", type="primary"):
            state.go(nxt)
