"""Sign-off in the documents: Draft on every page until approved, the version table, the hash of
the approved answers in the PDF, and an approved version rendered again byte for byte."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from assessor import lifecycle as lc
from assessor.assessment import load_assessment
from assessor.documents import render_document
from assessor.store import SQLiteStore, diff, flatten

DAY = dt.date(2026, 11, 30)


def pdf_pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def _step(store, draft, a, b, catalogue):
    return store.apply(draft, store.head(draft), diff(flatten(a.to_data()), flatten(b.to_data())), catalogue)


@pytest.fixture(scope="module")
def youth(catalogue):
    return load_assessment("examples/youth-forum.yaml", catalogue)


def test_a_draft_says_draft_on_every_page(youth, catalogue, tmp_path):
    for doc in ("risk_report", "house_rules_young"):
        pages = pdf_pages(render_document(doc, youth, catalogue, "pdf", workers=0, cache=False), tmp_path)
        assert len(pages) > 1
        assert all("Draft: not yet approved by the trustees" in p for p in pages), doc
    md = render_document("policy_statement", youth, catalogue, "md", workers=0, cache=False).decode()
    assert "Draft (draft, not yet approved)" in md and "| Version |" in md.replace("  ", " ")


def test_the_trustees_page_stands_alone_and_the_version_table_shares_page_two(youth, catalogue, tmp_path):
    """Page 1 is the summary and the signatures; the version table opens page 2 and section 1 follows it
    there, so no page is left holding only the version table."""
    pages = pdf_pages(
        render_document("risk_report", youth, catalogue, "pdf", workers=0, cache=False), tmp_path
    )
    assert "Sign-off" in pages[0] and "Versions" not in pages[0]
    assert "Versions" in pages[1] and "1. The organisation and platform" in pages[1]


def test_sign_off_through_the_store_hash_in_pdf_and_approved_render_byte_identical(
    youth, catalogue, tmp_path
):
    store = SQLiteStore(tmp_path / "db.sqlite3")
    draft = store.create(youth)
    a = store.load(draft, catalogue)
    a = _step(store, draft, a, lc.submit(a, by="Sam Preparer", role=lc.EDITOR, on=DAY), catalogue).assessment
    a = _step(store, draft, a, lc.review(a, by="Lee Lead", role=lc.LEAD, on=DAY), catalogue).assessment
    b = lc.approve(
        a, approvers=[("Chris Chair", "Chair of trustees")], minute="TM 2026/14", role=lc.TRUSTEE, on=DAY
    )
    approved_rev = _step(store, draft, a, b, catalogue).rev
    approved = store.load(draft, catalogue, approved_rev)
    digest = approved.lifecycle.current.content_hash
    assert digest == lc.content_hash(youth)

    first = render_document("risk_report", approved, catalogue, "pdf", workers=0, cache=False)
    pages = pdf_pages(first, tmp_path)
    assert digest in " ".join(pages)
    assert not any("Draft" in p for p in pages)
    sign_off = next(p for p in pages if "Versions" in p)
    assert "Chris Chair" in sign_off and "TM 2026/14" in sign_off and "Sam Preparer" in sign_off

    # An edit after approval: a new draft version; the approved one renders exactly as before.
    qid = sorted(approved.answers)[0]
    edited = store.apply(draft, approved_rev, {f"answers/{qid}/note": "changed after approval"}, catalogue)
    assert edited.assessment.lifecycle.current.version == 2 and not lc.is_approved(edited.assessment)
    again = render_document(
        "risk_report", store.load(draft, catalogue, approved_rev), catalogue, "pdf", workers=0, cache=False
    )
    assert again == first
    draft_pages = pdf_pages(
        render_document("risk_report", edited.assessment, catalogue, "pdf", workers=0, cache=False), tmp_path
    )
    assert all("Draft" in p for p in draft_pages)
    store.close()
