"""The one writer: every file the CLI and the batch write goes through ``OutputFolder``.

* A name is resolved inside the output folder: it is a relative path of plain parts, with no
  ``..``, no absolute path, no empty or ``.`` part and no NUL, or it is refused.
* Nothing is written through a symbolic link. Each folder below the output folder is opened
  relative to its parent with ``O_NOFOLLOW``, and a name that is already a symlink is refused,
  so a link planted inside the folder cannot send a write elsewhere.
* A file is written to a temporary name in its own folder, then renamed over the final name,
  so a full disk or a failed write leaves the previous file (or none), never half a file.
* A full disk, a read-only or forbidden folder, or a file where a folder should be becomes an
  ``OutputError`` whose message says what happened and what to do; no traceback.

The output folder itself is the user's choice: it may be reached through a symlink given on
the command line, and is created (with its parents) if missing.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path, PurePosixPath

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class OutputError(Exception):
    """A file could not be written. The message is for people."""


def _explain(exc: OSError, where: str) -> OutputError:
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        why = "the disk is full (or the file is over a size limit); free some space and run again"
    elif code == errno.EROFS:
        why = "the folder is on a read-only disk; choose another output folder with -o"
    elif code in (errno.EACCES, errno.EPERM):
        why = "permission denied; choose a folder you can write to with -o"
    elif code == errno.ELOOP:
        why = "it is a symbolic link, which is never followed when writing; remove the link"
    elif code in (errno.ENOTDIR, errno.EEXIST):
        why = "a file is in the way of a folder: it is not a folder; move it or choose another -o"
    elif code == errno.EISDIR:
        why = "a folder is in the way of the file; move it or choose another -o"
    elif code == errno.ENAMETOOLONG:
        why = "the name is too long for this disk"
    else:
        why = exc.strerror or str(exc)
    return OutputError(f"{where}: not written: {why}")


def safe_parts(name: str) -> tuple[str, ...]:
    """The parts of a relative name that stays inside its folder, or OutputError."""
    if not name or "\x00" in name or "\\" in name:
        raise OutputError(f"{name!r}: not written: not a plain file name")
    path = PurePosixPath(name)
    parts = path.parts
    if path.is_absolute() or not parts or any(p in ("", ".", "..") for p in parts) or name.endswith("/"):
        raise OutputError(f"{name!r}: not written: the name would leave the output folder")
    return parts


class OutputFolder:
    """Writes files under one folder; see the module docstring."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.written: list[Path] = []

    def _open_root(self) -> int:
        try:
            if self.root.exists() and not self.root.is_dir():
                raise OSError(errno.ENOTDIR, "Not a directory")
            self.root.mkdir(parents=True, exist_ok=True)
            return os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            if exc.errno in (errno.ENOTDIR, errno.EEXIST):
                raise OutputError(f"{self.root}: is not a folder; give a folder with -o") from None
            raise _explain(exc, str(self.root)) from None

    def check(self) -> None:
        """Create the folder now, or raise OutputError (before any work is done)."""
        os.close(self._open_root())

    def write(self, name: str, data: bytes) -> Path:
        """Write ``data`` as ``name`` (relative, may hold folders) atomically; the path written."""
        parts = safe_parts(name)
        where = str(self.root / name)
        fd = self._open_root()
        try:
            for part in parts[:-1]:
                child = self._enter(fd, part, where)
                os.close(fd)
                fd = child
            self._replace(fd, parts[-1], data, where)
        finally:
            os.close(fd)
        path = self.root / name
        self.written.append(path)
        return path

    @staticmethod
    def _enter(fd: int, part: str, where: str) -> int:
        """Open (creating it if needed) the folder ``part`` under ``fd``, never through a link."""
        try:
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, 0o777, dir_fd=fd)
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR) and stat.S_ISLNK(
                    os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode
                ):
                    raise OSError(errno.ELOOP, "symbolic link") from None
                raise
        except OSError as exc:
            raise _explain(exc, where) from None
        return child

    @staticmethod
    def _replace(fd: int, name: str, data: bytes, where: str) -> None:
        tmp = f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            try:
                st = os.stat(name, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                pass
            else:
                if stat.S_ISLNK(st.st_mode):
                    raise OSError(errno.ELOOP, "symbolic link")
                if stat.S_ISDIR(st.st_mode):
                    raise OSError(errno.EISDIR, "is a folder")
            out = os.open(tmp, _FILE_FLAGS, 0o666, dir_fd=fd)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(out, view) :]
            finally:
                os.close(out)
            os.rename(tmp, name, src_dir_fd=fd, dst_dir_fd=fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=fd)
            raise _explain(exc, where) from None
