"""The printed page as a reader sees it (round r7, visual).

1. The footer's version and issue date stay on one line. In a draft awaiting the trustees'
   decision on a platform, the bottom centre carries a long draft mark; it squeezed the bottom-left
   box, so "Version 84cf03a0 · Issued 20 November" stood on one line and "2026" on the next, on
   every page. The version line and the page number no longer wrap (templates/assets/pack.css);
   the draft mark between them may.
2. The line closing the summary's list of urgent actions ("The action plan (section 5) sets out
   the other ...") stays on the page of the list's last item: it stood alone at the top of page 2,
   above the sign-off (class ``follows``: ``break-before: avoid``).

3. A signature table is never split across two pages, nor parted from its heading: the sports
   club's policy statement had "11. Sign-off" and the chair's row at the foot of page 6 and the
   lead's row alone on page 7.

4. A table split across two pages leaves at least two of its rows on each side of the break: the
   risk assessment's action plan ended with one action alone on its last page, and helpline tables
   began with one row under their caption at the foot of a page, or ended with one row overleaf.
   Read from WeasyPrint's layout of the pages (the version pinned in requirements.txt).

Rule 1 shown failing without ``white-space: nowrap`` on the page's bottom-left box.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from assessor.assessment import load_assessment
from assessor.catalogue import default_catalogue
from assessor.documents.context import build_context
from assessor.documents.html import long_date
from assessor.documents.pack import _find, _html, _specs_of
from assessor.documents.pdf import html_to_pdf

ROOT = Path(__file__).resolve().parent.parent

# A platform audit with no decision recorded: the longest footer (draft mark) in the corpus, and a
# members' document, whose footer has the date but no version.
CASES = [("anon-qa-app-audit", "risk_report"), ("anon-qa-app-audit", "house_rules_young")]


def _footer_lines(pdf: bytes) -> list[list[tuple[float, str]]]:
    """Each page's text in its bottom margin (below 20 mm), as (height, text) pieces."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        pieces: list[tuple[float, str]] = []

        def visit(text, cm, tm, _font, _size, pieces=pieces):
            y = cm[5] + tm[5] * cm[3]
            if text.strip() and y < 57:  # 20 mm = 56.7 pt from the bottom edge
                pieces.append((round(y, 1), text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(pieces)
    return pages


@functools.cache
def _pdf(stem: str, doc_id: str) -> tuple[bytes, str]:
    """The document's PDF, and its issue date as the footer prints it."""
    cat = default_catalogue()
    assessment = load_assessment(ROOT / "tests" / "scenarios" / f"{stem}.yaml", cat)
    specs = _specs_of(assessment, cat)
    ctx = build_context(assessment, cat)
    return html_to_pdf(_html(_find(specs, doc_id), ctx, specs)), f"Issued {long_date(ctx.issued)}"


@pytest.mark.parametrize(("stem", "doc_id"), CASES, ids=[f"{s}-{d}" for s, d in CASES])
def test_the_footer_keeps_the_version_and_date_on_one_line(stem, doc_id):
    pdf, issued = _pdf(stem, doc_id)
    pages = _footer_lines(pdf)
    assert len(pages) >= 2
    for number, pieces in enumerate(pages, 1):
        assert any(issued in text for _, text in pieces), (number, issued, pieces)
        assert any(text == f"Page {number} of {len(pages)}" for _, text in pieces), (number, pieces)


def test_the_summarys_closing_line_stays_with_the_last_urgent_action():
    pdf, _ = _pdf(*CASES[0])
    texts = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    closing = "The action plan (section 5) sets out the other"
    (page,) = [t for t in texts if closing in t]
    before = page.split(closing)[0]
    assert re.search(r"action \d+\)\s*$", before), before[-300:]


def test_the_signatures_stay_on_one_page_with_their_heading():
    pdf, _ = _pdf("sports-club-whatsapp", "policy_statement")
    texts = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    (page,) = [t for t in texts if re.search(r"\d+\. Sign-off", t)]
    after = page.split("Sign-off", 1)[1]
    assert "Chair of trustees (or equivalent)" in after and "Designated safeguarding lead" in after, after


# Packs where a table was split with one row on one side (before rule 4), and their documents.
SPLIT = [
    ("anon-qa-app-audit", "policy_statement"),
    ("anon-qa-app-audit", "procedure"),
    ("learning-disability-whatsapp", "policy_statement"),
    ("refugee-community-facebook", "risk_report"),
    ("refugee-community-facebook", "policy_statement"),
]


def _rows_per_page(stem: str, doc_id: str) -> dict[str, dict[int, int]]:
    """Each table's body rows on each page, as laid out for the PDF."""
    from weasyprint import HTML

    from assessor.documents.fetcher import AssetFetcher
    from assessor.documents.html import TEMPLATES_DIR
    from assessor.documents.pdf import avoid_inline_break_bug

    cat = default_catalogue()
    assessment = load_assessment(ROOT / "tests" / "scenarios" / f"{stem}.yaml", cat)
    specs = _specs_of(assessment, cat)
    html = _html(_find(specs, doc_id), build_context(assessment, cat), specs)
    document = HTML(
        string=avoid_inline_break_bug(html), base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=AssetFetcher()
    ).render()
    rows: dict[str, dict[int, int]] = {}

    def body_rows(box) -> int:
        n = 0
        for child in getattr(box, "children", None) or []:
            if type(child).__name__ == "TableRowBox":
                n += 1
            elif type(child).__name__ == "TableRowGroupBox" and child.element_tag != "thead":
                n += body_rows(child)
        return n

    def walk(box, page: int) -> None:
        if type(box).__name__ == "TableBox":
            caption = box.element.find("caption")
            name = f"{box.element.get('class')} {id(box.element)} " + (
                "".join(caption.itertext()) if caption is not None else ""
            )
            rows.setdefault(name, {})[page] = rows.get(name, {}).get(page, 0) + body_rows(box)
            return
        for child in getattr(box, "children", None) or []:
            walk(child, page)

    for number, page in enumerate(document.pages, 1):
        walk(page._page_box, number)
    return rows


@pytest.mark.parametrize(("stem", "doc_id"), SPLIT, ids=[f"{s}-{d}" for s, d in SPLIT])
def test_a_split_table_leaves_two_rows_on_each_page(stem, doc_id):
    rows = _rows_per_page(stem, doc_id)
    assert rows
    lonely = {name: pages for name, pages in rows.items() if len(pages) > 1 and min(pages.values()) < 2}
    assert not lonely, lonely
