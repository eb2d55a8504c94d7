"""The sign-off chain and the yearly review as pure functions (assessor/lifecycle.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from assessor import lifecycle as lc
from assessor.assessment import Answer, Assessment, load_assessment
from assessor.store import diff, flatten, merge

DAY = dt.date(2026, 11, 30)
EXAMPLE = "examples/youth-forum.yaml"


@pytest.fixture(scope="module")
def youth(catalogue):
    return load_assessment(EXAMPLE, catalogue)


def approved(a: Assessment) -> Assessment:
    a = lc.submit(a, by="Sam Preparer", role=lc.EDITOR, on=DAY)
    a = lc.review(a, by="Lee Lead", role=lc.LEAD, on=DAY)
    return lc.approve(
        a, approvers=[("Chris Chair", "Chair of trustees")], minute="TM 2026/14", role=lc.TRUSTEE, on=DAY
    )


def test_the_chain_draft_review_approval(youth):
    assert lc.status(youth).value == "draft"
    assert lc.allowed(youth, lc.EDITOR) == [lc.SUBMIT]
    a = approved(youth)
    v = a.lifecycle.current
    assert lc.status(a).value == "approved"
    assert (v.prepared_by, v.reviewed_by, v.minute, v.approved_on) == (
        "Sam Preparer",
        "Lee Lead",
        "TM 2026/14",
        DAY,
    )
    assert [(p.name, p.role) for p in v.approvers] == [("Chris Chair", "Chair of trustees")]
    assert v.content_hash == lc.content_hash(youth)  # the sign-off state is not part of the hash


def test_roles_and_order_are_enforced(youth):
    with pytest.raises(lc.NotAllowed, match="safeguarding lead"):
        lc.review(lc.submit(youth, by="Sam", role=lc.EDITOR, on=DAY), by="Sam", role=lc.EDITOR, on=DAY)
    with pytest.raises(lc.NotAllowed, match="cannot be approved now"):
        lc.approve(youth, approvers=[("A", "Chair")], minute="M1", role=lc.TRUSTEE, on=DAY)
    reviewed = lc.review(lc.submit(youth, by="Sam", role=lc.EDITOR, on=DAY), by="Lee", role=lc.LEAD, on=DAY)
    with pytest.raises(lc.NotAllowed, match="trustee"):
        lc.approve(reviewed, approvers=[("A", "Chair")], minute="M1", role=lc.LEAD, on=DAY)
    with pytest.raises(lc.NotAllowed, match="minute"):
        lc.approve(reviewed, approvers=[("A", "Chair")], minute=" ", role=lc.TRUSTEE, on=DAY)
    with pytest.raises(lc.NotAllowed, match="at least one trustee"):
        lc.approve(reviewed, approvers=[], minute="M1", role=lc.TRUSTEE, on=DAY)


def test_a_file_edited_by_hand_after_approval_is_a_draft(youth):
    a = approved(youth)
    qid = next(iter(a.answers))
    edited = a.model_copy(update={"answers": {**a.answers, qid: Answer(value=None, note="changed")}})
    assert lc.status(edited).value == "draft"


def test_starting_a_review_copies_every_answer_marked_carried_over(youth):
    a = approved(youth)
    nxt = lc.start_review(a, role=lc.EDITOR, on=dt.date(2027, 11, 1))
    assert nxt.answers == a.answers and nxt.profile == a.profile  # answers and notes kept
    asked = {f"profile.{k}" for k in a.profile} | set(a.answers)
    assert lc.carried_over(nxt) == asked and len(asked) > 50
    assert nxt.lifecycle.current.version == 2 and lc.status(nxt).value == "draft"
    assert nxt.lifecycle.earlier == [a.lifecycle.current]
    assert nxt.meta.assessed_on == dt.date(2027, 11, 1)
    # Confirming or changing an answer clears its mark.
    qid = sorted(a.answers)[0]
    assert qid not in lc.carried_over(lc.confirm(nxt, [qid]))
    head = flatten(nxt.to_data())
    merged, applied, _ = merge(head, head, {f"answers/{qid}/note": "looked again"})
    assert f"lifecycle/carried_over/{qid}" not in merged and f"lifecycle/carried_over/{qid}" in applied


def test_settle_starts_a_new_version_on_an_edit_to_an_approved_one(youth):
    a = approved(youth)
    head = flatten(a.to_data())
    qid = sorted(a.answers)[0]
    merged, _applied, _ = merge(head, head, {f"answers/{qid}/note": "a later edit"})
    assert merged["lifecycle/current/version"] == 2 and merged["lifecycle/current/status"] == "draft"
    assert merged["lifecycle/earlier"][0]["status"] == "approved"
    assert "lifecycle/current/minute" not in merged
    # The approved assessment itself is unchanged.
    assert head == flatten(a.to_data())


def test_the_lifecycle_round_trips_through_fields(youth):
    a = lc.start_review(approved(youth), role=lc.EDITOR, on=DAY)
    from assessor.store import unflatten

    again = Assessment.model_validate(unflatten(flatten(a.to_data())))
    assert again.to_data() == a.to_data()
    assert diff(flatten(a.to_data()), flatten(again.to_data())) == {}
