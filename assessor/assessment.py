"""The assessment file: one organisation's answers, as a YAML document.

Top-level keys: ``schema_version``, ``organisation``, ``profile``, ``answers``,
``meta`` and optionally ``plan`` (per action: owner, due date, status, completion date,
reason and evidence), ``sign_off`` and ``lifecycle`` (the version's sign-off state and the
version table). Structure is checked by pydantic; values are then checked
against the questionnaire so that an unknown question id or an invalid option
is reported with its line and column.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from assessor.errors import Problem, SourceErrors
from assessor.questionnaire import Catalogue, ControlAnswer, Kind, Question
from assessor.sourcemap import SourceMap, read_bytes, read_capped
from assessor.validation import validate

SCHEMA_VERSION = 1
MAX_TEXT = 100_000  # characters in a note or long free-text answer
MAX_SHORT = 300  # characters in a name, role, contact detail or other one-line answer
Short = Field("", max_length=MAX_SHORT)

# Bounds on every list and mapping, so that the work for any accepted file is small.
MAX_ANSWERS = 1_000  # the questionnaire has a few hundred questions
MAX_PROFILE = 200
MAX_PLAN = 500
MAX_SIGN_OFFS = 20
MAX_CHOICES = 100  # options chosen in one multiple-choice answer

# Dates outside this window are mistakes (a year typed as 9999 or 2200) and would overflow
# date arithmetic (a review a year later, due dates, ZIP timestamps, which end in 2107).
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2099, 12, 31)


def sensible_date(value: dt.date) -> dt.date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(
            f"{value.isoformat()} is outside the dates this tool accepts "
            f"({FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}); check the year"
        )
    return value


Date = Annotated[dt.date, AfterValidator(sensible_date)]


def _show(value: Any, limit: int = 60) -> str:
    """A value quoted in a message, shortened: messages must not repeat a whole note."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Person(_Model):
    name: str = Short
    role: str = Short
    email: str = Short
    phone: str = Short

    def is_empty(self) -> bool:
        return not any((self.name, self.role, self.email, self.phone))


class Organisation(_Model):
    name: str = Field(min_length=1, max_length=MAX_SHORT)
    charity_number: str | None = Field(None, max_length=MAX_SHORT)
    address: str | None = Field(None, max_length=MAX_SHORT * 4)
    website: str | None = Field(None, max_length=MAX_SHORT)
    # The phone and inbox the team watches for members' worries (not one person's own): members'
    # documents give them as the first way to reach us, before the safeguarding lead's own line.
    phone: str | None = Field(None, max_length=MAX_SHORT)
    email: str | None = Field(None, max_length=MAX_SHORT)


class Answer(_Model):
    value: str | list[str] | Date | Person | None = None
    note: str | None = Field(None, max_length=MAX_TEXT)


class Meta(_Model):
    assessor: str | None = Field(None, max_length=MAX_SHORT)
    assessed_on: Date = Field(default_factory=dt.date.today)
    questionnaire_version: str | None = Field(None, max_length=MAX_SHORT)
    next_review: Date | None = None
    # Which of the organisation's communities this assessment covers, when it has several (the
    # portfolio shows it): "Forum", "WhatsApp group, 11 to 13", "Discord server".
    community: str | None = Field(None, max_length=MAX_SHORT)

    def review_date(self) -> dt.date:
        """The next review date: as given, or twelve months after the assessment."""
        if self.next_review is not None:
            return self.next_review
        d = self.assessed_on
        try:
            return d.replace(year=d.year + 1)
        except ValueError:  # 29 February
            return d.replace(year=d.year + 1, day=28)


class ActionStatus(StrEnum):
    """Where an action stands. No status in the file means not started."""

    not_started = "not_started"
    in_progress = "in_progress"
    done = "done"
    wont_do = "wont_do"


STATUS_LABELS = {
    ActionStatus.not_started: "Not started",
    ActionStatus.in_progress: "In progress",
    ActionStatus.done: "Done",
    ActionStatus.wont_do: "Won't do",
}

MAX_EVIDENCE = 500  # characters: a link or a reference, never the evidence itself
# Evidence is a pointer (a web address, a file name in the organisation's own records, a minute
# reference); anything that would carry the content itself (data: or javascript: addresses,
# local files) or would not be a plain reference (several lines) is refused.
_EVIDENCE_SCHEMES = ("http://", "https://")
_NOT_EVIDENCE = re.compile(r"^\s*(data|javascript|vbscript|file|blob):", re.IGNORECASE)


