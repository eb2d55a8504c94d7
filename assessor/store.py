"""Draft storage in an embedded SQLite database, with a revision kept on every save.

Nothing to install: the database is one file, by default ``data/assessor.sqlite3``
(override with the ``ASSESSOR_DB`` environment variable). Each save appends a
revision inside a transaction, so a crash mid-save leaves the previous revision
intact, and earlier revisions can be restored. WAL mode and a busy timeout let
several sessions and processes save at once without losing anything.

Draft ids are 192-bit random tokens: knowing one is the only way to open a draft.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models are imported only when a draft is read, not to list drafts
    from assessor.assessment import Assessment
    from assessor.questionnaire import Catalogue

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "assessor.sqlite3"
DRAFT_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")
KEEP_REVISIONS = 200  # per draft; older ones are pruned

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
"""


class DraftNotFound(KeyError):
    pass


@dataclass(frozen=True)
class DraftSummary:
    id: str
    organisation: str
    created: dt.datetime
    updated: dt.datetime
    progress: float
    revision: int


@dataclass(frozen=True)
class Revision:
    rev: int
    saved: dt.datetime


def new_draft_id() -> str:
    return secrets.token_urlsafe(24)  # 24 bytes = 192 bits, 32 URL-safe characters


def is_draft_id(value: object) -> bool:
    return isinstance(value, str) and bool(DRAFT_ID.match(value))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


class Store:
    """Thread- and process-safe.

    One connection per process is opened on first use and kept: opening one (and setting its
    pragmas) cost more than the save itself, on every answer. A lock gives it to one thread
    at a time; other processes, and other stores, wait on SQLite's busy timeout as before. A
    forked child opens its own, since a SQLite connection must not cross a fork.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path or os.environ.get("ASSESSOR_DB") or DEFAULT_PATH)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._db is None or self._pid != os.getpid():
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA busy_timeout=30000")
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
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def create(self, assessment: Assessment, progress: float = 0.0) -> str:
        draft_id = new_draft_id()
        self.save(draft_id, assessment, progress)
        return draft_id

    def save(self, draft_id: str, assessment: Assessment, progress: float = 0.0) -> int:
        """Append a revision (creating the draft if new); return its number."""
        if not is_draft_id(draft_id):
            raise DraftNotFound(draft_id)
        body = assessment.to_json()
        now = _now()
        with self._transaction() as db:
            row = db.execute("SELECT head FROM drafts WHERE id = ?", (draft_id,)).fetchone()
            rev = (row[0] if row else 0) + 1
            if row is None:
                db.execute(
                    "INSERT INTO drafts (id, created, updated, organisation, progress, head)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (draft_id, now, now, assessment.organisation.name, progress, rev),
                )
            else:
                db.execute(
                    "UPDATE drafts SET updated = ?, organisation = ?, progress = ?, head = ? WHERE id = ?",
                    (now, assessment.organisation.name, progress, rev, draft_id),
                )
            db.execute(
                "INSERT INTO revisions (draft_id, rev, saved, body) VALUES (?, ?, ?, ?)",
                (draft_id, rev, now, body),
            )
            db.execute(
                "DELETE FROM revisions WHERE draft_id = ? AND rev <= ?", (draft_id, rev - KEEP_REVISIONS)
            )
        return rev

    def load_text(self, draft_id: str, rev: int | None = None) -> str:
        if not is_draft_id(draft_id):
            raise DraftNotFound(draft_id)
        with self._connect() as db:
            if rev is None:
                row = db.execute(
                    "SELECT r.body FROM drafts d JOIN revisions r ON r.draft_id = d.id AND r.rev = d.head"
                    " WHERE d.id = ?",
                    (draft_id,),
                ).fetchone()
            else:
                row = db.execute(
                    "SELECT body FROM revisions WHERE draft_id = ? AND rev = ?", (draft_id, rev)
                ).fetchone()
        if row is None:
            raise DraftNotFound(draft_id)
        return row[0]

    def load(self, draft_id: str, catalogue: Catalogue, rev: int | None = None) -> Assessment:
        from assessor.assessment import parse_stored

        return parse_stored(self.load_text(draft_id, rev), catalogue, f"draft {draft_id[:6]}…")

    def revisions(self, draft_id: str) -> list[Revision]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT rev, saved FROM revisions WHERE draft_id = ? ORDER BY rev DESC", (draft_id,)
            ).fetchall()
        return [Revision(r, dt.datetime.fromisoformat(s)) for r, s in rows]

    def restore(self, draft_id: str, rev: int, catalogue: Catalogue) -> int:
        """Make an earlier revision current again, as a new revision (history is kept)."""
        assessment = self.load(draft_id, catalogue, rev)
        with self._connect() as db:
            row = db.execute("SELECT progress FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        return self.save(draft_id, assessment, row[0] if row else 0.0)

    def list(self) -> list[DraftSummary]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, organisation, created, updated, progress, head FROM drafts ORDER BY updated DESC"
            ).fetchall()
        return [
            DraftSummary(i, o, dt.datetime.fromisoformat(c), dt.datetime.fromisoformat(u), p, h)
            for i, o, c, u, p, h in rows
        ]

    def delete(self, draft_id: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM revisions WHERE draft_id = ?", (draft_id,))
            db.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    def exists(self, draft_id: str) -> bool:
        if not is_draft_id(draft_id):
            return False
        with self._connect() as db:
            return db.execute("SELECT 1 FROM drafts WHERE id = ?", (draft_id,)).fetchone() is not None
