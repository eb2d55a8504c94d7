"""Documents page: choose, preview and download the policy pack (written in the background)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import streamlit as st

from assessor.assessment import MAX_SHORT, SignOff, parse_assessment
from assessor.documents.pack import available_documents, pack_zip, render_document, render_pack
from assessor.documents.workers import RenderError, SettingError
from ui import autosave, background, state

FORMAT_LABELS = {"pdf": "PDF", "docx": "Word (DOCX)"}
MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
}


@st.cache_data(show_spinner=False, max_entries=256)
def _render(answers_yaml: str, doc_id: str, fmt: str) -> bytes:
    """Rendered bytes, cached by the exact answers: any change to them is a new cache entry."""
    assessment = parse_assessment(answers_yaml, state.catalogue(), "draft")
    return render_document(doc_id, assessment, state.catalogue(), fmt)


# Letters that Unicode does not split into a base letter and an accent.
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})


def _slug(text: str) -> str:
    """A file-name part: accented letters kept as their base letter (Welsh ŵ, ŷ become w, y),
    everything else that is not a letter or digit a hyphen."""
    plain = unicodedata.normalize("NFKD", text.lower().translate(_LETTERS))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60].strip("-") or "assessment"


def file_stem(a) -> str:
    """Organisation and date at the start of every file name: ``cwmni-bach-2026-11-02``."""
    return f"{_slug(a.organisation.name)}-{(a.meta.assessed_on or dt.date.today()).isoformat()}"


def _index(a, specs: list, formats: list[str], stem: str) -> bytes:
    """index.txt at the top of the ZIP: what each file is, and how to carry on elsewhere."""
    lines = [
        f"{a.organisation.name}: online safety policy pack",
        f"Assessed {(a.meta.assessed_on or dt.date.today()):%d %B %Y}",
        "",
        "Documents:",
    ]
    for spec in specs:
        lines.append(f"- {spec.title}: " + ", ".join(f"{fmt}/{spec.stem}.{fmt}" for fmt in formats))
    lines += [
        "",
        f"Your answers: {stem}-assessment.yaml",
        'Open it on the Start page of the assessment tool ("Open an assessment file") to carry on',
        "or to update the documents later. Keep it private: it holds your answers and notes.",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def _no_headings(markdown: str) -> str:
    """The preview's headings as bold lines: a document shown inside the page must not add its
    own headings to the page's outline (a screen reader's list of headings)."""
    return _HEADING.sub(lambda m: f"**{m.group(1)}**", markdown)


SIGN_OFF_ROWS = 3
SIGN_OFF_HINTS = ("Designated safeguarding lead", "Chair of trustees", "")


def _signoff_key(i: int, part: str) -> str:
    return f"{state.draft_id()}|signoff|{i}|{part}"


def _on_date(i: int) -> None:
    """A date signed is saved as soon as it is picked, like every other answer."""
    value = st.session_state.get(_signoff_key(i, "date"))
    a = state.assessment()
    rows = list(a.sign_off)
    while len(rows) <= i:
        rows.append(SignOff())
    rows[i] = rows[i].model_copy(update={"date": value})
    a.sign_off = rows
    state.save(widget=True)


def _row_value(i: int, part: str) -> str:
    rows = state.assessment().sign_off
    return getattr(rows[i], part) if i < len(rows) else ""


def _sign_off() -> None:
    """Names and roles printed in the sign-off blocks (signatures are added on paper).

    The rows that have anything in them, and one empty row to add another (three at most)."""
    a = state.assessment()
    shown = min(len(a.sign_off) + 1, SIGN_OFF_ROWS)
    lead = getattr(a.profile.get("safeguarding_lead"), "name", "") or ""
    if state.read_only():  # with sign-in, a role that does not answer reads the names
        with st.expander("Who signs the documents", expanded=True):
            from ui.text import md

            rows = [f"- {md(r.name or '-')}, {md(r.role or '-')}" for r in a.sign_off]
            st.markdown("\n".join(rows) or "Nobody named yet.")
        return
    with st.expander("Who signs the documents", expanded=True):
        st.write(
            "These names and roles are printed in each document's sign-off block. They are saved as "
            "you type, like your answers."
        )
        for i in range(shown):
            cols = st.columns([3, 3, 2])
            for col, part, label, hint in (
                (cols[0], "name", f"Name {i + 1}", lead if i == 0 else ""),
                (cols[1], "role", f"Role {i + 1}", SIGN_OFF_HINTS[i]),
            ):
                with col:
                    autosave.text_box(
                        f"signoff|{i}|{part}",
                        label,
                        lambda i=i, part=part: _row_value(i, part),
                        lambda text, i=i, part=part: {f"sign_off/{i}/{part}": text.strip() or None},
                        max_chars=MAX_SHORT,
                        placeholder=hint,
                    )
            key = _signoff_key(i, "date")
            row = a.sign_off[i] if i < len(a.sign_off) else SignOff()
            if key not in st.session_state and not state.adopting(key):
                st.session_state[key] = row.date
            cols[2].date_input(
                f"Date signed {i + 1}", key=key, format="DD/MM/YYYY", on_change=_on_date, args=(i,)
            )
            if state.adopting(key):
                _on_date(i)


def prerender() -> None:
    """Start writing every document that applies to the open draft, in both formats, in the
    background (Results calls this), so that a download is ready when someone asks for it. The
    answers' text and the documents that apply are worked out once per saved revision."""
    a = state.assessment()
    cat = state.catalogue()
    answers_yaml, documents = state.per_revision(
        "prerender", lambda: (a.to_yaml(), [s.id for s in available_documents(a, cat)])
    )
    background.want(answers_yaml, list(FORMAT_LABELS), documents, cat)


