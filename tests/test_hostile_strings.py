"""Every hostile string in every free-text field, every document in every format.

Expect: the text appears literally (less the control characters XML cannot hold),
nothing is fetched (the fetcher records every request and a loopback listener counts
zero hits), no exception, and long text wraps inside the page.
"""

from __future__ import annotations

import io
import re
import subprocess
import threading
import unicodedata
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import EXAMPLES
from docx import Document
from hostile_strings import DROPPED, LONG, corpus
from pypdf import PdfReader

from assessor.assessment import MAX_SHORT, Person, PlanEntry, SignOff, load_assessment, parse_assessment
from assessor.documents.html import CLIP, SOFT_BREAK, cap_marks
from assessor.documents.pack import FORMATS, render_pack
from assessor.errors import SourceErrors


class _Listener:
    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def listener():
    server = _Listener()
    yield server
    server.server.shutdown()


def fill(assessment, short: str, long: str):
    """Every free-text field: short one-line fields get ``short``, notes and long answers ``long``."""
    a = assessment.model_copy(deep=True)
    org = a.organisation
    org.name = org.charity_number = org.address = org.website = short
    for key in ("platform_name", "moderation_hours", "response_time"):
        a.profile[key] = short
    a.profile["purpose"] = long
    for key in ("safeguarding_lead", "deputy_lead"):
        a.profile[key] = Person(name=short, role=short, email=short, phone=short)
    a.answers = {qid: ans.model_copy(update={"note": long}) for qid, ans in a.answers.items()}
    a.meta.assessor = short
    a.sign_off = [SignOff(name=short, role=short)]
    a.plan = {"write_group_agreement": PlanEntry(owner=short)}
    return a


FIELDS = 4 + 3 + 1 + 8 + 1 + 1 + 2 + 1  # org, profile text, purpose, people, notes, assessor, sign-off, owner


@pytest.fixture(scope="module")
def packs(catalogue, listener):
    from assessor.documents import fetcher as fetcher_module

    seen = []
    original = fetcher_module.AssetFetcher.fetch

    def recording(self, url, *args, **kwargs):
        seen.append(url)
        return original(self, url, *args, **kwargs)

    fetcher_module.AssetFetcher.fetch = recording
    try:
        base = load_assessment(EXAMPLES / "youth-forum.yaml", catalogue)
        out = {}
        for name, s in corpus(listener.port).items():
            out[name] = (s, render_pack(fill(base, s, s), catalogue, FORMATS))
        out["100,000 characters"] = (LONG, render_pack(fill(base, "Long Text Org", LONG), catalogue, FORMATS))
    finally:
        fetcher_module.AssetFetcher.fetch = original
    return out, seen


def _pdf_text(data: bytes) -> str:
    """Poppler's pdftotext: it decodes the fallback fonts used for emoji, where pypdf does not."""
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


# Invisible format characters (joiners, variation selectors, bidi controls) that text extraction drops.
INVISIBLE = {SOFT_BREAK, "\u200d", "\ufe0f", "\u202e", "\u2066", "\u2069"}


def _squash(text: str) -> str:
    """Text without spaces, invisible characters or combining marks (text extraction from a PDF
    may compose, reorder or drop stacked marks), for comparing what went in with what came out."""
    text = unicodedata.normalize("NFD", "".join(text.split()))
    return "".join(ch for ch in text if ch not in INVISIBLE and unicodedata.category(ch) != "Mn")


def expected(s: str) -> str:
    return _squash(cap_marks("".join(ch for ch in s if ch not in DROPPED)))


_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
# What GitHub (cmark-gfm), VS Code (markdown-it with linkify) and Streamlit (remark-gfm) turn
# into links from plain text, found after escapes and entities are undone, as remark does.
_AUTOLINK = re.compile(
    r"[a-z][a-z0-9+.-]*://|mailto:|www\.|[\w.+-]+@[\w-]+\.[\w.-]+|\b[\w-]+\.(?:org|com|net|uk|example)\b",
    re.I,
)


def outside_code(md: str) -> str:
    """Markdown text outside code spans, with backslash escapes and entities undone."""
    import html as html_module

    text = _CODE_SPAN.sub(" ", md)
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return html_module.unescape(text)


