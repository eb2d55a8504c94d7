"""The sign-off chain and the yearly review, as pure functions.

A version of the assessment moves draft → submitted for review → reviewed by the safeguarding
lead → approved by the trustees. Approval records the approvers' names and roles, the date, the
trustees' minute reference and a hash of the exact answers approved (``content_hash``). An
approved version is read-only: the store keeps its revision as it was, and any later edit
starts the next version as a draft (``settle``, applied by the store's ``merge``). "Start the
next review" (``start_review``) copies the approved answers into a new draft version and marks
every answer "carried over, please confirm" until it is confirmed or changed.

Who may take each step is decided elsewhere (``assessor.access``): every transition takes the
actor's role as a parameter and refuses a role that ``MAY`` does not list for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from assessor.assessment import Approver, Assessment, Lifecycle, Status, Version
from assessor.store.base import InvalidChange, dumps, field_question, flatten

# Roles, as ``assessor.access`` names them to these functions.
EDITOR = "editor"  # anyone preparing the assessment
LEAD = "safeguarding_lead"
TRUSTEE = "trustee"
ROLE_LABELS = {EDITOR: "Preparing the assessment", LEAD: "Safeguarding lead", TRUSTEE: "Trustee"}

SUBMIT, REVIEW, APPROVE, SEND_BACK, START_REVIEW = "submit", "review", "approve", "send_back", "start_review"
MAY: dict[str, frozenset[str]] = {
    SUBMIT: frozenset({EDITOR, LEAD, TRUSTEE}),
    REVIEW: frozenset({LEAD}),
    APPROVE: frozenset({TRUSTEE}),
    SEND_BACK: frozenset({LEAD, TRUSTEE}),
    START_REVIEW: frozenset({EDITOR, LEAD, TRUSTEE}),
}
# The step each transition starts from.
FROM: dict[str, tuple[Status, ...]] = {
    SUBMIT: (Status.draft,),
    REVIEW: (Status.submitted,),
    APPROVE: (Status.reviewed,),
    SEND_BACK: (Status.submitted, Status.reviewed),
    START_REVIEW: (Status.approved,),
}
STATUS_LABELS = {
    Status.draft: "Draft",
    Status.submitted: "Submitted for review",
    Status.reviewed: "Reviewed by the safeguarding lead",
    Status.approved: "Approved by the trustees",
}
# Profile questions about change since the last review: asked first in a yearly review.
CHANGE_QUESTIONS = ("profile.review_changes", "profile.incidents")


class NotAllowed(ValueError):
    """This step cannot be taken now, or not by this role: the message says why."""


# -- reading the state ------------------------------------------------------------------------------


def lifecycle_of(a: Assessment) -> Lifecycle:
    return a.lifecycle or Lifecycle()


def content_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The answers and details a version is made of: every field but the sign-off state."""
    return {k: v for k, v in fields.items() if not k.startswith("lifecycle/")}


