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
    UNDO_DAYS,
    AuditEntry,
    Conflict,
    DraftNotFound,
    DraftStore,
    DraftSummary,
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


class PostgresStore(DraftStore):
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

    # -- writing ----------------------------------------------------------------------------------

    @staticmethod
    def _checked(data: dict, catalogue: Catalogue | None) -> Assessment:
        from assessor.store.sqlite import SQLiteStore

        return SQLiteStore._checked(data, catalogue)

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
        now = _now()
        args = {"id": draft_id, "now": now, "org": assessment.organisation.name, "p": progress, "rev": rev}
        if new:
            self._exec(
                conn,
                "INSERT INTO drafts (id, created, updated, organisation, progress, head, code)"
                " VALUES (:id, :now, :now, :org, :p, :rev, :code)",
                {**args, "code": self._free_code(conn)},
            )
        else:
            self._exec(
                conn,
                "UPDATE drafts SET updated = :now, organisation = :org, progress = :p, head = :rev"
                " WHERE id = :id",
                args,
            )
        self._exec(
            conn,
            "INSERT INTO revisions (draft_id, rev, saved, body, author, kind, changed)"
            " VALUES (:id, :rev, :now, :body, :author, :kind, :changed)",
            {
                "id": draft_id,
                "rev": rev,
                "now": now,
                "body": assessment.to_json(),
                "author": author,
                "kind": kind,
                "changed": json.dumps(sorted(changed)),
            },
        )
        if rev > KEEP_REVISIONS:
            self._exec(
                conn,
                # Never one that holds an approved version (see assessor.lifecycle).
                "DELETE FROM revisions WHERE draft_id = :id AND rev <= :old AND (CASE WHEN body LIKE '{%'"
                " THEN body::jsonb #>> '{lifecycle,current,status}' END) IS DISTINCT FROM 'approved'",
                {"id": draft_id, "old": rev - KEEP_REVISIONS},
            )
        if not new:  # a new draft has no organisation yet: create() logs it once it has
            org = self._one(conn, "SELECT org_id FROM drafts WHERE id = :id", {"id": draft_id})
            if org and org[0]:
                self._log(conn, org[0], author, kind, draft_id, changed, at=now)

    def _log(
        self,
        conn: Connection,
        org_id: str,
        actor: str | None,
        action: str,
        draft_id: str | None = None,
        fields: list[str] | tuple[str, ...] = (),
        detail: str = "",
        *,
        at: dt.datetime | None = None,
    ) -> None:
        self._exec(
            conn,
            "INSERT INTO audit (org_id, at, actor, action, draft_id, fields, detail)"
            " VALUES (:o, :at, :actor, :action, :d, :f, :detail)",
            {
                "o": org_id,
                "at": at or _now(),
                "actor": actor,
                "action": action,
                "d": draft_id,
                "f": json.dumps(sorted(fields)),
                "detail": detail,
            },
        )

    def _free_code(self, conn: Connection) -> str:
        while True:
            code = new_code()
            if self._one(conn, "SELECT 1 FROM drafts WHERE code = :c", {"c": code}) is None:
                return code

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
        with self._transaction() as conn:
            row = self._lock_draft(conn, draft_id)
            if row is None:
                raise DraftNotFound(draft_id)
            head_rev, old_progress = row
            head = self._fields(conn, draft_id, head_rev) or {}
            # A base older than the kept history counts every field the head has changed as theirs.
            base_fields = head if base == head_rev else self._fields(conn, draft_id, base)
            if base_fields is None:
                base_fields = {}
            merged, applied, clashes = merge(base_fields, head, changes)
            others = tuple(sorted(diff(base_fields, head))) if base != head_rev else ()
            now = _now()
            conflicts = []
            for path, mine, theirs in clashes:
                (cid,) = self._one(
                    conn,
                    "INSERT INTO conflicts (draft_id, field, mine, theirs, author, created)"
                    " VALUES (:id, :f, :m, :t, :a, :now) RETURNING id",
                    {
                        "id": draft_id,
                        "f": path,
                        "m": dumps(mine),
                        "t": dumps(theirs),
                        "a": author,
                        "now": now,
                    },
                )
                conflicts.append(Conflict(cid, path, mine, theirs, author, now))
            if applied:
                checked = self._checked(unflatten(merged), catalogue)
                value = progress(checked) if callable(progress) else progress
                rev = head_rev + 1
                self._append(
                    conn,
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
        return [Revision(r, _utc(s), a, k, tuple(json.loads(c)) if c else ()) for r, s, a, k, c in rows]

    # -- conflicts --------------------------------------------------------------------------------

    def conflicts(self, draft_id: str) -> list[Conflict]:
        if not is_draft_id(draft_id):
            return []
        rows = self._read(
            "SELECT id, field, mine, theirs, author, created FROM conflicts"
            " WHERE draft_id = :id AND resolved IS NULL ORDER BY id",
            {"id": draft_id},
        )
        return [Conflict(i, f, json.loads(m), json.loads(t), a, _utc(c)) for i, f, m, t, a, c in rows]

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
                conn, "UPDATE conflicts SET resolved = :now WHERE id = :c", {"now": _now(), "c": conflict_id}
            )
        return result

    # -- listing, codes, deleting -----------------------------------------------------------------

    _SUMMARY = "SELECT id, organisation, created, updated, progress, head, deleted, code FROM drafts"

    @staticmethod
    def _summary(row: tuple) -> DraftSummary:
        i, o, c, u, p, h, d, code = row
        return DraftSummary(i, o, _utc(c), _utc(u), p, h, _utc(d), code or "")

    def list(
        self, ids: list[str] | None = None, *, deleted: bool = False, org: str | None = None
    ) -> list[DraftSummary]:
        where = "deleted IS NOT NULL" if deleted else "deleted IS NULL"
        args: dict[str, Any] = {}
        if ids is not None:
            ids = [i for i in ids if is_draft_id(i)]
            if not ids:
                return []
            where += " AND id = ANY(:ids)"
            args["ids"] = ids
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
                {"now": _now(), "id": draft_id},
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
                cutoff = _now() - dt.timedelta(days=UNDO_DAYS)
                ids = [
                    r[0] for r in self._exec(conn, "SELECT id FROM drafts WHERE deleted < :c", {"c": cutoff})
                ]
            if ids:
                # Revisions and conflicts go with the draft (ON DELETE CASCADE).
                self._exec(conn, "DELETE FROM drafts WHERE id = ANY(:ids)", {"ids": ids})
        return len(ids)

    def exists(self, draft_id: str) -> bool:
        if not is_draft_id(draft_id):
            return False
        return bool(self._read("SELECT 1 FROM drafts WHERE id = :id AND deleted IS NULL", {"id": draft_id}))

    # -- organisations, members, invitations, audit log -------------------------------------------
    # Text is sorted byte-wise (COLLATE "C"), as SQLite sorts it, whatever the cluster's locale.

    def create_org(self, name: str, *, owner: str) -> str:
        name, owner = str(name).strip(), normal_email(owner)
        if not name or not owner:
            raise ValueError("an organisation needs a name and an owner's email address")
        org_id = new_draft_id()
        now = _now()
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
        return Organisation(i, n, _utc(c))

    _MEMBERS = (
        "SELECT m.org_id, m.email, m.role, m.added, o.name FROM members m JOIN orgs o ON o.id = m.org_id"
    )

    def orgs_for(self, email: str) -> list[Membership]:
        rows = self._read(
            f'{self._MEMBERS} WHERE m.email = :e ORDER BY o.name COLLATE "C", o.id COLLATE "C"',
            {"e": normal_email(email)},
        )
        return [Membership(o, e, r, _utc(a), n) for o, e, r, a, n in rows]

    def members(self, org_id: str) -> list[Membership]:
        rows = self._read(
            f'{self._MEMBERS} WHERE m.org_id = :o ORDER BY m.email COLLATE "C"', {"o": str(org_id)}
        )
        return [Membership(o, e, r, _utc(a), n) for o, e, r, a, n in rows]

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
                {"o": org_id, "e": email, "r": role, "now": _now()},
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
        import secrets

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
                {"o": org_id, "e": email, "r": role, "t": token_hash(token), "now": _now(), "by": by},
            )
            self._log(conn, org_id, by, "invite", detail=f"{email}: {role}")
        return token

    def invitations(self, org_id: str) -> list[Invitation]:
        rows = self._read(
            "SELECT id, org_id, email, role, created, by, accepted FROM invitations"
            " WHERE org_id = :o AND accepted IS NULL AND cancelled IS NULL ORDER BY id",
            {"o": str(org_id)},
        )
        return [Invitation(i, o, e, r, _utc(c), b, _utc(a)) for i, o, e, r, c, b, a in rows]

    def cancel_invite(self, org_id: str, invite_id: int, *, by: str | None) -> None:
        with self._transaction() as conn:
            done = self._exec(
                conn,
                "UPDATE invitations SET cancelled = :now WHERE id = :i AND org_id = :o AND accepted IS NULL"
                " AND cancelled IS NULL",
                {"now": _now(), "i": int(invite_id), "o": str(org_id)},
            )
            if done.rowcount:
                self._log(conn, org_id, by, "cancel invite", detail=str(invite_id))

    def accept_invite(self, token: str, email: str) -> Membership:
        email = normal_email(email)
        now = _now()
        with self._transaction() as conn:
            # Locked, so that two servers accepting the same link at once let only one through.
            row = self._one(
                conn,
                "SELECT id, org_id, email, role FROM invitations"
                " WHERE token = :t AND accepted IS NULL AND cancelled IS NULL FOR UPDATE",
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
        return Membership(org_id, email, have[0] if have else role, now, name)

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
            AuditEntry(i, o, _utc(a), who, act, d, tuple(json.loads(f or "[]")), det)
            for i, o, a, who, act, d, f, det in rows
        ]


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
