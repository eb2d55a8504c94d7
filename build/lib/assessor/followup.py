"""Following up an assessment: which actions and reviews are overdue, and a calendar of them.

An action is *open* until it is marked done or won't do. An open action is overdue the day after
its due date (the organisation's own date, or the one the plan gave it). The review is overdue
the day after the next review date (``meta.next_review``, else a year after the assessment).

``calendar_ics`` writes an iCalendar (RFC 5545) file by hand, so that every rule that matters to
a calendar program is visible here: CRLF line ends, lines folded at 75 octets without splitting
a UTF-8 character, TEXT values escaped (backslash, semicolon, comma, newline), control
characters removed, a stable UID per event (a re-import updates rather than duplicates) and a
DTSTAMP in UTC. Every answer is treated as untrusted text: it can end no line and start no
property.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assessor.assessment import STATUS_LABELS, ActionStatus, Assessment, PlanEntry

if TYPE_CHECKING:
    from assessor.scoring import PlannedAction, Result

REVIEW = "review"
ACTION = "action"


@dataclass(frozen=True)
class FollowUp:
    """One planned action with the organisation's follow-up of it."""

    number: int  # 1-based place in the action plan
    action: PlannedAction
    entry: PlanEntry

    @property
    def status(self) -> ActionStatus:
        return self.entry.state()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def is_open(self) -> bool:
        return self.entry.is_open()

    def days_late(self, today: dt.date) -> int:
        """Days past the due date while the action is open (0 when not overdue)."""
        return max(0, (today - self.action.due_date).days) if self.is_open() else 0


def follow_ups(assessment: Assessment, result: Result) -> list[FollowUp]:
    """The action plan in order, each action with its follow-up entry (empty when none)."""
    return [
        FollowUp(i, action, assessment.plan.get(action.id) or PlanEntry())
        for i, action in enumerate(result.actions, 1)
    ]


@dataclass(frozen=True)
class Due:
    """Something with a date: the review, or one open action."""

    kind: str  # REVIEW or ACTION
    title: str
    date: dt.date
    days_late: int  # 0 when not overdue
    action_id: str | None = None
    number: int | None = None
    owner: str | None = None
    status: str | None = None

    @property
    def overdue(self) -> bool:
        return self.days_late > 0

    def describe(self) -> str:
        late = f"{self.days_late} day{'s' if self.days_late != 1 else ''} overdue" if self.overdue else "due"
        if self.kind == REVIEW:
            return f"review of the risk assessment: {late} (due {self.date.isoformat()})"
        who = f"; owner {self.owner}" if self.owner else ""
        return (
            f"action {self.number} ({self.action_id}): {late} (due {self.date.isoformat()}; "
            f"{self.status}{who}): {self.title}"
        )


def review_due(assessment: Assessment, today: dt.date) -> Due:
    date = assessment.meta.review_date()
    return Due(REVIEW, "Review the safeguarding risk assessment", date, max(0, (today - date).days))


def open_actions(assessment: Assessment, result: Result, today: dt.date) -> list[Due]:
    """Every open action with its due date, in plan order."""
    return [
        Due(
            ACTION,
            f.action.text,
            f.action.due_date,
            f.days_late(today),
            f.action.id,
            f.number,
            f.action.owner_label,
            f.status_label,
        )
        for f in follow_ups(assessment, result)
        if f.is_open()
    ]


def overdue(assessment: Assessment, result: Result, today: dt.date) -> list[Due]:
    """The overdue review (if it is) and every overdue open action, review first."""
    items = [review_due(assessment, today), *open_actions(assessment, result, today)]
    return [d for d in items if d.overdue]


# -- iCalendar -----------------------------------------------------------------------------------

# Removed from text values: C0 controls (newlines are escaped first), DEL, C1, bidi controls and
# the Unicode line and paragraph separators, none of which a calendar shows sensibly.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
PRODID = "-//Safeguarding risk assessment and policy builder//assessor//EN"


def escape_text(value: str) -> str:
    """An RFC 5545 TEXT value: \\\\, \\;, \\, and \\n escaped, other control characters removed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def fold(line: str) -> bytes:
    """One content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    data = line.encode("utf-8")
    out, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while end > start and (data[end] & 0xC0) == 0x80:  # a continuation byte: step back
            end -= 1
        out.append(data[start:end])
        start, limit = end, 74  # continuation lines start with a space
    out.append(data[start:])
    return b"\r\n ".join(out) + b"\r\n"


def headline(text: str, limit: int = 90) -> str:
    """The first sentence of an action, shortened to ``limit`` characters: a calendar title."""
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _uid(seed: str, what: str) -> str:
    digest = hashlib.sha256(f"assessor-calendar:{seed}:{what}".encode()).hexdigest()[:24]
    return f"{digest}@assessor.invalid"


def _event(uid: str, stamp: str, date: dt.date, summary: str, description: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{date:%Y%m%d}",
        f"DTEND;VALUE=DATE:{date + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar_ics(
    assessment: Assessment,
    result: Result,
    *,
    seed: str,
    now: dt.datetime | None = None,
) -> bytes:
    """The review date and each open action's due date as all-day events.

    ``seed`` makes the UIDs (hashed, so a draft id used as the seed is not revealed); give the
    same seed for the same assessment so that importing a newer file updates the events."""
    now = now or dt.datetime.now(dt.UTC)
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    org = assessment.organisation.name
    community = assessment.meta.community
    who = f"{org} ({community})" if community else org
    review = assessment.meta.review_date()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(f'Safeguarding follow-up: {who}')}",
    ]
    lines += _event(
        _uid(seed, REVIEW),
        stamp,
        review,
        f"Safeguarding review due: {who}",
        f"Review the safeguarding risk assessment for {who}, last assessed on "
        f"{assessment.meta.assessed_on.isoformat()}. Start the next review from this year's answers.",
    )
    for f in follow_ups(assessment, result):
        if not f.is_open():
            continue
        a = f.action
        lines += _event(
            _uid(seed, f"action:{a.id}"),
            stamp,
            a.due_date,
            f"Safeguarding action {f.number} due ({a.priority_label}): {headline(a.text)}",
            f"{who}. Priority: {a.priority_label}. Owner: {a.owner_label}. Status: {f.status_label}.\n{a.text}",
        )
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)
