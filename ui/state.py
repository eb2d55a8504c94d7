"""Session plumbing: which draft this browser tab is on, and saving every change.

The assessment object in ``st.session_state`` is this tab's copy of the stored head; widget keys
only mirror it. Every change is saved at once, as the fields it changed against the revision
the tab was showing (``saved_rev``), so the store merges it with anything another tab or person
saved meanwhile, and keeps both values when two edits touch the same answer. At each
interaction the tab picks up other saves and says so.

The draft id rides in the URL (``?draft=...``), so a refresh or a server restart comes back to
the same answers. The revision the page shows rides in a hidden field, so that after a lost
session the browser's values can be told apart: the ones the person changed are saved against
what they saw, and the rest are brought up to date (see ``open_draft``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import streamlit as st

from assessor.access import Forbidden
from assessor.errors import SourceErrors
from assessor.store import (
    DraftNotFound,
    DraftStore,
    InvalidChange,
    SaveResult,
    diff,
    flatten,
    is_draft_id,
    open_store,
)

if TYPE_CHECKING:
    from assessor.assessment import Assessment
    from assessor.questionnaire import Catalogue
    from assessor.visibility import PageProgress

T = TypeVar("T")
# The questionnaire and assessment models (pydantic) are imported on first use, not here: a
# first visit to the Start page needs neither, and importing them is most of the app's start-up.

QUERY_KEY = "draft"
REV_HOLDER = "rev-holder"  # the hidden field's box (hidden by STYLE)


@st.cache_resource(show_spinner=False)
def catalogue() -> Catalogue:
    """The questionnaire: immutable (frozen models), so one copy serves every session."""
    from assessor.catalogue import default_catalogue

    return default_catalogue()


def store() -> DraftStore:
    """The store for the database named by ASSESSOR_DB: an SQLite file, or a postgresql:// address.

    With sign-in configured (ui/auth.py), the signed-in person's checked store: every read and
    change is checked against their role in the draft's organisation."""
    from ui import auth

    inner = _store(os.environ.get("ASSESSOR_DB", ""))
    return auth.checked(inner) if auth.enabled() else inner


def read_only() -> bool:
    """True when the signed-in person may read but not change answers (a trustee, a viewer, ...)."""
    from ui import auth

    return not auth.may("answer")


@st.cache_resource(show_spinner=False)
def _store(location: str) -> DraftStore:
    # Shared by every session: a store holds its location and its connection(s), no session data.
    return open_store(location or None)


def shared_server() -> bool:
    """On a shared server, drafts are reachable only by their link, never listed."""
    return os.environ.get("ASSESSOR_SHARED", "").lower() in ("1", "true", "yes")


def draft_id() -> str | None:
    return st.session_state.get("draft_id")


def assessment() -> Assessment:
    return st.session_state["assessment"]


def tab() -> str:
    """This tab's name in the history ("tab 3f2a"): sessions have no login to name a person."""
    return st.session_state.setdefault("tab", f"tab {secrets.token_hex(2)}")


def sync_from_url() -> None:
    """Load the draft named in the URL, or put the open draft's id back into the URL.

    With a draft open, take in what other tabs saved since this tab's last interaction."""
    wanted = st.query_params.get(QUERY_KEY)
    current = draft_id()
    if wanted and wanted != current:
        if is_draft_id(wanted):
            try:
                open_draft(wanted, reconnect=True)
                return
            except (DraftNotFound, SourceErrors):
                pass
        st.session_state["flash"] = ("warning", "That assessment link does not match a saved assessment.")
        del st.query_params[QUERY_KEY]
    elif current and not wanted:
        st.query_params[QUERY_KEY] = current
    if current and wanted == current:
        refresh()


# -- what the browser holds after a lost session ----------------------------------------------


