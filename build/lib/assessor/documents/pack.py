"""Which documents apply to an assessment, and rendering them in each format."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assessor.assessment import Assessment
from assessor.diff import Changes
from assessor.documents.cache import (
    RenderCache,
    assessment_key,
    catalogue_hash,
    default_cache,
    document_key,
)
from assessor.documents.context import DocumentContext, Flags, _flags, build_context
from assessor.documents.html import render_html
from assessor.documents.workers import Job, RenderError, RenderPool, default_pool, default_workers, shared
from assessor.questionnaire import Catalogue
from assessor.scoring import is_audit

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
    video_title: str | None = None  # the title when the organisation runs live video sessions


_KINDS = (
    _Kind("risk_report", "Online safety risk assessment", "risk-assessment"),
    _Kind("policy_statement", "Online safety policy statement", "online-safety-policy-statement"),
    _Kind("house_rules", "House rules and group agreement", "house-rules",
          audit_title="Group agreement for using the platform"),
    _Kind("house_rules_young", "Our rules for young people", "house-rules-young-people",
          lambda c: c.flags.under_18, "Staying safe on the platform: for young people"),
    _Kind("house_rules_easy_read", "Our rules in easy read", "house-rules-easy-read",
          lambda c: c.flags.adults_at_risk and c.flags.learning_disability),
    _Kind("staff_code", "Code of conduct for staff and volunteers online", "staff-volunteer-code-of-conduct"),
    _Kind("behaviour_code", "Behaviour code for children and young people", "behaviour-code-young-people",
          lambda c: c.flags.under_18),
    _Kind("member_code", "Member code of conduct", "member-code", lambda c: c.flags.adults or not c.flags.under_18),
    _Kind("procedure", "Moderation and escalation procedure", "escalation-procedure",
          audit_title="Concerns and escalation procedure",
          video_title="Session safety and escalation procedure"),
)  # fmt: skip


def _title(kind: _Kind, flags: Any) -> str:
    """A document's title: an audit's, a live video session's, or the usual one."""
    if flags.audit and kind.audit_title:
        return kind.audit_title
    if flags.video and flags.runs and kind.video_title:
        return kind.video_title
    return kind.title


def document_title(doc_id: str, flags: Any) -> str:
    """The title a pack with these flags gives one of its documents (for wording that names it)."""
    return _title(next(k for k in _KINDS if k.id == doc_id), flags)


def _specs(ctx: Any) -> list[DocumentSpec]:
    """The documents for a context (only ``ctx.flags`` is read), in pack order."""
    kinds = [k for k in _KINDS if k.applies(ctx)]
    return [DocumentSpec(k.id, _title(k, ctx.flags), f"{n:02d}-{k.slug}") for n, k in enumerate(kinds, 1)]


@dataclass(frozen=True)
class _FlagsOnly:
    flags: Flags


def _specs_of(assessment: Assessment, catalogue: Catalogue) -> list[DocumentSpec]:
    """The pack's documents from the profile alone: no scoring, no context, so it is quick for
    any assessment, however long its notes."""
    profile = assessment.profile
    flags = _flags(profile, is_audit(catalogue, assessment), profile.get("nation") in catalogue.nations)
    return _specs(_FlagsOnly(flags))


def available_documents(assessment: Assessment, catalogue: Catalogue) -> list[DocumentSpec]:
    """The documents this assessment calls for, in pack order."""
    return _specs_of(assessment, catalogue)


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


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in (*FORMATS, "html")]
    if unknown or not chosen:
        raise ValueError(
            f"unknown format {', '.join(unknown) or '(none)'}; use one or more of: {', '.join(FORMATS)}"
        )
    return chosen


# Relative time to render each document and format (measured on the examples): the longest
# jobs start first, so that the pack is not left waiting on the risk assessment at the end.
_DOC_COST = {
    "risk_report": 5.0, "procedure": 1.4, "policy_statement": 1.1, "staff_code": 0.9, "house_rules": 0.7,
    "member_code": 0.55, "house_rules_young": 0.4, "behaviour_code": 0.4, "house_rules_easy_read": 0.4,
}  # fmt: skip
_FMT_COST = {"pdf": 1.0, "docx": 0.25, "md": 0.03, "html": 0.01}

