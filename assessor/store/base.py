"""The draft store's interface: what the app and the CLI may ask of any backend.

A draft is a list of revisions; each revision is a whole assessment (so any one can be opened
or restored on its own) plus a note of which *fields* it changed, by whom. A field is one
answer's value or note, one profile answer, one organisation or meta field, one plan entry's
owner or due date, or one sign-off entry's name, role or date, named by a path such as
``answers/contact.c1/value`` (see ``flatten``). The sign-off state is fields too: each field of
the current version (``lifecycle/current/status``), the earlier versions as one field, and one
field per answer still marked "carried over, please confirm".

Sign-off rules (``assessor.lifecycle``) are applied inside ``merge``, so every backend keeps
them: an edit to an approved version starts a new draft version (the approved revision is
kept as it was), an edit to a version under review sends it back to draft, and a change of
sign-off state is refused if the answers moved on since the person's screen showed them.

Edits are saved with ``apply``: the fields a person changed, and the revision their screen was
showing when they changed them (the *base*). If other saves have moved the head on since, fields
that only one side changed merge; a field both sides changed to different values is a
*conflict*: the head keeps the other value, and this save's value is kept beside it in the
conflict list until someone chooses. Nothing is discarded.

Every value is validated by the same code that loading uses before it is stored, so no save
can produce a draft that will not open again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assessor.assessment import Assessment
    from assessor.questionnaire import Catalogue

DRAFT_ID = re.compile(r"[A-Za-z0-9_-]{32}")  # used with fullmatch: "$" would allow a final newline
KEEP_REVISIONS = 200  # per draft; older ones are pruned
UNDO_DAYS = 30  # a deleted draft can be brought back for this long


class DraftNotFound(KeyError):
    pass


class StoreError(RuntimeError):
    """The database cannot be used: the message says what is wrong and what to do."""


class OrgNotFound(KeyError):
    """No such organisation (or an id that is not one)."""


class InvalidInvite(ValueError):
    """An invitation that does not exist, was used already, or is for another email address."""


class InvalidChange(ValueError):
    """A save would store something that loading refuses; nothing was stored."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class DraftSummary:
    id: str
    organisation: str
    created: dt.datetime
    updated: dt.datetime
    progress: float
    revision: int
    deleted: dt.datetime | None = None
    code: str = ""


@dataclass(frozen=True)
class Revision:
    rev: int
    saved: dt.datetime
    author: str | None = None
    kind: str = "edit"  # create, edit, restore, recover, resolve, import
    changed: tuple[str, ...] = ()  # the fields this revision changed


@dataclass(frozen=True)
class Conflict:
    id: int
    field: str
    mine: Any  # the value the later save wanted
    theirs: Any  # the value the head kept
    author: str | None
    created: dt.datetime


@dataclass(frozen=True)
class SaveResult:
    rev: int  # the head after this save
    assessment: Assessment  # the head's answers, with any merged changes from elsewhere
    merged: tuple[str, ...] = ()  # fields changed by other saves since the base
    conflicts: tuple[Conflict, ...] = ()  # fields both changed: the head kept theirs
    applied: tuple[str, ...] = ()  # fields this save changed


@dataclass(frozen=True)
class Opened:
    assessment: Assessment
    rev: int
    recovered_from: int | None = None  # the head that would not open, when an older one was used
    problem: str = ""
    skipped: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    created: dt.datetime


@dataclass(frozen=True)
class Membership:
    org_id: str
    email: str  # normalised: see ``normal_email``
    role: str  # one of assessor.access.ROLES
    added: dt.datetime
    org_name: str = ""


@dataclass(frozen=True)
class Invitation:
    id: int
    org_id: str
    email: str
    role: str
    created: dt.datetime
    by: str | None
    accepted: dt.datetime | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One change: who, when, what kind, which draft and which fields (answers) it changed."""

    id: int
    org_id: str
    at: dt.datetime
    actor: str | None
    action: str  # a revision kind (create, edit, restore, ...) or member, invite, join, delete, ...
    draft_id: str | None = None
    fields: tuple[str, ...] = ()
    detail: str = ""


def normal_email(email: str) -> str:
    """An email address as stored and compared: trimmed and lower-cased."""
    return str(email).strip().lower()


def token_hash(token: str) -> str:
    """What the store keeps of an invitation token: enough to recognise it, not to reuse it."""
    import hashlib

    return hashlib.sha256(f"assessor-invite:{token}".encode()).hexdigest()


def check_role(role: str) -> str:
    from assessor.access import ROLES

    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    return role


def owner_hash(browser: str) -> str:
    """What the store keeps of a browser's secret: enough to recognise it, not to reuse it."""
    import hashlib

    return hashlib.sha256(f"assessor-owner:{browser}".encode()).hexdigest()


def new_draft_id() -> str:
    return secrets.token_urlsafe(24)  # 24 bytes = 192 bits, 32 URL-safe characters


