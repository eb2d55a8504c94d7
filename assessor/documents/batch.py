"""Score and render every assessment in a folder: ``python -m assessor pack --batch DIR -o OUT``.

Each ``DIR/NAME.yaml`` (or ``.yml``) gets its own ``OUT/NAME/`` folder holding the pack as
``pack`` writes it (``pdf/01-....pdf`` and so on), or ``score.json`` with ``--score-only``.
A file that cannot be read is reported as ``file:line:col: message`` and skipped; the run
goes on, and the exit code is 1 at the end if anything failed.

Documents from all assessments share one queue on the worker pool, so the workers stay busy
while the next assessment is loaded and its HTML written.
"""

from __future__ import annotations

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
    folder: Path
    assessment: Assessment
    left: int
    files: dict[str, bytes] = field(default_factory=dict)
    error: str | None = None


def assessment_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".yaml", ".yml"))


def _out_folder(out: Path, source: Path, used: set[str]) -> Path:
    name = source.stem
    if name in used:  # a.yaml and a.yml
        name = f"{source.stem}-{source.suffix.lstrip('.')}"
    used.add(name)
    return out / name


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
        return None

    def finish(item: _Pending) -> None:
        if item.error:
            report.failed.append(item.error)
            return
        for name, data in item.files.items():
            path = item.folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        report.files += len(item.files)
        report.documents += len(item.files) // len(formats)
        if zip_packs:
            archive = item.folder / f"{item.source.stem}-policy-pack.zip"
            archive.write_bytes(pack_zip(item.files, item.assessment.meta.assessed_on))
        report.written += 1
        print(f"{item.source}: {len(item.files)} files in {item.folder}", file=log, flush=True)

    def jobs() -> Iterator[Job]:
        for source in sources:
            assessment = load(source)
            if assessment is None:
                continue
            target = _out_folder(out, source, used)
            if score_only:
                target.mkdir(parents=True, exist_ok=True)
                result = score(assessment, catalogue)
                (target / "score.json").write_text(result.model_dump_json(indent=2), encoding="utf-8")
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
