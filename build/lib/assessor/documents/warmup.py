"""Preloaded by the render workers' fork server (see ``workers.py``); not for other use.

Importing this module imports the converters and renders one small page in every bundled
font face and in each format, so that each worker forked afterwards starts with WeasyPrint,
python-docx, the Jinja templates and the fonts already loaded. The fork server is a fresh,
single-threaded process, so forking it is safe.
"""

from __future__ import annotations

import contextlib

from assessor.documents import docx, markdown, pack, pdf  # noqa: F401  (imported for the workers)
from assessor.documents.html import environment

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>warm-up</title>
<link rel="stylesheet" href="assets/pack.css"></head><body><main><h1>Warm-up</h1>
<p>Regular <strong>bold</strong> <em>italic</em> <strong><em>bold italic</em></strong>.</p>
<table><tr><th>a</th><td>b</td></tr></table><ul><li>one</li></ul></main></body></html>"""


def warm() -> None:
    environment()  # the Jinja environment, built once per process
    for fmt in ("pdf", "docx", "md"):
        # Only an optimisation: a real render reports any problem properly.
        with contextlib.suppress(Exception):
            pack._convert(_PAGE, fmt)


warm()
