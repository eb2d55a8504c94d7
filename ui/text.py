"""Showing untrusted text (organisation names, notes) inside Streamlit Markdown, literally."""

from __future__ import annotations

import re

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def md(text: object) -> str:
    """Escape every ASCII punctuation mark so no link, image, directive, maths or markup can form."""
    return _PUNCT.sub(r"\\\1", str(text)).replace("\n", "  \n")
