"""Command line: ``python -m assessor <command>``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assessor.catalogue import DEFAULT_DIR, load_catalogue
from assessor.errors import SourceErrors


def _print_problems(exc: SourceErrors) -> int:
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    n = len(exc.problems)
    print(f"{n} problem{'s' if n != 1 else ''} found.", file=sys.stderr)
    return 1


def cmd_check(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.dir)
    areas = len(catalogue.areas)
    questions = len(catalogue.questions())
    print(f"{args.dir}: OK ({areas} risk areas, {questions} questions, version {catalogue.meta.version})")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from assessor.schema import schema_text

    text = schema_text()
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
        print(f"wrote {args.write}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from assessor.coverage import coverage, format_matrix

    matrix = coverage(load_catalogue(args.questionnaires))
    uncovered = sorted(gid for gid, uses in matrix.items() if not uses)
    if args.json:
        print(json.dumps(matrix, indent=2))
    else:
        print(format_matrix(matrix))
    if uncovered:
        print(f"{len(uncovered)} guidance id(s) not covered: {', '.join(uncovered)}", file=sys.stderr)
        return 1
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from assessor.assessment import load_assessment

    catalogue = load_catalogue(args.questionnaires)
    assessment = load_assessment(Path(args.file), catalogue)
    answered = sum(1 for a in assessment.answers.values() if a.value not in (None, "", []))
    print(f"{args.file}: OK ({assessment.organisation.name}; {answered} answers)")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from assessor.assessment import load_assessment
    from assessor.report import format_result
    from assessor.scoring import score

    catalogue = load_catalogue(args.questionnaires)
    assessment = load_assessment(Path(args.file), catalogue)
    result = score(assessment, catalogue)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        print(format_result(result, assessment, catalogue))
    return 0


def cmd_pack(args: argparse.Namespace) -> int:
    from assessor.assessment import load_assessment
    from assessor.documents import RenderError, check_formats, pack_zip, render_pack
    from assessor.documents.cache import disk_cache

    if bool(args.file) == bool(args.batch):
        print("pack: give either an assessment FILE or --batch DIR", file=sys.stderr)
        return 2
    try:
        formats = check_formats(args.format.split(","))
    except ValueError as exc:
        print(f"--format: {exc}", file=sys.stderr)
        return 2
    if args.batch:
        return _pack_batch(args, formats)
    if args.score_only:
        print("pack: --score-only goes with --batch", file=sys.stderr)
        return 2
    catalogue = load_catalogue(args.questionnaires)
    assessment = load_assessment(Path(args.file), catalogue)
    out = Path(args.output)

    def progress(done: int, total: int, title: str) -> None:
        print(f"[{done}/{total}] {title}: {', '.join(formats)}", flush=True)

    try:  # one pack per process: only a disk cache (ASSESSOR_RENDER_CACHE_DIR) could help
        files = render_pack(assessment, catalogue, formats, progress=progress, cache=disk_cache() or False)
    except RenderError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 1
    for name, data in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(files)} file{'s' if len(files) != 1 else ''} to {out}")
    if args.zip:
        archive = out / f"{Path(args.file).stem}-policy-pack.zip"
        archive.write_bytes(pack_zip(files, assessment.meta.assessed_on))
        print(f"wrote {archive}")
    return 0


def _pack_batch(args: argparse.Namespace, formats: tuple[str, ...]) -> int:
    from assessor.documents.batch import run_batch

    folder = Path(args.batch)
    if not folder.is_dir():
        print(f"{folder}: not a folder", file=sys.stderr)
        return 2
    catalogue = load_catalogue(args.questionnaires)
    report = run_batch(
        folder, Path(args.output), catalogue, formats, score_only=args.score_only, zip_packs=args.zip
    )
    return 1 if report.failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assessor",
        description="Safeguarding risk assessment for online communities.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("check", help="validate a questionnaire folder")
    p.add_argument("dir", nargs="?", default=str(DEFAULT_DIR), help="questionnaire folder")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("coverage", help="show which questions, actions and clauses use each guidance id")
    p.add_argument("--json", action="store_true", help="print JSON: {id: [where used, ...]}")
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser("score", help="print the risk register and action plan for an assessment")
    p.add_argument("file", help="assessment file (YAML)")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("validate", help="check an assessment file against the questionnaire")
    p.add_argument("file", help="assessment file (YAML)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print (or --write) the questionnaire JSON Schema")
    p.add_argument("--write", metavar="FILE", help="write to FILE instead of printing")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("pack", help="write the policy pack (PDF, DOCX, Markdown) for an assessment")
    p.add_argument("file", nargs="?", help="assessment file (YAML)")
    p.add_argument(
        "--batch",
        metavar="DIR",
        help="every assessment file (*.yaml, *.yml) in DIR, each into its own subfolder of OUTDIR",
    )
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="folder to write the documents to")
    p.add_argument("--format", default="pdf,docx,md", help="comma-separated formats (default: pdf,docx,md)")
    p.add_argument("--zip", action="store_true", help="also write everything into one ZIP in OUTDIR")
    p.add_argument(
        "--score-only",
        action="store_true",
        help="with --batch: score each assessment (score.json in its subfolder) without writing documents",
    )
    p.set_defaults(func=cmd_pack)

    for name in ("coverage", "score", "validate", "pack"):
        sub.choices[name].add_argument(
            "--questionnaires", default=str(DEFAULT_DIR), metavar="DIR", help="questionnaire folder"
        )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SourceErrors as exc:
        return _print_problems(exc)
    except FileNotFoundError as exc:
        print(f"{exc.filename}: no such file", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