def is_draft_id(value: object) -> bool:
    return isinstance(value, str) and DRAFT_ID.fullmatch(value) is not None


# A short code to read out or write down: 8 letters and digits without look-alikes (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE = re.compile(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}")


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(text: str) -> str | None:
    """A code as typed ('abcd efgh', 'ABCD-EFGH') in its stored form, or None if it is not one."""
    raw = re.sub(r"[\s-]", "", str(text)).upper()
    code = f"{raw[:4]}-{raw[4:]}"
    return code if len(raw) == 8 and CODE.fullmatch(code) else None


# -- fields --------------------------------------------------------------------------------------


def flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    """An assessment's data (``Assessment.to_data()``) as {field path: JSON value}."""
    out: dict[str, Any] = {"schema_version": data.get("schema_version")}
    for section in ("organisation", "profile", "meta"):
        for k, v in (data.get(section) or {}).items():
            out[f"{section}/{k}"] = v
    for qid, answer in (data.get("answers") or {}).items():
        for part, v in answer.items():
            out[f"answers/{qid}/{part}"] = v
    for aid, entry in (data.get("plan") or {}).items():
        for part, v in entry.items():
            out[f"plan/{aid}/{part}"] = v
    for i, row in enumerate(data.get("sign_off") or []):
        for part, v in row.items():
            out[f"sign_off/{i}/{part}"] = v
    lifecycle = data.get("lifecycle") or {}
    for part, v in (lifecycle.get("current") or {}).items():
        out[f"lifecycle/current/{part}"] = v
    if lifecycle.get("earlier"):
        out["lifecycle/earlier"] = lifecycle["earlier"]
    for qid in lifecycle.get("carried_over") or []:
        out[f"lifecycle/carried_over/{qid}"] = True
    return {k: v for k, v in out.items() if v is not None}


