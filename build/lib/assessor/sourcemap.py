"""Strict YAML reading that remembers where every value came from.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys and
forgets line numbers. We compose the node graph with the safe loader instead,
build plain Python data ourselves and record the position of every key and
value, so that validation errors can be reported as ``file:line:col``.

Anchors and aliases are refused: our files never need them, and refusing them
removes the "billion laughs" expansion attack outright.

Scalars are resolved with our own YAML 1.2-style core schema, not PyYAML's YAML 1.1
resolvers: ``yes``, ``no``, ``on`` and ``off`` are text, ``1:30`` is text (1.1 read it as a
base-60 number, at a cost that grows with the square of its length), and a number may be at
most ``MAX_NUMBER`` characters long. Every value is constructed here, so a bad explicit tag
(``!!int abc``) or an impossible date (``2024-02-30``) becomes one positioned problem, never
an exception. A file may hold at most ``MAX_NODES`` values and ``MAX_ITEMS`` entries in one
list or mapping, so the work for any file under the size cap is small and bounded.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assessor.errors import Problem, SourceErrors

Path_ = tuple[str | int, ...]

MAX_DEPTH = 40
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
MAX_BYTES = 1_000_000
MAX_NODES = 20_000  # values in one file (our largest questionnaire file has about 1,400)
MAX_ITEMS = 1_000  # entries in one list or mapping (our largest has about 120)
MAX_NUMBER = 100  # characters in a number
MAX_PROBLEMS = 50  # problems reported from one file before stopping


@dataclass
class SourceMap:
    """Positions (1-based line, column) of values and keys in one file."""

    path: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def locate(self, data: Any, loc: tuple[Any, ...], *, key: bool = False) -> tuple[int, int]:
        """Best position for a pydantic-style ``loc`` within ``data``.

        Elements of ``loc`` that are not keys or indices of the data (pydantic's
        union tags, for instance) are skipped. A missing key falls back to its
        parent's position.
        """
        path: list[str | int] = []
        node = data
        for part in loc:
            if (isinstance(node, dict) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            ):
                path.append(part)
                node = node[part]
        p = tuple(path)
        if key and p in self.keys:
            return self.keys[p]
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))

    def problem(self, data: Any, loc: tuple[Any, ...], message: str, *, key: bool = False) -> Problem:
        line, col = self.locate(data, loc, key=key)
        return Problem(self.path, line, col, message)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, smap: SourceMap) -> None:
        self.smap = smap
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.smap.values[path] = _mark(node)
        if depth > MAX_DEPTH:
            self._fail(node, f"nesting is deeper than {MAX_DEPTH} levels")
            return None
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            self._fail(node, f"unsupported value: tags like {node.tag} are not allowed")
            return None
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and len(node.value) > MAX_ITEMS:
            name = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""
            what = "keys in one mapping" if isinstance(node, yaml.MappingNode) else "items in one list"
            self._fail(node, f"{name}at most {MAX_ITEMS:,} {what} (this one has {len(node.value):,})")
            return None
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self._fail(key_node, "merge keys (<<) are not supported")
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    self._fail(key_node, "keys must be plain text")
                    continue
                key = key_node.value  # the text as written: "000" stays "000"
                if key in out:
                    first = self.smap.keys[(*path, key)]
                    self._fail(key_node, f"duplicate key '{key}' (first given at line {first[0]})")
                    continue
                self.smap.keys[(*path, key)] = _mark(key_node)
                out[key] = self.build(value_node, (*path, key), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(n, (*path, i), depth + 1) for i, n in enumerate(node.value)]
        try:
            return construct_scalar(node.tag, node.value)
        except ValueError as exc:
            self._fail(node, str(exc))
            return None

    def _fail(self, node: yaml.Node, message: str) -> None:
        line, col = _mark(node)
        self.problems.append(Problem(self.smap.path, line, col, message))
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(
                Problem(self.smap.path, line, col, f"more than {MAX_PROBLEMS} problems: stopped reading here")
            )
            raise SourceErrors(self.problems)


# -- scalars: a YAML 1.2-style core schema, plus dates ----------------------------------------

_TAG = "tag:yaml.org,2002:"
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIMESTAMP = re.compile(
    r"""([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})
    (?:\.([0-9]{1,6})[0-9]*)?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::?([0-9]{2}))?))?""",
    re.X,
)


def _is_number(text: str) -> bool:
    return bool(_INT.fullmatch(text) or _FLOAT.fullmatch(text)) or text.lower() in _SPECIAL_FLOAT


def resolve_scalar(text: str) -> str:
    """The tag of a plain (unquoted) scalar: null, bool, int, float, timestamp or str."""
    if _NULL.fullmatch(text):
        return _TAG + "null"
    if text in _BOOL:
        return _TAG + "bool"
    if _INT.fullmatch(text):
        return _TAG + "int"
    if _FLOAT.fullmatch(text) or text.lower() in _SPECIAL_FLOAT:
        return _TAG + "float"
    if text[:1].isdigit() and (_DATE.fullmatch(text) or _TIMESTAMP.fullmatch(text)):
        return _TAG + "timestamp"
    return _TAG + "str"


def _shown(text: str) -> str:
    return repr(text[:40] + ("..." if len(text) > 40 else ""))


def construct_scalar(tag: str, text: str) -> Any:
    """The value of a scalar with ``tag``; ValueError with a message for people."""
    kind = tag[len(_TAG) :] if tag.startswith(_TAG) else None
    if kind == "str":
        return text
    if kind == "null":
        if not _NULL.fullmatch(text):
            raise ValueError(f"{_shown(text)} is not empty (null)")
        return None
    if kind == "bool":
        if text not in _BOOL:
            raise ValueError(f"{_shown(text)} is not true or false")
        return _BOOL[text]
    if kind in ("int", "float") and len(text) > MAX_NUMBER:
        raise ValueError(f"a number of {len(text):,} characters is too long (at most {MAX_NUMBER})")
    if kind == "int":
        if not _INT.fullmatch(text):
            raise ValueError(f"{_shown(text)} is not a whole number")
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text)
    if kind == "float":
        if text.lower() in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[text.lower()]
        if not _FLOAT.fullmatch(text):
            raise ValueError(f"{_shown(text)} is not a number")
        return float(text)
    if kind == "timestamp":
        return _timestamp(text)
    if kind == "binary":
        raise ValueError("binary values are not supported")
    raise ValueError(f"unsupported value: tags like {tag} are not allowed")


def _timestamp(text: str) -> dt.date | dt.datetime:
    match = _DATE.fullmatch(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            raise ValueError(f"{text} is not a real date (check the day and month)") from None
    match = _TIMESTAMP.fullmatch(text)
    if not match:
        raise ValueError(f"{_shown(text)} is not a date; write it as YYYY-MM-DD")
    year, month, day, hour, minute, second, fraction, zone, sign, tz_hour, tz_minute = match.groups()
    try:
        tzinfo = None
        if zone == "Z" or zone == "z":
            tzinfo = dt.UTC
        elif zone:
            offset = dt.timedelta(hours=int(tz_hour), minutes=int(tz_minute or 0))
            tzinfo = dt.timezone(-offset if sign == "-" else offset)
        value = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            int((fraction or "0").ljust(6, "0")), tzinfo=tzinfo,
        )  # fmt: skip
    except ValueError:
        raise ValueError(f"{text} is not a real date and time") from None
    return value.date() if value.time() == dt.time() and tzinfo is None else value


class _CoreResolver(yaml.resolver.BaseResolver):
    """Tags plain scalars by our core schema (``resolve_scalar``); quoted scalars are text."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            return resolve_scalar(value) if implicit[0] else _TAG + "str"
        return super().resolve(kind, value, implicit)


