"""Score and render every assessment in a folder: ``python -m assessor pack --batch DIR -o OUT``.

Each ``DIR/NAME.yaml`` (or ``.yml``) gets its own ``OUT/NAME/`` folder (``folder_name``: a plain,
unique name that cannot leave OUT) holding the pack as
``pack`` writes it (``pdf/01-....pdf`` and so on), or ``score.json`` with ``--score-only``.
A file that cannot be read is reported as ``file:line:col: message`` and skipped; the run
goes on, and the exit code is 1 at the end if anything failed.

Documents from all assessments share one queue on the worker pool, so the workers stay busy
while the next assessment is loaded and its HTML written.
"""

from __future__ import annotations

import itertools
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from assessor.assessment import Assessment, load_assessment
from assessor.documents.cache import assessment_key
from assessor.documents.pack import _pool_of, _specs_of, document_job, pack_zip
from assessor.documents.workers import Job, RenderError, run_here
from assessor.errors import SourceErrors
from assessor.output import OutputError, OutputFolder
from assessor.questionnaire import Catalogue
from assessor.scoring import score


@dataclass
class BatchReport:
    assessments: int = 0
    written: int = 0  # assessments whose whole pack (or score) was written
    failed: list[str] = field(default_factory=list)  # one line per failed file
    documents: int = 0  # documents rendered (each in every requested format)
    files: int = 0  # files written
    seconds: float = 0.0


@dataclass
class _Pending:
    source: Path
    folder: str  # the sub-folder of OUT, a plain name
    assessment: Assessment
    left: int
    files: dict[str, bytes] = field(default_factory=dict)
    error: str | None = None


def assessment_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".yaml", ".yml"))


_UNSAFE_NAME = re.compile(r"[^\w.-]")


def folder_name(source: Path, used: set[str]) -> str:
    """A plain folder name for ``source``, unique in ``used`` (compared without case, for
    case-blind disks): the file name without its extension, with anything but letters, digits,
    ``.``, ``_`` and ``-`` replaced and no leading dot, so it can never be ``..`` or hidden;
    ``a.yml`` beside ``a.yaml`` or ``a-yml.yaml`` gets a numbered name of its own."""
    stem = _UNSAFE_NAME.sub("_", source.stem).lstrip(".")[:100] or "assessment"
    ext = source.suffix.lstrip(".").lower()
    candidates = itertools.chain([stem, f"{stem}-{ext}"], (f"{stem}-{ext}-{n}" for n in itertools.count(2)))
    for name in candidates:
        if name.casefold() not in used:
            used.add(name.casefold())
            return name
    raise AssertionError("unreachable")


def run_batch(
    folder: Path,
    out: Path,
    catalogue: Catalogue,
    formats: tuple[str, ...],
    *,
    score_only: bool = False,
    zip_packs: bool = False,
    workers: int | None = None,
    log: TextIO | None = None,
) -> BatchReport:
    """Score (and unless ``score_only``, render) every assessment file in ``folder``."""
    log = log or sys.stdout
    err = sys.stderr if log is sys.stdout else log
    writer = OutputFolder(out)
    report = BatchReport()
    started = time.perf_counter()
    sources = assessment_files(folder)
    report.assessments = len(sources)
    used: set[str] = set()
    pending: dict[Path, _Pending] = {}

    def load(source: Path) -> Assessment | None:
        try:
            return load_assessment(source, catalogue)
        except SourceErrors as exc:
            for problem in exc.problems:
                print(problem, file=err)
            report.failed.append(f"{source}: {len(exc.problems)} problem(s)")
        except OSError as exc:
            print(f"{source}: cannot read file: {exc.strerror}", file=err)
            report.failed.append(f"{source}: cannot read file")
        except Exception as exc:  # a bug: report this file and go on with the rest
            print(f"{source}: could not be read (internal error {type(exc).__name__}: {exc})", file=err)
            report.failed.append(f"{source}: internal error")
        return None

    def write(item_source: Path, folder: str, files: dict[str, bytes]) -> bool:
        try:
            for name, data in files.items():
                writer.write(f"{folder}/{name}", data)
        except OutputError as exc:
            print(exc, file=err, flush=True)
            report.failed.append(f"{item_source}: not written")
            return False
        return True

    def finish(item: _Pending) -> None:
        if item.error:
            report.failed.append(item.error)
            return
        files = dict(item.files)
        if zip_packs:
            files[f"{item.folder}-policy-pack.zip"] = pack_zip(item.files, item.assessment.meta.assessed_on)
        if not write(item.source, item.folder, files):
            return
        report.files += len(item.files)
        report.documents += len(item.files) // len(formats)
        report.written += 1
        print(f"{item.source}: {len(item.files)} files in {out / item.folder}", file=log, flush=True)

    def jobs() -> Iterator[Job]:
        for source in sources:
            assessment = load(source)
            if assessment is None:
                continue
            target = folder_name(source, used)
            if score_only:
                result = score(assessment, catalogue)
                if not write(source, target, {"score.json": result.model_dump_json(indent=2).encode()}):
                    continue
                report.written += 1
                print(f"{source}: overall {result.overall_label}", file=log, flush=True)
                continue
            specs = _specs_of(assessment, catalogue)
            akey = assessment_key(assessment, catalogue)
            item = _Pending(source, target, assessment, left=len(specs) * len(formats))
            pending[source] = item
            batch = [
                document_job(assessment, catalogue, spec, fmt, akey, (item, f"{fmt}/{spec.stem}.{fmt}"))
                for spec in specs
                for fmt in formats
            ]
            yield from sorted(batch, key=lambda j: -j.cost)

    def done(job: Job, result: bytes | RenderError) -> None:
        item, name = job.tag
        if isinstance(result, RenderError):
            if item.error is None:
                item.error = f"{item.source}: {result}"
                print(item.error, file=err, flush=True)
        else:
            item.files[name] = result
        item.left -= 1
        if item.left == 0:
            finish(item)
            del pending[item.source]

    pool = _pool_of(workers)
    if pool is None:  # ASSESSOR_RENDER_WORKERS=0: here, one at a time, without limits
        for job in jobs():
            done(job, run_here(job))
    else:
        for job, result in pool.imap(jobs()):
            done(job, result)
    report.seconds = time.perf_counter() - started
    ok = report.written
    summary = f"{report.assessments} assessment file(s): {ok} done, {len(report.failed)} failed"
    if score_only:
        summary += f"; scored in {report.seconds:.2f} s ({ok / report.seconds:.1f} assessments/s)"
    elif report.seconds > 0:
        summary += (
            f"; {report.documents} documents ({report.files} files) in {report.seconds:.1f} s"
            f" ({report.documents / report.seconds:.2f} documents/s)"
        )
    print(summary, file=log, flush=True)
    for line in report.failed:
        print(f"failed: {line}", file=err)
    return report
