"""The draft store in an embedded SQLite database, with a revision kept on every save.

Nothing to install: the database is one file, by default ``data/assessor.sqlite3``
(override with the ``ASSESSOR_DB`` environment variable), created readable by its owner only.
Each save appends a revision inside a transaction, so a crash mid-save leaves the previous
revision intact. WAL mode and a busy timeout let several sessions and processes save at once.
A file that is damaged, read-only or locked is reported as a ``StoreError`` saying what to do,
and is never written over.

Draft ids are 192-bit random tokens: knowing one is the only way to open a draft.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor.store.base import (
    KEEP_REVISIONS,
    UNDO_DAYS,
    AuditEntry,
    Conflict,
    DraftNotFound,
    DraftStore,
    DraftSummary,
    InvalidChange,
    InvalidInvite,
    Invitation,
    Membership,
    Opened,
    Organisation,
    OrgNotFound,
    Progress,
    Revision,
    SaveResult,
    StoreError,
    _as_json,
    check_role,
    diff,
    dumps,
    flatten,
    is_draft_id,
    merge,
    new_code,
    new_draft_id,
    normal_email,
    normalise_code,
    owner_hash,
    token_hash,
    unflatten,
)

if TYPE_CHECKING:  # the models are imported only when a draft is read, not to list drafts
    from assessor.assessment import Assessment
    from assessor.questionnaire import Catalogue

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "data" / "assessor.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    organisation TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    head INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS revisions (
    draft_id TEXT NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    rev INTEGER NOT NULL,
    saved TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (draft_id, rev)
);
CREATE TABLE IF NOT EXISTS conflicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    draft_id TEXT NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    mine TEXT NOT NULL,
    theirs TEXT NOT NULL,
    author TEXT,
    created TEXT NOT NULL,
    resolved TEXT
);
CREATE TABLE IF NOT EXISTS orgs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    added TEXT NOT NULL,
    PRIMARY KEY (org_id, email)
);
CREATE INDEX IF NOT EXISTS members_email ON members(email);
CREATE TABLE IF NOT EXISTS invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    by TEXT,
    accepted TEXT,
    cancelled TEXT
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT,
    action TEXT NOT NULL,
    draft_id TEXT,
    fields TEXT NOT NULL DEFAULT '[]',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_org ON audit(org_id, id);
"""
# Columns added after the first release; added to older databases when they are opened.
_COLUMNS = {
    "drafts": {"deleted": "TEXT", "code": "TEXT", "owner": "TEXT", "org_id": "TEXT"},
    "revisions": {"author": "TEXT", "kind": "TEXT NOT NULL DEFAULT 'edit'", "changed": "TEXT"},
}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