class _TooMany(yaml.composer.ComposerError):
    pass


class _NoAliasComposer(yaml.composer.Composer, _CoreResolver):
    """PyYAML's composer (nodes with positions), refusing aliases and counting nodes."""

    nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (*name) are not supported", event.start_mark
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooMany(
                None, None, f"the file has more than {MAX_NODES:,} values; stopped reading here",
                event.start_mark,
            )  # fmt: skip
        return super().compose_node(parent, index)


try:
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    CParser = None

if CParser is not None:

    class _Loader(_NoAliasComposer, CParser):
        """libyaml's scanner and parser (the wheels include it) under the Python composer:
        the same nodes and positions, about 15 times faster than the pure-Python parser."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            yaml.composer.Composer.__init__(self)
            _CoreResolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(_NoAliasComposer, yaml.SafeLoader):  # type: ignore[no-redef]
        pass


# What YAML 1.1 allows in a file: tab, line breaks and printable characters.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def parse_text(text: str, path: str) -> tuple[Any, SourceMap]:
    """Parse one YAML (or JSON) document; raise SourceErrors listing every problem."""
    smap = SourceMap(path)
    if "\x00" in text:
        raise SourceErrors([Problem(path, 1, 1, "this is a binary file, not YAML text")])
    bad = _UNPRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        code = f"U+{ord(bad.group()):04X}"
        raise SourceErrors(
            [Problem(path, line, col, f"a control character ({code}) is not allowed; remove it")]
        )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except _TooMany as exc:
        mark = exc.problem_mark
        raise SourceErrors([Problem(path, mark.line + 1, mark.column + 1, str(exc.problem))]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or str(exc)
        if exc.context:
            message = f"{exc.context}: {message}"
        lines = text.splitlines()
        if mark and mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t":
            message += " (a tab: indent with spaces)"
        raise SourceErrors([Problem(path, line, col, f"not valid YAML: {message}")]) from None
    except yaml.YAMLError as exc:
        raise SourceErrors([Problem(path, 1, 1, f"not valid YAML: {exc}")]) from None
    except RecursionError:
        raise SourceErrors([Problem(path, 1, 1, "nesting is too deep to read")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise SourceErrors([Problem(path, 1, 1, "the file is empty")])
    builder = _Builder(smap)
    data = builder.build(node, ())
    if builder.problems:
        raise SourceErrors(builder.problems)
    return data, smap


def read_bytes(raw: bytes, path: str, *, max_bytes: int = MAX_BYTES) -> tuple[Any, SourceMap]:
    """Decode and parse file contents, with a size cap and a clear encoding error."""
    if len(raw) > max_bytes:
        raise SourceErrors(
            [Problem(path, 1, 1, f"the file is {len(raw):,} bytes; the limit is {max_bytes:,}")]
        )
    if b"\x00" in raw:
        raise SourceErrors([Problem(path, 1, 1, "this is a binary file, not YAML text")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceErrors([Problem(path, line, col, "the file is not UTF-8 text")]) from None
    return parse_text(text, path)


def read_capped(path: Path | str, *, max_bytes: int = MAX_BYTES) -> bytes:
    """A regular file's bytes, checked before reading: type (a FIFO or a device is refused
    without waiting on it), then size; at most ``max_bytes`` + 1 bytes are ever read.

    Raises SourceErrors for a file that is not a regular file or is over the cap, and
    FileNotFoundError or another OSError when it cannot be opened."""
    name = str(path)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file (a device, pipe or socket)"
            raise SourceErrors([Problem(name, 1, 1, f"this is {what}; give an assessment file")])
        if st.st_size > max_bytes:
            raise SourceErrors(
                [Problem(name, 1, 1, f"the file is {st.st_size:,} bytes; the limit is {max_bytes:,}")]
            )
        os.set_blocking(fd, True)
        chunks, left = [], max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_file(path: Path, *, max_bytes: int = MAX_BYTES) -> tuple[Any, SourceMap]:
    return read_bytes(read_capped(path, max_bytes=max_bytes), str(path), max_bytes=max_bytes)
