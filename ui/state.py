"""Session plumbing: which draft this browser tab is on, and saving every change.

The assessment object in ``st.session_state`` is the source of truth; widget
keys only mirror it. Every change is written to the SQLite store at once, and
the draft id rides in the URL (``?draft=...``), so a refresh or a server
restart comes back to the same answers.
"""

from __future__ import annotations

import json
import os
import re
from typing import TYPE_CHECKING

import streamlit as st

from assessor.errors import SourceErrors
from assessor.store import DraftNotFound, Store, is_draft_id

if TYPE_CHECKING:
    from assessor.assessment import Assessment
    from assessor.questionnaire import Catalogue
    from assessor.visibility import PageProgress

# The questionnaire and assessment models (pydantic) are imported on first use, not here: a
# first visit to the Start page needs neither, and importing them is most of the app's start-up.

QUERY_KEY = "draft"


@st.cache_resource(show_spinner=False)
def catalogue() -> Catalogue:
    """The questionnaire: immutable (frozen models), so one copy serves every session."""
    from assessor.catalogue import default_catalogue

    return default_catalogue()


def store() -> Store:
    """The store for the database named by ASSESSOR_DB (or the default)."""
    return _store(os.environ.get("ASSESSOR_DB", ""))


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    # Shared by every session: a Store holds its path and one locked connection, no session data.
    return Store(path or None)


def shared_server() -> bool:
    """On a shared server, drafts are reachable only by their link, never listed."""
    return os.environ.get("ASSESSOR_SHARED", "").lower() in ("1", "true", "yes")


def draft_id() -> str | None:
    return st.session_state.get("draft_id")


def assessment() -> Assessment:
    return st.session_state["assessment"]


def sync_from_url() -> None:
    """Load the draft named in the URL, or put the open draft's id back into the URL."""
    wanted = st.query_params.get(QUERY_KEY)
    current = draft_id()
    if wanted and wanted != current:
        if is_draft_id(wanted):
            try:
                open_draft(wanted)
                return
            except (DraftNotFound, SourceErrors):
                pass
        st.session_state["flash"] = ("warning", "That assessment link does not match a saved assessment.")
        del st.query_params[QUERY_KEY]
    elif current and not wanted:
        st.query_params[QUERY_KEY] = current


def open_draft(draft: str) -> None:
    st.session_state.pop("steps", None)
    st.session_state["assessment"] = store().load(draft, catalogue())
    st.session_state["draft_id"] = draft
    st.session_state["saved_rev"] = None
    st.query_params[QUERY_KEY] = draft


def start_draft(new: Assessment) -> str:
    draft = store().create(new, completion(new))
    open_draft(draft)
    return draft


def close_draft() -> None:
    for key in ("assessment", "draft_id", "saved_rev", "steps"):
        st.session_state.pop(key, None)
    if QUERY_KEY in st.query_params:
        del st.query_params[QUERY_KEY]


def completion(a: Assessment, pages: list[PageProgress] | None = None) -> float:
    from assessor.visibility import progress

    pages = progress(a, catalogue()) if pages is None else pages
    total = sum(p.total for p in pages)
    return sum(p.answered for p in pages) / total if total else 0.0


def steps() -> list[PageProgress]:
    """Progress per page of the open draft, counted once per saved revision, not per rerun.

    Every change goes through ``save``, so the revision number names the answers."""
    from assessor.visibility import progress

    memo = st.session_state.get("steps")
    rev = st.session_state.get("saved_rev")
    if memo is None or memo[0] != rev:
        memo = (rev, progress(assessment(), catalogue()))
        st.session_state["steps"] = memo
    return memo[1]


def save() -> None:
    """Persist the session's assessment as a new revision."""
    from assessor.visibility import progress

    a = assessment()
    pages = progress(a, catalogue())
    rev = store().save(draft_id(), a, completion(a, pages))
    st.session_state["saved_rev"] = rev
    st.session_state["steps"] = (rev, pages)


def go(page_id: str) -> None:
    """Move to another page on the next run, once the router knows the pages for this draft."""
    st.session_state["go_to"] = page_id
    st.rerun()


def follow_go(pages: dict) -> None:
    """Called by the router after it has built the pages."""
    target = st.session_state.pop("go_to", None)
    if target in pages:
        query = {QUERY_KEY: draft_id()} if draft_id() else None
        st.switch_page(pages[target], query_params=query)


# Question labels in bold (bold Markdown in the label itself would be read out as asterisks), and
# page names in the sidebar wrapped instead of cut short. A note field's key ends in "|note",
# which Streamlit turns into a class ending "-note".
STYLE = """<style>
[class*="st-key-q-"] [data-testid="stWidgetLabel"] p { font-weight: 600; }
[class*="st-key-q-"] [class*="-note"] [data-testid="stWidgetLabel"] p { font-weight: 400; }
[data-testid="stSidebarNavLink"] { height: auto; min-height: 28px; }
[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"],
[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"] p {
  white-space: normal; overflow: visible; height: auto; line-height: 1.3;
}
</style>"""

QUESTION_KEY = "q"  # a question to scroll to, set by the Review page's Edit links

# Streamlit keeps the scroll position when the page changes. The only variable part is a CSS class
# built by question_anchor, so it holds nothing but letters, digits, "_" and "-".
_SCROLL = """<script>
(() => {{
  const target = {target} ? document.querySelector({target}) : null;
  const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
  if (target) target.scrollIntoView({{block: "start"}});
  else if (main) main.scrollTo(0, 0);
}})();
</script>"""


def question_anchor(question_id: str) -> str:
    """The key of the box around a question, which is also its CSS class (``st-key-…``)."""
    return "q-" + re.sub(r"[^A-Za-z0-9_-]", "-", question_id)


def scroll_after_page_change(page_id: str) -> None:
    """Start a newly opened page at its top, or at the question an Edit link points to."""
    question = st.query_params.get(QUESTION_KEY)
    if question is not None:
        del st.query_params[QUESTION_KEY]
    if page_id == st.session_state.get("shown_page") and question is None:
        return
    st.session_state["shown_page"] = page_id
    target = json.dumps(f".st-key-{question_anchor(question)}") if question else "null"
    st.html(_SCROLL.format(target=target), unsafe_allow_javascript=True)


def flash(kind: str, message: str) -> None:
    st.session_state["flash"] = (kind, message)


def show_flash() -> None:
    item = st.session_state.pop("flash", None)
    if item:
        getattr(st, item[0])(item[1])
