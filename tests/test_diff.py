"""What changed between two versions (assessor/diff.py), the CLI ``diff`` and the trustees' page.

examples/versions/ holds two versions of the youth forum's assessment: the one the trustees
approved in 2026, and the 2027 review started from it, in which two answers changed (one moving
the staff conduct rating from High to Low), one action was marked done and another is no
longer needed."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT

from assessor import lifecycle as lc
from assessor.assessment import load_assessment
from assessor.diff import compare
from assessor.documents import render_document

OLD = EXAMPLES / "versions" / "youth-forum-2026-approved.yaml"
NEW = EXAMPLES / "versions" / "youth-forum-2027-review.yaml"


@pytest.fixture(scope="module")
def versions(catalogue):
    return load_assessment(OLD, catalogue), load_assessment(NEW, catalogue)


@pytest.fixture(scope="module")
def changes(versions, catalogue):
    return compare(*versions, catalogue)


def test_the_examples_are_an_approved_version_and_its_review(versions):
    old, new = versions
    assert lc.is_approved(old) and old.lifecycle.current.minute == "TM 2026/14"
    assert lc.status(new).value == "draft" and new.lifecycle.current.version == 2
    assert new.lifecycle.earlier == [old.lifecycle.current]


def test_compare_lists_exactly_the_changes_made(changes):
    assert [(c.question, c.part, c.before, c.after) for c in changes.answers] == [
        ("grooming.private_messages", "answer", "Partly in place", "In place"),
        ("staff_conduct.devices", "answer", "Not in place", "In place"),
    ]
    assert [(r.area, r.before, r.after) for r in changes.ratings] == [
        ("staff_conduct", "High (L4 × I4 = 16)", "Low (L1 × I3 = 3)")
    ]
    assert [(a.action, a.change) for a in changes.actions] == [
        ("staff_conduct.devices", "completed"),
        ("grooming.private_messages", "dropped"),
    ]
    assert "14 March 2027" in changes.completed()[0].detail
    assert changes.overall == ("High", "Medium")
    assert "Online safety risk assessment" in changes.documents
    assert changes.old == "version 1, approved 30 November 2026" and changes.new == "version 2, draft"


def test_the_sign_off_state_alone_is_no_change(versions, catalogue):
    old, _ = versions
    unsigned = old.model_copy(update={"lifecycle": None})
    assert compare(unsigned, old, catalogue).is_empty()


def test_cli_diff_prints_the_changes(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "assessor", "diff", str(OLD), str(NEW)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("Changes from version 1, approved 30 November 2026 to version 2, draft")
    assert "Answers changed (2):" in out and "staff_conduct.devices" in out
    assert "Staff and volunteer conduct: High (L4 × I4 = 16) -> Low (L1 × I3 = 3)" in out
    assert "Actions completed (1):\n  staff_conduct.devices:" in out
    assert "Actions added (0):" in out and "Actions dropped (1):\n  grooming.private_messages:" in out


def test_the_trustees_change_page(versions, changes, catalogue, tmp_path):
    _, new = versions
    html = render_document(
        "risk_report", new, catalogue, "html", workers=0, cache=False, changes=changes
    ).decode()
    assert "Changes since the version approved on 30 November 2026" in html
    without = render_document("risk_report", new, catalogue, "html", workers=0, cache=False).decode()
    assert "Changes since the version approved" not in without  # the page is optional
    pdf = render_document("risk_report", new, catalogue, "pdf", workers=0, cache=False, changes=changes)
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    page = " ".join(next(p for p in text.split("\f") if "Changes since the version approved on" in p).split())
    assert (
        "Staff and volunteer conduct" in page
        and "High (L4 × I4 = 16)" in page
        and "Low (L1 × I3 = 3)" in page
    )
    assert "Actions completed" in page and "Provide organisation devices" in page
    assert "Actions dropped" in page and "Answers changed (2)" in page
