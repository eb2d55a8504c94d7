"""The policy pack: documents written from an assessment, as PDF, DOCX and Markdown.

One Jinja HTML template per document (in ``templates/``) is the single source of
its wording; DOCX and Markdown are converted from the same rendered HTML.

For the app::

    from assessor.documents import available_documents, render_document, render_pack, pack_zip

    specs = available_documents(assessment, catalogue)        # [DocumentSpec(id, title, stem)]
    pdf = render_document("policy_statement", assessment, catalogue, "pdf")
    files = render_pack(assessment, catalogue, ["pdf", "docx"], progress=callback)
    archive = pack_zip(files, assessment.meta.assessed_on)

Documents are converted in warm worker processes (``workers.py``), several at once, each
with a time limit and a memory cap; any failure is a :class:`RenderError` whose message names
the document. Rendered bytes are cached by a hash of the answers, questionnaire, templates and
code (``cache.py``), so an unchanged pack comes back at once. WeasyPrint and python-docx are
imported only by the workers, never by the calling process.
"""

from assessor.documents.pack import (
    FORMATS,
    DocumentSpec,
    available_documents,
    check_formats,
    pack_zip,
    render_document,
    render_pack,
)
from assessor.documents.workers import RenderError, RenderPool

__all__ = [
    "FORMATS",
    "DocumentSpec",
    "RenderError",
    "RenderPool",
    "available_documents",
    "check_formats",
    "pack_zip",
    "render_document",
    "render_pack",
]
