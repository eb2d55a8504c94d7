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
