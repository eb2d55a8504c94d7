"""The app: an assessment taken through draft, review and approval on the Sign-off page; an edit
after approval starts a new draft and leaves the approved version intact; the next review marks
every answer carried over; the History page compares two versions."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES
from test_app import fresh, goto, texts

from assessor import lifecycle as lc
from assessor.assessment import load_assessment
from assessor.catalogue import default_catalogue
from assessor.store import Store


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "app.sqlite3"
    monkeypatch.setenv("ASSESSOR_DB", str(path))
    return path


def _button(at, label: str):
    (button,) = [b for b in at.button if b.label == label]
    return button


def open_example(db, path=EXAMPLES / "youth-forum.yaml"):
    cat = default_catalogue()
    draft = Store(db).create(load_assessment(path, cat))
    at = fresh(draft=draft)
    assert not at.exception
    return goto(at, "signoff"), draft, cat


def approve_in_app(at):
    """Submit as the person preparing it, review as the lead, approve as a trustee."""
    assert "Version 1: draft." in texts(at)
    at.text_input(key="signoff|submit-name").input("Sam Preparer")
    at.button(key="signoff|submit").click().run()
    assert not at.exception
    assert "Version 1: submitted for review." in texts(at)
    # The lead's step is not offered to the person who prepared it.
    assert "Nothing for you to do at this step" in texts(at)
    at.radio(key="signoff|role").set_value(lc.LEAD).run()
    at.text_input(key="signoff|review-name").input("Lee Lead")
    at.button(key="signoff|review").click().run()
    assert "Version 1: reviewed by the safeguarding lead." in texts(at)
    at.radio(key="signoff|role").set_value(lc.TRUSTEE).run()
    at.text_input(key="signoff|approver-name-0").input("Chris Chair")
    at.text_input(key="signoff|approver-role-0").input("Chair of trustees")
    at.text_input(key="signoff|minute").input("TM 2026/14")
    _button(at, "Record the approval").click().run()
    assert not at.exception
    assert "Version 1: approved by the trustees." in texts(at)
    return at


def test_draft_review_approval_and_an_edit_after_it(db):
    at, draft, cat = open_example(db)
    approve_in_app(at)
    store = Store(db)
    (approved_rev, fields), *_ = store.approved_revisions(draft)
    approved = store.load(draft, cat, approved_rev)
    body = store.load_text(draft, approved_rev)
    assert fields["minute"] == "TM 2026/14" and fields["content_hash"] == lc.content_hash(approved)
    assert fields["content_hash"] in texts(at)  # shown on the page
    v = approved.lifecycle.current
    assert (v.prepared_by, v.reviewed_by, [(p.name, p.role) for p in v.approvers]) == (
        "Sam Preparer",
        "Lee Lead",
        [("Chris Chair", "Chair of trustees")],
    )
    # An edit after approval, on a question page: a new draft version; the approved one is kept.
    goto(at, "profile")
    at.radio(key=f"{draft}|profile.nation|").set_value("wales").run()
    assert not at.exception
    head = store.load(draft, cat)
    assert head.lifecycle.current.version == 2 and lc.status(head).value == "draft"
    assert store.load_text(draft, approved_rev) == body
    goto(at, "signoff")
    assert "Version 2: draft." in texts(at)


def test_a_step_out_of_turn_is_refused(db):
    at, _, _ = open_example(db)
    at.radio(key="signoff|role").set_value(lc.TRUSTEE).run()
    # A draft is not the trustees' to approve: the approval form appears only once reviewed.
    assert not [b for b in at.button if b.label == "Record the approval"]


def test_next_review_marks_every_answer_carried_over_and_history_compares(db):
    at, draft, cat = open_example(db, EXAMPLES / "versions" / "youth-forum-2026-approved.yaml")
    assert "Version 1: approved by the trustees." in texts(at)
    at.button(key="signoff|start-review").click().run()
    assert not at.exception
    store = Store(db)
    head = store.load(draft, cat)
    asked = {f"profile.{k}" for k in head.profile} | set(head.answers)
    assert lc.carried_over(head) == asked and head.lifecycle.current.version == 2
    # The questions about change since the last review come first.
    goto(at, "profile")
    headers = [h.value for h in at.header]
    assert headers.index("Since the last review") == 1 and headers[0] == "Organisation"
    assert at.checkbox(key=f"{draft}|profile.review_changes|new_platform") is not None
    # The question pages mark each carried-over answer; confirming one clears its mark.
    goto(at, "staff_conduct")
    assert "Carried over from the last approved version" in texts(at)
    at.button(key=f"{draft}|staff_conduct.devices|confirm").click().run()
    assert "staff_conduct.devices" not in lc.carried_over(store.load(draft, cat))
    # Changing an answer clears its mark too, and History compares it with the approved version.
    at.radio(key=f"{draft}|staff_conduct.devices|").set_value("in_place").run()
    goto(at, "history")
    at.button(key="diff|go").click().run()
    assert not at.exception
    shown = texts(at)
    assert "From version 1, approved 30 November 2026 to version 2, draft" in shown
    assert "Staff and volunteer conduct: High \\(L4 × I4 \\= 16\\) → Low" in shown
    # The Sign-off page offers the risk assessment with the trustees' page of changes.
    goto(at, "signoff")
    at.button(key="signoff|changes").click().run()
    assert not at.exception
    assert [d for d in at.get("download_button") if "changes page" in d.proto.label]
