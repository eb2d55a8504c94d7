"""The draft store in PostgreSQL, for a host serving many organisations from several app servers.

Selected by ``ASSESSOR_DB=postgresql://user:password@host:port/database``. Reached through
SQLAlchemy 2 with the psycopg 3 driver; the schema is kept by Alembic migrations in
``assessor/store/migrations/``, which run when a store is opened (under an advisory lock, so that
app servers starting together do not race).

The rules are the SQLite store's (``tests/test_store.py`` runs the same contract on both): each
save appends a revision in a transaction; a save is made against the revision the tab showed and
merged with newer saves; a field both sides changed is kept as a conflict. Saves to one draft are
serialised by a row lock on the draft (``SELECT ... FOR UPDATE``), so two app servers saving at
once both land, one after the other, and merge. Reads are single statements.

Every server's connections come from a small pool per process (``ASSESSOR_DB_POOL``, default 5,
plus as many again at a burst); a forked child makes its own pool.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor.store import is_postgres_url
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

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from assessor.assessment import Assessment
    from assessor.questionnaire import Catalogue

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 0x617373657373  # pg_advisory_lock key: app servers upgrade one at a time


def engine_url(url: str) -> str:
    """The SQLAlchemy URL for a plain ``postgresql://`` one: the psycopg 3 driver."""
    scheme, rest = url.split("://", 1)
    if "+" not in scheme:
        scheme = "postgresql+psycopg"
    return f"{scheme}://{rest}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(dt.UTC) if value is not None else None


