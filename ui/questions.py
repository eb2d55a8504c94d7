"""One widget per question kind. Widgets mirror the assessment; callbacks write back and save."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from assessor.assessment import MAX_SHORT, MAX_TEXT, Answer, Person
from assessor.questionnaire import Catalogue, Kind, Question
from assessor.visibility import Visibility, answer_value
from ui import autosave, state
from ui.page import group_key

PERSON_FIELDS = (("name", "Name"), ("role", "Role"), ("email", "Email"), ("phone", "Phone"))


PENDING = "pending-choices"  # questions whose click is taken when their radio is drawn (_on_choice)


def _key(qid: str, part: str = "") -> str:
    # Keys include the draft so that switching drafts never shows another draft's widget state.
    return f"{state.draft_id()}|{qid}|{part}"


def _set(qid: str, value: Any) -> None:
    a = state.assessment()
    if qid.startswith("profile."):
        key = qid.removeprefix("profile.")
        if value in (None, "", []):
            a.profile.pop(key, None)
        else:
            a.profile[key] = value
    else:
        old = a.answers.get(qid) or Answer()
        new = old.model_copy(update={"value": None if value in ("", []) else value})
        if new.value is None and not new.note:
            a.answers.pop(qid, None)
        else:
            a.answers[qid] = new
    state.save(widget=True)  # the browser's value, saved against the revision its page showed


def _value_path(qid: str) -> str:
    """The stored field holding a question's answer (see assessor.store.flatten)."""
    if qid.startswith("profile."):
        return f"profile/{qid.removeprefix('profile.')}"
    return f"answers/{qid}/value"


def _text_value(qid: str) -> str:
    value = answer_value(state.assessment(), qid)
    return value if isinstance(value, str) else ""


def _note(qid: str) -> str:
    answer = state.assessment().answers.get(qid)
    return (answer.note if answer else None) or ""


def _person(qid: str) -> Person:
    value = answer_value(state.assessment(), qid)
    return value if isinstance(value, Person) else Person()


def _person_change(qid: str, field: str, text: str) -> dict[str, Any]:
    """One field of a person typed: the whole person is one stored value."""
    person = _person(qid).model_copy(update={field: text.strip()})
    return {_value_path(qid): None if person.is_empty() else person.model_dump(mode="json")}


def _seed(key: str, value: Any) -> None:
    """Give a widget its value from the assessment the first time it is drawn.

    Not while a reconnect takes the browser's values (state.open_draft)."""
    if key not in st.session_state and not state.adopting(key):
        st.session_state[key] = value


def _adopt(key: str, handler: Any, *args: Any) -> None:
    """After a reconnect, put the browser's value for this widget into the assessment."""
    if state.adopting(key):
        handler(*args)


def _on_choice(qid: str) -> None:
    key = _key(qid)
    if key in st.session_state and st.session_state[key] is None:
        # Nobody can clear a radio drawn with no choice: no click sends None. The browser sends
        # None when its request left before the value this run's server had set (another tab's
        # answer, drawn again by state._reseed) reached the page; the widget then "changed" back
        # to the empty radio the page still showed. Saving that erased the other tab's answer
        # (tests/test_two_servers.py: a server A tab wrote server B's third answer as None).
        # Draw the stored answer again instead.
        del st.session_state[key]
        return
    _take_choice(qid)


def _take_choice(qid: str) -> None:
    key = _key(qid)
    if key in st.session_state:
        _set(qid, st.session_state[key])
    else:
        # The click arrived for a radio whose key Streamlit had already dropped from the session
        # (seen with many tabs saving one assessment at once: reading it crashed the page with a
        # KeyError, or lost the click). Its value is kept for the widget: take it when the radio
        # is drawn in this run, without seeding the stored value over it.
        st.session_state.setdefault(PENDING, set()).add(qid)


def _on_multi(q: Question, ticked: str | None = None) -> None:
    """Save the ticked options. An exclusive option ("None of these") is an answer on its own:
    ticking it clears the others, and ticking another option clears it."""
    if ticked is not None and st.session_state.get(_key(q.id, ticked)):
        exclusive = next(o.exclusive for o in q.options if o.value == ticked)
        for o in q.options:
            if o.value != ticked and (exclusive or o.exclusive):
                st.session_state[_key(q.id, o.value)] = False
    chosen = [o.value for o in q.options if st.session_state.get(_key(q.id, o.value))]
    _set(q.id, chosen)


def _on_date(qid: str) -> None:
    value = st.session_state[_key(qid)]
    _set(qid, value if isinstance(value, dt.date) else None)


def why_we_ask(q: Question, catalogue: Catalogue) -> None:
    if not (q.help or q.guidance):
        return
    parts = [q.help] if q.help else []
    if q.guidance:
        cites = [
            f"**{g}**: {catalogue.guidance[g].source} ({catalogue.guidance[g].topic})" for g in q.guidance
        ]
        parts.append("Guidance: " + "; ".join(cites))
    with st.expander("Why we ask"):
        st.markdown("\n\n".join(parts))


def _shown(q: Question, catalogue: Catalogue, value: Any) -> str:
    """An answer as text, for a person who may read but not answer (ui/auth.py)."""
    from ui.text import md

    if value in (None, "", []):
        return "*Not answered*"
    if q.kind == Kind.control:
        return md(catalogue.meta.control_answers.get(value, str(value)))
    labels = {o.value: o.label for o in q.options}
    if isinstance(value, list):
        return "; ".join(md(labels.get(v, str(v))) for v in value)
    if isinstance(value, Person):
        return md(", ".join(x for x in (value.name, value.role, value.email, value.phone) if x))
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return md(labels.get(value, str(value)))


