"""Streamlit's own floor for a risk-area page: the same elements, drawn by a script with no logic.

The rerun figure compares the app with a one-widget app, which measures AppTest's fixed cost
per run. A risk-area page draws dozens of elements, and Streamlit spends a fairly constant time
on each one. This module writes a static script that draws exactly what the app draws for one
page (navigation, sidebar, headings, each question's widgets, help and notes), with every
string and option inlined and nothing loaded, computed or saved. The app's time over this
floor is what the app's own code costs.
"""

from __future__ import annotations

from pathlib import Path

from assessor.assessment import Assessment
from assessor.questionnaire import Catalogue, Kind, Question
from assessor.visibility import Visibility, progress
from ui.state import STYLE

PERSON_FIELDS = ("Name", "Role", "Email", "Phone")
COMPONENTS = Path(__file__).resolve().parent.parent / "ui" / "components"
NOTE = "Notes or evidence (optional)"


def _question(q: Question, catalogue: Catalogue, number: int) -> list[str]:
    label = repr(f"**{number}. {q.text}**")
    out = ["with st.container(border=True):"]
    if q.kind in (Kind.control, Kind.single):
        if q.kind == Kind.control:
            options = list(catalogue.meta.control_answers.values())
        else:
            options = [o.label for o in q.options]
        horizontal = q.kind == Kind.control
        out.append(f"    st.radio({label}, {options!r}, index=None, key={q.id!r}, horizontal={horizontal})")
    elif q.kind == Kind.multi:
        out.append(f"    st.markdown({label})")
        for o in q.options:
            out.append(f"    st.checkbox({o.label!r}, key={(q.id + o.value)!r}, help={o.help!r})")
    elif q.kind in (Kind.text, Kind.long_text):
        multiline = q.kind == Kind.long_text
        out.append(f"    box({q.id + '|value'!r}, {label}, {multiline!r}, {(q.placeholder or '')!r})")
    elif q.kind == Kind.date:
        out.append(f"    st.date_input({label}, value=None, key={q.id!r}, format='DD/MM/YYYY')")
    elif q.kind == Kind.person:
        out.append("    cols = st.columns(2)")
        for i, field in enumerate(PERSON_FIELDS):
            out.append(f"    with cols[{i % 2}]:")
            out.append(f"        box({(q.id + '|' + field)!r}, {field!r}, False, '')")
    if q.help or q.guidance:
        parts = [q.help] if q.help else []
        if q.guidance:
            cites = [
                f"**{g}**: {catalogue.guidance[g].source} ({catalogue.guidance[g].topic})" for g in q.guidance
            ]
            parts.append("Guidance: " + "; ".join(cites))
        out.append("    with st.expander('Why we ask'):")
        out.append(f"        st.markdown({chr(10).join(parts)!r})")
    if not q.id.startswith("profile."):
        out.append(f"    box({(q.id + '|note')!r}, {NOTE!r}, True, '')")
    return out


def floor_script(assessment: Assessment, catalogue: Catalogue, area_id: str) -> str:
    """A static script drawing the elements the app draws for ``area_id``, for these answers."""
    area = next(a for a in catalogue.areas if a.id == area_id)
    steps = progress(assessment, catalogue)
    answered = sum(s.answered for s in steps)
    total = sum(s.total for s in steps)
    lines = [
        "import streamlit as st",
        "from pathlib import Path",
        f"JS = Path({str(COMPONENTS)!r})",
        "st.set_page_config(page_title='Floor', layout='wide')",
        # The app's own components (autosaving text boxes, browser memory, page helpers), drawn
        # with the same source files and the same kind of data, so each costs Streamlit the same.
        "_box = st.components.v2.component('floor_box', js=(JS / 'autosave.js').read_text(), "
        "css=(JS / 'autosave.css').read_text(), isolate_styles=False)",
        "_memory = st.components.v2.component('floor_memory', js=(JS / 'memory.js').read_text())",
        "_helpers = st.components.v2.component('floor_page', js=(JS / 'page.js').read_text())",
        "def box(name, label, multiline, placeholder):",
        "    data = {'id': name, 'label': label, 'value': '', 'rev': 1, 'ack': 0, 'problem': '',",
        "            'multiline': multiline, 'max': 3000, 'placeholder': placeholder, 'strong': False, 'rows': 2}",
        "    _box(key=name, data=data, default={'edit': None}, on_edit_change=lambda: None)",
        f"st.html({STYLE!r})",
        "def page():",
        "    with st.container(key='flash-slot'):",
        "        pass",
        f"    st.title({area.title!r})",
        f"    st.markdown({'*Key risk*' if area.kind == 'key_risk' else '*How you operate*'!r})",
        f"    st.write({area.summary!r})",
        "    st.write('Rate each statement for your community as it is today.')",
    ]
    vis = Visibility(catalogue, assessment.responses())
    n = 0
    for section, questions in vis.sections(area.sections):
        lines.append(f"    st.header({section.title!r})")
        if section.intro:
            lines.append(f"    st.write({section.intro!r})")
        for q in questions:
            n += 1
            lines += ["    " + line for line in _question(q, catalogue, n)]
    lines.append("    st.button('Next', type='primary')")
    lines.append("def other():\n    pass")
    lines.append("start = st.Page(other, title='Start', url_path='start')")
    pages = []
    for s in steps:
        default = s.page == area_id
        fn = "page" if default else "other"
        title = f"{s.title} ({s.answered}/{s.total})"
        pages.append(f"st.Page({fn}, title={title!r}, url_path={s.page!r}, default={default})")
    lines.append(f"questions = [{', '.join(pages)}]")
    lines.append(
        "outcome = [st.Page(other, title=t, url_path=u) for t, u in "
        "(('Review answers', 'review'), ('Results', 'results'), ('Documents', 'documents'))]"
    )
    lines += [
        "with st.sidebar:",
        f"    st.markdown({('**' + assessment.organisation.name + '**')!r})",
        f"    st.progress({answered / total if total else 0.0!r}, text={f'{answered} of {total} questions answered'!r})",
        "    st.markdown('Return code: **ABCD-EFGH**  \\nSaved automatically. Use the code on the Start page.')",
        "    st.download_button('Download the code and link', b'Return code: ABCD-EFGH', "
        "file_name='return-code.txt', mime='text/plain', icon=':material/key:')",
        "current = st.navigation({'': [start], 'Assessment': questions, 'Outcome': outcome}, expanded=True)",
        "with st.container(key='progress-line'):",
        f"    st.markdown({f'{answered} of {total} questions answered'!r})",
        "with st.container(key='sync-notices'):",
        "    pass",
        "current.run()",
        "with st.container(key='rev-holder'):",
        "    st.text_input('Version shown', value='1', key='rev', label_visibility='collapsed')",
        "with st.container(key='browser-memory'):",
        "    _memory(key='browser-memory-writer', data={'cookies': {'a': 'b'}, 'maxAge': 1})",
        "with st.container(key='page-helpers'):",
        "    _helpers(key='page-helpers-script', data={'narrow': False}, default={'narrow': False}, "
        "on_narrow_change=lambda: None)",
    ]
    return "\n".join(lines) + "\n"
