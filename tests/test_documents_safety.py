"""Answer text never becomes markup, and PDF rendering fetches nothing but bundled assets."""

from __future__ import annotations

import html as htmllib
import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import markdown
import pytest
import yaml
from docx import Document as open_docx
from pypdf import PdfReader

from assessor.assessment import Answer, Person, SignOff, parse_assessment
from assessor.documents import available_documents, render_document
from assessor.documents.fetcher import AssetFetcher, RefusedFetch
from assessor.documents.html import ASSETS_DIR, strip_unsafe
from assessor.documents.markdown import _escape_line_starts, escape
from assessor.documents.pdf import avoid_inline_break_bug, html_to_pdf
from assessor.questionnaire import Kind
from assessor.visibility import visible_questions

HOSTILE = '<img src="file:///etc/hostname"> [x](http://127.0.0.1:9/) {{ 7*7 }}'
LONG = "A" * 300


class _Listener:
    """A loopback HTTP server that counts every request it receives."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def listener():
    server = _Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def hostile(catalogue, listener):
    url = listener.url
    data = {
        "schema_version": 1,
        "organisation": {
            "name": HOSTILE,
            "website": f"{url}/website",
            "address": '<link rel="attachment" href="file:///etc/passwd"> <a href="http://example.org">x</a>',
        },
        "profile": {
            "relationship": "runs",
            "nation": "england",
            "audience": ["age_13_17", "adults"],
            "features": ["public_posts", "member_messages", "media_sharing", "reporting"],
            "moderation": "pre",
            "purpose": (
                f'![img]({url}/md.png) <img src="{url}/html.png"> <style>@import url({url}/css);</style> '
                f'{{% include "base.html" %}} <iframe src="{url}/frame"></iframe> {LONG} end'
            ),
            "platform_name": "<script>alert(1)</script> **bold** _it_ `code` # heading | pipe",
            "moderation_hours": "\\*not italic\\* &amp; &lt;b&gt;",
            "response_time": "1. not a list",
            "safeguarding_lead": {
                "name": "<b>Lead</b> [link](javascript:alert(1))",
                "email": 'x@e.org" onload="x',
            },
        },
        "meta": {"assessed_on": "2026-01-10", "assessor": "{{ config }} {% for x in range(9) %}"},
    }
    assessment = parse_assessment(yaml.safe_dump(data, allow_unicode=True), catalogue, "hostile.yaml")
    first_control = next(q for q in visible_questions(catalogue, assessment) if q.kind == Kind.control)
    return assessment.model_copy(
        update={
            "organisation": assessment.organisation.model_copy(
                update={"charity_number": "12\x0034\x07\x1b56"}
            ),
            "answers": {
                first_control.id: Answer(value="dont_know", note=f"{HOSTILE} <b>note</b> {url}/note")
            },
            "sign_off": [SignOff(name=HOSTILE, role="<i>Chair</i>")],
            "profile": {**assessment.profile, "deputy_lead": Person(name="{{ 7*7 }}", role="`deputy`")},
        }
    )


@pytest.fixture(scope="module")
def rendered(hostile, catalogue):
    """Every document of the hostile assessment as HTML, PDF (with its fetcher), DOCX and Markdown."""
    out = {}
    for spec in available_documents(hostile, catalogue):
        html = render_document(spec.id, hostile, catalogue, "html").decode("utf-8")
        fetcher = AssetFetcher()
        pdf = html_to_pdf(html, fetcher=fetcher)
        out[spec.id] = {
            "html": html,
            "pdf": pdf,
            "pages": [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages],
            "fetcher": fetcher,
            "docx": render_document(spec.id, hostile, catalogue, "docx"),
            "md": render_document(spec.id, hostile, catalogue, "md").decode("utf-8"),
        }
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(pdf: bytes) -> str:
    return _flat(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages))


def _text(r: dict) -> str:
    return _flat(" ".join(r["pages"]))


def _docx_text(data: bytes) -> str:
    document = open_docx(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return _flat(" ".join(parts))


def test_html_has_no_markup_from_answers(rendered):
    for doc, r in rendered.items():
        html = r["html"]
        for tag in ("<img", "<script", "<style", "<iframe", "<a ", 'rel="attachment"', "<b>", "<i>"):
            assert tag not in html, (doc, tag)
        assert "&lt;img src=&#34;file:///etc/hostname&#34;&gt;" in html, doc
        assert "[x](http://127.0.0.1:9/) {{ 7*7 }}" in html, doc
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", html), doc


def test_pdf_shows_answers_verbatim_and_fetches_only_assets(rendered, listener):
    assets = ASSETS_DIR.resolve().as_uri()
    for doc, r in rendered.items():
        assert HOSTILE in _text(r), doc
        fetcher = r["fetcher"]
        assert fetcher.refused == [], doc
        assert fetcher.requests and all(u.startswith(assets) for u in fetcher.requests), doc
        assert "/EmbeddedFiles" not in PdfReader(io.BytesIO(r["pdf"])).trailer["/Root"].get("/Names", {})
    report = _text(rendered["risk_report"])
    assert "<script>alert(1)</script> **bold** _it_ `code` # heading | pipe" in report
    assert "123456" in report  # control characters removed, the rest kept
    assert listener.hits == []


def test_long_unbroken_text_wraps_inside_the_page(rendered):
    for doc in ("risk_report", "policy_statement", "house_rules"):
        lines = [line for page in rendered[doc]["pages"] for line in page.splitlines()]
        runs = [len(m) for line in lines for m in re.findall("A{5,}", line)]
        assert sum(runs) >= 300 and max(runs) < 120, (doc, runs)


def test_docx_shows_answers_verbatim(rendered):
    for doc, r in rendered.items():
        text = _docx_text(r["docx"])
        assert HOSTILE in text, doc
    assert "<script>alert(1)</script> **bold**" in _docx_text(rendered["risk_report"]["docx"])


def test_markdown_escapes_answers_so_nothing_renders(rendered):
    for doc, r in rendered.items():
        md = r["md"]
        # a word that could become a link is a code span (issue 15): shown literally, never linked
        assert "`[x](http://127.0.0.1:9/)` \\{\\{ 7\\*7 \\}\\}" in md, doc
        assert "&lt;img `src=" in md, doc
        shown = markdown.markdown(md, extensions=["tables"])
        for tag in ("<img", "<a ", "<script", "<style", "<iframe", "<link", "<b>", "<i>"):
            assert tag not in shown, (doc, tag)
        visible = _flat(htmllib.unescape(re.sub(r"<[^>]+>", " ", shown)))
        assert HOSTILE in visible, doc
        assert "# heading" not in re.findall(r"<h\d>(.*?)</h\d>", shown)


def test_loopback_listener_received_nothing(rendered, listener):
    assert rendered and listener.hits == []


# -- the fetcher on its own -------------------------------------------------------


def test_fetcher_refuses_everything_but_assets(listener, tmp_path):
    fetcher = AssetFetcher()
    css = (ASSETS_DIR / "pack.css").resolve().as_uri()
    assert fetcher.fetch(css).read().startswith(b"/*")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    refused = [
        f"{listener.url}/x.png",
        "https://example.org/x.png",
        "data:text/plain,hello",
        "ftp://example.org/x",
        "file:///etc/hostname",
        outside.as_uri(),
        (ASSETS_DIR / ".." / ".." / "assessor" / "cli.py").as_uri(),
        ASSETS_DIR.as_uri(),
        "file://evil.example/" + str(ASSETS_DIR / "pack.css"),
    ]
    for url in refused:
        with pytest.raises(RefusedFetch):
            fetcher.fetch(url)
    assert fetcher.requests == [css, *refused]
    assert fetcher.refused == refused
    assert listener.hits == []


def test_pdf_of_raw_html_cannot_reach_out(listener):
    html = f"""<!DOCTYPE html><html lang="en-GB"><head><title>t</title>
    <link rel="stylesheet" href="{listener.url}/remote.css">
    <link rel="attachment" href="file:///etc/hostname">
    <style>@import url("{listener.url}/import.css"); body {{ background: url("file:///etc/passwd"); }}</style>
    </head><body><p>hello</p><img src="{listener.url}/img.png" alt="">
    <img src="file:///etc/hostname" alt=""><object data="{listener.url}/obj"></object></body></html>"""
    fetcher = AssetFetcher()
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert "hello" in _pdf_text(pdf)
    assert listener.hits == []
    assert fetcher.refused and set(fetcher.requests) == set(fetcher.refused)
    assert "/EmbeddedFiles" not in PdfReader(io.BytesIO(pdf)).trailer["/Root"].get("/Names", {})


def test_a_pdf_leaves_no_font_folder_behind(tmp_path, monkeypatch):
    # WeasyPrint copies the pack's @font-face fonts into a weasyprint-* folder in the temporary
    # directory; without the garbage collector running, only html_to_pdf's cleanup removes it.
    import gc
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    html = """<!DOCTYPE html><html lang="en-GB"><head><title>t</title>
    <link rel="stylesheet" href="assets/pack.css"></head><body><p>hello <em>there</em></p></body></html>"""
    gc.disable()
    try:
        pdf = html_to_pdf(html)
        left = sorted(p.name for p in tmp_path.iterdir())
    finally:
        gc.enable()
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    assert any("Noto" in f.get_object()["/BaseFont"] for f in fonts)  # the pack's fonts were used
    assert left == []


# -- helpers ----------------------------------------------------------------------


def test_strip_unsafe_keeps_newlines_and_tabs():
    assert strip_unsafe("a\x00b\x07c\x1b\x7fd\x85e\ud800f\ufffeg\n\th") == "abcdefg\n\th"


def test_markdown_escape():
    assert escape("[x](y) ![i](z) *a* _b_ `c` <d> &lt; | ~~e~~ {f}") == (
        "\\[x\\](y) !\\[i\\](z) \\*a\\* \\_b\\_ \\`c\\` &lt;d&gt; &amp;lt; \\| \\~\\~e\\~\\~ \\{f\\}"
    )
    assert escape("AT&T & co") == "AT&T & co"


def test_line_starts_escape_only_what_would_become_markup():
    text = "1. a list?\n12) another\n# heading\n- item\n002.R7: a guidance id\n2026 was a year"
    assert _escape_line_starts(text).split("\n") == [
        "1\\. a list?",
        "12\\) another",
        "\\# heading",
        "\\- item",
        "002.R7: a guidance id",  # no list marker, so no backslash for a reader to see
        "2026 was a year",
    ]


def test_space_before_inline_element_moves_inside_it():
    assert avoid_inline_break_bug("to <strong>X</strong>") == "to<strong> X</strong>"
    assert (
        avoid_inline_break_bug('a <span class="rag rag-red">High</span>')
        == 'a <span class="rag rag-red">High</span>'
    )
