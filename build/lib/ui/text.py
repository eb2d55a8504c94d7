"""Showing untrusted text (organisation names, notes) inside Streamlit Markdown, literally."""

from __future__ import annotations

import re

from assessor.documents.markdown import LINKABLE, WORD

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def _escaped(text: str) -> str:
    return _PUNCT.sub(r"\\\1", text)


def md(text: object) -> str:
    """Untrusted text as Markdown that shows it literally: no link, image, directive, maths or markup.

    Every ASCII punctuation mark is escaped. Escaping does not stop Streamlit's renderer from
    turning a bare address (www., an e-mail address, a domain name) into a live link, so any word
    that could become one is shown as a code span instead, as the Markdown documents do.
    """
    text = str(text)
    out, last = [], 0
    for match in WORD.finditer(text):
        if LINKABLE.search(match[0]):
            out.append(_escaped(text[last : match.start()]))
            out.append(f"`{match[0]}`")
            last = match.end()
    out.append(_escaped(text[last:]))
    return "".join(out).replace("\n", "  \n")