# In a worker: the last few contexts and HTML pages, so the formats of one pack share them.
_CONTEXTS: OrderedDict[str, tuple[DocumentContext, list[DocumentSpec]]] = OrderedDict()
_PAGES: OrderedDict[tuple[str, str], str] = OrderedDict()


def _remember(store: OrderedDict, key: Any, value: Any, size: int) -> Any:
    store[key] = value
    while len(store) > size:
        store.popitem(last=False)
    return value


def _document_task(
    akey: str,
    assessment: Assessment,
    catalogue_key: str,
    doc_id: str,
    fmt: str,
    changes: Changes | None = None,
) -> bytes:
    """Runs in a worker: context, HTML and conversion of one document in one format."""
    if akey in _CONTEXTS:
        _CONTEXTS.move_to_end(akey)
        ctx, specs = _CONTEXTS[akey]
    else:
        ctx = build_context(assessment, shared(catalogue_key), changes=changes)
        ctx, specs = _remember(_CONTEXTS, akey, (ctx, _specs(ctx)), 4)
    html = _PAGES.get((akey, doc_id))
    if html is None:
        html = _remember(_PAGES, (akey, doc_id), _html(_find(specs, doc_id), ctx, specs), 16)
    return _convert(html, fmt)


def document_job(
    assessment: Assessment,
    catalogue: Catalogue,
    spec: DocumentSpec,
    fmt: str,
    akey: str,
    tag: Any = None,
    changes: Changes | None = None,
) -> Job:
    """The worker job that renders ``spec`` in ``fmt`` (``akey``: from ``_key``)."""
    ckey = f"catalogue:{catalogue_hash(catalogue)}"
    return Job(
        _document_task,
        (akey, assessment, ckey, spec.id, fmt, changes),
        spec.title,
        fmt,
        tag,
        _DOC_COST.get(spec.id, 1.0) * _FMT_COST.get(fmt, 1.0),
        {ckey: catalogue},
    )


def _key(assessment: Assessment, catalogue: Catalogue, changes: Changes | None) -> str:
    """The cache key of everything a pack depends on: with the change page, its contents too."""
    akey = assessment_key(assessment, catalogue)
    if changes is None:
        return akey
    import hashlib

    return hashlib.sha256(f"{akey}|changes|{changes!r}".encode()).hexdigest()


def _cache_of(cache: RenderCache | bool | None) -> RenderCache | None:
    if cache is True:
        return default_cache()
    return cache or None


def _pool_of(workers: RenderPool | int | None) -> RenderPool | None:
    """The pool to use, or None to render in this process (no isolation)."""
    if isinstance(workers, RenderPool):
        return workers
    if workers == 0 or (workers is None and default_workers() == 0):
        return None
    if workers is None:
        return default_pool()
    raise TypeError("workers must be a RenderPool, 0 (render in this process) or None (the default pool)")


def _render_all(
    wanted: list[tuple[DocumentSpec, str]],
    assessment: Assessment,
    catalogue: Catalogue,
    akey: str,
    pool: RenderPool | None,
    on_done: Callable[[DocumentSpec, str, bytes], None],
    changes: Changes | None = None,
) -> None:
    """Render ``(spec, format)`` pairs, in parallel on ``pool`` (or one by one here when None).

    The first RenderError is raised at once: the jobs still running are stopped.
    """
    if pool is None:
        ctx = build_context(assessment, catalogue, changes=changes)
        specs = _specs(ctx)
        pages: dict[str, str] = {}
        for spec, fmt in wanted:
            if spec.id not in pages:
                pages[spec.id] = _html(spec, ctx, specs)
            on_done(spec, fmt, _convert(pages[spec.id], fmt))
        return
    results = pool.imap(
        [document_job(assessment, catalogue, spec, fmt, akey, spec, changes) for spec, fmt in wanted]
    )
    try:
        for job, result in results:
            if isinstance(result, RenderError):
                raise result
            on_done(job.tag, job.fmt, result)
    finally:
        results.close()  # stops and replaces any worker still busy for us