def render_answer(q: Question, catalogue: Catalogue, label: str) -> None:
    """A question and its answer as text: what a trustee, reviewer or viewer sees."""
    value = answer_value(state.assessment(), q.id)
    note = _note(q.id) if not q.id.startswith("profile.") else ""
    from ui.text import md

    text = f":small[**{md(label)}**]  \n{_shown(q, catalogue, value)}"
    if note:
        text += f"  \nNotes: {md(note)}"
    st.markdown(text)
    why_we_ask(q, catalogue)


def render_question(q: Question, catalogue: Catalogue, number: str = "") -> None:
    value = answer_value(state.assessment(), q.id)
    label = f"{number} {q.text}".strip()
    if state.read_only():
        render_answer(q, catalogue, label)
        return
    key = _key(q.id)
    # A single widget carries the question as its visible label; a group of widgets gets the
    # question as a line of its own. Fewer elements make every rerun cheaper.
    # Plain text: Markdown asterisks in a label are read out by screen readers (state.STYLE bolds it).
    if q.kind == Kind.person:
        st.markdown(f":small[**{label}**]")  # the size of a widget label, like the other questions
    if q.kind in (Kind.control, Kind.single):
        # Control answers and single choices are both one radio group over labelled values.
        if q.kind == Kind.control:
            options = {a.value: text for a, text in catalogue.meta.control_answers.items()}
        else:
            options = {o.value: o.label for o in q.options}
        pending = q.id in st.session_state.get(PENDING, ())
        if not pending:
            _seed(key, value if value in options else None)
        chosen = st.radio(
            label,
            list(options),
            format_func=options.get,
            index=None,
            key=key,
            horizontal=q.kind == Kind.control,
            on_change=_on_choice,
            args=(q.id,),
        )
        if pending:
            st.session_state[PENDING].discard(q.id)
            if chosen is not None:
                _set(q.id, chosen)
        _adopt(key, _take_choice, q.id)
    elif q.kind == Kind.multi:
        chosen = value or []
        # The question labels the group of boxes (role="group", set by ui/components/page.js).
        with st.container(key=group_key(state.question_anchor(q.id)), gap="small"):
            st.markdown(f":small[**{label}**]")  # the size of a widget label, like the other questions
            for option in q.options:
                okey = _key(q.id, option.value)
                _seed(okey, option.value in chosen)
                st.checkbox(
                    option.label, key=okey, on_change=_on_multi, args=(q, option.value), help=option.help
                )
                _adopt(okey, _on_multi, q)
    elif q.kind in (Kind.text, Kind.long_text):
        path = _value_path(q.id)
        autosave.text_box(
            f"{q.id}|value",
            label,
            lambda: _text_value(q.id),
            lambda text: {path: text.strip() or None},
            multiline=q.kind == Kind.long_text,
            max_chars=MAX_TEXT if q.kind == Kind.long_text else MAX_SHORT,
            placeholder=q.placeholder or "",
            strong=True,
        )
    elif q.kind == Kind.date:
        _seed(key, value)
        st.date_input(label, key=key, format="DD/MM/YYYY", on_change=_on_date, args=(q.id,))
        _adopt(key, _on_date, q.id)
    elif q.kind == Kind.person:
        cols = st.columns(2)
        for i, (field, field_label) in enumerate(PERSON_FIELDS):
            with cols[i % 2]:
                autosave.text_box(
                    f"{q.id}|{field}",
                    f"{q.short}: {field_label.lower()}" if q.short else field_label,
                    lambda field=field: getattr(_person(q.id), field),
                    lambda text, field=field: _person_change(q.id, field, text),
                    max_chars=MAX_SHORT,
                )
    carried_over(q.id, number)
    why_we_ask(q, catalogue)
    if not q.id.startswith("profile."):
        autosave.text_box(
            f"{q.id}|note",
            "Notes or evidence (optional)",
            lambda: _note(q.id),
            lambda text: {f"answers/{q.id}/note": text if text.strip() else None},
            multiline=True,
            max_chars=MAX_TEXT,
            placeholder="Where is this written down? Who checked it? Avoid names of members.",
            rows=2,
        )


def _confirm(qid: str) -> None:
    from assessor.lifecycle import confirm

    st.session_state["assessment"] = confirm(state.assessment(), [qid])
    state.save()


def carried_over(qid: str, number: str = "") -> None:
    """In a yearly review: an answer copied from the last approved version, until confirmed or changed."""
    a = state.assessment()
    if a.lifecycle is None or qid not in a.lifecycle.carried_over:
        return
    if state.read_only():
        st.markdown(":orange[**Carried over from the last approved version**], not yet confirmed.")
        return
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.markdown(":orange[**Carried over from the last approved version: please confirm**] or change it.")
    label = f"Confirm answer {number.rstrip('.')} unchanged" if number else "Confirm unchanged"
    right.button(label, key=_key(qid, "confirm"), on_click=_confirm, args=(qid,))


def render_sections(sections: list[Any], catalogue: Catalogue) -> None:
    """Draw the visible sections and questions; hidden ones vanish as answers change.

    In a yearly review (a version after the first), the questions about what has changed since
    the last review come first."""
    a = state.assessment()
    vis = Visibility(catalogue, a.responses())
    n = 0
    shown = vis.sections(sections)
    if a.lifecycle is not None and a.lifecycle.earlier:
        from assessor.lifecycle import CHANGE_QUESTIONS

        shown.sort(key=lambda sq: not any(q.id in CHANGE_QUESTIONS for q in sq[1]))
    for section, questions in shown:
        st.header(section.title)
        if section.intro:
            st.write(section.intro)
        for q in questions:
            n += 1
            with st.container(border=True, key=state.question_anchor(q.id)):
                render_question(q, catalogue, f"{n}.")