def upgrade(connection: Connection) -> None:
    """Bring the schema to the newest migration (Alembic), on an open connection."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


class PostgresStore(SQLStore):
    """Thread-safe (a connection pool per process) and safe across processes and servers."""

    def __init__(self, url: str | None = None, *, pool_size: int | None = None, migrate: bool = True) -> None:
        url = url or os.environ.get("ASSESSOR_DB") or ""
        if not is_postgres_url(url):
            raise StoreError(f"Not a PostgreSQL address: {url!r} (expected postgresql://user@host/db).")
        self.url = url
        self.pool_size = pool_size or int(os.environ.get("ASSESSOR_DB_POOL", "5") or 5)
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._pid = 0
        if migrate:
            with self._errors("open"), self._engine_().connect() as conn:
                from sqlalchemy import text

                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
                try:
                    upgrade(conn)
                    conn.commit()
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK})
                    conn.commit()

    # -- connections ------------------------------------------------------------------------------

    def _where(self) -> str:
        from sqlalchemy.engine import make_url

        u = make_url(engine_url(self.url))
        return f"The PostgreSQL database {u.database or ''} at {u.host or 'localhost'}:{u.port or 5432}"

    def _engine_(self) -> Engine:
        with self._lock:
            if self._engine is None or self._pid != os.getpid():
                from sqlalchemy import create_engine

                if self._engine is not None:
                    self._engine.dispose(close=False)  # a forked child: leave the parent's sockets
                self._engine = create_engine(
                    engine_url(self.url),
                    pool_size=self.pool_size,
                    max_overflow=self.pool_size,
                    # No ping before each use (a round trip on every read): a connection the server
                    # dropped fails once, and the pool then replaces every connection it holds.
                    pool_recycle=1800,
                    connect_args={"connect_timeout": 10, "options": "-c timezone=UTC"},
                )
                self._pid = os.getpid()
            return self._engine

    def close(self) -> None:
        with self._lock:
            if self._engine is not None and self._pid == os.getpid():
                self._engine.dispose()
            self._engine = None

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

        try:
            yield
        except OperationalError as exc:
            raise StoreError(
                f"{self._where()} cannot be reached to {doing} ({str(exc.orig or exc).strip()}). Nothing "
                "was changed. Check that the server is running and that ASSESSOR_DB names the right host, "
                "port, database, user and password; then try again."
            ) from exc
        except DBAPIError as exc:
            raise StoreError(
                f"{self._where()} refused to {doing} ({str(exc.orig or exc).strip()}). Nothing was changed."
            ) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"{self._where()}: cannot {doing} ({exc}). Nothing was changed.") from exc

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self._errors("save"), self._engine_().begin() as conn:
            yield conn

    def _read(self, sql: str, args: Mapping[str, Any] | None = None) -> list[tuple]:
        from sqlalchemy import text

        # A single statement needs no transaction of its own: autocommit saves BEGIN and ROLLBACK.
        with self._errors("read"), self._engine_().connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            return [tuple(r) for r in conn.execute(text(sql), dict(args or {}))]

    @staticmethod
    def _one(conn: Connection, sql: str, args: Mapping[str, Any]) -> tuple | None:
        from sqlalchemy import text

        row = conn.execute(text(sql), dict(args)).first()
        return tuple(row) if row is not None else None

    @staticmethod
    def _exec(conn: Connection, sql: str, args: Mapping[str, Any]) -> Any:
        from sqlalchemy import text

        return conn.execute(text(sql), dict(args))

    _BYTEWISE = ' COLLATE "C"'
    _FOR_UPDATE = " FOR UPDATE"

    @staticmethod
    def _stamp(at: dt.datetime | None = None) -> dt.datetime:
        return at or _now()

    @staticmethod
    def _when(value: dt.datetime | None) -> dt.datetime | None:
        return _utc(value)

    @staticmethod
    def _in(column: str, values: list, args: dict[str, Any]) -> str:
        args["in"] = list(values)
        return f"{column} = ANY(:in)"

    # -- writing ----------------------------------------------------------------------------------

    def _append(
        self,
        conn: Connection,
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
        if new:  # a new draft has no organisation yet: create() logs it once it has
            now = _now()
            args = self._revision_args(draft_id, assessment, progress, author, kind, changed, rev, now)
            self._exec(
                conn,
                "INSERT INTO drafts (id, created, updated, organisation, progress, head, code)"
                " VALUES (:id, :now, :now, :org, :p, :rev, :code)",
                {**args, "code": self._free_code(conn)},
            )
            self._exec(
                conn,
                "INSERT INTO revisions (draft_id, rev, saved, body, author, kind, changed)"
                " VALUES (:id, :rev, :now, :body, :author, :kind, :changed)",
                args,
            )
            return
        self._write(conn, draft_id, rev - 1, (assessment, progress, author, kind, changed), [], _now())

    @staticmethod
    def _revision_args(
        draft_id: str,
        assessment: Assessment,
        progress: float,
        author: str | None,
        kind: str,
        changed: list[str],
        rev: int,
        now: dt.datetime,
    ) -> dict[str, Any]:
        return {
            "id": draft_id,
            "now": now,
            "org": assessment.organisation.name,
            "p": progress,
            "rev": rev,
            "body": assessment.to_json(),
            "author": author,
            "kind": kind,
            "changed": json.dumps(sorted(changed)),
        }

    def _write(
        self,
        conn: Connection,
        draft_id: str,
        head: int,
        revision: tuple[Assessment, float, str | None, str, list[str]] | None,
        clashes: list[tuple[str, Any, Any]],
        now: dt.datetime,
        author: str | None = None,
    ) -> list[int] | None:
        """One statement, so one round trip: if the draft's head is still ``head``, append
        ``revision`` (assessment, progress, author, kind, fields changed) as the next one (with
        the draft's row, the revisions past the kept history, and the organisation's audit
        entry) and keep ``clashes`` as conflicts. Returns the conflicts' ids, or None when
        another save moved the head first (then nothing was written)."""
        args: dict[str, Any] = {"id": draft_id, "head": head, "now": now, "author": author}
        parts = []
        if revision is not None:
            assessment, progress, author, kind, changed = revision
            rev = head + 1
            args.update(self._revision_args(draft_id, assessment, progress, author, kind, changed, rev, now))
            parts.append(
                "draft AS (UPDATE drafts SET updated = :now, organisation = :org, progress = :p, head = :rev"
                " WHERE id = :id AND head = :head RETURNING org_id)"
            )
            parts.append(
                "revision AS (INSERT INTO revisions (draft_id, rev, saved, body, author, kind, changed)"
                " SELECT :id, :rev, :now, :body, :author, :kind, :changed FROM draft)"
            )
            if rev > KEEP_REVISIONS:
                # Never one that holds an approved version (see assessor.lifecycle).
                args["old"] = rev - KEEP_REVISIONS
                parts.append(
                    "pruned AS (DELETE FROM revisions WHERE draft_id = :id AND rev <= :old"
                    " AND EXISTS (SELECT 1 FROM draft) AND (CASE WHEN body LIKE '{%'"
                    " THEN body::jsonb #>> '{lifecycle,current,status}' END) IS DISTINCT FROM 'approved')"
                )
            parts.append(
                "audit AS (INSERT INTO audit (org_id, at, actor, action, draft_id, fields, detail)"
                " SELECT org_id, :now, :author, :kind, :id, :changed, '' FROM draft WHERE org_id IS NOT NULL)"
            )
        else:  # conflicts only: against the head they were found on, locked while they are kept
            parts.append("draft AS (SELECT org_id FROM drafts WHERE id = :id AND head = :head FOR UPDATE)")
        args.update(
            fields=[c[0] for c in clashes],
            mine=[dumps(c[1]) for c in clashes],
            theirs=[dumps(c[2]) for c in clashes],
        )
        parts.append(
            "kept AS (INSERT INTO conflicts (draft_id, field, mine, theirs, author, created)"
            " SELECT :id, c.f, c.m, c.t, :author, :now FROM draft,"
            " unnest(CAST(:fields AS text[]), CAST(:mine AS text[]), CAST(:theirs AS text[])) AS c(f, m, t)"
            " RETURNING id, field)"
        )
        row = self._one(
            conn,
            f"WITH {', '.join(parts)} SELECT (SELECT count(*) FROM draft),"
            " (SELECT coalesce(json_agg(json_build_array(field, id)), '[]') FROM kept)",
            args,
        )
        if not row or not row[0]:
            return None
        ids = dict(row[1] if isinstance(row[1], list) else json.loads(row[1]))
        return [ids[c[0]] for c in clashes]

    def _lock_draft(self, conn: Connection, draft_id: str) -> tuple | None:
        """The draft's head and progress, with its row locked until the transaction ends."""
        return self._one(
            conn, "SELECT head, progress FROM drafts WHERE id = :id FOR UPDATE", {"id": draft_id}
        )

    def _fields(self, conn: Connection, draft_id: str, rev: int) -> dict[str, Any] | None:
        row = self._one(
            conn,
            "SELECT body FROM revisions WHERE draft_id = :id AND rev = :rev",
            {"id": draft_id, "rev": rev},
        )
        return flatten(json.loads(_as_json(row[0]))) if row else None

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
        with self._transaction() as conn:
            row = self._lock_draft(conn, draft_id)
            rev = (row[0] if row else 0) + 1
            before = self._fields(conn, draft_id, row[0]) if row else {}
            changed = list(diff(before or {}, flatten(data)))
            self._append(conn, draft_id, checked, progress, author, kind, changed, new=row is None, rev=rev)
        return rev

    ATTEMPTS = 1000  # saves that lost the race to another save of the same draft, each retried

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
        """Two round trips, without a transaction held open between them: read the head (and the
        base) in one statement, merge here, then write in one statement only if the head is still
        the one read (``_write``); if another save moved it meanwhile, read and merge again."""
        if not is_draft_id(draft_id):
            raise DraftNotFound(draft_id)
        for _ in range(self.ATTEMPTS):
            rows = self._read(
                "SELECT d.head, d.progress, h.body, b.body FROM drafts d"
                " LEFT JOIN revisions h ON h.draft_id = d.id AND h.rev = d.head"
                " LEFT JOIN revisions b ON b.draft_id = d.id AND b.rev = :base"
                " WHERE d.id = :id",
                {"id": draft_id, "base": base},
            )
            if not rows:
                raise DraftNotFound(draft_id)
            head_rev, old_progress, head_body, base_body = rows[0]
            head = flatten(json.loads(_as_json(head_body))) if head_body is not None else {}
            # A base older than the kept history counts every field the head has changed as theirs.
            if base == head_rev:
                base_fields = head
            else:
                base_fields = flatten(json.loads(_as_json(base_body))) if base_body is not None else {}
            merged, applied, clashes = merge(base_fields, head, changes)
            others = tuple(sorted(diff(base_fields, head))) if base != head_rev else ()
            if not applied and not clashes:
                return SaveResult(head_rev, self._checked(unflatten(head), catalogue), others, (), ())
            now = _now()
            revision = None
            if applied:
                checked = self._checked(unflatten(merged), catalogue)
                value = progress(checked) if callable(progress) else progress
                revision = (checked, old_progress if value is None else value, author, kind, applied)
                rev = head_rev + 1
            else:
                checked = self._checked(unflatten(head), catalogue)
                rev = head_rev
            with self._errors("save"), self._engine_().connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                ids = self._write(conn, draft_id, head_rev, revision, clashes, now, author)
            if ids is not None:
                conflicts = tuple(
                    Conflict(cid, path, mine, theirs, author, now)
                    for cid, (path, mine, theirs) in zip(ids, clashes, strict=True)
                )
                return SaveResult(rev, checked, others, conflicts, tuple(applied))
        raise StoreError(
            f"{self._where()}: the draft changed {self.ATTEMPTS} times during one save. Try again."
        )