def _files(answers_yaml: str, specs: list, formats: list[str]) -> dict[str, bytes]:
    """The rendered files (from the render cache when the background has written them)."""
    cat = state.catalogue()
    a = parse_assessment(answers_yaml, cat, "draft")
    rendered = render_pack(a, cat, formats, documents=[s.id for s in specs])
    return {
        f"{fmt}/{spec.stem}.{fmt}": rendered[f"{fmt}/{spec.stem}.{fmt}"] for spec in specs for fmt in formats
    }


def _zip(answers_yaml: str, specs: list, formats: list[str]) -> bytes:
    a = parse_assessment(answers_yaml, state.catalogue(), "draft")
    stem = file_stem(a)
    bundle = {
        **_files(answers_yaml, specs, formats),
        "index.txt": _index(a, specs, formats, stem),
        f"{stem}-assessment.yaml": answers_yaml.encode("utf-8"),
    }
    return pack_zip(bundle, a.meta.assessed_on or dt.date.today(), folder=f"{stem}-policy-pack")


def _downloads(a, answers_yaml: str, chosen: list, formats: list[str]) -> None:
    """One click each: the files are written when asked for (in the background already, from
    the moment the page opened), and come from the render cache when they are ready."""
    key = background.want(answers_yaml, formats, [s.id for s in chosen], state.catalogue())
    _progress(key)
    stem = file_stem(a)
    st.download_button(
        "Download the policy pack (ZIP)",
        lambda: _zip(answers_yaml, chosen, formats),
        file_name=f"{stem}-policy-pack.zip",
        mime="application/zip",
        type="primary",
        icon=":material/folder_zip:",
        on_click="ignore",
    )
    for spec in chosen:
        cols = st.columns([4, 1, 1], vertical_alignment="center")
        cols[0].write(spec.title)
        for i, fmt in enumerate(formats):
            cols[1 + i].download_button(
                FORMAT_LABELS[fmt].split(" ")[0],
                lambda spec=spec, fmt=fmt: _files(answers_yaml, [spec], [fmt])[f"{fmt}/{spec.stem}.{fmt}"],
                file_name=f"{stem}-{spec.stem}.{fmt}",
                mime=MIME[fmt],
                key=f"dl|{spec.id}|{fmt}",
                help=f"Download {spec.title} as {FORMAT_LABELS[fmt]}",
                on_click="ignore",
            )


def _progress(key: str) -> None:
    """How far the background writing has got, as a progress bar that updates itself each second
    until the files are ready (then one static line)."""
    p = background.progress(key)
    if p is None or p.finished:
        _progress_line(p)
    else:
        _progress_live(key)


def _progress_line(p) -> None:
    with st.container(key="doc-progress"):
        if p is not None and p.error:
            st.warning(
                f"Writing the documents in advance failed ({p.error}). A download writes them "
                "when you press it; it may take a few seconds per document."
            )
        else:
            st.write("Your documents are ready. Each button downloads in one click.")


@st.fragment(run_every=1.0)
def _progress_live(key: str) -> None:
    p = background.progress(key)
    if p is None or p.finished:
        st.rerun(scope="app")
    with st.container(key="doc-progress"):
        total = max(p.total, 1)
        st.progress(
            p.done / total,
            text=f"Writing your documents: {p.done} of {p.total} ready. You can download now: "
            "a file not yet written is written when you press its button.",
        )


def documents_page() -> None:
    cat = state.catalogue()
    a = state.assessment()
    answers_yaml = a.to_yaml()
    specs = available_documents(a, cat)
    st.title("Documents")
    state.show_flash()
    st.write(
        "These documents are written for your organisation from your answers. Gaps become dated "
        "commitments, never claims that a safeguard exists. Read them through, edit the Word "
        "versions if you need to, and take them to your trustees for sign-off."
    )

    st.header("Choose documents")
    # Two lists, each under its own line, so that "PDF" and "Word" do not read as two more documents.
    st.markdown(":small[**Documents**]")
    chosen = [s for s in specs if st.checkbox(s.title, value=True, key=f"doc|{s.id}")]
    st.markdown(":small[**Formats**]")
    formats = [f for f, label in FORMAT_LABELS.items() if st.checkbox(label, value=True, key=f"fmt|{f}")]

    _sign_off()

    st.header("Preview")
    if specs:
        preview = st.selectbox("Document to preview", specs, format_func=lambda s: s.title)
        # An expander, not a box of fixed height: a scrolling box is not reachable by keyboard
        # (axe "scrollable-region-focusable"), and Streamlit's gives no way to make it so.
        with st.expander(f"Read {preview.title}"):
            # The Markdown is already escaped; "$" is escaped too, as Streamlit would read it as maths.
            try:
                text = _render(answers_yaml, preview.id, "md").decode("utf-8").replace("$", "\\$")
                st.markdown(_no_headings(text))
            except (RenderError, SettingError) as exc:
                st.error(str(exc))

    from ui import auth

    if not auth.may("download"):
        st.header("Download")
        st.info(
            f"Your role here ({auth.role()}) reads the documents but does not download them. "
            "An owner of your organisation can change your role.",
            icon=":material/visibility:",
        )
        return
    st.header("Download")
    jobs = [(s, f) for s in chosen for f in formats]
    if not jobs:
        st.info("Choose at least one document and one format.")
    else:
        _downloads(a, answers_yaml, chosen, formats)

    st.header("Your assessment file")
    st.write(
        "Keep a copy of your answers. You can open this file here later, or share it with a "
        "colleague who will continue the assessment."
    )
    st.download_button(
        "Download the assessment file (YAML)",
        answers_yaml.encode("utf-8"),
        file_name=f"{file_stem(a)}-assessment.yaml",
        mime="application/x-yaml",
        icon=":material/download:",
    )