class SQLiteStore(DraftStore):
    """Thread- and process-safe.

    One connection per process is opened on first use and kept: opening one (and setting its
    pragmas) cost more than the save itself, on every answer. A lock gives it to one thread
    at a time; other processes, and other stores, wait on SQLite's busy timeout. A forked
    child opens its own, since a SQLite connection must not cross a fork.
    """

    def __init__(self, path: Path | str | None = None, *, timeout: float = 30) -> None:
        self.path = Path(path or os.environ.get("ASSESSOR_DB") or DEFAULT_PATH)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._make_private()
        with self._connect() as db, self._errors("open"):
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            for table, columns in _COLUMNS.items():
                have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
                for name, decl in columns.items():
                    if name not in have:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
            db.execute("CREATE UNIQUE INDEX IF NOT EXISTS drafts_code ON drafts(code)")
            db.execute("CREATE INDEX IF NOT EXISTS drafts_org ON drafts(org_id)")

    # -- the file -----------------------------------------------------------------------------

    def _make_private(self) -> None:
        """Create the folder (0700) and the file (0600) before SQLite does; WAL files copy its mode."""
        folder = self.path.parent
        try:
            if not folder.exists():
                folder.mkdir(mode=0o700, parents=True)
                os.chmod(folder, 0o700)  # mkdir's mode is reduced by the umask
            if not self.path.exists():
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
                os.fchmod(fd, 0o600)
                os.close(fd)
        except FileExistsError:
            pass
        except OSError as exc:
            raise StoreError(
                f"The database file {self.path} cannot be created ({exc.strerror}). Check that its "
                "folder exists and can be written, or set ASSESSOR_DB to a file in a folder that can."
            ) from None

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn SQLite's exceptions into a StoreError that says what to do."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(self._explain(exc, doing)) from exc

    def _explain(self, exc: sqlite3.Error, doing: str) -> str:
        text = str(exc).lower()
        where = f"The database file {self.path}"
        if "locked" in text or "busy" in text:
            return (
                f"{where} is busy: another program is holding it (SQLite: {exc}). Nothing was lost; "
                "try again in a moment. If this keeps happening, close other programs using the file."
            )
        if "readonly" in text or "read-only" in text or "unable to open" in text or "disk i/o" in text:
            return (
                f"{where} cannot be written: it, or its folder, is read-only or unreachable "
                f"(SQLite: {exc}). Nothing was changed. Give the app's user permission to write the "
                "file and its folder, or set ASSESSOR_DB to a file it can write."
            )
        if "full" in text:
            return f"{where} cannot grow: the disk is full (SQLite: {exc}). Free some space and try again."
        return (
            f"{where} is damaged or is not a database (SQLite: {exc}). It has not been changed. "
            "Restore it from a backup, or move it aside so that a new, empty one is started "
            "(or set ASSESSOR_DB to another file)."
        )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._db is None or self._pid != os.getpid():
                with self._errors("open"):
                    db = sqlite3.connect(
                        self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
                    )
                    db.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
                    db.execute("PRAGMA foreign_keys=ON")
                    db.execute("PRAGMA synchronous=NORMAL")
                self._db, self._pid = db, os.getpid()
            yield self._db

    def close(self) -> None:
        with self._lock:
            if self._db is not None and self._pid == os.getpid():
                self._db.close()
            self._db = None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            with self._errors("save"):
                db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except sqlite3.Error as exc:
                db.execute("ROLLBACK")
                raise StoreError(self._explain(exc, "save")) from exc
            except BaseException:
                db.execute("ROLLBACK")
                raise
            with self._errors("save"):
                db.execute("COMMIT")

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._connect() as db, self._errors("read"):
            return db.execute(sql, args).fetchall()

    # -- writing --------------------------------------------------------------------------------

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

    def _append(
        self,
        db: sqlite3.Connection,
        draft_id: str,
        assessment: Assessment,
        progress: float,
        author: str | None,
        kind: str,
        changed: list[str],
        *,
        new: bool,
        rev: int,
    ) -> None:
        now = _now()
        name = assessment.organisation.name
        if new:
            db.execute(
                "INSERT INTO drafts (id, created, updated, organisation, progress, head, code)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (draft_id, now, now, name, progress, rev, self._free_code(db)),
            )
        else:
            db.execute(
                "UPDATE drafts SET updated = ?, organisation = ?, progress = ?, head = ? WHERE id = ?",
                (now, name, progress, rev, draft_id),
            )
        db.execute(
            "INSERT INTO revisions (draft_id, rev, saved, body, author, kind, changed)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (draft_id, rev, now, assessment.to_json(), author, kind, json.dumps(sorted(changed))),
        )
        # Old revisions are pruned, but never one that holds an approved version.
        db.execute(
            "DELETE FROM revisions WHERE draft_id = ? AND rev <= ? AND NOT (json_valid(body)"
            " AND json_extract(body, '$.lifecycle.current.status') IS 'approved')",
            (draft_id, rev - KEEP_REVISIONS),
        )
        if not new:  # a new draft has no organisation yet: create() logs it once it has
            org = db.execute("SELECT org_id FROM drafts WHERE id = ?", (draft_id,)).fetchone()
            if org and org[0]:
                self._log(db, org[0], author, kind, draft_id, changed, at=now)

    @staticmethod
    def _log(
        db: sqlite3.Connection,
        org_id: str,
        actor: str | None,
        action: str,
        draft_id: str | None = None,
        fields: list[str] | tuple[str, ...] = (),
        detail: str = "",
        *,
        at: str | None = None,
    ) -> None:
        db.execute(
            "INSERT INTO audit (org_id, at, actor, action, draft_id, fields, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (org_id, at or _now(), actor, action, draft_id, json.dumps(sorted(fields)), detail),
        )

    @staticmethod
    def _free_code(db: sqlite3.Connection) -> str:
        while True:
            code = new_code()
            if db.execute("SELECT 1 FROM drafts WHERE code = ?", (code,)).fetchone() is None:
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
            with self._transaction() as db:
                db.execute(
                    "UPDATE drafts SET owner = ?, org_id = ? WHERE id = ?",
                    (owner_hash(owner) if owner else None, org, draft_id),
                )
                if org:
                    rows = db.execute(
                        "SELECT changed FROM revisions WHERE draft_id = ? AND rev = 1", (draft_id,)
                    )
                    self._log(db, org, author, "create", draft_id, json.loads(rows.fetchone()[0] or "[]"))
        return draft_id

    def is_owner(self, draft_id: str, browser: str | None) -> bool:
        if not browser or not is_draft_id(draft_id):
            return False
        rows = self._read("SELECT owner FROM drafts WHERE id = ?", (draft_id,))
        return bool(rows) and rows[0][0] == owner_hash(browser)

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
        if not is_draft_id(draft_id):
            raise DraftNotFound(draft_id)
        data = assessment.to_data()
        checked = self._checked(data, catalogue)
        with self._transaction() as db:
            row = db.execute("SELECT head FROM drafts WHERE id = ?", (draft_id,)).fetchone()
            rev = (row[0] if row else 0) + 1
            before = self._fields(db, draft_id, row[0]) if row else {}
            changed = list(diff(before, flatten(data)))
            self._append(db, draft_id, checked, progress, author, kind, changed, new=row is None, rev=rev)
        return rev

    def _fields(self, db: sqlite3.Connection, draft_id: str, rev: int) -> dict[str, Any] | None:
        row = db.execute(
            "SELECT body FROM revisions WHERE draft_id = ? AND rev = ?", (draft_id, rev)
        ).fetchone()
        return flatten(json.loads(_as_json(row[0]))) if row else None

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
        if not is_draft_id(draft_id):
            raise DraftNotFound(draft_id)
        with self._transaction() as db:
            row = db.execute("SELECT head, progress FROM drafts WHERE id = ?", (draft_id,)).fetchone()
            if row is None:
                raise DraftNotFound(draft_id)
            head_rev, old_progress = row
            head = self._fields(db, draft_id, head_rev) or {}
            # A base older than the kept history counts every field the head has changed as theirs.
            base_fields = head if base == head_rev else self._fields(db, draft_id, base)
            if base_fields is None:
                base_fields = {}
            merged, applied, clashes = merge(base_fields, head, changes)
            others = tuple(sorted(diff(base_fields, head))) if base != head_rev else ()
            now = _now()
            conflicts = []
            for path, mine, theirs in clashes:
                cur = db.execute(
                    "INSERT INTO conflicts (draft_id, field, mine, theirs, author, created)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (draft_id, path, dumps(mine), dumps(theirs), author, now),
                )
                conflicts.append(Conflict(cur.lastrowid, path, mine, theirs, author, _time(now)))
            if applied:
                checked = self._checked(unflatten(merged), catalogue)
                value = progress(checked) if callable(progress) else progress
                rev = head_rev + 1
                self._append(
                    db,
                    draft_id,
                    checked,
                    old_progress if value is None else value,
                    author,
                    kind,
                    applied,
                    new=False,
                    rev=rev,
                )
            else:
                checked = self._checked(unflatten(head), catalogue)
                rev = head_rev
        return SaveResult(rev, checked, others, tuple(conflicts), tuple(applied))

    def head(self, draft_id: str) -> int:
        rows = (
            self._read("SELECT head FROM drafts WHERE id = ?", (draft_id,)) if is_draft_id(draft_id) else []
        )
        if not rows:
            raise DraftNotFound(draft_id)
        return rows[0][0]

    # -- reading --------------------------------------------------------------------------------

    def load_text(self, draft_id: str, rev: int | None = None) -> str:
        if not is_draft_id(draft_id):
            raise DraftNotFound(draft_id)
        if rev is None:
            rows = self._read(
                "SELECT r.body FROM drafts d JOIN revisions r ON r.draft_id = d.id AND r.rev = d.head"
                " WHERE d.id = ?",
                (draft_id,),
            )
        else:
            rows = self._read("SELECT body FROM revisions WHERE draft_id = ? AND rev = ?", (draft_id, rev))
        if not rows:
            raise DraftNotFound(draft_id)
        return rows[0][0]

    def open(self, draft_id: str, catalogue: Catalogue, *, author: str | None = None) -> Opened:
        from assessor.assessment import parse_stored
        from assessor.errors import SourceErrors

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
        from assessor.errors import Problem

        raise SourceErrors([Problem(f"draft {draft_id[:6]}…", 1, 1, f"no saved version opens: {problem}")])

    def revisions(self, draft_id: str) -> list[Revision]:
        rows = self._read(
            "SELECT rev, saved, author, kind, changed FROM revisions WHERE draft_id = ? ORDER BY rev DESC",
            (draft_id,),
        )
        return [Revision(r, _time(s), a, k, tuple(json.loads(c)) if c else ()) for r, s, a, k, c in rows]

    # -- conflicts ------------------------------------------------------------------------------

    def conflicts(self, draft_id: str) -> list[Conflict]:
        rows = self._read(
            "SELECT id, field, mine, theirs, author, created FROM conflicts"
            " WHERE draft_id = ? AND resolved IS NULL ORDER BY id",
            (draft_id,),
        )
        return [Conflict(i, f, json.loads(m), json.loads(t), a, _time(c)) for i, f, m, t, a, c in rows]

    def resolve(
        self, draft_id: str, conflict_id: int, value: Any, catalogue: Catalogue, *, author: str | None = None
    ) -> SaveResult:
        rows = self._read(
            "SELECT field FROM conflicts WHERE id = ? AND draft_id = ? AND resolved IS NULL",
            (conflict_id, draft_id),
        )
        if not rows:
            raise KeyError(conflict_id)
        head = self.head(draft_id)
        result = self.apply(draft_id, head, {rows[0][0]: value}, catalogue, author=author, kind="resolve")
        with self._transaction() as db:
            db.execute("UPDATE conflicts SET resolved = ? WHERE id = ?", (_now(), conflict_id))
        return result

    # -- listing, codes, deleting ---------------------------------------------------------------

    _SUMMARY = "SELECT id, organisation, created, updated, progress, head, deleted, code FROM drafts"

    @staticmethod
    def _summary(row: tuple) -> DraftSummary:
        i, o, c, u, p, h, d, code = row
        return DraftSummary(i, o, _time(c), _time(u), p, h, _time(d), code or "")

    def list(
        self, ids: list[str] | None = None, *, deleted: bool = False, org: str | None = None
    ) -> list[DraftSummary]:
        where = "deleted IS NOT NULL" if deleted else "deleted IS NULL"
        args: tuple = ()
        if ids is not None:
            ids = [i for i in ids if is_draft_id(i)]
            where += f" AND id IN ({','.join('?' * len(ids))})" if ids else " AND 0"
            args = tuple(ids)
        if org is not None:
            where += " AND org_id = ?"
            args += (org,)
        rows = self._read(f"{self._SUMMARY} WHERE {where} ORDER BY updated DESC", args)
        return [self._summary(r) for r in rows]

    def summary(self, draft_id: str) -> DraftSummary:
        rows = self._read(f"{self._SUMMARY} WHERE id = ?", (draft_id,)) if is_draft_id(draft_id) else []
        if not rows:
            raise DraftNotFound(draft_id)
        return self._summary(rows[0])

    def find_code(self, code: str) -> str | None:
        norm = normalise_code(code)
        rows = self._read("SELECT id FROM drafts WHERE code = ? AND deleted IS NULL", (norm,)) if norm else []
        return rows[0][0] if rows else None

    def delete(self, draft_id: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE drafts SET deleted = ? WHERE id = ? AND deleted IS NULL", (_now(), draft_id))

    def undelete(self, draft_id: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE drafts SET deleted = NULL WHERE id = ?", (draft_id,))

    def purge(self, draft_id: str | None = None) -> int:
        with self._transaction() as db:
            if draft_id is not None:
                ids = [draft_id]
            else:
                cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=UNDO_DAYS)).isoformat()
                ids = [r[0] for r in db.execute("SELECT id FROM drafts WHERE deleted < ?", (cutoff,))]
            for i in ids:
                db.execute("DELETE FROM conflicts WHERE draft_id = ?", (i,))
                db.execute("DELETE FROM revisions WHERE draft_id = ?", (i,))
                db.execute("DELETE FROM drafts WHERE id = ?", (i,))
        return len(ids)

    def exists(self, draft_id: str) -> bool:
        if not is_draft_id(draft_id):
            return False
        return bool(self._read("SELECT 1 FROM drafts WHERE id = ? AND deleted IS NULL", (draft_id,)))

    # -- organisations, members, invitations, audit log ----------------------------------------

    def create_org(self, name: str, *, owner: str) -> str:
        name, owner = str(name).strip(), normal_email(owner)
        if not name or not owner:
            raise ValueError("an organisation needs a name and an owner's email address")
        org_id = new_draft_id()
        now = _now()
        with self._transaction() as db:
            db.execute("INSERT INTO orgs (id, name, created) VALUES (?, ?, ?)", (org_id, name, now))
            db.execute(
                "INSERT INTO members (org_id, email, role, added) VALUES (?, ?, 'owner', ?)",
                (org_id, owner, now),
            )
            self._log(db, org_id, owner, "create organisation", detail=name, at=now)
            self._log(db, org_id, owner, "member", detail=f"{owner}: owner", at=now)
        return org_id

    def org(self, org_id: str) -> Organisation:
        rows = self._read("SELECT id, name, created FROM orgs WHERE id = ?", (str(org_id),))
        if not rows:
            raise OrgNotFound(org_id)
        i, n, c = rows[0]
        return Organisation(i, n, _time(c))

    def orgs_for(self, email: str) -> list[Membership]:
        rows = self._read(
            "SELECT m.org_id, m.email, m.role, m.added, o.name FROM members m JOIN orgs o ON o.id = m.org_id"
            " WHERE m.email = ? ORDER BY o.name, o.id",
            (normal_email(email),),
        )
        return [Membership(o, e, r, _time(a), n) for o, e, r, a, n in rows]

    def members(self, org_id: str) -> list[Membership]:
        rows = self._read(
            "SELECT m.org_id, m.email, m.role, m.added, o.name FROM members m JOIN orgs o ON o.id = m.org_id"
            " WHERE m.org_id = ? ORDER BY m.email",
            (str(org_id),),
        )
        return [Membership(o, e, r, _time(a), n) for o, e, r, a, n in rows]

    def role_of(self, org_id: str | None, email: str | None) -> str | None:
        if not org_id or not email:
            return None
        rows = self._read(
            "SELECT role FROM members WHERE org_id = ? AND email = ?", (str(org_id), normal_email(email))
        )
        return rows[0][0] if rows else None

    def set_member(self, org_id: str, email: str, role: str, *, by: str | None) -> None:
        check_role(role)
        self.org(org_id)
        email = normal_email(email)
        if not email:
            raise ValueError("an email address is needed")
        with self._transaction() as db:
            db.execute(
                "INSERT INTO members (org_id, email, role, added) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (org_id, email) DO UPDATE SET role = excluded.role",
                (org_id, email, role, _now()),
            )
            self._log(db, org_id, by, "member", detail=f"{email}: {role}")

    def remove_member(self, org_id: str, email: str, *, by: str | None) -> None:
        email = normal_email(email)
        with self._transaction() as db:
            cur = db.execute("DELETE FROM members WHERE org_id = ? AND email = ?", (str(org_id), email))
            if cur.rowcount:
                self._log(db, org_id, by, "remove member", detail=email)

    def invite(self, org_id: str, email: str, role: str, *, by: str | None) -> str:
        import secrets

        check_role(role)
        self.org(org_id)
        email = normal_email(email)
        if "@" not in email:
            raise ValueError(f"{email!r} is not an email address")
        token = secrets.token_urlsafe(24)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO invitations (org_id, email, role, token, created, by) VALUES (?, ?, ?, ?, ?, ?)",
                (org_id, email, role, token_hash(token), _now(), by),
            )
            self._log(db, org_id, by, "invite", detail=f"{email}: {role}")
        return token

    def invitations(self, org_id: str) -> list[Invitation]:
        rows = self._read(
            "SELECT id, org_id, email, role, created, by, accepted FROM invitations"
            " WHERE org_id = ? AND accepted IS NULL AND cancelled IS NULL ORDER BY id",
            (str(org_id),),
        )
        return [Invitation(i, o, e, r, _time(c), b, _time(a)) for i, o, e, r, c, b, a in rows]

    def cancel_invite(self, org_id: str, invite_id: int, *, by: str | None) -> None:
        with self._transaction() as db:
            cur = db.execute(
                "UPDATE invitations SET cancelled = ? WHERE id = ? AND org_id = ? AND accepted IS NULL"
                " AND cancelled IS NULL",
                (_now(), int(invite_id), str(org_id)),
            )
            if cur.rowcount:
                self._log(db, org_id, by, "cancel invite", detail=str(invite_id))

    def accept_invite(self, token: str, email: str) -> Membership:
        email = normal_email(email)
        now = _now()
        with self._transaction() as db:
            row = db.execute(
                "SELECT id, org_id, email, role FROM invitations"
                " WHERE token = ? AND accepted IS NULL AND cancelled IS NULL",
                (token_hash(str(token)),),
            ).fetchone()
            if row is None:
                raise InvalidInvite("This invitation link is not valid, or has been used or cancelled.")
            invite_id, org_id, invited, role = row
            if invited != email:
                raise InvalidInvite(
                    f"This invitation is for another email address; you are signed in as {email}."
                )
            db.execute("UPDATE invitations SET accepted = ? WHERE id = ?", (now, invite_id))
            have = db.execute(
                "SELECT role FROM members WHERE org_id = ? AND email = ?", (org_id, email)
            ).fetchone()
            if have is None:
                db.execute(
                    "INSERT INTO members (org_id, email, role, added) VALUES (?, ?, ?, ?)",
                    (org_id, email, role, now),
                )
            self._log(db, org_id, email, "join", detail=f"{email}: {have[0] if have else role}", at=now)
            name = db.execute("SELECT name FROM orgs WHERE id = ?", (org_id,)).fetchone()[0]
        return Membership(org_id, email, have[0] if have else role, _time(now), name)

    def draft_org(self, draft_id: str) -> str | None:
        if not is_draft_id(draft_id):
            return None
        rows = self._read("SELECT org_id FROM drafts WHERE id = ?", (draft_id,))
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
        with self._transaction() as db:
            self._log(db, org_id, actor, action, draft_id, list(fields), detail)

    def audit(self, org_id: str, *, draft_id: str | None = None, limit: int = 500) -> list[AuditEntry]:
        sql = "SELECT id, org_id, at, actor, action, draft_id, fields, detail FROM audit WHERE org_id = ?"
        args: tuple = (str(org_id),)
        if draft_id is not None:
            sql += " AND draft_id = ?"
            args += (draft_id,)
        rows = self._read(sql + " ORDER BY id DESC LIMIT ?", (*args, int(limit)))
        return [
            AuditEntry(i, o, _time(a), who, act, d, tuple(json.loads(f or "[]")), det)
            for i, o, a, who, act, d, f, det in rows
        ]