def render_document(
    doc_id: str,
    assessment: Assessment,
    catalogue: Catalogue,
    fmt: str = "pdf",
    *,
    workers: RenderPool | int | None = None,
    cache: RenderCache | bool | None = True,
    changes: Changes | None = None,
) -> bytes:
    """One document in one format ("pdf", "docx", "md"; "html" for debugging).

    Rendered in a worker process with a time limit and memory cap (raises RenderError), and
    cached by content: see ``render_pack``.
    """
    (fmt,) = check_formats([fmt])
    spec = _find(_specs_of(assessment, catalogue), doc_id)
    store = _cache_of(cache)
    akey = _key(assessment, catalogue, changes)
    key = document_key(akey, doc_id, fmt)
    if store is not None and (hit := store.get(key)) is not None:
        return hit
    out: list[bytes] = []
    _render_all(
        [(spec, fmt)], assessment, catalogue, akey, _pool_of(workers), lambda *r: out.append(r[2]), changes
    )
    if store is not None:
        store.put(key, out[0])
    return out[0]


def render_pack(
    assessment: Assessment,
    catalogue: Catalogue,
    formats: Iterable[str] = FORMATS,
    progress: Progress | None = None,
    *,
    workers: RenderPool | int | None = None,
    cache: RenderCache | bool | None = True,
    documents: Iterable[str] | None = None,
    changes: Changes | None = None,
) -> dict[str, bytes]:
    """Every applicable document in every requested format: ``{"pdf/01-....pdf": bytes}``.

    ``documents`` limits the pack to those document ids (in pack order; each must apply).
    ``changes`` (``assessor.diff.compare`` against the last approved version) adds the trustees'
    page "Changes since the version approved on …" to the risk assessment.

    Documents are rendered in parallel on the warm worker pool (``workers``: a RenderPool,
    or 0 to render one by one in this process, without limits), each with a time limit and
    a memory cap; a failure raises RenderError naming the document. Results are cached by a
    hash of the answers, questionnaire, templates and code (``cache``: True for the
    process-wide cache, False for none, or a RenderCache), so an unchanged pack comes back
    at once and any change renders afresh.

    ``progress(done, total, title)`` is called once per document as it is finished (all of its
    formats), with the number finished so far and that document's title; documents found in
    the cache count as finished first. Parallel rendering finishes them in any order.
    """
    chosen = check_formats(formats)
    specs = _specs_of(assessment, catalogue)
    if documents is not None:
        wanted = set(documents)
        for doc_id in wanted:
            _find(specs, doc_id)
        specs = [s for s in specs if s.id in wanted]
    store = _cache_of(cache)
    akey = _key(assessment, catalogue, changes)
    order = [(spec, fmt) for spec in specs for fmt in chosen]
    files: dict[tuple[str, str], bytes] = {}
    missing = []
    for spec, fmt in order:
        hit = store.get(document_key(akey, spec.id, fmt)) if store is not None else None
        if hit is None:
            missing.append((spec, fmt))
        else:
            files[spec.id, fmt] = hit
    left = {spec.id: sum(1 for s, _ in missing if s.id == spec.id) for spec in specs}
    done = 0

    def document_done(spec: DocumentSpec) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, len(specs), spec.title)

    for spec in specs:
        if left[spec.id] == 0:
            document_done(spec)

    def finished(spec: DocumentSpec, fmt: str, data: bytes) -> None:
        files[spec.id, fmt] = data
        if store is not None:
            store.put(document_key(akey, spec.id, fmt), data)
        left[spec.id] -= 1
        if left[spec.id] == 0:
            document_done(spec)

    if missing:
        _render_all(missing, assessment, catalogue, akey, _pool_of(workers), finished, changes)
    return {f"{fmt}/{spec.stem}.{fmt}": files[spec.id, fmt] for spec, fmt in order}


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
