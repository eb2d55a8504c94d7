"""Text boxes that save while the person types: notes, text answers, organisation and sign-off.

Streamlit's own text inputs send their text only when the box loses focus or Enter is pressed,
so a reload or a closed tab lost what was typed, and a rerun the server started (a reconnect,
another tab's change) could set a box back to the stored value while the person typed. The box
here is a small component (``ui/components/autosave.js`` and ``.css``, plain source loaded with
``st.components.v2``: no build step, no network, and no iframe, so its label, focus and
before-unload warning belong to the page itself).

The box owns its text and sends each pause in typing as an *edit*: ``{text, seq, rev}``. Here
each edit is saved once, against the revision ``rev`` the text was based on, so the store merges
it with newer saves and keeps both values if someone else changed the same field. ``seq`` is
echoed back as ``ack``; until it is, the box never takes the server's value over its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from assessor.access import Forbidden
from assessor.store import DraftNotFound, InvalidChange, flatten
from ui import state

_SOURCE = Path(__file__).resolve().parent / "components"
_box = st.components.v2.component(
    "assessor_autosave",
    js=(_SOURCE / "autosave.js").read_text(encoding="utf-8"),
    css=(_SOURCE / "autosave.css").read_text(encoding="utf-8"),
    isolate_styles=False,  # the label and field live in the page, for screen readers and axe
)

Changes = Callable[[str], dict[str, Any]]  # the text typed -> {field path: value}


def key_for(name: str) -> str:
    """The widget key of a box: it starts with the draft, so it is read back after a reconnect."""
    return state.box_prefix() + name.replace("_", "_.")


def _acks() -> dict[str, int]:
    return st.session_state.setdefault("autosave_acks", {})


def _edit_from(value: Any) -> dict | None:
    """The edit in a component's state (a dict from the session, or JSON from the browser)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, dict) and isinstance(value.get("edit"), dict):
        value = value["edit"]
    if isinstance(value, dict) and isinstance(value.get("text"), str) and isinstance(value.get("seq"), int):
        return value
    return None


def take_edit(key: str, edit: dict | None, changes: Changes) -> None:
    """Save one edit from a box, once (``seq`` not yet acknowledged in this session)."""
    if not edit or not state.draft_id() or edit["seq"] <= _acks().get(key, 0):
        return
    _acks()[key] = edit["seq"]
    fields = changes(edit["text"])
    if st.session_state.get("adopt") is not None:
        # A reconnect is taking the browser's other values into this tab's copy, saved together
        # at the end of the run (state.finish_run): add this edit to them. Saving it alone now
        # would replace the copy with the stored head and drop those values.
        try:
            state.assessment_with(fields)
        except InvalidChange as exc:
            st.session_state.setdefault("autosave_problems", {})[key] = "; ".join(exc.problems[:2])
        return
    rev = edit.get("rev")
    base = rev if isinstance(rev, int) and 0 < rev <= st.session_state["saved_rev"] else None
    shown = st.session_state.get("shown_rev")  # after a reconnect: the version the page showed
    store = state.store()
    if shown and base and shown > base:
        # Sent again after a lost session: if the page already showed this text, it is not an edit.
        try:
            was = flatten(store.load(state.draft_id(), state.catalogue(), shown).to_data())
        except (DraftNotFound, ValueError):
            was = None
        if was is not None and all(was.get(k) == v for k, v in fields.items()):
            return
    if base and base < st.session_state["saved_rev"]:
        base = _rebased(base, fields)
    try:
        result = store.apply(
            state.draft_id(),
            base or st.session_state["saved_rev"],
            fields,
            state.catalogue(),
            progress=state.completion,
            author=state.tab(),
        )
    except InvalidChange as exc:
        st.session_state.setdefault("autosave_problems", {})[key] = "; ".join(exc.problems[:2])
        return
    except Forbidden as exc:  # with sign-in, a role that may not answer: nothing was stored
        st.session_state.setdefault("autosave_problems", {})[key] = f"Not saved: {exc}"
        return
    st.session_state.get("autosave_problems", {}).pop(key, None)
    state._take(result)


def _rebased(base: int, fields: dict[str, Any]) -> int:
    """The revision to save an edit against: ``base``, or this tab's copy when nothing real
    changed these fields between the two.

    Saving one part of a new sign-off row stores the row with its other parts empty (""). A box
    for such a part, typed into before the page showed that save, was based on the version
    without the row: empty there and "" now is no change by anyone, not two edits to choose
    between."""
    now = flatten(state.assessment().to_data())
    if any(now.get(k) not in (None, "") for k in fields):
        return base
    try:
        was = flatten(state.store().load(state.draft_id(), state.catalogue(), base).to_data())
    except (DraftNotFound, ValueError):
        return base
    if any(was.get(k) not in (None, "") for k in fields):
        return base
    return st.session_state["saved_rev"]


def _on_edit(key: str, changes: Changes) -> None:
    take_edit(key, _edit_from(st.session_state.get(key)), changes)


def text_box(
    name: str,
    label: str,
    read: Callable[[], str | None],
    changes: Changes,
    *,
    multiline: bool = False,
    max_chars: int = 300,
    placeholder: str = "",
    strong: bool = False,
    rows: int = 3,
) -> None:
    """A labelled text box showing ``read()`` that saves ``changes(text)`` while the person types."""
    key = key_for(name)
    # After a reconnect the browser's edit arrives before this box's callback is registered.
    sent = st.session_state.get("adopt_edits", {}).pop(key, None)
    if sent is not None:
        take_edit(key, _edit_from(sent), changes)
    value = read()
    _box(
        key=key,
        data={
            "id": re.sub(r"[^A-Za-z0-9_-]", "-", name),
            "label": label,
            "value": value or "",
            "rev": st.session_state.get("saved_rev"),
            "ack": _acks().get(key, 0),
            "problem": st.session_state.get("autosave_problems", {}).get(key, ""),
            "multiline": multiline,
            "max": max_chars,
            "placeholder": placeholder,
            "strong": strong,
            "rows": rows,
        },
        default={"edit": None},
        on_edit_change=lambda: _on_edit(key, changes),
    )