def _browser_values(draft: str) -> dict[str, Any]:
    """Widget values the browser sent with this run, by key, for this draft.

    A new session (after a server restart or a long disconnect) gets the browser's widget values
    before any widget is drawn. Streamlit keeps them under its internal element ids, which end
    with the widget's key; read them there, since there is no public API for this."""
    from streamlit.runtime.state.session_state_proxy import get_session_state

    try:
        states = get_session_state()._state._new_widget_state.states
    except AttributeError:
        return {}
    out = {}
    for wid, wstate in states.items():
        parts = wid.split("-", 2)
        if len(parts) == 3 and parts[0] == "$$ID" and parts[2].startswith((f"{draft}|", box_prefix(draft))):
            out[parts[2]] = wstate.value
    return out


def box_prefix(draft: str | None = None) -> str:
    """The start of every autosaving box's key (ui/autosave.py): the draft, then "|as|".

    The boxes are Streamlit bidirectional components, whose keys may not contain "__"; a draft id
    (URL-safe base64) can, so each "_" of it is written "_." ("." is not in the id's alphabet).
    """
    return f"{(draft or draft_id() or '').replace('_', '_.')}|as|"


def _rev_key(draft: str | None = None) -> str:
    return f"{draft or draft_id()}|rev|"


def open_draft(draft: str, *, reconnect: bool = False) -> None:
    """Open a draft in this session.

    On a reconnect, the browser still shows widgets from the lost session and sends their
    values. Those are taken as edits against the revision the page showed (from the hidden
    field), so a click that arrived with the reconnect is saved, merged with newer saves, and
    stale values never overwrite them. The page is then drawn again from the merged head."""
    sent = _browser_values(draft) if reconnect else {}
    opened = store().open(draft, catalogue(), author=tab())
    base, rev = opened.assessment, opened.rev
    if sent:
        shown = getattr(sent.get(_rev_key(draft)), "string_value", "")
        if shown.isdigit() and 0 < int(shown) < rev and not opened.recovered_from:
            with contextlib.suppress(DraftNotFound, SourceErrors):
                base, rev = store().load(draft, catalogue(), int(shown)), int(shown)
        boxes = box_prefix(draft)  # autosaving text boxes (ui/autosave.py) take their edits themselves
        st.session_state["adopt"] = {k for k in sent if k != _rev_key(draft) and not k.startswith(boxes)}
        st.session_state["adopt_edits"] = {
            k: v.json_value for k, v in sent.items() if k.startswith(boxes) and v.HasField("json_value")
        }
        if shown.isdigit():
            st.session_state["shown_rev"] = int(shown)
    st.session_state.pop("steps", None)
    from ui import auth

    if auth.enabled():
        st.session_state["org"] = store().draft_org(draft)
    st.session_state["assessment"] = base
    st.session_state["draft_id"] = draft
    st.session_state["saved_rev"] = rev
    st.session_state["base_fields"] = flatten(base.to_data())
    st.session_state.pop("widget_saves", None)
    st.query_params[QUERY_KEY] = draft
    remember(draft)
    if opened.recovered_from:
        flash(
            "warning",
            f"The latest saved version of this assessment (version {opened.recovered_from}) could not "
            f"be opened: {opened.problem}. You are looking at the last version that opens, saved "
            f"again as version {opened.rev}; the damaged one is kept in the History.",
        )


def adopting(key: str) -> bool:
    """True while the browser's value for this widget is to be taken, not set from the store."""
    return key in st.session_state.get("adopt", ())


def finish_run() -> None:
    """At the end of every run: save what a reconnect brought in, then keep the revision shown."""
    if st.session_state.pop("adopt", None) is not None and draft_id():
        # Only widgets whose stored value now differs from the browser's (others' saves meanwhile,
        # conflicts) are drawn again. Setting every widget from the store here, as this once did,
        # pushed values to the browser that could land after the person's next click or keystroke
        # and overwrite it there: the box showed empty, or the click was undone.
        result = save()
        if result is not None and (result.merged or result.conflicts):
            st.rerun()
    if draft_id():
        with st.container(key=REV_HOLDER):
            key = _rev_key()
            if st.session_state.get(key) != str(st.session_state.get("saved_rev")):
                st.session_state[key] = str(st.session_state.get("saved_rev"))
            st.text_input("Version shown", key=key, label_visibility="collapsed")


# -- this browser's drafts ---------------------------------------------------------------------


def remember(draft: str) -> None:
    """Note a draft this browser created or opened (see ui/memory.py)."""
    from ui import memory

    memory.remember(draft)


