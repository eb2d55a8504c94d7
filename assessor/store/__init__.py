"""Draft storage: one interface (``base.DraftStore``), with SQLite as the built-in backend.

``from assessor.store import Store`` keeps working: ``Store`` is the SQLite store.
"""

from assessor.store.base import (
    KEEP_REVISIONS,
    UNDO_DAYS,
    Conflict,
    DraftNotFound,
    DraftStore,
    DraftSummary,
    InvalidChange,
    Opened,
    Revision,
    SaveResult,
    StoreError,
    diff,
    field_question,
    flatten,
    is_draft_id,
    merge,
    new_draft_id,
    normalise_code,
    owner_hash,
    unflatten,
)
from assessor.store.sqlite import DEFAULT_PATH, SQLiteStore

Store = SQLiteStore

__all__ = [
    "DEFAULT_PATH",
    "KEEP_REVISIONS",
    "UNDO_DAYS",
    "Conflict",
    "DraftNotFound",
    "DraftStore",
    "DraftSummary",
    "InvalidChange",
    "Opened",
    "Revision",
    "SQLiteStore",
    "SaveResult",
    "Store",
    "StoreError",
    "diff",
    "field_question",
    "flatten",
    "is_draft_id",
    "merge",
    "new_draft_id",
    "normalise_code",
    "owner_hash",
    "unflatten",
]