class PostgresRenderCache:
    """Rendered documents kept in the database, so that every app server serves what one rendered.

    The layer under each process's in-memory cache (``documents/cache.py``): a content key (a
    SHA-256 over the answers, document, format, questionnaire, templates and code) maps to the
    bytes. Entries are immutable; the least recently used are dropped once the table holds more
    than ``max_bytes``. Rendered documents hold the organisation's details: they are as private
    as the drafts in the same database. A database that cannot be reached makes the cache miss
    (the document is rendered), never an error.
    """

    PRUNE_EVERY = 50

    def __init__(self, url: str, max_bytes: int) -> None:
        self.url, self.max_bytes = url, max_bytes
        self._store: PostgresStore | None = None
        self._lock = threading.Lock()
        self._puts = 0

    def _db(self) -> PostgresStore:
        with self._lock:
            if self._store is None:
                self._store = PostgresStore(self.url, pool_size=2)
            return self._store

    def get(self, key: str) -> bytes | None:
        try:
            with self._db()._transaction() as conn:
                row = PostgresStore._one(
                    conn,
                    "UPDATE render_cache SET used = :now WHERE key = :k RETURNING data",
                    {"k": key, "now": _now()},
                )
        except StoreError:
            return None
        return bytes(row[0]) if row else None

    def put(self, key: str, data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        now = _now()
        try:
            with self._db()._transaction() as conn:
                PostgresStore._exec(
                    conn,
                    "INSERT INTO render_cache (key, data, size, stored, used) VALUES (:k, :d, :n, :now, :now)"
                    " ON CONFLICT (key) DO UPDATE SET used = excluded.used, puts = render_cache.puts + 1",
                    {"k": key, "d": data, "n": len(data), "now": now},
                )
                with self._lock:
                    self._puts += 1
                    prune = self._puts % self.PRUNE_EVERY == 0
                if prune:
                    self._prune(conn)
        except StoreError:
            return  # a cache that cannot write is only slower

    def _prune(self, conn: Connection) -> None:
        """Drop the least recently used entries beyond ``max_bytes`` in all."""
        PostgresStore._exec(
            conn,
            "DELETE FROM render_cache WHERE key IN (SELECT key FROM (SELECT key,"
            " sum(size) OVER (ORDER BY used DESC, key) AS total FROM render_cache) t WHERE total > :max)",
            {"max": self.max_bytes},
        )

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
            self._store = None