def forget(draft: str) -> None:
    from ui import memory

    memory.forget(draft)


def browser_id() -> str:
    from ui import memory

    return memory.browser_id()


def single_user() -> bool:
    """Local single-user mode: the Start page lists every assessment in the database."""
    return os.environ.get("ASSESSOR_SINGLE_USER", "").lower() in ("1", "true", "yes")


def start_draft(new: Assessment) -> str:
    from ui import auth

    where = {"org": auth.current_org()} if auth.enabled() else {}
    draft = store().create(new, completion(new), author=tab(), owner=browser_id(), **where)
    open_draft(draft)
    return draft


def close_draft() -> None:
    for key in ("assessment", "draft_id", "saved_rev", "steps", "base_fields", "widget_saves"):
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


def per_revision(name: str, build: Callable[[], T]) -> T:
    """``build()`` once per saved revision of the open draft and per day, not once per rerun (a page
    draw); kept in the session under ``name``. Without a saved revision it is built every time."""
    import datetime as dt

    rev = st.session_state.get("saved_rev")
    key = (draft_id(), rev, dt.date.today())
    memo = st.session_state.get(name)
    if rev is None or not isinstance(memo, tuple) or memo[0] != key:
        memo = (key, build())
        st.session_state[name] = memo
    return memo[1]


# -- saving -------------------------------------------------------------------------------------


def _prefixes(fields: Any) -> list[str]:
    """The widget keys showing these fields (prefixes), for drawing them again from the store."""
    draft = draft_id()
    out = []
    for path in fields:
        section, _, rest = path.partition("/")
        if section == "profile":
            out.append(f"{draft}|profile.{rest}|")
        elif section == "answers":
            out.append(f"{draft}|{rest.rsplit('/', 1)[0]}|")
        elif section == "organisation":
            out.append(f"{draft}|org|{rest}")
        elif section == "sign_off":
            out.append(f"{draft}|signoff|")
        elif section == "plan":
            out.append(f"{draft}|plan|")
    return out


def _reseed(fields: Any | None) -> None:
    """Forget widget values so they are drawn again from the assessment (None: all of them)."""
    prefixes = tuple(_prefixes(fields)) if fields is not None else (f"{draft_id()}|",)
    boxes = box_prefix()  # autosaving boxes keep their own text until their edit is saved
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefixes)]:
        if key != _rev_key() and not key.startswith(boxes):
            del st.session_state[key]


def _take(result: SaveResult, sent: Any = ()) -> None:
    """Make the store's head this tab's copy, and redraw what others changed.

    ``sent``: fields this tab sent that the store did not take (a value the page showed before
    newer saves, or a conflict): drawn again from the head."""
    before = st.session_state.get("base_fields")
    now = flatten(result.assessment.to_data())
    st.session_state["assessment"] = result.assessment
    st.session_state["saved_rev"] = result.rev
    st.session_state["base_fields"] = now
    st.session_state.pop("steps", None)
    # Others' changes: what this tab's copy did not have. (A save based on an older revision than
    # the tab's copy gets back, in result.merged, changes the tab had already taken in.)
    merged = result.merged if before is None else [f for f in diff(before, now) if f not in result.applied]
    if merged:
        _reseed(merged)
        n = len({_prefixes([f])[0] if _prefixes([f]) else f for f in merged})
        notice(
            f"Brought up to date with {n} change{'s' if n != 1 else ''} saved in another tab or by a colleague."
        )
    redraw = {c.field for c in result.conflicts} | {f for f in sent if f not in result.applied}
    if redraw:
        _reseed(redraw)


def shown_rev() -> int:
    """The revision the page showed when the browser sent this interaction.

    The hidden field (finish_run) is drawn last in every run, so a page showing revision n drew
    every widget of revision n before it; the browser sends its value with each interaction. A
    widget's value in the same request is what the person saw at that revision, or changed."""
    saved = st.session_state["saved_rev"]
    shown = st.session_state.get(_rev_key())
    if isinstance(shown, str) and shown.isdigit() and 0 < int(shown) < saved:
        return int(shown)
    return saved


