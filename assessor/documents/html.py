"""Render a document template to HTML.

Autoescape is always on and undefined names are errors. Every value printed with
``{{ }}`` first passes ``_clean``, which removes characters that XML, DOCX and PDF
cannot hold, so answer text can never become markup or break a format.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"
ASSETS_DIR = TEMPLATES_DIR / "assets"

# C0/C1 controls except tab and newline, bidi embeddings, overrides and isolates (they can
# reverse the text that follows an answer), lone surrogates and non-characters.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
_CITED = re.compile(r'data-guidance="([^"]*)"')


# Where a line may break: ordinary spaces and the Unicode spaces that allow a break. No-break
# spaces (U+00A0, U+2007, U+202F), joiners and other invisible characters do not, so a run of
# them is one long "word" and gets break points like any other.
_BREAKING = " \t\n\r\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000"
_LONG_RUN = re.compile(f"[^{_BREAKING}\u200b]{{40,}}")
# Any run of more than 8 spaces of any kind (breaking or not, but not line breaks) is shortened
# to 8: layout engines hang such runs at the end of a line, at a cost that grows with the run.
_SPACE_RUN = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{9,}")
SOFT_BREAK = "\u200b"  # zero-width space: an invisible place where a line may break (PDF only)
CLIP = 2000  # characters of a free-text note or answer shown in a document
MAX_MARKS = 8  # combining marks kept on one character
SHORTENED = " […shortened: the full text is in the assessment file]"


def strip_unsafe(text: str) -> str:
    """Remove characters that XML 1.0 and PDF text cannot carry (keeps \\n and \\t)."""
    return _UNSAFE.sub("", text)


def soft_breaks(text: str) -> str:
    """Offer a line break every 30 characters inside long unbroken runs.

    Without these, WeasyPrint's search for a break in a very long "word" is quadratic:
    a 20,000-character run took 16 s, a 100,000-character one minutes. The zero-width
    space is invisible and is dropped when text is copied out of the PDF; the Word and
    Markdown writers remove it (they break lines themselves), so their text is unchanged.
    """
    return _LONG_RUN.sub(lambda m: SOFT_BREAK.join(m[0][i : i + 30] for i in range(0, len(m[0]), 30)), text)


def cap_marks(text: str, limit: int = MAX_MARKS) -> str:
    """At most ``limit`` combining marks on any one character ("Zalgo" floods of thousands
    of marks on one letter cost the shaper and the layout dearly, and mean nothing)."""
    if text.isascii():
        return text
    out, run = [], 0
    for ch in text:
        if ch >= "\u0300" and unicodedata.category(ch) in ("Mn", "Me"):
            run += 1
            if run > limit:
                continue
        else:
            run = 0
        out.append(ch)
    return "".join(out) if len(out) != len(text) else text


def clip(text: str | None, limit: int | None = None) -> str:
    """At most ``limit`` (default ``CLIP``) characters of free text, marked when shortened."""
    limit = CLIP if limit is None else limit
    if not text or len(text) <= limit:
        return text or ""
    return text[:limit] + SHORTENED


_CLAUSE_END = re.compile(r"[,;:(]|\s(?:and|or|so|because|with|for example)\s")


def gist(text: str | None, least: int = 6, most: int = 14) -> str:
    """A question's opening clause, for a list whose full wording is elsewhere (the questionnaire,
    or the action that closes the gap): the text up to the first clause break after ``least``
    words, at most ``most`` words, marked with an ellipsis when shortened."""
    from assessor.documents.claims import NEVER_ASK

    text = " ".join((text or "").split())
    words = text.split(" ")
    # A list of what staff never ask for is a safety message: it is never cut short.
    if len(words) <= most or NEVER_ASK.search(text):
        return text
    head = " ".join(words[:least])
    m = _CLAUSE_END.search(text, len(head))
    cut = text[: m.start()] if m else text
    if len(cut.split(" ")) > most:
        cut = " ".join(words[:most])
    cut = cut.rstrip(",;:. ")
    return cut if cut == text.rstrip(". ") else cut + "…"


def limit_text(text: str) -> str:
    """What reaches the renderer from any one value: unsafe characters removed, combining marks
    capped, space runs shortened, clipped to ``CLIP`` characters (marked), with break points in
    long runs. Applied to every value a template prints, so no template can forget it."""
    text = _SPACE_RUN.sub(lambda m: m[0][:8], cap_marks(strip_unsafe(text)))
    if len(text) > CLIP and not text.endswith(SHORTENED):
        text = clip(text)
    return soft_breaks(text)


def _clean(value: Any) -> Any:
    if isinstance(value, Markup):  # output of our own macros, already cleaned
        return value
    if isinstance(value, str):
        return limit_text(value)
    return "" if value is None else value


def long_date(value: dt.date | None) -> str:
    """10 January 2026 (UK style, no leading zero)."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def no_full_stop(value: str) -> str:
    """Text without a closing full stop, for templates that add their own."""
    return value.rstrip().rstrip(".")


def possessive(name: str) -> str:
    """The possessive of a name: "Northfield Young Carers’", "Sam’s" (a typographic apostrophe)."""
    name = name.rstrip()
    if not name:
        return name
    return name + ("’" if name[-1] in "sS" else "’s")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        finalize=_clean,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["nodot"] = no_full_stop
    env.filters["possessive"] = possessive
    env.filters["clip"] = clip
    env.filters["gist"] = gist
    env.filters["lookup"] = lambda key, mapping: mapping[key]
    return env


def _natural(gid: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", gid)]


def cited_ids(html: str) -> list[str]:
    """Guidance ids named by ``data-guidance`` attributes, in natural order (003.H9 before 003.H10)."""
    found = {gid for match in _CITED.finditer(html) for gid in match.group(1).split()}
    return sorted(found, key=_natural)


def render_html(template: str, **context: Any) -> str:
    """Render ``template`` twice: the second pass lists the guidance the first pass cited."""
    tmpl = environment().get_template(template)
    first = tmpl.render(context, references=[])
    return tmpl.render(context, references=cited_ids(first))
