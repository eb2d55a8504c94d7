"""Draft storage: one interface (``base.DraftStore``), two backends.

SQLite (``sqlite.py``) is the embedded default for one machine; PostgreSQL (``postgres.py``) is
for a host with many organisations and more than one app server. ``open_store`` picks one from
``ASSESSOR_DB``: a ``postgresql://`` address selects PostgreSQL, anything else is an SQLite file.

``from assessor.store import Store`` keeps working: ``Store`` is the SQLite store.
"""

import os
from pathlib import Path

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
    Revision,
    SaveResult,
    StoreError,
    diff,
    field_question,
    flatten,
    is_draft_id,
    merge,
    new_draft_id,
    normal_email,
    normalise_code,
    owner_hash,
    unflatten,
)
from assessor.store.sqlite import DEFAULT_PATH, SQLiteStore

Store = SQLiteStore


def is_postgres_url(value: object) -> bool:
    return isinstance(value, str) and value.split("://", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def open_store(location: str | Path | None = None) -> DraftStore:
    """The store at ``location`` (default: ASSESSOR_DB, else the SQLite file DEFAULT_PATH)."""
    location = location or os.environ.get("ASSESSOR_DB") or None
    if is_postgres_url(location):
        from assessor.store.postgres import PostgresStore  # SQLAlchemy is imported only when used

        return PostgresStore(str(location))
    return SQLiteStore(location)


def __getattr__(name: str):
    if name == "PostgresStore":
        from assessor.store.postgres import PostgresStore

        return PostgresStore
    raise AttributeError(name)


__all__ = [
    "DEFAULT_PATH",
    "KEEP_REVISIONS",
    "UNDO_DAYS",
    "AuditEntry",
    "Conflict",
    "DraftNotFound",
    "DraftStore",
    "DraftSummary",
    "InvalidChange",
    "InvalidInvite",
    "Invitation",
    "Membership",
    "Opened",
    "OrgNotFound",
    "Organisation",
    "PostgresStore",
    "Revision",
    "SQLiteStore",
    "SaveResult",
    "Store",
    "StoreError",
    "diff",
    "field_question",
    "flatten",
    "is_draft_id",
    "is_postgres_url",
    "merge",
    "new_draft_id",
    "normal_email",
    "normalise_code",
    "open_store",
    "owner_hash",
    "unflatten",
]
