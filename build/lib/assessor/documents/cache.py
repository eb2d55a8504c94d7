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

Two layers: an in-process LRU bounded in bytes (``ASSESSOR_RENDER_CACHE_MB``, default 256,
0 to 65536; ``0`` turns caching off), and, when ``ASSESSOR_RENDER_CACHE_DIR`` names a folder,
files on disk. The disk layer is off by default: rendered documents hold the organisation's
details, so keep that folder as private as the drafts database. On disk:

* the folder and its sub-folders are created 0700 and each entry 0600;
* every entry is signed: an HMAC-SHA256 over its cache key and its bytes, with a 32-byte secret
  kept beside the folder (``<folder>.key``, created 0600). A key file that is not a regular
  file of ours, private to us, turns the disk layer off;
* an entry is served only when its signature checks, so a forged entry, one swapped from another
  key, or a torn one is dropped and the document rendered afresh;
* no symbolic link is followed when reading, writing or pruning (each step is opened relative to
  its folder with ``O_NOFOLLOW``), and entries are written to a temporary name, then renamed.

With several app servers, the layer under memory is shared, so that a document one server
rendered is not rendered again by another: either a folder on a shared volume (the disk layer
above), or, when ``ASSESSOR_DB`` is a ``postgresql://`` address and no folder is set, a table in
that database (``store/postgres.py``: ``PostgresRenderCache``, bounded by
``ASSESSOR_RENDER_CACHE_DB_MB``, default 1024; ``0`` turns it off). Each process keeps its own
memory layer and its own render pool.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.metadata
import os
import re
import secrets
import stat
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

from assessor.documents.html import TEMPLATES_DIR

PACKAGE_DIR = Path(__file__).resolve().parent.parent
CACHE_FORMAT = "1"
DEFAULT_MEMORY_MB = 256
DEFAULT_DB_MB = 1024
DISK_MAX_FILES = 5000
DISK_MAX_ENTRY = 256 * 1024 * 1024  # bytes: no document comes near this
_MAGIC = b"assessor-cache-2\n"
_KEY_NAME = re.compile(r"[0-9a-f]{64}")
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _O_CLOEXEC


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
    """Thread-safe LRU of ``key -> bytes``, bounded by total size, over an optional disk folder
    and an optional ``shared`` layer (an object with ``get(key)`` and ``put(key, data)``)."""

    def __init__(
        self,
        max_bytes: int = DEFAULT_MEMORY_MB * 1024 * 1024,
        folder: Path | str | None = None,
        shared: Any = None,
    ):
        self.max_bytes = max_bytes
        self.folder = Path(folder) if folder else None
        self.shared = shared
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        self._writes = 0
        self._key: bytes | None = None  # the signing key, read on first disk use (b"": unusable)

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return data
        data = self._read_disk(key)
        if data is None and self.shared is not None and _KEY_NAME.fullmatch(key):
            data = self.shared.get(key)
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
        if self.shared is not None and _KEY_NAME.fullmatch(key):
            self.shared.put(key, data)

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

    def _secret(self) -> bytes | None:
        """The signing key beside the folder, created on first use; None (disk layer off) when
        it is not a regular file owned by us and private to us."""
        if self._key is not None or self.folder is None:
            return self._key or None
        path = self.folder.parent / f"{self.folder.name}.key"
        try:
            self.folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | _O_CLOEXEC)
            except FileNotFoundError:
                tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _O_CLOEXEC, 0o600)
                try:
                    os.write(fd, secrets.token_bytes(32))
                finally:
                    os.close(fd)
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, path)  # publish whole; if another process won, use its key
                os.unlink(tmp)
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | _O_CLOEXEC)
            try:
                st = os.fstat(fd)
                key = os.read(fd, 64)
            finally:
                os.close(fd)
        except OSError:
            key, st = b"", None
        if (
            st is None
            or not stat.S_ISREG(st.st_mode)
            or st.st_uid != os.geteuid()
            or st.st_mode & 0o077
            or len(key) != 32
        ):
            self._key = b""  # unusable: the disk layer stays off
            return None
        self._key = key
        return key

    def _sign(self, secret: bytes, key: str, data: bytes) -> bytes:
        return hmac.new(secret, key.encode("ascii") + b"\0" + data, hashlib.sha256).digest()

    def _root_fd(self, create: bool) -> int | None:
        """The cache folder, opened without following a link; created 0700 when ``create``."""
        assert self.folder is not None
        try:
            if create:
                self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.folder, _DIR)
        except OSError:
            return None
        st = os.fstat(fd)
        if st.st_uid != os.geteuid():
            os.close(fd)
            return None
        if st.st_mode & 0o077:
            with contextlib.suppress(OSError):
                os.fchmod(fd, 0o700)
        return fd

    def _sub_fd(self, root: int, name: str, create: bool) -> int | None:
        try:
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(name, 0o700, dir_fd=root)
            return os.open(name, _DIR, dir_fd=root)
        except OSError:  # missing, or a symlink (ELOOP, ENOTDIR): never followed
            return None

    def _read_disk(self, key: str) -> bytes | None:
        if self.folder is None or not _KEY_NAME.fullmatch(key):
            return None
        secret = self._secret()
        if secret is None:
            return None
        root = self._root_fd(create=False)
        if root is None:
            return None
        try:
            sub = self._sub_fd(root, key[:2], create=False)
            if sub is None:
                return None
            try:
                try:
                    fd = os.open(key, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _O_CLOEXEC, dir_fd=sub)
                except OSError:
                    return None
                try:
                    st = os.fstat(fd)
                    if not stat.S_ISREG(st.st_mode) or st.st_size > DISK_MAX_ENTRY + 64:
                        blob = b""
                    else:
                        with os.fdopen(os.dup(fd), "rb") as f:
                            blob = f.read(DISK_MAX_ENTRY + 64)
                finally:
                    os.close(fd)
                head = len(_MAGIC)
                mac, data = blob[head : head + 32], blob[head + 32 :]
                if blob[:head] == _MAGIC and hmac.compare_digest(mac, self._sign(secret, key, data)):
                    return data
                with contextlib.suppress(OSError):  # forged, swapped or torn: drop it
                    os.unlink(key, dir_fd=sub)
                return None
            finally:
                os.close(sub)
        finally:
            os.close(root)

    def _write_disk(self, key: str, data: bytes) -> None:
        if self.folder is None or not _KEY_NAME.fullmatch(key) or len(data) > DISK_MAX_ENTRY:
            return
        secret = self._secret()
        if secret is None:
            return
        root = self._root_fd(create=True)
        if root is None:
            return
        try:
            sub = self._sub_fd(root, key[:2], create=True)
            if sub is None:
                return
            tmp = f".tmp-{secrets.token_hex(8)}"
            try:
                fd = os.open(
                    tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _O_CLOEXEC, 0o600, dir_fd=sub
                )
                try:
                    with os.fdopen(os.dup(fd), "wb") as f:
                        f.write(_MAGIC + self._sign(secret, key, data) + data)
                finally:
                    os.close(fd)
                os.rename(tmp, key, src_dir_fd=sub, dst_dir_fd=sub)  # replaces a link, never follows it
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(tmp, dir_fd=sub)
                return  # a cache that cannot write is only slower
            finally:
                os.close(sub)
        finally:
            os.close(root)
        with self._lock:
            self._writes += 1
            prune = self._writes % 100 == 0
        if prune:
            self._prune()

    def _prune(self, keep: int = DISK_MAX_FILES) -> None:
        """Keep the ``keep`` most recent entries; links and anything not ours are skipped."""
        root = self._root_fd(create=False)
        if root is None:
            return
        dated = []
        try:
            for top in os.scandir(root):
                if len(top.name) != 2 or not top.is_dir(follow_symlinks=False):
                    continue
                sub = self._sub_fd(root, top.name, create=False)
                if sub is None:
                    continue
                try:
                    for entry in os.scandir(sub):
                        if _KEY_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                            with contextlib.suppress(OSError):
                                dated.append(
                                    (entry.stat(follow_symlinks=False).st_mtime, top.name, entry.name)
                                )
                finally:
                    os.close(sub)
            if len(dated) <= keep:
                return
            dated.sort()
            for _, top_name, name in dated[: len(dated) - keep]:
                sub = self._sub_fd(root, top_name, create=False)
                if sub is not None:
                    with contextlib.suppress(OSError):
                        os.unlink(name, dir_fd=sub)
                    os.close(sub)
        finally:
            os.close(root)


