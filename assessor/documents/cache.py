"""A cache of rendered documents: a content hash maps to immutable bytes, nothing else.

The key of one document in one format is a SHA-256 over

* the assessment's answers (its canonical JSON form, which holds the same content as its YAML),
* the document id and the format,
* the questionnaire (its version and a hash of its content),
* every file under ``templates/`` (re-checked by size and modification time on each use),
* the source of the ``assessor`` package and the versions of WeasyPrint, python-docx and Markdown.

Change any answer, template, questionnaire or renderer and the key changes, so a stale
document can never be served. Because a key is derived from the full content, one session
can only hit a document another session rendered from exactly the same answers, which it
could render itself anyway.

Two layers: an in-process LRU bounded in bytes (``ASSESSOR_RENDER_CACHE_MB``, default 256;
``0`` turns caching off), and, when ``ASSESSOR_RENDER_CACHE_DIR`` names a folder, files on
disk written atomically (a temporary file, then a rename) and checked by their SHA-256 when read.
The disk layer is off by default: rendered documents hold the organisation's details, so keep
that folder as private as the drafts database.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import tempfile
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

from assessor.documents.html import TEMPLATES_DIR

PACKAGE_DIR = Path(__file__).resolve().parent.parent
CACHE_FORMAT = "1"
DEFAULT_MEMORY_MB = 256
DISK_MAX_FILES = 5000


def _sha(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _tree_signature(root: Path, pattern: str) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in sorted(root.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            st = path.stat()
            out.append((str(path.relative_to(root)), st.st_size, st.st_mtime_ns))
    return tuple(out)


@lru_cache(maxsize=8)
def _tree_hash(root: Path, pattern: str, signature: tuple[tuple[str, int, int], ...]) -> str:
    parts: list[str | bytes] = []
    for rel, _, _ in signature:
        parts += [rel, (root / rel).read_bytes()]
    return _sha(*parts)


def templates_hash() -> str:
    """Hash of every file under templates/; re-read only when a file's size or mtime changes."""
    return _tree_hash(TEMPLATES_DIR, "*", _tree_signature(TEMPLATES_DIR, "*"))


@lru_cache(maxsize=1)
def code_hash() -> str:
    """Hash of the assessor package's source and the renderers' versions (fixed per process)."""
    versions = []
    for dist in ("weasyprint", "python-docx", "markdown", "jinja2"):
        try:
            versions.append(f"{dist}={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist}=?")
    return _sha(_tree_hash(PACKAGE_DIR, "*.py", _tree_signature(PACKAGE_DIR, "*.py")), *versions)


_catalogue_hashes: OrderedDict[int, tuple[Any, str]] = OrderedDict()
_catalogue_lock = threading.Lock()


def catalogue_hash(catalogue: Any) -> str:
    """Version and content hash of a questionnaire, memoised per (immutable) catalogue object."""
    with _catalogue_lock:
        hit = _catalogue_hashes.get(id(catalogue))
        if hit is not None and hit[0] is catalogue:
            return hit[1]
    digest = _sha(str(catalogue.meta.version), catalogue.model_dump_json())
    with _catalogue_lock:
        _catalogue_hashes[id(catalogue)] = (catalogue, digest)  # holds a reference, so ids stay unique
        while len(_catalogue_hashes) > 8:
            _catalogue_hashes.popitem(last=False)
    return digest


def assessment_key(assessment: Any, catalogue: Any) -> str:
    """Everything a pack depends on except the document and format."""
    return _sha(
        CACHE_FORMAT, assessment.model_dump_json(), catalogue_hash(catalogue), templates_hash(), code_hash()
    )


def document_key(assessment_key: str, doc_id: str, fmt: str) -> str:
    return _sha(assessment_key, doc_id, fmt)


class RenderCache:
    """Thread-safe LRU of ``key -> bytes``, bounded by total size, over an optional disk folder."""

    def __init__(self, max_bytes: int = DEFAULT_MEMORY_MB * 1024 * 1024, folder: Path | str | None = None):
        self.max_bytes = max_bytes
        self.folder = Path(folder) if folder else None
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        self._writes = 0

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return data
        data = self._read_disk(key)
        with self._lock:
            if data is None:
                self.misses += 1
                return None
            self.hits += 1
        self._remember(key, data)
        return data

    def put(self, key: str, data: bytes) -> None:
        data = bytes(data)
        self._remember(key, data)
        self._write_disk(key, data)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def _remember(self, key: str, data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = data
            self._size += len(data)
            while self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    # disk

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / key

    def _read_disk(self, key: str) -> bytes | None:
        if self.folder is None:
            return None
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        digest, data = blob[:32], blob[32:]
        if hashlib.sha256(data).digest() != digest:  # torn or tampered: drop it
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        return data

    def _write_disk(self, key: str, data: bytes) -> None:
        if self.folder is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(hashlib.sha256(data).digest() + data)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            return  # a cache that cannot write is only slower
        with self._lock:
            self._writes += 1
            prune = self._writes % 100 == 0
        if prune:
            self._prune()

    def _prune(self) -> None:
        assert self.folder is not None
        dated = []
        for p in self.folder.glob("??/*"):
            if not p.name.startswith("."):
                with contextlib.suppress(OSError):
                    dated.append((p.stat().st_mtime, p))
        if len(dated) <= DISK_MAX_FILES:
            return
        dated.sort()
        for _, p in dated[: len(dated) - DISK_MAX_FILES]:
            with contextlib.suppress(OSError):
                p.unlink()


_default: RenderCache | None = None
_default_lock = threading.Lock()


def default_cache() -> RenderCache | None:
    """The process-wide cache configured from the environment (None when turned off)."""
    global _default
    mb = float(os.environ.get("ASSESSOR_RENDER_CACHE_MB", "") or DEFAULT_MEMORY_MB)
    if mb <= 0:
        return None
    folder = os.environ.get("ASSESSOR_RENDER_CACHE_DIR") or None
    with _default_lock:
        if (
            _default is None
            or _default.max_bytes != int(mb * 1024 * 1024)
            or _default.folder != (Path(folder) if folder else None)
        ):
            _default = RenderCache(int(mb * 1024 * 1024), folder)
        return _default


def disk_cache() -> RenderCache | None:
    """Only the files-on-disk layer (for one-shot commands), when ASSESSOR_RENDER_CACHE_DIR is set."""
    folder = os.environ.get("ASSESSOR_RENDER_CACHE_DIR")
    return RenderCache(0, folder) if folder else None
