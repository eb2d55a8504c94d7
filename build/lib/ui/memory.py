"""This browser's memory: an id of its own, and the assessments it started or opened.

Kept in two first-party cookies (written by ``ui/components/memory.js``, read from
``st.context.cookies`` when a page loads), so that the Start page lists only this browser's
assessments and a stranger's browser lists none. The browser's id is a secret: the store keeps
only its hash, to recognise the browser that created an assessment ("Delete now").
"""

from __future__ import annotations

import secrets
from pathlib import Path

import streamlit as st

from assessor.store import is_draft_id

BROWSER = "assessor_browser"
DRAFTS = "assessor_drafts"
MAX_DRAFTS = 100  # 33 bytes each: the cookie stays under the usual 4 KB limit
MAX_AGE = 400 * 24 * 3600  # about 13 months, the most browsers keep a cookie

_writer = st.components.v2.component(
    "assessor_memory",
    js=(Path(__file__).resolve().parent / "components" / "memory.js").read_text(encoding="utf-8"),
)


def _cookies() -> dict[str, str]:
    try:
        return dict(st.context.cookies)
    except Exception:  # AppTest and bare mode have no request
        return {}


def browser_id() -> str:
    """This browser's own id (made on its first visit)."""
    if "browser" not in st.session_state:
        given = _cookies().get(BROWSER, "")
        ok = 20 <= len(given) <= 64 and given.replace("-", "").replace("_", "").isalnum()
        st.session_state["browser"] = given if ok else secrets.token_urlsafe(24)
    return st.session_state["browser"]


def drafts() -> list[str]:
    """The assessments this browser started or opened, most recent first."""
    if "mine" not in st.session_state:
        given = [d for d in _cookies().get(DRAFTS, "").split(".") if is_draft_id(d)]
        st.session_state["mine"] = list(dict.fromkeys(given))[:MAX_DRAFTS]
    return st.session_state["mine"]


def remember(draft: str) -> None:
    mine = drafts()
    if draft in mine:
        mine.remove(draft)
    mine.insert(0, draft)
    del mine[MAX_DRAFTS:]


def forget(draft: str) -> None:
    if draft in drafts():
        drafts().remove(draft)


def write() -> None:
    """Once per run: hand the cookies to the browser (unchanged values cost nothing there)."""
    with st.container(key="browser-memory"):
        _writer(
            key="browser-memory-writer",
            data={"cookies": {BROWSER: browser_id(), DRAFTS: ".".join(drafts())}, "maxAge": MAX_AGE},
        )
