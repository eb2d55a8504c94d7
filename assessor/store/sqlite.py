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
    Conflict,
    DraftNotFound,
    Progress,
    SaveResult,
    SQLStore,
    StoreError,
    _as_json,
    diff,
    dumps,
    flatten,
    is_draft_id,
    merge,
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


class SQLiteStore(SQLStore):
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

    def _read(self, sql: str, args: Mapping[str, Any] | tuple | None = None) -> list[tuple]:
        with self._connect() as db, self._errors("read"):
            return db.execute(sql, args or ()).fetchall()

    @staticmethod
    def _exec(conn: sqlite3.Connection, sql: str, args: Mapping[str, Any]) -> sqlite3.Cursor:
        return conn.execute(sql, args)

    @staticmethod
    def _one(conn: sqlite3.Connection, sql: str, args: Mapping[str, Any]) -> tuple | None:
        return conn.execute(sql, args).fetchone()

    @staticmethod
    def _stamp(at: dt.datetime | None = None) -> str:
        return at.isoformat(timespec="microseconds") if at else _now()

    @staticmethod
    def _when(value: str | None) -> dt.datetime | None:
        return _time(value)

    @staticmethod
    def _in(column: str, values: list, args: dict[str, Any]) -> str:
        names = []
        for n, value in enumerate(values):
            args[f"in{n}"] = value
            names.append(f":in{n}")
        return f"{column} IN ({', '.join(names)})"

    # -- writing --------------------------------------------------------------------------------

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