def save(*, widget: bool = False) -> SaveResult | None:
    """Save what changed in this tab's assessment, as changes against the revision it showed.

    ``widget``: the change is a widget's value from the browser (a radio, tick box or date). It
    is saved against the revision the page showed (``shown_rev``), or, for a field this tab's own
    widget last saved, that save's revision, as the browser shows its own click. Then a value
    the page showed before another tab's newer save reached it (sent back with the next click)
    is no change, and a value changed on a page that did not yet show a newer answer is a
    conflict: the store keeps the newer answer (assessor.store.merge)."""
    if st.session_state.get("adopt") is not None:
        return None  # a reconnect: finish_run saves the browser's values once the page is drawn
    a = assessment()
    base = st.session_state["base_fields"]
    changes = diff(base, flatten(a.to_data()))
    if not changes:
        return None
    saved = st.session_state["saved_rev"]
    own = st.session_state.setdefault("widget_saves", {})
    shown = shown_rev() if widget else saved
    by_base: dict[int, dict[str, Any]] = {}
    for path, value in changes.items():
        by_base.setdefault(min(max(shown, own.get(path, 0)), saved), {})[path] = value
    applied: list[str] = []
    conflicts: list = []
    try:
        for rev, part in sorted(by_base.items(), reverse=True):
            result = store().apply(draft_id(), rev, part, catalogue(), progress=completion, author=tab())
            applied += result.applied
            conflicts += result.conflicts
            if widget:
                own.update({path: result.rev for path in result.applied})
    except (InvalidChange, Forbidden) as exc:
        # Nothing was stored: show the stored value again and say why.
        from assessor.assessment import parse_stored

        st.session_state["assessment"] = parse_stored(
            json.dumps(_unflat(base), ensure_ascii=False), catalogue(), "draft"
        )
        _reseed(changes)
        why = "; ".join(exc.problems[:3]) if isinstance(exc, InvalidChange) else str(exc)
        flash("error", f"That change was not saved: {why}")
        return None
    if len(by_base) > 1:
        result = dataclasses.replace(result, applied=tuple(applied), conflicts=tuple(conflicts))
    _take(result, changes)
    return result


def assessment_with(fields: dict[str, Any]) -> None:
    """Change fields of this tab's copy without saving (``save`` sends them with the rest)."""
    from assessor.store import unflatten
    from assessor.store.sqlite import SQLiteStore

    data = flatten(assessment().to_data())
    for path, value in fields.items():
        if value is None:
            data.pop(path, None)
        else:
            data[path] = value
    st.session_state["assessment"] = SQLiteStore._checked(unflatten(data), catalogue())


def _unflat(fields: dict) -> dict:
    from assessor.store import unflatten

    return unflatten(fields)


def refresh() -> None:
    """Take in what other tabs saved since this tab last saved or looked (cheap when nothing did)."""
    if st.session_state.get("adopt") is not None:
        return  # a reconnect's values are not saved yet: finish_run saves and merges them
    try:
        head = store().head(draft_id())
    except DraftNotFound:
        close_draft()
        flash("warning", "This assessment has been deleted. Restore it from the Start page within 30 days.")
        return
    if head == st.session_state.get("saved_rev"):
        return
    _take(store().apply(draft_id(), st.session_state["saved_rev"], {}, catalogue(), author=tab()))


def notice(message: str) -> None:
    st.session_state["notice"] = message


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
/* A tick-all-that-apply question: the question line is bold, its options are not, and they sit as
   close together as a radio group's (Streamlit's gap between elements is 1rem). */
