"""Which documents apply to an assessment, and rendering them in each format."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from assessor.assessment import Assessment
from assessor.documents.context import DocumentContext, build_context
from assessor.documents.html import render_html
from assessor.questionnaire import Catalogue

FORMATS = ("pdf", "docx", "md")
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DocumentSpec:
    id: str
    title: str
    stem: str  # file name without extension, numbered in pack order

    @property
    def template(self) -> str:
        return f"{self.id}.html"


def _always(_: DocumentContext) -> bool:
    return True


@dataclass(frozen=True)
class _Kind:
    id: str
    title: str
    slug: str
    applies: Callable[[DocumentContext], bool] = _always
    audit_title: str | None = None  # the title when auditing a platform the organisation does not run


_KINDS = (
    _Kind("risk_report", "Online safety risk assessment", "risk-assessment"),
    _Kind("policy_statement", "Online safety policy statement", "online-safety-policy-statement"),
    _Kind("house_rules", "House rules and group agreement", "house-rules",
          audit_title="Group agreement for using the platform"),
    _Kind("house_rules_young", "Our rules for young people", "house-rules-young-people",
          lambda c: c.flags.under_18, "Staying safe on the platform: for young people"),
    _Kind("staff_code", "Code of conduct for staff and volunteers online", "staff-volunteer-code-of-conduct"),
    _Kind("behaviour_code", "Behaviour code for children and young people", "behaviour-code-young-people",
          lambda c: c.flags.under_18),
    _Kind("member_code", "Member code of conduct", "member-code", lambda c: c.flags.adults or not c.flags.under_18),
    _Kind("procedure", "Moderation and escalation procedure", "escalation-procedure",
          audit_title="Concerns and escalation procedure"),
)  # fmt: skip


def _specs(ctx: DocumentContext) -> list[DocumentSpec]:
    kinds = [k for k in _KINDS if k.applies(ctx)]
    return [
        DocumentSpec(k.id, (ctx.flags.audit and k.audit_title) or k.title, f"{n:02d}-{k.slug}")
        for n, k in enumerate(kinds, 1)
    ]


def available_documents(assessment: Assessment, catalogue: Catalogue) -> list[DocumentSpec]:
    """The documents this assessment calls for, in pack order."""
    return _specs(build_context(assessment, catalogue))


def _html(spec: DocumentSpec, ctx: DocumentContext, specs: list[DocumentSpec]) -> str:
    return render_html(spec.template, c=ctx, spec=spec, pack=specs)


def _convert(html: str, fmt: str) -> bytes:
    if fmt == "pdf":
        from assessor.documents.pdf import html_to_pdf

        return html_to_pdf(html)
    if fmt == "docx":
        from assessor.documents.docx import html_to_docx

        return html_to_docx(html)
    if fmt == "md":
        from assessor.documents.markdown import html_to_markdown

        return html_to_markdown(html).encode("utf-8")
    if fmt == "html":
        return html.encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")


def _find(specs: list[DocumentSpec], doc_id: str) -> DocumentSpec:
    for spec in specs:
        if spec.id == doc_id:
            return spec
    known = ", ".join(s.id for s in specs)
    raise KeyError(f"document {doc_id!r} does not apply to this assessment (available: {known})")


def render_document(doc_id: str, assessment: Assessment, catalogue: Catalogue, fmt: str = "pdf") -> bytes:
    """One document in one format ("pdf", "docx", "md"; "html" for debugging)."""
    ctx = build_context(assessment, catalogue)
    specs = _specs(ctx)
    return _convert(_html(_find(specs, doc_id), ctx, specs), fmt)


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in (*FORMATS, "html")]
    if unknown or not chosen:
        raise ValueError(
            f"unknown format {', '.join(unknown) or '(none)'}; use one or more of: {', '.join(FORMATS)}"
        )
    return chosen


def render_pack(
    assessment: Assessment,
    catalogue: Catalogue,
    formats: Iterable[str] = FORMATS,
    progress: Progress | None = None,
) -> dict[str, bytes]:
    """Every applicable document in every requested format: ``{"pdf/01-....pdf": bytes}``.

    ``progress(done, total, title)`` is called before each document and once at the end.
    """
    chosen = check_formats(formats)
    ctx = build_context(assessment, catalogue)
    specs = _specs(ctx)
    files: dict[str, bytes] = {}
    for n, spec in enumerate(specs):
        if progress:
            progress(n, len(specs), spec.title)
        html = _html(spec, ctx, specs)
        for fmt in chosen:
            files[f"{fmt}/{spec.stem}.{fmt}"] = _convert(html, fmt)
    if progress:
        progress(len(specs), len(specs), "done")
    return files


def pack_zip(files: Mapping[str, bytes], date: dt.date, folder: str = "policy-pack") -> bytes:
    """A ZIP of rendered files. Same files and date, same bytes (entries dated ``date``)."""
    buffer = io.BytesIO()
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{path}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[path])
    return buffer.getvalue()
