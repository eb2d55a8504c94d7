"""Page helpers drawn on every run: the connection-lost banner and group labels.

``ui/components/page.js`` (plain JavaScript, loaded with ``st.components.v2``: no build step,
nothing fetched) watches the page once it is loaded. It says in words when the connection to the
server is lost, and whether the answers are safe, and clears when it is back; and it gives each
tick-all-that-apply question's box (``group_key``) the group role, labelled by the question; and
it tells the server when the page is narrow (``narrow``), for layouts that need to differ.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_helpers = st.components.v2.component(
    "assessor_page",
    js=(Path(__file__).resolve().parent / "components" / "page.js").read_text(encoding="utf-8"),
)


def group_key(anchor: str) -> str:
    """The key of a question's box of check boxes: its CSS class is ``st-key-group-…``."""
    return f"group-{anchor}"


_KEY = "page-helpers-script"


def narrow() -> bool:
    """Whether the page was narrower than 800 CSS pixels (a phone, or 200% zoom) at the last run."""
    value = st.session_state.get(_KEY)
    return bool(isinstance(value, dict) and value.get("narrow"))


def helpers() -> None:
    with st.container(key="page-helpers"):
        _helpers(
            key=_KEY, data={"narrow": narrow()}, default={"narrow": False}, on_narrow_change=lambda: None
        )
