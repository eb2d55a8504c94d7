"""What other tabs did: a short notice when their saves arrive, and a choice when two edits clash."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assessor.store import Conflict, field_question
from ui import state


def _label(conflict: Conflict, value: Any) -> str:
    return label(conflict.field, value)


def label(path: str, value: Any) -> str:
    """A field's value as the person chose it: an option's label, a person's name, or the text."""
    if value in (None, "", []):
        return "(empty)"
    cat = state.catalogue()
    qid = field_question(path)
    q = cat.index.get(qid) if qid else None
    if q is not None and not path.endswith("/note"):
        from assessor.questionnaire import Kind

        if q.kind == Kind.control:
            labels = {a.value: text for a, text in cat.meta.control_answers.items()}
            return labels.get(value, str(value))
        options = {o.value: o.label for o in q.options}
        if isinstance(value, list):
            return ", ".join(options.get(v, str(v)) for v in value) or "(none)"
        if isinstance(value, dict):
            return ", ".join(str(v) for v in value.values() if v) or "(empty)"
        return options.get(value, str(value))
    return str(value)


def describe(path: str) -> str:
    """A field named for people: the question, "Note on" the question, or what it is."""
    qid = field_question(path)
    q = state.catalogue().index.get(qid) if qid else None
    if q is not None:
        return f"Note on “{q.text}”" if path.endswith("/note") else q.text
    section, _, rest = path.partition("/")
    if section == "sign_off":
        row, _, part = rest.partition("/")
        return f"Sign-off {int(row) + 1}: {part}"
    if section == "plan":
        action, _, part = rest.rpartition("/")
        return f"Action plan, {action}: {part}"
    return f"{section.capitalize()}: {rest.replace('_', ' ')}"


def _what(conflict: Conflict) -> str:
    qid = field_question(conflict.field)
    q = state.catalogue().index.get(qid) if qid else None
    part = "the note on " if conflict.field.endswith("/note") else ""
    if q is not None:
        return f"{part}“{q.text}”"
    return conflict.field.replace("/", " ").replace("_", " ")


def _choose(conflict_id: int, value: Any, field: str) -> None:
    result = state.store().resolve(
        state.draft_id(), conflict_id, value, state.catalogue(), author=state.tab()
    )
    state._take(result)
    state._reseed([field])
    state.flash("success", "Your choice is saved.")


def show() -> None:
    """Above the page: the notice of others' saves, then any conflicts to settle."""
    message = st.session_state.pop("notice", None)
    if message:
        st.info(message, icon=":material/sync:")
    if not state.draft_id():
        return
    for c in state.store().conflicts(state.draft_id()):
        with st.container(border=True, key=f"conflict-{c.id}"):
            st.warning(
                f"Two edits changed {_what(c)} at the same time. Both are kept until you choose.",
                icon=":material/call_split:",
            )
            cols = st.columns(2)
            with cols[0]:
                st.text(f"Saved now: {_label(c, c.theirs)}")
                st.button(
                    "Keep the saved answer",
                    key=f"keep|{c.id}",
                    on_click=_choose,
                    args=(c.id, c.theirs, c.field),
                )
            with cols[1]:
                st.text(f"The other edit{' (' + c.author + ')' if c.author else ''}: {_label(c, c.mine)}")
                st.button(
                    "Use the other edit",
                    key=f"mine|{c.id}",
                    on_click=_choose,
                    args=(c.id, c.mine, c.field),
                )