def evidence_reference(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if "\n" in text or "\r" in text:
        raise ValueError("evidence is one line: a link or a reference to where the evidence is kept")
    if _NOT_EVIDENCE.match(text):
        raise ValueError(
            "evidence is a link (https://...) or a reference such as 'Trustee minutes 12/2026, item 4', "
            "never a file's contents or a data: address"
        )
    if "://" in text.split()[0] and not text.lower().startswith(_EVIDENCE_SCHEMES):
        raise ValueError("an evidence link starts with https:// or http://")
    return text


class PlanEntry(_Model):
    """The organisation's own follow-up of one action: owner, due date, status and evidence.

    ``status`` absent means not started. ``done`` needs the date it was completed;
    ``wont_do`` needs the reason. ``evidence`` is a link or a reference to where the proof is
    kept (minutes, a policy's version, a settings page), never an uploaded file."""

    owner: str | None = Field(None, max_length=MAX_SHORT)
    due: Date | None = None
    status: ActionStatus | None = None
    completed: Date | None = None
    reason: str | None = Field(None, max_length=MAX_TEXT // 10)
    evidence: Annotated[str | None, AfterValidator(evidence_reference)] = Field(None, max_length=MAX_EVIDENCE)

    @model_validator(mode="after")
    def _consistent(self) -> PlanEntry:
        status = self.state()
        if status == ActionStatus.done and self.completed is None:
            raise ValueError("an action marked done needs the date it was completed (completed: YYYY-MM-DD)")
        if self.completed is not None and status != ActionStatus.done:
            raise ValueError("a completion date goes only with status done")
        if status == ActionStatus.wont_do and not (self.reason or "").strip():
            raise ValueError("an action marked won't do needs the reason (reason: ...)")
        if (self.reason or "").strip() and status != ActionStatus.wont_do:
            raise ValueError("a reason goes only with status wont_do")
        return self

    def state(self) -> ActionStatus:
        return self.status or ActionStatus.not_started

    def is_open(self) -> bool:
        """Still to do: not done and not decided against."""
        return self.state() in (ActionStatus.not_started, ActionStatus.in_progress)

    def is_empty(self) -> bool:
        return (
            self.owner is None
            and self.due is None
            and self.state() == ActionStatus.not_started
            and not (self.evidence)
        )


class SignOff(_Model):
    name: str = Short
    role: str = Short
    date: Date | None = None


class Status(StrEnum):
    """Where a version of the assessment is in its sign-off (see ``assessor.lifecycle``)."""

    draft = "draft"
    submitted = "submitted"  # submitted for review by the safeguarding lead
    reviewed = "reviewed"  # reviewed by the safeguarding lead, awaiting the trustees
    approved = "approved"  # approved by the trustees: read-only


MAX_VERSIONS = 100  # earlier versions listed in the version table
HASH = r"^[0-9a-f]{64}$"


class Approver(_Model):
    name: str = Field(min_length=1, max_length=MAX_SHORT)
    role: str = Field(min_length=1, max_length=MAX_SHORT)


class Version(_Model):
    """One version of the assessment: a row of the version table."""

    version: int = Field(1, ge=1, le=10_000)
    status: Status = Status.draft
    prepared_by: str = Short  # who submitted it for review
    submitted_on: Date | None = None
    reviewed_by: str = Short  # the safeguarding lead who reviewed it
    reviewed_on: Date | None = None
    approvers: list[Approver] = Field(default_factory=list, max_length=MAX_SIGN_OFFS)
    approved_on: Date | None = None
    minute: str = Short  # the trustees' minute reference
    content_hash: str | None = Field(None, pattern=HASH)  # of the exact answers approved


class Lifecycle(_Model):
    """The sign-off record: the current version, the earlier ones, and what a yearly review
    carried over from the last approved version and still needs confirming."""

    current: Version = Field(default_factory=Version)
    earlier: list[Version] = Field(default_factory=list, max_length=MAX_VERSIONS)
    carried_over: list[str] = Field(default_factory=list, max_length=MAX_ANSWERS + MAX_PROFILE)


class Assessment(_Model):
    schema_version: int = SCHEMA_VERSION
    organisation: Organisation
    profile: dict[str, Any] = Field(default_factory=dict, max_length=MAX_PROFILE)
    answers: dict[str, Answer] = Field(default_factory=dict, max_length=MAX_ANSWERS)
    meta: Meta = Field(default_factory=Meta)
    plan: dict[str, PlanEntry] = Field(default_factory=dict, max_length=MAX_PLAN)
    sign_off: list[SignOff] = Field(default_factory=list, max_length=MAX_SIGN_OFFS)
    lifecycle: Lifecycle | None = None

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v > SCHEMA_VERSION:
            raise ValueError(
                f"this file uses schema_version {v}, newer than this program understands "
                f"({SCHEMA_VERSION}); update the program to open it"
            )
        if v < 1:
            raise ValueError("schema_version must be 1 or more")
        return v

    def responses(self) -> dict[str, Any]:
        """All answer values in one namespace, as conditions see them."""
        out: dict[str, Any] = {f"profile.{k}": v for k, v in self.profile.items()}
        out.update({k: a.value for k, a in self.answers.items()})
        return out

    def to_data(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude_none=True)
        for key in ("plan", "sign_off"):
            if not data.get(key):
                data.pop(key, None)
        lifecycle = data.get("lifecycle")
        if lifecycle is not None:  # empty names, lists and dates are left out, as a file would
            for version in [lifecycle["current"], *lifecycle["earlier"]]:
                for key in [k for k, v in version.items() if v in ("", [])]:
                    del version[key]
            if not lifecycle["earlier"]:
                del lifecycle["earlier"]
            if not lifecycle["carried_over"]:
                del lifecycle["carried_over"]
        return data

    def to_yaml(self) -> str:
        return dump_yaml(self.to_data())

    def to_json(self) -> str:
        """Compact JSON of the same data: what the store keeps, fast to write and to read back."""
        return json.dumps(self.to_data(), ensure_ascii=False, separators=(",", ":"))


# libyaml's emitter when PyYAML has it (the wheels do): the same text, several times faster.
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


# -- checking values against the questionnaire ---------------------------------


def _check_value(q: Question, value: Any) -> str | None:
    """Why ``value`` is not a valid answer to ``q``, or None when it is."""
    if value is None:
        return None
    options = [o.value for o in q.options]
    if q.kind == Kind.control:
        allowed = [a.value for a in ControlAnswer]
        if value not in allowed:
            return f"'{_show(value)}' is not a valid answer to {q.id}; use one of: {', '.join(allowed)}"
    elif q.kind == Kind.single:
        if not isinstance(value, str) or value not in options:
            return f"'{_show(value)}' is not an option of {q.id}; use one of: {', '.join(options)}"
    elif q.kind == Kind.multi:
        if not isinstance(value, list):
            return f"{q.id} takes a list of options, e.g. [{options[0]}]"
        if len(value) > min(len(options), MAX_CHOICES):
            return f"{q.id}: at most {min(len(options), MAX_CHOICES)} choices (this has {len(value):,})"
        bad = [v for v in value if v not in options]
        if bad:
            return f"{_show(', '.join(map(str, bad)))} not an option of {q.id}; use: {', '.join(options)}"
        if len(set(value)) != len(value):
            return f"{q.id} lists the same option more than once"
    elif q.kind in (Kind.text, Kind.long_text):
        if not isinstance(value, str):
            return f"{q.id} takes text"
        limit = MAX_TEXT if q.kind == Kind.long_text else MAX_SHORT
        if len(value) > limit:
            return f"{q.id} is longer than {limit:,} characters ({len(value):,})"
    elif q.kind == Kind.date:
        if not isinstance(value, dt.date):
            return f"{q.id} takes a date written as YYYY-MM-DD"
        try:
            sensible_date(value)
        except ValueError as exc:
            return str(exc)
    elif q.kind == Kind.person and not isinstance(value, Person):
        return f"{q.id} takes a person: {{name, role, email, phone}}"
    return None


def _coerce(q: Question, raw: Any) -> Any:
    """Parse a raw YAML value for ``q`` (person mappings and dates)."""
    if q.kind == Kind.person and isinstance(raw, dict):
        return Person.model_validate(raw)
    if q.kind == Kind.date and isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return raw
    return raw


def check_against(
    assessment: Assessment, catalogue: Catalogue, data: Any, smap: SourceMap
) -> tuple[Assessment, list[Problem]]:
    """Check ids and values against the questionnaire; return a typed copy and problems."""
    problems: list[Problem] = []
    profile: dict[str, Any] = {}
    for key, raw in assessment.profile.items():
        qid = f"profile.{key}"
        if qid not in catalogue.index:
            problems.append(
                smap.problem(data, ("profile", key), f"unknown profile question '{key}'", key=True)
            )
            continue
        q = catalogue.index[qid]
        try:
            value = _coerce(q, raw)
        except Exception as exc:  # pydantic error on a person mapping
            problems.append(smap.problem(data, ("profile", key), f"{key}: {_first_error(exc)}"))
            continue
        why = _check_value(q, value)
        if why:
            problems.append(smap.problem(data, ("profile", key), why))
        profile[key] = value
    answers = {}
    for qid, answer in assessment.answers.items():
        if qid.startswith("profile.") or qid not in catalogue.index:
            hint = " (profile answers go under 'profile:')" if qid.startswith("profile.") else ""
            problems.append(
                smap.problem(data, ("answers", qid), f"unknown question id '{qid}'{hint}", key=True)
            )
            continue
        q = catalogue.index[qid]
        try:
            value = _coerce(
                q, answer.value.model_dump() if isinstance(answer.value, Person) else answer.value
            )
        except Exception as exc:
            problems.append(smap.problem(data, ("answers", qid, "value"), f"{qid}: {_first_error(exc)}"))
            continue
        why = _check_value(q, value)
        if why:
            problems.append(smap.problem(data, ("answers", qid, "value"), why))
        answers[qid] = answer.model_copy(update={"value": value})
    typed = assessment.model_copy(update={"profile": profile, "answers": answers})
    return typed, problems


def _first_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]
    return str(exc)


# -- migration, loading, saving ---------------------------------------------


def migrate(data: Any) -> Any:
    """Bring an older file up to SCHEMA_VERSION. Version 0 was the unversioned draft format."""
    if isinstance(data, dict) and data.get("schema_version", SCHEMA_VERSION) == 0:
        data = dict(data)
        # v0 kept the assessor and dates at the top level.
        meta = dict(data.get("meta") or {})
        for key in ("assessor", "assessed_on", "next_review"):
            if key in data:
                meta[key] = data.pop(key)
        data["meta"] = meta
        data["schema_version"] = 1
    return data


def parse_assessment(raw: bytes | str, catalogue: Catalogue, name: str = "<assessment>") -> Assessment:
    """Parse and fully check an assessment; raise SourceErrors naming every problem."""
    raw_bytes = raw.encode("utf-8") if isinstance(raw, str) else raw
    data, smap = read_bytes(raw_bytes, name)
    return _check_data(data, smap, catalogue, name)


def parse_stored(body: str, catalogue: Catalogue, name: str) -> Assessment:
    """Read a body the store wrote: compact JSON (fast), or YAML from older revisions.

    Stored bodies were valid when saved, so there are no positions to report; they are
    still checked in full, since the questionnaire may have changed since."""
    if body.startswith("{"):
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise SourceErrors([Problem(name, 1, 1, f"the saved copy is damaged: {exc}")]) from None
        return _check_data(data, SourceMap(name), catalogue, name)
    return parse_assessment(body, catalogue, name)


def _check_data(data: Any, smap: SourceMap, catalogue: Catalogue, name: str) -> Assessment:
    if not isinstance(data, dict):
        raise SourceErrors(
            [Problem(name, 1, 1, "an assessment file must be a mapping with keys like 'organisation:'")]
        )
    if not set(data) & set(Assessment.model_fields):
        expected = ", ".join(Assessment.model_fields)
        raise SourceErrors(
            [Problem(name, 1, 1, f"this is not an assessment file: it has none of the keys {expected}")]
        )
    _check_shape(data, smap)
    data = migrate(data)
    assessment = validate(Assessment, data, smap)
    typed, problems = check_against(assessment, catalogue, data, smap)
    if problems:
        raise SourceErrors(problems)
    return typed


_BOUNDS = {
    "answers": (MAX_ANSWERS, "answers"),
    "profile": (MAX_PROFILE, "profile answers"),
    "plan": (MAX_PLAN, "plan entries"),
    "sign_off": (MAX_SIGN_OFFS, "sign-offs"),
}


def _check_shape(data: dict[str, Any], smap: SourceMap) -> None:
    """One clear problem for a list or mapping over its bound, or an old file whose meta
    cannot be migrated, before the model sees them."""
    problems = []
    for key, (limit, what) in _BOUNDS.items():
        value = data.get(key)
        if isinstance(value, (dict, list)) and len(value) > limit:
            problems.append(
                smap.problem(data, (key,), f"{key}: at most {limit:,} {what} (this file has {len(value):,})")
            )
    if data.get("schema_version", SCHEMA_VERSION) == 0 and not isinstance(data.get("meta") or {}, dict):
        problems.append(
            smap.problem(data, ("meta",), "meta must be a mapping, with keys like assessor: and assessed_on:")
        )
    if problems:
        raise SourceErrors(problems)


def load_assessment(path: Path, catalogue: Catalogue) -> Assessment:
    """Read and check a file: a FIFO, device or over-size file is refused before reading."""
    return parse_assessment(read_capped(path), catalogue, str(path))


def save_assessment(assessment: Assessment, path: Path) -> None:
    """Write atomically: a crash mid-write leaves the previous file intact."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(assessment.to_yaml(), encoding="utf-8")
    tmp.replace(path)