def unflatten(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of ``flatten``: data that ``Assessment`` validates."""
    data: dict[str, Any] = {}
    rows: dict[int, dict[str, Any]] = {}
    for path, v in fields.items():
        if v is None:
            continue
        if path == "schema_version":
            data[path] = v
            continue
        section, rest = path.split("/", 1)
        if section in ("organisation", "profile", "meta"):
            data.setdefault(section, {})[rest] = v
        elif section in ("answers", "plan"):
            key, part = rest.rsplit("/", 1)
            data.setdefault(section, {}).setdefault(key, {})[part] = v
        elif section == "sign_off":
            i, part = rest.split("/", 1)
            rows.setdefault(int(i), {})[part] = v
        elif section == "lifecycle":
            lifecycle = data.setdefault("lifecycle", {})
            kind, _, key = rest.partition("/")
            if kind == "current":
                lifecycle.setdefault("current", {})[key] = v
            elif kind == "earlier":
                lifecycle["earlier"] = v
            elif kind == "carried_over":
                lifecycle.setdefault("carried_over", []).append(key)
            else:
                raise ValueError(f"unknown field {path!r}")
        else:
            raise ValueError(f"unknown field {path!r}")
    if rows:
        data["sign_off"] = [rows[i] for i in sorted(rows)]
    if "carried_over" in data.get("lifecycle", {}):
        data["lifecycle"]["carried_over"].sort()
    data.setdefault("organisation", {})
    return data


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields that differ, with their values in ``after`` (None where removed)."""
    return {k: after.get(k) for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def field_question(path: str) -> str | None:
    """The question id a field belongs to (``profile.x``, ``area.q``), or None."""
    section, _, rest = path.partition("/")
    if section == "profile":
        return f"profile.{rest}"
    if section == "answers":
        return rest.rsplit("/", 1)[0]
    return None


def merge(
    base: Mapping[str, Any], head: Mapping[str, Any], changes: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str], list[tuple[str, Any, Any]]]:
    """Apply ``changes`` (made against ``base``) to ``head``.

    Returns the merged fields, the fields applied, and conflicts as (field, mine, theirs).
    For each field: the same value as the head, or the value the sender was shown (``base``),
    is no change (a page sending back what it showed: a stale widget value after another save
    it had not drawn yet); the head kept since ``base`` takes the change; a head changed since
    ``base`` (by another save) keeps its newer value, and the change is kept as a conflict.
    The sign-off rules (``assessor.lifecycle.settle``) are applied here, so every backend that
    merges with this function keeps them; InvalidChange when a change of sign-off state breaks them."""
    merged = dict(head)
    applied, conflicts = [], []
    for path, mine in changes.items():
        theirs = head.get(path)
        if theirs == mine or mine == base.get(path):
            continue
        if theirs == base.get(path):
            applied.append(path)
            if mine is None:
                merged.pop(path, None)
            else:
                merged[path] = mine
        else:
            conflicts.append((path, mine, theirs))
    from assessor.lifecycle import settle  # the sign-off rules; imported here to keep listing light

    settle(base, head, changes, merged, applied)
    return merged, applied, conflicts


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


Progress = Callable[["Assessment"], float] | float | None


class DraftStore(ABC):
    """What every backend provides. ``tests/test_store.py`` runs the same tests on each one."""

    # -- drafts --
    @abstractmethod
    def create(
        self,
        assessment: Assessment,
        progress: float = 0.0,
        *,
        author: str | None = None,
        owner: str | None = None,
        org: str | None = None,
    ) -> str:
        """A new draft holding ``assessment`` as revision 1; returns its id.

        ``owner`` is a secret of the creating browser; only its hash is kept (``is_owner``).
        ``org``: the organisation it belongs to (hosted mode); its saves then go in that
        organisation's audit log."""

    @abstractmethod
    def save(
        self,
        draft_id: str,
        assessment: Assessment,
        progress: float = 0.0,
        *,
        catalogue: Catalogue | None = None,
        author: str | None = None,
        kind: str = "edit",
    ) -> int:
        """Store a whole assessment as the new head (creating the draft if new). Prefer ``apply``."""

    @abstractmethod
    def apply(
        self,
        draft_id: str,
        base: int,
        changes: Mapping[str, Any],
        catalogue: Catalogue,
        *,
        progress: Progress = None,
        author: str | None = None,
        kind: str = "edit",
    ) -> SaveResult:
        """Apply changed fields made against revision ``base``, merging with newer saves."""

    @abstractmethod
    def head(self, draft_id: str) -> int:
        """The current revision number (cheap: a tab asks on every interaction).

        DraftNotFound for a deleted draft, so that its open tabs learn of it."""

    @abstractmethod
    def load_text(self, draft_id: str, rev: int | None = None) -> str: ...

    def load(self, draft_id: str, catalogue: Catalogue, rev: int | None = None) -> Assessment:
        from assessor.assessment import parse_stored

        return parse_stored(self.load_text(draft_id, rev), catalogue, f"draft {draft_id[:6]}…")

    @abstractmethod
    def open(self, draft_id: str, catalogue: Catalogue, *, author: str | None = None) -> Opened:
        """The head; if it no longer loads, the newest revision that does, restored as the head."""

    # -- history --
    @abstractmethod
    def revisions(self, draft_id: str) -> list[Revision]: ...

    def restore(self, draft_id: str, rev: int, catalogue: Catalogue, *, author: str | None = None) -> int:
        """Make an earlier revision's answers current again, as a new revision (history is kept).

        Built on ``apply``, so the sign-off rules hold: the sign-off state stays the head's, and
        restoring over an approved version starts the next draft version."""
        self.load(draft_id, catalogue, rev)  # DraftNotFound, or SourceErrors if it no longer opens
        head, changes = self.restore_changes(draft_id, rev)
        if changes:
            return self.apply(draft_id, head, changes, catalogue, author=author, kind="restore").rev
        current = self.load(draft_id, catalogue)  # the same answers: saved again, as before
        progress = self.summary(draft_id).progress
        return self.save(draft_id, current, progress, catalogue=catalogue, author=author, kind="restore")

    def restore_changes(self, draft_id: str, rev: int) -> tuple[int, dict[str, Any]]:
        """What restoring ``rev`` changes, against the head: (head, {field: value}).

        The answers come back from ``rev``; the sign-off state stays the head's (restoring
        never undoes an approval), so restoring over an approved version starts a new draft
        version, as any edit does. Backends' ``restore`` apply these changes."""
        head = self.head(draft_id)
        now = flatten(json.loads(_as_json(self.load_text(draft_id, head))))
        old = flatten(json.loads(_as_json(self.load_text(draft_id, rev))))
        target = {k: v for k, v in old.items() if not k.startswith("lifecycle/")}
        target.update({k: v for k, v in now.items() if k.startswith("lifecycle/")})
        return head, diff(now, target)

    def approved_revisions(self, draft_id: str) -> list[tuple[int, dict[str, Any]]]:
        """Each revision that holds an approved version, newest first: (rev, its version's
        fields: version, approved_on, content_hash, ...). Approved revisions are never pruned."""
        out = []
        for r in self.revisions(draft_id):
            fields = flatten(json.loads(_as_json(self.load_text(draft_id, r.rev))))
            current = {
                k.rsplit("/", 1)[1]: v for k, v in fields.items() if k.startswith("lifecycle/current/")
            }
            if current.get("status") == "approved":
                out.append((r.rev, current))
        return out

    def changes_in(self, draft_id: str, rev: int) -> dict[str, tuple[Any, Any]]:
        """What revision ``rev`` changed: {field: (before, after)}."""
        after = flatten(json.loads(_as_json(self.load_text(draft_id, rev))))
        try:
            before = flatten(json.loads(_as_json(self.load_text(draft_id, rev - 1))))
        except DraftNotFound:
            before = {}
        return {k: (before.get(k), after.get(k)) for k in sorted(diff(before, after))}

    # -- conflicts --
    @abstractmethod
    def conflicts(self, draft_id: str) -> list[Conflict]:
        """Unresolved conflicts, oldest first."""

    @abstractmethod
    def resolve(
        self, draft_id: str, conflict_id: int, value: Any, catalogue: Catalogue, *, author: str | None = None
    ) -> SaveResult:
        """Settle a conflict with the chosen value (either side's, or another)."""

    # -- listing, codes, deleting --
    @abstractmethod
    def list(
        self, ids: list[str] | None = None, *, deleted: bool = False, org: str | None = None
    ) -> list[DraftSummary]:
        """Drafts, newest first: all of them, or only ``ids``; deleted ones only if asked.

        With ``org``, only that organisation's drafts."""

    @abstractmethod
    def summary(self, draft_id: str) -> DraftSummary: ...

    @abstractmethod
    def find_code(self, code: str) -> str | None:
        """The draft id for a return code, or None."""

    @abstractmethod
    def delete(self, draft_id: str) -> None:
        """Soft delete: hidden, and purged after UNDO_DAYS unless undone."""

    @abstractmethod
    def undelete(self, draft_id: str) -> None: ...

    @abstractmethod
    def purge(self, draft_id: str | None = None) -> int:
        """Delete now (one draft), or every draft deleted more than UNDO_DAYS ago; returns how many."""

    @abstractmethod
    def is_owner(self, draft_id: str, browser: str | None) -> bool:
        """True when ``browser`` (a secret the creating browser keeps) created this draft."""

    @abstractmethod
    def exists(self, draft_id: str) -> bool:
        """True for a draft that exists and is not deleted."""

    # -- organisations, members, invitations, audit log (hosted mode) --
    #
    # Every revision appended to a draft that belongs to an organisation is also written to that
    # organisation's audit log, in the same transaction (action = the revision's kind, the
    # author, the fields it changed). The log is never pruned with the revisions. Membership
    # changes, invitations and joins are logged by the methods that make them.

    @abstractmethod
    def create_org(self, name: str, *, owner: str) -> str:
        """A new organisation with ``owner`` (an email address) as its owner; returns its id."""

    @abstractmethod
    def org(self, org_id: str) -> Organisation:
        """OrgNotFound if there is none."""

    @abstractmethod
    def orgs_for(self, email: str) -> list[Membership]:
        """The organisations this person belongs to, by organisation name."""

    @abstractmethod
    def members(self, org_id: str) -> list[Membership]:
        """The organisation's members, by email address."""

    @abstractmethod
    def role_of(self, org_id: str | None, email: str | None) -> str | None:
        """This person's role in the organisation, or None if they are not a member."""

    @abstractmethod
    def set_member(self, org_id: str, email: str, role: str, *, by: str | None) -> None:
        """Add a member, or change their role (logged)."""

    @abstractmethod
    def remove_member(self, org_id: str, email: str, *, by: str | None) -> None:
        """Remove a member (logged). Removing a person who is not a member does nothing."""

    @abstractmethod
    def invite(self, org_id: str, email: str, role: str, *, by: str | None) -> str:
        """An invitation for ``email`` to join with ``role``; returns its token (only its hash is kept).

        The token goes in a link the owner passes on; the product sends no email."""

    @abstractmethod
    def invitations(self, org_id: str) -> list[Invitation]:
        """Invitations not yet accepted, oldest first."""

    @abstractmethod
    def cancel_invite(self, org_id: str, invite_id: int, *, by: str | None) -> None: ...

    @abstractmethod
    def accept_invite(self, token: str, email: str) -> Membership:
        """Join with an invitation's role. InvalidInvite unless it is open and for this address."""

    @abstractmethod
    def draft_org(self, draft_id: str) -> str | None:
        """The organisation a draft belongs to (deleted ones too), or None."""

    @abstractmethod
    def log(
        self,
        org_id: str,
        actor: str | None,
        action: str,
        *,
        draft_id: str | None = None,
        fields: tuple[str, ...] | list[str] = (),
        detail: str = "",
    ) -> None:
        """Add an entry to the organisation's audit log (deletions, approvals, downloads, ...)."""

    @abstractmethod
    def audit(self, org_id: str, *, draft_id: str | None = None, limit: int = 500) -> list[AuditEntry]:
        """The organisation's audit log, newest first (only one draft's entries, if given)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""


class SQLStore(DraftStore):
    """What the SQL backends share: everything but the save path, on a few primitives of each.

    Statements use named parameters (``:name``), which both sqlite3 and SQLAlchemy take. A backend
    provides ``_read`` (one statement outside a transaction), ``_transaction`` (a connection in a
    transaction), ``_exec`` and ``_one`` on that connection, ``_stamp`` and ``_when`` (a time as the
    database stores it, and back), ``_in`` (a column matching any of a list) and the two dialect
    fragments below. Text is sorted byte-wise on both (SQLite's default; COLLATE "C" in PostgreSQL),
    whatever the cluster's locale.
    """

    _BYTEWISE = ""  # appended to a text column in ORDER BY
    _FOR_UPDATE = ""  # appended to a SELECT whose rows the transaction then changes

    # -- primitives -------------------------------------------------------------------------------

    @abstractmethod
    def _read(self, sql: str, args: Mapping[str, Any] | None = None) -> list[tuple]: ...

    @abstractmethod
    def _transaction(self) -> Any:
        """A context manager giving a connection inside a transaction, committed on leaving."""

    @staticmethod
    @abstractmethod
    def _exec(conn: Any, sql: str, args: Mapping[str, Any]) -> Any:
        """Run a statement; the result iterates over rows and has ``rowcount``."""

    @staticmethod
    @abstractmethod
    def _one(conn: Any, sql: str, args: Mapping[str, Any]) -> tuple | None: ...

    @staticmethod
    @abstractmethod
    def _stamp(at: dt.datetime | None = None) -> Any:
        """A time (default: now, UTC) as the database stores it."""

    @staticmethod
    @abstractmethod
    def _when(value: Any) -> dt.datetime | None:
        """A stored time as an aware datetime (None stays None)."""

    @staticmethod
    @abstractmethod
    def _in(column: str, values: list, args: dict[str, Any]) -> str:
        """A condition that ``column`` is one of ``values`` (a non-empty list), adding to ``args``."""

    # -- writing helpers --------------------------------------------------------------------------

    @staticmethod
    def _checked(data: dict, catalogue: Catalogue | None) -> Assessment:
        """The data as loading would read it back; InvalidChange if loading would refuse it."""
        from assessor.assessment import Assessment, parse_stored
        from assessor.errors import SourceErrors

        try:
            if catalogue is not None:
                return parse_stored(json.dumps(data, ensure_ascii=False), catalogue, "change")
            return Assessment.model_validate_json(json.dumps(data, ensure_ascii=False))
        except SourceErrors as exc:
            raise InvalidChange([p.message for p in exc.problems]) from None
        except ValueError as exc:  # pydantic's ValidationError
            errors = getattr(exc, "errors", None)
            problems = [
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in (errors() if errors else [])
            ]
            raise InvalidChange(problems or [str(exc)]) from None

    def _log(
        self,
        conn: Any,
        org_id: str,
        actor: str | None,
        action: str,
        draft_id: str | None = None,
        fields: list[str] | tuple[str, ...] = (),
        detail: str = "",
        *,
        at: Any = None,
    ) -> None:
        self._exec(
            conn,
            "INSERT INTO audit (org_id, at, actor, action, draft_id, fields, detail)"
            " VALUES (:o, :at, :actor, :action, :d, :f, :detail)",
            {
                "o": org_id,
                "at": at or self._stamp(),
                "actor": actor,
                "action": action,
                "d": draft_id,
                "f": json.dumps(sorted(fields)),
                "detail": detail,
            },
        )

    def _free_code(self, conn: Any) -> str:
        while True:
            code = new_code()
            if self._one(conn, "SELECT 1 FROM drafts WHERE code = :c", {"c": code}) is None:
                return code

    def create(
        self,
        assessment: Assessment,
        progress: float = 0.0,
        *,
        author: str | None = None,
        owner: str | None = None,
        org: str | None = None,
    ) -> str:
        if org is not None:
            self.org(org)  # OrgNotFound before anything is stored
        draft_id = new_draft_id()
        self.save(draft_id, assessment, progress, author=author, kind="create")
        if owner or org:
            with self._transaction() as conn:
                self._exec(
                    conn,
                    "UPDATE drafts SET owner = :o, org_id = :org WHERE id = :id",
                    {"o": owner_hash(owner) if owner else None, "org": org, "id": draft_id},
                )
                if org:
                    (changed,) = self._one(
                        conn,
                        "SELECT changed FROM revisions WHERE draft_id = :id AND rev = 1",
                        {"id": draft_id},
                    )
                    self._log(conn, org, author, "create", draft_id, json.loads(changed or "[]"))
        return draft_id

    def is_owner(self, draft_id: str, browser: str | None) -> bool:
        if not browser or not is_draft_id(draft_id):
            return False
        rows = self._read("SELECT owner FROM drafts WHERE id = :id", {"id": draft_id})
        return bool(rows) and rows[0][0] == owner_hash(browser)

    def head(self, draft_id: str) -> int:
        rows = (
            self._read("SELECT head FROM drafts WHERE id = :id", {"id": draft_id})
            if is_draft_id(draft_id)
            else []
        )
        if not rows:
            raise DraftNotFound(draft_id)
        return rows[0][0]

    # -- reading ----------------------------------------------------------------------------------

    def load_text(self, draft_id: str, rev: int | None = None) -> str:
        if not is_draft_id(draft_id):
            raise DraftNotFound(draft_id)
        if rev is None:
            rows = self._read(
                "SELECT r.body FROM drafts d JOIN revisions r ON r.draft_id = d.id AND r.rev = d.head"
                " WHERE d.id = :id",
                {"id": draft_id},
            )
        else:
            rows = self._read(
                "SELECT body FROM revisions WHERE draft_id = :id AND rev = :rev", {"id": draft_id, "rev": rev}
            )
        if not rows:
            raise DraftNotFound(draft_id)
        return rows[0][0]

    def open(self, draft_id: str, catalogue: Catalogue, *, author: str | None = None) -> Opened:
        from assessor.assessment import parse_stored
        from assessor.errors import Problem, SourceErrors

        head = self.head(draft_id)
        problem = ""
        skipped: list[int] = []
        for rev in [head] + [r.rev for r in self.revisions(draft_id) if r.rev < head]:
            try:
                a = parse_stored(self.load_text(draft_id, rev), catalogue, f"version {rev}")
            except SourceErrors as exc:
                problem = problem or "; ".join(p.message for p in exc.problems[:3])
                skipped.append(rev)
                continue
            if rev == head:
                return Opened(a, rev)
            progress = self.summary(draft_id).progress
            new = self.save(draft_id, a, progress, catalogue=catalogue, author=author, kind="recover")
            return Opened(a, new, recovered_from=head, problem=problem, skipped=skipped)
        raise SourceErrors([Problem(f"draft {draft_id[:6]}…", 1, 1, f"no saved version opens: {problem}")])

    def revisions(self, draft_id: str) -> list[Revision]:
        if not is_draft_id(draft_id):
            return []
        rows = self._read(
            "SELECT rev, saved, author, kind, changed FROM revisions WHERE draft_id = :id ORDER BY rev DESC",
            {"id": draft_id},
        )
        return [Revision(r, self._when(s), a, k, tuple(json.loads(c)) if c else ()) for r, s, a, k, c in rows]

    # -- conflicts --------------------------------------------------------------------------------

    def conflicts(self, draft_id: str) -> list[Conflict]:
        if not is_draft_id(draft_id):
            return []
        rows = self._read(
            "SELECT id, field, mine, theirs, author, created FROM conflicts"
            " WHERE draft_id = :id AND resolved IS NULL ORDER BY id",
            {"id": draft_id},
        )
        return [Conflict(i, f, json.loads(m), json.loads(t), a, self._when(c)) for i, f, m, t, a, c in rows]

    def resolve(
        self, draft_id: str, conflict_id: int, value: Any, catalogue: Catalogue, *, author: str | None = None
    ) -> SaveResult:
        rows = (
            self._read(
                "SELECT field FROM conflicts WHERE id = :c AND draft_id = :id AND resolved IS NULL",
                {"c": int(conflict_id), "id": draft_id},
            )
            if is_draft_id(draft_id)
            else []
        )
        if not rows:
            raise KeyError(conflict_id)
        head = self.head(draft_id)
        result = self.apply(draft_id, head, {rows[0][0]: value}, catalogue, author=author, kind="resolve")
        with self._transaction() as conn:
            self._exec(
                conn,
                "UPDATE conflicts SET resolved = :now WHERE id = :c",
                {"now": self._stamp(), "c": int(conflict_id)},
            )
        return result

    # -- listing, codes, deleting -----------------------------------------------------------------

    _SUMMARY = "SELECT id, organisation, created, updated, progress, head, deleted, code FROM drafts"

    def _summary(self, row: tuple) -> DraftSummary:
        i, o, c, u, p, h, d, code = row
        return DraftSummary(i, o, self._when(c), self._when(u), p, h, self._when(d), code or "")

    def list(
        self, ids: list[str] | None = None, *, deleted: bool = False, org: str | None = None
    ) -> list[DraftSummary]:
        where = "deleted IS NOT NULL" if deleted else "deleted IS NULL"
        args: dict[str, Any] = {}
        if ids is not None:
            ids = [i for i in ids if is_draft_id(i)]
            if not ids:
                return []
            where += " AND " + self._in("id", ids, args)
        if org is not None:
            where += " AND org_id = :org"
            args["org"] = str(org)
        rows = self._read(f"{self._SUMMARY} WHERE {where} ORDER BY updated DESC", args)
        return [self._summary(r) for r in rows]

    def summary(self, draft_id: str) -> DraftSummary:
        rows = (
            self._read(f"{self._SUMMARY} WHERE id = :id", {"id": draft_id}) if is_draft_id(draft_id) else []
        )
        if not rows:
            raise DraftNotFound(draft_id)
        return self._summary(rows[0])

    def find_code(self, code: str) -> str | None:
        norm = normalise_code(code)
        rows = (
            self._read("SELECT id FROM drafts WHERE code = :c AND deleted IS NULL", {"c": norm})
            if norm
            else []
        )
        return rows[0][0] if rows else None

    def delete(self, draft_id: str) -> None:
        if not is_draft_id(draft_id):
            return
        with self._transaction() as conn:
            self._exec(
                conn,
                "UPDATE drafts SET deleted = :now WHERE id = :id AND deleted IS NULL",
                {"now": self._stamp(), "id": draft_id},
            )

    def undelete(self, draft_id: str) -> None:
        if not is_draft_id(draft_id):
            return
        with self._transaction() as conn:
            self._exec(conn, "UPDATE drafts SET deleted = NULL WHERE id = :id", {"id": draft_id})

    def purge(self, draft_id: str | None = None) -> int:
        with self._transaction() as conn:
            if draft_id is not None:
                ids = [draft_id] if is_draft_id(draft_id) else []
            else:
                cutoff = self._stamp(dt.datetime.now(dt.UTC) - dt.timedelta(days=UNDO_DAYS))
                ids = [
                    r[0] for r in self._exec(conn, "SELECT id FROM drafts WHERE deleted < :c", {"c": cutoff})
                ]
            if ids:
                args: dict[str, Any] = {}
                where = self._in("draft_id", ids, args)
                # Not left to ON DELETE CASCADE: an SQLite file from before foreign keys were on.
                self._exec(conn, f"DELETE FROM conflicts WHERE {where}", args)
                self._exec(conn, f"DELETE FROM revisions WHERE {where}", args)
                self._exec(conn, f"DELETE FROM drafts WHERE {self._in('id', ids, args)}", args)
        return len(ids)

    def exists(self, draft_id: str) -> bool:
        if not is_draft_id(draft_id):
            return False
        return bool(self._read("SELECT 1 FROM drafts WHERE id = :id AND deleted IS NULL", {"id": draft_id}))

    # -- organisations, members, invitations, audit log -------------------------------------------

    def create_org(self, name: str, *, owner: str) -> str:
        name, owner = str(name).strip(), normal_email(owner)
        if not name or not owner:
            raise ValueError("an organisation needs a name and an owner's email address")
        org_id = new_draft_id()
        now = self._stamp()
        with self._transaction() as conn:
            self._exec(
                conn,
                "INSERT INTO orgs (id, name, created) VALUES (:id, :n, :now)",
                {"id": org_id, "n": name, "now": now},
            )
            self._exec(
                conn,
                "INSERT INTO members (org_id, email, role, added) VALUES (:id, :e, 'owner', :now)",
                {"id": org_id, "e": owner, "now": now},
            )
            self._log(conn, org_id, owner, "create organisation", detail=name, at=now)
            self._log(conn, org_id, owner, "member", detail=f"{owner}: owner", at=now)
        return org_id

    def org(self, org_id: str) -> Organisation:
        rows = self._read("SELECT id, name, created FROM orgs WHERE id = :id", {"id": str(org_id)})
        if not rows:
            raise OrgNotFound(org_id)
        i, n, c = rows[0]
        return Organisation(i, n, self._when(c))

    _MEMBERS = (
        "SELECT m.org_id, m.email, m.role, m.added, o.name FROM members m JOIN orgs o ON o.id = m.org_id"
    )

    def orgs_for(self, email: str) -> list[Membership]:
        c = self._BYTEWISE
        rows = self._read(
            f"{self._MEMBERS} WHERE m.email = :e ORDER BY o.name{c}, o.id{c}", {"e": normal_email(email)}
        )
        return [Membership(o, e, r, self._when(a), n) for o, e, r, a, n in rows]

    def members(self, org_id: str) -> list[Membership]:
        rows = self._read(
            f"{self._MEMBERS} WHERE m.org_id = :o ORDER BY m.email{self._BYTEWISE}", {"o": str(org_id)}
        )
        return [Membership(o, e, r, self._when(a), n) for o, e, r, a, n in rows]

    def role_of(self, org_id: str | None, email: str | None) -> str | None:
        if not org_id or not email:
            return None
        rows = self._read(
            "SELECT role FROM members WHERE org_id = :o AND email = :e",
            {"o": str(org_id), "e": normal_email(email)},
        )
        return rows[0][0] if rows else None

    def set_member(self, org_id: str, email: str, role: str, *, by: str | None) -> None:
        check_role(role)
        self.org(org_id)
        email = normal_email(email)
        if not email:
            raise ValueError("an email address is needed")
        with self._transaction() as conn:
            self._exec(
                conn,
                "INSERT INTO members (org_id, email, role, added) VALUES (:o, :e, :r, :now)"
                " ON CONFLICT (org_id, email) DO UPDATE SET role = excluded.role",
                {"o": org_id, "e": email, "r": role, "now": self._stamp()},
            )
            self._log(conn, org_id, by, "member", detail=f"{email}: {role}")

    def remove_member(self, org_id: str, email: str, *, by: str | None) -> None:
        email = normal_email(email)
        with self._transaction() as conn:
            done = self._exec(
                conn, "DELETE FROM members WHERE org_id = :o AND email = :e", {"o": str(org_id), "e": email}
            )
            if done.rowcount:
                self._log(conn, org_id, by, "remove member", detail=email)

    def invite(self, org_id: str, email: str, role: str, *, by: str | None) -> str:
        check_role(role)
        self.org(org_id)
        email = normal_email(email)
        if "@" not in email:
            raise ValueError(f"{email!r} is not an email address")
        token = secrets.token_urlsafe(24)
        with self._transaction() as conn:
            self._exec(
                conn,
                "INSERT INTO invitations (org_id, email, role, token, created, by)"
                " VALUES (:o, :e, :r, :t, :now, :by)",
                {"o": org_id, "e": email, "r": role, "t": token_hash(token), "now": self._stamp(), "by": by},
            )
            self._log(conn, org_id, by, "invite", detail=f"{email}: {role}")
        return token

    def invitations(self, org_id: str) -> list[Invitation]:
        rows = self._read(
            "SELECT id, org_id, email, role, created, by, accepted FROM invitations"
            " WHERE org_id = :o AND accepted IS NULL AND cancelled IS NULL ORDER BY id",
            {"o": str(org_id)},
        )
        return [Invitation(i, o, e, r, self._when(c), b, self._when(a)) for i, o, e, r, c, b, a in rows]

    def cancel_invite(self, org_id: str, invite_id: int, *, by: str | None) -> None:
        with self._transaction() as conn:
            done = self._exec(
                conn,
                "UPDATE invitations SET cancelled = :now WHERE id = :i AND org_id = :o AND accepted IS NULL"
                " AND cancelled IS NULL",
                {"now": self._stamp(), "i": int(invite_id), "o": str(org_id)},
            )
            if done.rowcount:
                self._log(conn, org_id, by, "cancel invite", detail=str(invite_id))

    def accept_invite(self, token: str, email: str) -> Membership:
        email = normal_email(email)
        now = self._stamp()
        with self._transaction() as conn:
            # Locked, so that two servers accepting the same link at once let only one through.
            row = self._one(
                conn,
                "SELECT id, org_id, email, role FROM invitations"
                f" WHERE token = :t AND accepted IS NULL AND cancelled IS NULL{self._FOR_UPDATE}",
                {"t": token_hash(str(token))},
            )
            if row is None:
                raise InvalidInvite("This invitation link is not valid, or has been used or cancelled.")
            invite_id, org_id, invited, role = row
            if invited != email:
                raise InvalidInvite(
                    f"This invitation is for another email address; you are signed in as {email}."
                )
            self._exec(
                conn, "UPDATE invitations SET accepted = :now WHERE id = :i", {"now": now, "i": invite_id}
            )
            have = self._one(
                conn, "SELECT role FROM members WHERE org_id = :o AND email = :e", {"o": org_id, "e": email}
            )
            if have is None:
                self._exec(
                    conn,
                    "INSERT INTO members (org_id, email, role, added) VALUES (:o, :e, :r, :now)",
                    {"o": org_id, "e": email, "r": role, "now": now},
                )
            self._log(conn, org_id, email, "join", detail=f"{email}: {have[0] if have else role}", at=now)
            (name,) = self._one(conn, "SELECT name FROM orgs WHERE id = :o", {"o": org_id})
        return Membership(org_id, email, have[0] if have else role, self._when(now), name)

    def draft_org(self, draft_id: str) -> str | None:
        if not is_draft_id(draft_id):
            return None
        rows = self._read("SELECT org_id FROM drafts WHERE id = :id", {"id": draft_id})
        return rows[0][0] if rows else None

    def log(
        self,
        org_id: str,
        actor: str | None,
        action: str,
        *,
        draft_id: str | None = None,
        fields: tuple[str, ...] | list[str] = (),
        detail: str = "",
    ) -> None:
        with self._transaction() as conn:
            self._log(conn, org_id, actor, action, draft_id, list(fields), detail)

    def audit(self, org_id: str, *, draft_id: str | None = None, limit: int = 500) -> list[AuditEntry]:
        sql = "SELECT id, org_id, at, actor, action, draft_id, fields, detail FROM audit WHERE org_id = :o"
        args: dict[str, Any] = {"o": str(org_id), "limit": int(limit)}
        if draft_id is not None:
            sql += " AND draft_id = :d"
            args["d"] = draft_id
        rows = self._read(sql + " ORDER BY id DESC LIMIT :limit", args)
        return [
            AuditEntry(i, o, self._when(a), who, act, d, tuple(json.loads(f or "[]")), det)
            for i, o, a, who, act, d, f, det in rows
        ]


def _as_json(body: str) -> str:
    """Older revisions hold YAML: read them as data and give JSON back."""
    if body.startswith("{"):
        return body
    import yaml

    return json.dumps(yaml.safe_load(body), default=str)
