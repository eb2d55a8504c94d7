"""Untrusted text in the app's Markdown: shown literally, and no link can form from it (issue 15, class 9)."""

from __future__ import annotations

import re

import pytest

from assessor.documents.markdown import LINKABLE
from ui.text import md

LINKY = [
    "www.evil.example",
    "Visit https://evil.example/login now",
    "mail me at lead@evil.example",
    "Brightwater Youth (brightwater.org.uk)",
    "file:///etc/passwd",
    "[click](javascript:alert(1))",
]


def _outside_code_spans(markdown: str) -> str:
    return re.sub(r"`[^`]*`", " ", markdown)


@pytest.mark.parametrize("text", LINKY)
def test_no_linkable_word_is_left_outside_a_code_span(text):
    shown = md(text)
    outside = _outside_code_spans(shown).replace("\\", "")
    assert not LINKABLE.search(outside), shown


@pytest.mark.parametrize("text", ["Plain words, 50% and #1!", "Line one\nLine two", "**bold** _it_ <b>x</b>"])
def test_ordinary_text_is_escaped_not_wrapped(text):
    shown = md(text)
    assert "`" not in shown.replace("\\`", "")
    assert re.sub(r"\\(.)", r"\1", shown).replace("  \n", "\n") == text
