"""The policy pack: documents written from an assessment, as PDF, DOCX and Markdown.

One Jinja HTML template per document (in ``templates/``) is the single source of
its wording; DOCX and Markdown are converted from the same rendered HTML.

For the app::

    from assessor.documents import available_documents, render_document, render_pack, pack_zip

    specs = available_documents(assessment, catalogue)        # [DocumentSpec(id, title, stem)]
    pdf = render_document("policy_statement", assessment, catalogue, "pdf")
    files = render_pack(assessment, catalogue, ["pdf", "docx"], progress=callback)
    archive = pack_zip(files, assessment.meta.assessed_on)

WeasyPrint and python-docx are imported only when a PDF or DOCX is rendered.
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

__all__ = [
    "FORMATS",
    "DocumentSpec",
    "available_documents",
    "check_formats",
    "pack_zip",
    "render_document",
    "render_pack",
]
