"""Strict YAML reading that remembers where every value came from.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys and
forgets line numbers. We compose the node graph with the safe loader instead,
build plain Python data ourselves and record the position of every key and
value, so that validation errors can be reported as ``file:line:col``.

Anchors and aliases are refused: our files never need them, and refusing them
removes the "billion laughs" expansion attack outright.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assessor.errors import Problem, SourceErrors

Path_ = tuple[str | int, ...]

MAX_DEPTH = 40
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
MAX_BYTES = 1_000_000


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
        self.constructor = yaml.SafeLoader("")  # only used for scalar resolution

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.smap.values[path] = _mark(node)
        if depth > MAX_DEPTH:
            self._fail(node, f"nesting is deeper than {MAX_DEPTH} levels")
            return None
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            self._fail(node, f"unsupported value: tags like {node.tag} are not allowed")
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
            value = self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._fail(node, f"unsupported value: {getattr(exc, 'problem', None) or exc}")
            return None
        if isinstance(value, dt.datetime):
            return value.date() if value.time() == dt.time() else value
        if isinstance(value, bytes):
            self._fail(node, "binary values are not supported")
            return None
        return value

    def _fail(self, node: yaml.Node, message: str) -> None:
        line, col = _mark(node)
        self.problems.append(Problem(self.smap.path, line, col, message))


class _NoAliasComposer(yaml.composer.Composer, yaml.resolver.Resolver):
    """PyYAML's composer (nodes with positions), refusing aliases, over any event parser."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (*name) are not supported", event.start_mark
            )
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
            yaml.resolver.Resolver.__init__(self)

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


def read_file(path: Path, *, max_bytes: int = MAX_BYTES) -> tuple[Any, SourceMap]:
    return read_bytes(Path(path).read_bytes(), str(path), max_bytes=max_bytes)
