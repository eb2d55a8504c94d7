"""Parse our own rendered HTML into a small tree, for the DOCX and Markdown converters.

The templates use a restricted subset of HTML (headings, paragraphs, lists, tables,
a few inline elements), so a small tree built with the standard library parser is
enough. Text is kept exactly as the browser would show it: entities decoded and
white space collapsed, so answer text arrives as literal characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SMALL_CLASSES = frozenset({"small", "cite", "responsible", "note"})
INLINE = frozenset({"strong", "b", "em", "i", "span", "small", "br", "a", "code", "sup", "sub"})
VOID = frozenset({"br", "meta", "link", "col", "img", "hr", "input", "wbr"})
SKIP = frozenset({"head", "script", "style", "template"})
_SPACE = re.compile(r"[ \t\n\r\f]+")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def elements(self, *tags: str) -> list[Node]:
        """Child elements, optionally only those with the given tags."""
        return [c for c in self.children if isinstance(c, Node) and (not tags or c.tag in tags)]

    def find_all(self, tag: str) -> list[Node]:
        out = []
        for child in self.elements():
            if child.tag == tag:
                out.append(child)
            out.extend(child.find_all(tag))
        return out

    def find(self, tag: str) -> Node | None:
        found = self.find_all(tag)
        return found[0] if found else None

    def text(self) -> str:
        """All text inside, white space collapsed."""
        return " ".join("".join(_texts(self)).split())


def _texts(node: Node) -> list[str]:
    out: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            out.append(child)
        elif child.tag == "br":
            out.append(" ")
        else:
            out.extend(_texts(child))
    return out


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]
        self.head: dict[str, str] = {}
        self._title: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and "name" in values:
            self.head[values["name"]] = values.get("content", "")
        if tag == "title":
            self._title = []
        node = Node(tag, values)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title is not None:
            self.head["title"] = "".join(self._title).strip()
            self._title = None
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)
        self.stack[-1].children.append(data)


@dataclass
class Document:
    body: Node
    head: dict[str, str]  # <title> under "title", and <meta name=...> contents


def parse(html: str) -> Document:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    body = builder.root.find("body") or builder.root
    return Document(body, builder.head)


# -- inline runs --------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    small: bool = False
    classes: frozenset[str] = frozenset()
    newline: bool = False  # a <br>


def inline_runs(nodes: list[Node | str]) -> list[Run]:
    """Inline content as formatted runs, white space collapsed and trimmed like HTML."""
    runs: list[Run] = []

    def walk(items: list[Node | str], bold: bool, italic: bool, small: bool, classes: frozenset[str]) -> None:
        for item in items:
            if isinstance(item, str):
                text = _SPACE.sub(" ", item)
                if text:
                    runs.append(Run(text, bold, italic, small, classes))
            elif item.tag == "br":
                runs.append(Run("", newline=True))
            elif item.tag not in SKIP:
                walk(
                    item.children,
                    bold or item.tag in ("strong", "b"),
                    italic or item.tag in ("em", "i"),
                    small or item.tag == "small" or bool(item.classes & SMALL_CLASSES),
                    classes | item.classes,
                )

    walk(nodes, False, False, False, frozenset())
    return _collapse(runs)


def _collapse(runs: list[Run]) -> list[Run]:
    """Drop spaces at line starts and ends and double spaces across runs."""
    out: list[Run] = []
    at_line_start = True
    for run in runs:
        if run.newline:
            if out and not out[-1].newline:
                out[-1] = _rstrip(out[-1])
            out.append(run)
            at_line_start = True
            continue
        text = run.text
        if at_line_start or (out and not out[-1].newline and out[-1].text.endswith(" ")):
            text = text.lstrip(" ")
        if not text:
            continue
        out.append(Run(text, run.bold, run.italic, run.small, run.classes))
        at_line_start = False
    while out and out[-1].newline:
        out.pop()
    if out:
        out[-1] = _rstrip(out[-1])
    return [r for r in out if r.text or r.newline]


def _rstrip(run: Run) -> Run:
    return Run(run.text.rstrip(" "), run.bold, run.italic, run.small, run.classes, run.newline)


def split_blocks(node: Node) -> list[list[Node | str] | Node]:
    """A block's children as a sequence of inline groups (lists) and block elements (Nodes)."""
    parts: list[list[Node | str] | Node] = []
    current: list[Node | str] = []
    for child in node.children:
        if isinstance(child, str) or child.tag in INLINE:
            current.append(child)
        else:
            if current:
                parts.append(current)
                current = []
            parts.append(child)
    if current:
        parts.append(current)
    return [p for p in parts if isinstance(p, Node) or inline_runs(p)]
