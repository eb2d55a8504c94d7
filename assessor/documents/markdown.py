"""Our rendered HTML to Markdown (CommonMark with GitHub-style tables).

All text is escaped, so answer text that looks like Markdown or HTML stays
literal: brackets, emphasis and code markers are backslash-escaped (so no link or
image can form), ``<`` and ``>`` become entities (so no HTML tag can form), and
``&`` is escaped where it would otherwise start an entity. Characters that only
matter at the start of a line (``#``, ``-``, ``+``, ``=``, ``>``, "1.") are
escaped there. Our own markup (headings, lists, tables, bold) is the only
Markdown in the output.

No link can form from text, not even the autolinks that GitHub, VS Code and
Streamlit make from a bare ``https://...``, ``www....``, ``name@example.org`` or
``example.org``: some of those renderers find them after escapes are undone, so
escaping is not enough. Any word that could become one is written as a code span
(```www.example.org```), which no renderer links, and whose text copies exactly.
The PDF's invisible break points (zero-width spaces) are removed, so an address
is the address typed.
"""

from __future__ import annotations

import re

from assessor.documents.html import SOFT_BREAK
from assessor.documents.tree import Node, Run, inline_runs, parse, split_blocks

_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]{}|~])")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(\s*)([#+=>-])")
_ORDERED_MARKER = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")  # "1. " starts a list; "002.R7" does not


# A word (no spaces, backticks or table pipes) that some renderer could turn into a link:
# a scheme (https:, mailto:, file:), www., an @, or something shaped like a domain name.
WORD = re.compile(r"[^\s`|]+")
LINKABLE = re.compile(
    r"[a-z][a-z0-9+.-]*://|mailto:|xmpp:|^//|www\.|@|[\w-]\.[a-z]{2,}(?![a-z0-9])|[\w-]\.[a-z]{2,}\.", re.I
)


_AROUND = re.compile(r"([(“‘]*)(.*?)([.,;:!?)”’]*)", re.S)


def _plain(text: str) -> str:
    text = _ENTITY_LIKE.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return _INLINE_SPECIALS.sub(r"\\\1", text)


def _code_span(word: str) -> str:
    """``word`` as a code span: shown literally, never linked (its text has no backtick)."""
    return f"`{word}`"


def escape(text: str) -> str:
    """Escape text so that no Markdown, HTML or link can form from it (line starts aside)."""
    text = text.replace(SOFT_BREAK, "")
    out, last = [], 0
    for match in WORD.finditer(text):
        if LINKABLE.search(match[0]):
            # Punctuation around the word ("(help@example.org),") stays outside the span, as
            # text, so that it reads as a sentence; the span still holds everything linkable.
            lead, core, trail = _AROUND.fullmatch(match[0]).groups()  # type: ignore[union-attr]
            if "(" in core and ")" in trail:  # a bracket the word opened stays with it
                core, trail = core + trail[: trail.rindex(")") + 1], trail[trail.rindex(")") + 1 :]
            if not LINKABLE.search(core):
                lead, core, trail = "", match[0], ""
            out.append(_plain(text[last : match.start()] + lead))
            out.append(_code_span(core))
            out.append(_plain(trail))
            last = match.end()
    out.append(_plain(text[last:]))
    return "".join(out)


def _escape_line_starts(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(
        _ORDERED_MARKER.sub(r"\1\\\2", _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line))
        for line in lines
    )


def html_to_markdown(html: str) -> str:
    parsed = parse(html)
    blocks = _Writer().blocks(parsed.body, indent="")
    footer = parsed.head.get("x-footer")
    if footer:
        blocks.append("---")
        blocks.append(f"*{escape(footer)}*")
    return "\n\n".join(b for b in blocks if b.strip()) + "\n"


def _emphasise(text: str, mark: str) -> str:
    """Wrap the words in ``mark`` but keep surrounding spaces outside, as Markdown needs."""
    core = text.strip(" ")
    if not core:
        return text
    start = text.index(core)
    return f"{text[:start]}{mark}{core}{mark}{text[start + len(core) :]}"


def _inline(runs: list[Run], *, newline: str = "  \n", block: bool = True) -> str:
    """Runs as Markdown; ``block`` when the text starts a line of its own."""
    out = []
    for run in runs:
        if run.newline:
            out.append(newline)
            continue
        text = escape(run.text)
        if run.bold or run.classes & {"rag", "gap"}:
            text = _emphasise(text, "**")
        elif run.italic:
            text = _emphasise(text, "*")
        out.append(text)
    text = "".join(out)
    return _escape_line_starts(text) if block else text