_default: RenderCache | None = None
_default_lock = threading.Lock()


def cache_megabytes() -> float:
    """ASSESSOR_RENDER_CACHE_MB, checked (raises workers.SettingError when out of range)."""
    from assessor.documents.workers import setting

    return setting("ASSESSOR_RENDER_CACHE_MB", DEFAULT_MEMORY_MB, 0, 65536, "of MiB")


def shared_database() -> tuple[str, int] | None:
    """(ASSESSOR_DB, bytes) when rendered documents are shared through PostgreSQL, else None."""
    from assessor.documents.workers import setting
    from assessor.store import is_postgres_url

    url = os.environ.get("ASSESSOR_DB", "")
    if not is_postgres_url(url) or os.environ.get("ASSESSOR_RENDER_CACHE_DIR"):
        return None
    mb = setting("ASSESSOR_RENDER_CACHE_DB_MB", DEFAULT_DB_MB, 0, 1048576, "of MiB")
    return (url, int(mb * 1024 * 1024)) if mb > 0 else None


_shared: Any = None


def default_cache() -> RenderCache | None:
    """The process-wide cache configured from the environment (None when turned off)."""
    global _default, _shared
    mb = cache_megabytes()
    if mb <= 0:
        return None
    folder = os.environ.get("ASSESSOR_RENDER_CACHE_DIR") or None
    database = shared_database()
    with _default_lock:
        shared_now = (_shared.url, _shared.max_bytes) if _shared is not None else None
        if (
            _default is None
            or _default.max_bytes != int(mb * 1024 * 1024)
            or _default.folder != (Path(folder) if folder else None)
            or shared_now != database
        ):
            if _shared is not None:
                _shared.close()
                _shared = None
            if database is not None:
                from assessor.store.postgres import PostgresRenderCache

                _shared = PostgresRenderCache(*database)
            _default = RenderCache(int(mb * 1024 * 1024), folder, _shared)
        return _default


def disk_cache() -> RenderCache | None:
    """Only the files-on-disk layer (for one-shot commands), when ASSESSOR_RENDER_CACHE_DIR is set."""
    folder = os.environ.get("ASSESSOR_RENDER_CACHE_DIR")
    return RenderCache(0, folder) if folder else None
