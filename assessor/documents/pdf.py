"""HTML to tagged, accessible PDF (PDF/UA-1) with WeasyPrint.

WeasyPrint is imported inside the function so that importing this package (for
example when the app starts) stays fast.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assessor.documents.html import TEMPLATES_DIR

if TYPE_CHECKING:
    from assessor.documents.fetcher import AssetFetcher


# WeasyPrint (v70) can break a line after its first word when the break point is a space
# just before an inline element ("report it to <strong>CEOP</strong>"). Moving that space
# inside the element gives the same text and the right line breaks. Only our own tags can
# match: answer text reaches the HTML escaped.
_SPACE_BEFORE_INLINE = re.compile(r"[ \t\r\n]+<(strong|em|b|i|small|span)\b(?![^>]*\brag\b)([^>]*)>")


def avoid_inline_break_bug(html: str) -> str:
    return _SPACE_BEFORE_INLINE.sub(r"<\1\2> ", html)


def html_to_pdf(html: str, fetcher: AssetFetcher | None = None) -> bytes:
    """Render our own HTML to PDF; only files in ``templates/assets/`` can be read.

    Pass a ``fetcher`` to inspect afterwards what was asked for (tests do).
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from assessor.documents.fetcher import AssetFetcher

    fetcher = fetcher or AssetFetcher()
    # WeasyPrint copies each @font-face font into a new /tmp/weasyprint-* folder that only the font
    # configuration's __del__ removes; the configuration sits in a reference cycle, so that waits for
    # the garbage collector, and never comes in a worker that exits first (Kozea/WeasyPrint#2090).
    # Removed here as soon as the PDF is written.
    fonts = FontConfiguration()
    try:
        document = HTML(
            string=avoid_inline_break_bug(html), base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetcher
        ).render(font_config=fonts, pdf_variant="pdf/ua-1")
        document.metadata.attachments.clear()  # never embed files, whatever the HTML says
        pdf = document.write_pdf(pdf_variant="pdf/ua-1", attachments=None)
    finally:
        _remove_font_folder(fonts)
    assert pdf is not None
    return pdf


def _remove_font_folder(fonts: object) -> None:
    import shutil

    folder = getattr(fonts, "_folder", None)  # WeasyPrint 70 has no public way to clean up
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        fonts._folder = None  # type: ignore[attr-defined]  # so that __del__ does nothing later