[class*="st-key-q-"] [data-testid="stCheckbox"] [data-testid="stWidgetLabel"] p { font-weight: 400; }
[class*="st-key-group-"] { gap: 0.375rem; }
[data-testid="stSidebarNavLink"] { height: auto; min-height: 28px; }
.st-key-rev-holder, .st-key-browser-memory, .st-key-page-helpers { display: none; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
[data-testid="stMain"] h1[tabindex="-1"]:focus { outline: none !important; }  /* focused by script after Next: not a control */
/* Focus: whatever takes keyboard focus gets a 3px ring of #1f5f8b, 2px outside it (6.9:1 against
   white, 6.3:1 against the sidebar's grey; Streamlit's own is a half-transparent shadow, about
   2.3:1). A check box or radio button's input is hidden: the ring goes round its label. Heading
   links are invisible until hovered: focused, they show. tests/test_browser.py measures it. */
:focus-visible { outline: 3px solid #1f5f8b !important; outline-offset: 2px !important; }
label:has(> span > input:focus-visible),
[data-baseweb="input"]:has(input:focus-visible),
[data-baseweb="textarea"]:has(textarea:focus-visible),
[data-testid="stSelectbox"] div:has(> input:focus-visible),
[data-testid$="RootElement"]:has(:focus-visible),
[data-testid="stDataFrameResizable"]:has(canvas:focus-visible) { outline: 3px solid #1f5f8b; outline-offset: 2px; border-radius: 4px; }
[data-baseweb="input"] input:focus-visible, [data-baseweb="textarea"] textarea:focus-visible,
[data-testid="stSelectbox"] input:focus-visible, [data-testid$="RootElement"] :focus-visible,
[data-testid="stDataFrameResizable"] canvas:focus-visible { outline: none !important; }
[data-testid="stElementToolbar"]:has(:focus-visible) { opacity: 1 !important; z-index: 1000; }
[data-testid="stElementToolbar"] button:focus-visible { outline-offset: -3px !important; background: #fff; }
[data-testid="stMain"]:focus-visible { outline-offset: -3px !important; }
[data-testid="stHeaderActionElements"] a:focus-visible, .stHeaderActionElements a:focus-visible { opacity: 1 !important; }
/* The connection-lost banner (ui/components/page.js). */
.connection-banner {
  position: fixed; top: 0; left: 0; right: 0; z-index: 1000100; padding: .75rem 1rem;
  background: #fff4d6; color: #262730; border-bottom: 3px solid #a05a00; font-size: 1rem; line-height: 1.45;
}
.connection-banner[data-state="back"] { background: #d5ecd9; border-bottom-color: #1e6b34; }
.st-key-progress-line p { font-size: 0.875rem; margin-bottom: 0; }
[data-testid="stMain"] h2 { font-size: 1.6rem; }
[data-testid="stMain"] h3 { font-size: 1.3rem; }
[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"],
[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"] p {
  white-space: normal; overflow: visible; height: auto; line-height: 1.3;
}
</style>"""

QUESTION_KEY = "q"  # a question to scroll to, set by the Review page's Edit links

# Streamlit keeps the scroll position and the focus when the page changes. A new page starts at
# its top with its heading focused (so the next Tab starts on its content, and a screen reader
# reads where it is), or at the question an Edit link points to, focused; a polite live region
# announces the page. The only variable part is a CSS class built by question_anchor, so it holds
# nothing but letters, digits, "_" and "-".
_SCROLL = """<script>
(() => {{
  const target = {target} ? document.querySelector({target}) : null;
  const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
  const heading = document.querySelector('[data-testid="stMain"] h1');
  if (target) {{
    target.setAttribute("tabindex", "-1");
    target.focus({{preventScroll: true}});
    target.scrollIntoView({{block: "start"}});
    // Text boxes above it are components that take their height a moment later: look again.
    for (const ms of [300, 900]) setTimeout(() => target.scrollIntoView({{block: "start"}}), ms);
  }} else {{
    if (main) main.scrollTo(0, 0);
    if (heading) {{
      heading.setAttribute("tabindex", "-1");
      heading.focus({{preventScroll: true}});
    }}
  }}
  let live = document.getElementById("page-announcer");
  if (!live) {{
    live = document.createElement("div");
    live.id = "page-announcer";
    live.setAttribute("role", "status");
    live.className = "visually-hidden";
    document.body.append(live);
  }}
  const name = heading ? heading.textContent.trim() : document.title;
  setTimeout(() => {{ live.textContent = "Page opened: " + name; }}, 100);
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
    with st.container(key="flash-slot"):  # one element, shown or not: the page keeps its places
        if item:
            getattr(st, item[0])(item[1])