class _Writer:
    def blocks(self, node: Node, indent: str) -> list[str]:
        out: list[str] = []
        for part in split_blocks(node):
            if isinstance(part, list):
                out.append(self._indent(_inline(inline_runs(part)), indent))
            else:
                out.extend(self.block(part, indent))
        return out

    @staticmethod
    def _indent(text: str, indent: str) -> str:
        return "\n".join(indent + line if line else line for line in text.split("\n"))

    def block(self, node: Node, indent: str) -> list[str]:
        tag = node.tag
        if tag in ("h1", "h2", "h3", "h4"):
            level = int(tag[1])
            text = _inline(inline_runs(node.children), newline=" ", block=False)
            return [f"{indent}{'#' * level} {text}"]
        if tag == "p":
            text = _inline(inline_runs(node.children))
            if node.classes & {"doc-subtitle"}:
                text = f"*{text}*" if text else text
            return [self._indent(text, indent)]
        if tag in ("ul", "ol"):
            return [self.list(node, indent)]
        if tag == "table":
            return self.table(node, indent)
        if tag == "div" and node.classes & {"box", "overall"}:
            inner = "\n\n".join(self.blocks(node, indent=""))
            return ["\n".join(f"{indent}> {line}" if line else f"{indent}>" for line in inner.split("\n"))]
        if tag in ("colgroup", "col"):
            return []
        return self.blocks(node, indent)

    def list(self, node: Node, indent: str) -> str:
        lines: list[str] = []
        for n, item in enumerate(node.elements("li"), 1):
            marker = f"{n}." if node.tag == "ol" else "-"
            inner_indent = indent + " " * (len(marker) + 1)
            parts = []
            for part in split_blocks(item):
                if isinstance(part, list):
                    parts.append(_inline(inline_runs(part)))
                elif part.tag in ("ul", "ol"):
                    parts.append(self.list(part, inner_indent).lstrip(" "))
                else:
                    parts.append("\n\n".join(self.block(part, "")))
            body = "\n".join(parts) if parts else ""
            first, *rest = body.split("\n") if body else [""]
            lines.append(f"{indent}{marker} {first}")
            lines.extend(f"{inner_indent}{line.lstrip(' ')}" if line.strip() else "" for line in rest)
        return "\n".join(lines)

    def table(self, node: Node, indent: str) -> list[str]:
        out: list[str] = []
        caption = node.find("caption")
        if caption is not None:
            out.append(f"{indent}**{_inline(inline_runs(caption.children), newline=' ', block=False)}**")
        head = [tr for thead in node.elements("thead") for tr in thead.elements("tr")]
        body = [tr for section in node.elements("tbody", "tfoot") for tr in section.elements("tr")]
        body += node.elements("tr")
        if not head:  # a table of labelled facts: a list reads better than a headless table
            items = []
            for tr in body:
                cells = [self.cell(c) for c in tr.elements("th", "td")]
                label, values = (cells[0], cells[1:]) if tr.elements("th") else ("", cells)
                value = "; ".join(v for v in values if v)
                items.append(f"{indent}- **{label}**: {value}" if label else f"{indent}- {value}")
            return [*out, "\n".join(items)]
        header = [self.cell(c) for c in head[0].elements("th", "td")]
        width = len(header)
        rows = [f"{indent}| " + " | ".join(header) + " |", f"{indent}|" + " --- |" * width]
        for tr in body:
            cells = [self.cell(c) for c in tr.elements("th", "td")]
            cells += [""] * (width - len(cells))
            rows.append(f"{indent}| " + " | ".join(cells[:width]) + " |")
        return [*out, "\n".join(rows)]

    def cell(self, node: Node) -> str:
        """A table cell on one line, with no HTML: line breaks become " · ", list items "; "."""
        pieces = []
        for part in split_blocks(node):
            if isinstance(part, list):
                pieces.append(_inline(inline_runs(part), newline=" · ", block=False))
            else:
                pieces.append("; ".join(escape(item.text()) for item in part.find_all("li") or [part]))
        return " · ".join(p.replace("\n", " ") for p in pieces if p)