def test_every_string_appears_literally_in_every_format(packs):
    rendered, _ = packs
    tried = 0
    for name, (s, files) in rendered.items():
        want = expected(s[:CLIP])
        for path, data in files.items():
            if s is LONG and "risk-assessment" not in path:
                continue  # notes and the purpose appear in the risk assessment
            tried += 1
            if path.endswith(".pdf"):
                text = _squash(_pdf_text(data))
                assert want in text, (name, path)
            elif path.endswith(".docx"):
                assert want in _squash(_docx_text(data)), (name, path)
            else:
                md = _CODE_SPAN.sub(" ", data.decode("utf-8"))
                assert "<script" not in md and "<img" not in md and "](" not in md.replace("\\](", "")
    assert tried >= 15 * 21 + 3


def test_right_to_left_text_survives_in_the_pdf(packs):
    rendered, _ = packs
    _, files = rendered["right-to-left override"]
    text = _pdf_text(files["pdf/01-risk-assessment.pdf"])
    for piece in ("abc", "dcba", "isolated", "end"):
        assert piece in text


def test_nothing_is_fetched(packs, listener):
    _, seen = packs
    assert listener.hits == []
    assert all(url.startswith("file://") and "/templates/assets/" in url for url in seen), set(seen)


def test_long_notes_are_clipped_and_marked(packs):
    rendered, _ = packs
    _, files = rendered["100,000 characters"]
    text = _pdf_text(files["pdf/01-risk-assessment.pdf"])
    assert "the full text is in the assessment file" in text


# A4 with 18 mm side margins (templates/assets/pack.css), in points, with half a point of slack.
LEFT, RIGHT = 18 / 25.4 * 72 - 0.5, (210 - 18) / 25.4 * 72 + 0.5


def _words_outside_the_margins(data: bytes) -> list[str]:
    """Words whose box (poppler's ``pdftotext -bbox``) reaches into the side margins.

    pdftotext drops words that fall off the page entirely; those are caught by the literal-text
    test above, which reads the same extraction.
    """
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-bbox", "-", "-"], input=data, capture_output=True, check=True
    )
    boxes = re.findall(
        r'<word xMin="([-\d.]+)" yMin="[-\d.]+" xMax="([-\d.]+)" yMax="[-\d.]+">(.*?)</word>',
        done.stdout.decode("utf-8", "replace"),
    )
    return [word[:40] for x0, x1, word in boxes if float(x0) < LEFT or float(x1) > RIGHT]


def test_every_word_stays_inside_the_margins(packs):
    rendered, _ = packs
    checked = 0
    for name, (_, files) in rendered.items():
        for path, data in files.items():
            if path.endswith(".pdf"):
                assert float(PdfReader(io.BytesIO(data)).pages[0].mediabox.width) < 600  # A4 is 595 pt
                assert _words_outside_the_margins(data) == [], (name, path)
                checked += 1
    assert checked == len(rendered) * 7


def test_one_line_fields_refuse_100000_characters(catalogue):
    text = (EXAMPLES / "youth-forum.yaml").read_text(encoding="utf-8")
    start = text.index("  name: ") + len("  name: ")
    end = text.index("\n", start)
    with pytest.raises(SourceErrors) as exc:
        parse_assessment(text[:start] + LONG + text[end:], catalogue, "a.yaml")
    (problem,) = exc.value.problems
    assert f"at most {MAX_SHORT} characters" in problem.message


def test_zip_of_hostile_pack_opens(packs):
    from assessor.documents.pack import pack_zip

    rendered, _ = packs
    _, files = rendered["script"]
    data = pack_zip(files, __import__("datetime").date(2026, 1, 1))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None


def test_no_link_can_form_from_text_in_markdown(packs):
    """Issue 15, class 9: bare URLs, www. addresses, e-mail addresses and domain names in
    answers never become live links in the Markdown (they are code spans)."""
    rendered, _ = packs
    for name, (_, files) in rendered.items():
        for path, data in files.items():
            if path.endswith(".md"):
                found = _AUTOLINK.findall(outside_code(data.decode("utf-8")))
                assert found == [], (name, path, found[:5])


def test_addresses_copy_out_of_word_and_markdown_whole(packs):
    """Issue 15, class 9: no invisible break inside an address in Word or Markdown."""
    rendered, _ = packs
    address, files = rendered["long email"]
    for path, data in files.items():
        if path.endswith(".docx"):
            text = _docx_text(data)
        elif path.endswith(".md"):
            text = data.decode("utf-8")
        else:
            continue
        assert SOFT_BREAK not in text, path
        assert address in text, path