def hash_fields(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(dumps(content_fields(fields)).encode("utf-8")).hexdigest()


def content_hash(a: Assessment) -> str:
    """SHA-256 of exactly these answers and details (not of the sign-off state)."""
    return hash_fields(flatten(a.to_data()))


def status(a: Assessment) -> Status:
    """The version's status. A file marked approved whose answers no longer match the hash
    approved (edited by hand since) counts as a draft."""
    current = lifecycle_of(a).current
    if current.status == Status.approved and current.content_hash != content_hash(a):
        return Status.draft
    return current.status


def is_approved(a: Assessment) -> bool:
    return status(a) == Status.approved


def versions(a: Assessment) -> list[Version]:
    """The version table, oldest first, the current version last (its status as ``status``)."""
    lc = lifecycle_of(a)
    current = lc.current.model_copy(update={"status": status(a)})
    return [*lc.earlier, current]


def last_approved(a: Assessment) -> Version | None:
    """The newest approved version: this one if approved, else the newest earlier one."""
    approved = [v for v in versions(a) if v.status == Status.approved]
    return approved[-1] if approved else None


def carried_over(a: Assessment) -> set[str]:
    return set(lifecycle_of(a).carried_over)


def allowed(a: Assessment, role: str) -> list[str]:
    """The transitions ``role`` may take now."""
    now = status(a)
    return [t for t, starts in FROM.items() if now in starts and role in MAY[t]]


# -- transitions ------------------------------------------------------------------------------------


def _check(a: Assessment, transition: str, role: str) -> Lifecycle:
    now = status(a)
    if now not in FROM[transition]:
        raise NotAllowed(
            f"This version is {STATUS_LABELS[now].lower()}: it cannot be "
            f"{_PAST[transition]} now (only when {' or '.join(STATUS_LABELS[s].lower() for s in FROM[transition])})."
        )
    if role not in MAY[transition]:
        who = " or ".join(ROLE_LABELS[r].lower() for r in sorted(MAY[transition]))
        raise NotAllowed(f"Only the {who} can do this (you are signed in as {ROLE_LABELS.get(role, role)}).")
    return lifecycle_of(a)


_PAST = {
    SUBMIT: "submitted for review",
    REVIEW: "marked reviewed",
    APPROVE: "approved",
    SEND_BACK: "sent back to draft",
    START_REVIEW: "reviewed again",
}


def _with(a: Assessment, lc: Lifecycle, **current: Any) -> Assessment:
    return a.model_copy(
        update={"lifecycle": lc.model_copy(update={"current": lc.current.model_copy(update=current)})}
    )


def _name(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise NotAllowed(f"Give {what}.")
    return text


def submit(a: Assessment, *, by: str, role: str, on: dt.date) -> Assessment:
    """Draft → submitted for review by the safeguarding lead; ``by`` prepared it."""
    lc = _check(a, SUBMIT, role)
    return _with(
        a, lc, status=Status.submitted, prepared_by=_name(by, "the name of who prepared it"), submitted_on=on
    )


def review(a: Assessment, *, by: str, role: str, on: dt.date) -> Assessment:
    """Submitted → reviewed by the safeguarding lead, ready for the trustees."""
    lc = _check(a, REVIEW, role)
    return _with(
        a, lc, status=Status.reviewed, reviewed_by=_name(by, "the safeguarding lead's name"), reviewed_on=on
    )


def approve(
    a: Assessment, *, approvers: Iterable[Approver | tuple[str, str]], minute: str, role: str, on: dt.date
) -> Assessment:
    """Reviewed → approved by the trustees: names, roles, date, minute reference and the hash of
    exactly these answers are recorded; the version is read-only from now on."""
    lc = _check(a, APPROVE, role)
    people = [
        p if isinstance(p, Approver) else Approver(name=p[0].strip(), role=p[1].strip()) for p in approvers
    ]
    people = [p for p in people if p.name]
    if not people:
        raise NotAllowed("Name at least one trustee who approved it, with their role.")
    return _with(
        a,
        lc,
        status=Status.approved,
        approvers=people,
        approved_on=on,
        minute=_name(minute, "the reference of the trustees' minute that approved it"),
        content_hash=content_hash(a),
    )


def send_back(a: Assessment, *, role: str) -> Assessment:
    """Submitted or reviewed → draft again (to change answers before approval)."""
    lc = _check(a, SEND_BACK, role)
    return _with(a, lc, status=Status.draft, submitted_on=None, reviewed_by="", reviewed_on=None)


def start_review(a: Assessment, *, role: str, on: dt.date) -> Assessment:
    """The next yearly review: a new draft version holding the approved answers and notes,
    every answer marked "carried over, please confirm"; assessed today, next review in a year."""
    lc = _check(a, START_REVIEW, role)
    asked = [f"profile.{k}" for k in a.profile] + list(a.answers)
    new = Lifecycle(
        current=Version(version=lc.current.version + 1),
        earlier=[*lc.earlier, lc.current],
        carried_over=sorted(set(asked)),
    )
    meta = a.meta.model_copy(update={"assessed_on": on, "next_review": None})
    return a.model_copy(update={"lifecycle": new, "meta": meta})


def confirm(a: Assessment, question_ids: Iterable[str]) -> Assessment:
    """Confirm carried-over answers unchanged: they are no longer marked."""
    lc = lifecycle_of(a)
    gone = set(question_ids)
    return a.model_copy(
        update={
            "lifecycle": lc.model_copy(update={"carried_over": [q for q in lc.carried_over if q not in gone]})
        }
    )


# -- the store's rule: applied inside ``merge`` ---------------------------------------------------

_CURRENT = "lifecycle/current/"
_EARLIER = "lifecycle/earlier"
_CARRIED = "lifecycle/carried_over/"


def _current(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k[len(_CURRENT) :]: v for k, v in fields.items() if k.startswith(_CURRENT)}


def _state(fields: Mapping[str, Any]) -> tuple[dict[str, Any], list]:
    cur = _current(fields)
    cur.setdefault("status", Status.draft.value)
    cur.setdefault("version", 1)
    return cur, list(fields.get(_EARLIER) or [])


def _compact(version: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in version.items() if v not in (None, "", [])}


def _set_current(merged: dict[str, Any], applied: list[str], new: Mapping[str, Any]) -> None:
    for path in [p for p in merged if p.startswith(_CURRENT)]:
        if path[len(_CURRENT) :] not in new:
            merged.pop(path)
            applied.append(path)
    for key, v in new.items():
        if merged.get(_CURRENT + key) != v:
            merged[_CURRENT + key] = v
            applied.append(_CURRENT + key)


_MOVES = {
    ("draft", "submitted"),
    ("submitted", "reviewed"),
    ("reviewed", "approved"),
    ("submitted", "draft"),
    ("reviewed", "draft"),
}


def _refuse(message: str) -> InvalidChange:
    return InvalidChange([message])


def settle(
    base: Mapping[str, Any],
    head: Mapping[str, Any],
    changes: Mapping[str, Any],
    merged: dict[str, Any],
    applied: list[str],
) -> None:
    """Keep the sign-off rules on a save: ``merged`` and ``applied`` (from ``merge``) are updated.

    * A change of sign-off state is refused unless the answers and the state are what the
      person's screen showed (``base`` equals ``head``), moves one allowed step, and, to
      approve, carries the hash of exactly the answers approved.
    * An edit to an approved version starts the next version as a draft; the approved revision
      is left as it was. An edit to a version under review sends it back to draft.
    * A changed answer is no longer "carried over, please confirm".
    """
    moved = [p for p in changes if p.startswith(_CURRENT) or p == _EARLIER]
    edits = [p for p in applied if not p.startswith("lifecycle/")]
    old, old_earlier = _state(head)
    if moved:
        if content_fields(base) != content_fields(head) or _state(base) != (old, old_earlier):
            raise _refuse(
                "The assessment was changed in another tab or by a colleague since this page was shown: "
                "look at the changes, then try again."
            )
        new, new_earlier = _state(merged)
        step = (old["status"], new["status"])
        if step == ("approved", "draft"):
            ok = new["version"] == old["version"] + 1 and new_earlier == [*old_earlier, _compact(old)]
        elif step in _MOVES:
            ok = new["version"] == old["version"] and new_earlier == old_earlier and not edits
        else:
            ok = (
                step[0] == step[1] != "approved"
                and new["version"] == old["version"]
                and new_earlier == old_earlier
            )
        if not ok:
            raise _refuse(f"A version cannot go from {old['status']} to {new['status']} like this.")
        if new["status"] == "approved" and new.get("content_hash") != hash_fields(merged):
            raise _refuse(
                "The approval does not match the answers approved: open the page again and approve."
            )
        for key in ("content_hash", "approvers", "approved_on", "minute"):
            if new["status"] != "approved" and new.get(key) not in (None, "", []) and step[0] != "approved":
                raise _refuse("Only an approval records approvers, a minute or a hash.")
    elif edits and old["status"] == "approved":
        merged[_EARLIER] = [*old_earlier, _compact(old)]
        applied.append(_EARLIER)
        _set_current(merged, applied, {"version": old["version"] + 1, "status": "draft"})
    elif edits and old["status"] in ("submitted", "reviewed"):
        back = {k: v for k, v in old.items() if k not in ("submitted_on", "reviewed_by", "reviewed_on")}
        _set_current(merged, applied, {**back, "status": "draft"})
    for path in edits:
        qid = field_question(path)
        if qid and _CARRIED + qid in merged:
            merged.pop(_CARRIED + qid)
            applied.append(_CARRIED + qid)
