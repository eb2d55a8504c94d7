"""Command line: ``python -m assessor <command>``.

Everything the CLI prints goes through ``printable``: control characters (C0 and C1, so no
terminal escape sequence, bell or carriage return), bidi controls and line separators in
values, file names and messages are shown as ``\\uXXXX``, so a file received by email cannot
retitle or clear the terminal or print a fake line. Every file is written through
``assessor.output.OutputFolder``. Errors are messages, never tracebacks.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from assessor.catalogue import DEFAULT_DIR, load_catalogue
from assessor.errors import SourceErrors
from assessor.output import OutputError, OutputFolder

# C0 controls but tab and newline, DEL and C1, bidi marks, embeddings, overrides and isolates,
# and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character written out as ``\\uXXXX``."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _Printable:
    """A text stream that escapes control characters in everything written to it."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable(text))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


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
    from assessor.schema import assessment_schema_text, schema_text

    text = assessment_schema_text() if args.assessment else schema_text()
    if args.write:
        target = Path(args.write)
        OutputFolder(target.parent).write(target.name, text.encode("utf-8"))
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
    from assessor.documents.workers import check_settings

    check_settings()  # a bad ASSESSOR_RENDER_* value is refused before any work
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
    changes = None
    if args.changes_since:
        from assessor.diff import compare

        changes = compare(load_assessment(Path(args.changes_since), catalogue), assessment, catalogue)
    out = OutputFolder(args.output)
    out.check()  # an existing file as -o, or a folder that cannot be made, before rendering

    def progress(done: int, total: int, title: str) -> None:
        print(f"[{done}/{total}] {title}: {', '.join(formats)}", flush=True)

    try:  # one pack per process: only a disk cache (ASSESSOR_RENDER_CACHE_DIR) could help
        files = render_pack(
            assessment, catalogue, formats, progress=progress, cache=disk_cache() or False, changes=changes
        )
    except RenderError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 1
    for name, data in files.items():
        out.write(name, data)
    print(f"wrote {len(files)} file{'s' if len(files) != 1 else ''} to {out.root}")
    if args.zip:
        from assessor.documents.batch import folder_name

        archive = out.write(
            f"{folder_name(Path(args.file), set())}-policy-pack.zip",
            pack_zip(files, assessment.meta.assessed_on),
        )
        print(f"wrote {archive}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from assessor.assessment import load_assessment
    from assessor.diff import compare, format_changes

    catalogue = load_catalogue(args.questionnaires)
    old = load_assessment(Path(args.old), catalogue)
    new = load_assessment(Path(args.new), catalogue)
    changes = compare(old, new, catalogue, documents=not args.no_documents)
    if args.json:
        import dataclasses

        print(json.dumps(dataclasses.asdict(changes), indent=2, default=str, ensure_ascii=False))
    else:
        sys.stdout.write(format_changes(changes))
    return 0


def _pack_batch(args: argparse.Namespace, formats: tuple[str, ...]) -> int:
    from assessor.documents.batch import run_batch

    folder = Path(args.batch)
    if not folder.is_dir():
        print(f"{folder}: not a folder", file=sys.stderr)
        return 2
    catalogue = load_catalogue(args.questionnaires)
    OutputFolder(args.output).check()
    report = run_batch(
        folder, Path(args.output), catalogue, formats, score_only=args.score_only, zip_packs=args.zip
    )
    return 1 if report.failed else 0


def _today(args: argparse.Namespace):
    import datetime as dt

    return args.today or dt.date.today()


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _assessment_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml") and p.is_file())


def cmd_due(args: argparse.Namespace) -> int:
    """Every overdue review and action across a folder (or one file). Exit 1 when anything is
    overdue, 2 when nothing is but a file could not be read, 0 when all is in time."""
    from assessor.assessment import load_assessment
    from assessor.followup import overdue
    from assessor.scoring import score

    target = Path(args.dir)
    if not target.exists():
        print(f"{target}: no such file or folder", file=sys.stderr)
        return 2
    paths = _assessment_files(target) if target.is_dir() else [target]
    catalogue = load_catalogue(args.questionnaires)
    today = _today(args)
    late = failed = 0
    for path in paths:
        try:
            assessment = load_assessment(path, catalogue)
        except SourceErrors as exc:
            failed += 1
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        community = f" ({assessment.meta.community})" if assessment.meta.community else ""
        for item in overdue(assessment, score(assessment, catalogue), today):
            late += 1
            print(f"{path.name}: {assessment.organisation.name}{community}: {item.describe()}")
    n = len(paths)
    summary = f"{late} overdue item{'s' if late != 1 else ''} across {n} assessment{'s' if n != 1 else ''}"
    summary += f" on {today.isoformat()}" + (
        f"; {failed} file{'s' if failed != 1 else ''} could not be read" if failed else ""
    )
    print(summary, file=sys.stderr if late or failed else sys.stdout)
    return 1 if late else 2 if failed else 0


EXPORT_FORMATS = ("csv", "xlsx", "ics")


def cmd_export(args: argparse.Namespace) -> int:
    from assessor.assessment import load_assessment
    from assessor.exports import exports
    from assessor.followup import calendar_ics
    from assessor.scoring import score

    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in EXPORT_FORMATS]
    if unknown or not formats:
        print(
            f"--format: use some of {', '.join(EXPORT_FORMATS)} (not {', '.join(unknown) or 'nothing'})",
            file=sys.stderr,
        )
        return 2
    catalogue = load_catalogue(args.questionnaires)
    assessment = load_assessment(Path(args.file), catalogue)
    out = OutputFolder(args.output)
    out.check()
    result = score(assessment, catalogue)
    files = {
        name: data
        for name, data in exports(assessment, result, catalogue, _today(args)).items()
        if name.rsplit(".", 1)[1] in formats
    }
    if "ics" in formats:
        seed = f"{assessment.organisation.name}\n{assessment.meta.community or ''}"
        files["follow-up.ics"] = calendar_ics(assessment, result, seed=seed)
    for name, data in files.items():
        print(f"wrote {out.write(name, data)}")
    return 0


def cmd_portfolio(args: argparse.Namespace) -> int:
    from assessor.portfolio import load_folder, portfolio_html, portfolio_pdf

    folder = Path(args.dir)
    if not folder.is_dir():
        print(f"{folder}: not a folder", file=sys.stderr)
        return 2
    catalogue = load_catalogue(args.questionnaires)
    out = OutputFolder(args.output)
    out.check()
    p = load_folder(folder, catalogue, _today(args))
    for problem in p.problems:
        print(problem, file=sys.stderr)
    if not p.communities:
        print(f"{folder}: no assessment could be read", file=sys.stderr)
        return 1
    width = max(len(c.name) for c in p.communities)
    for c in p.communities:
        review = f"review overdue since {c.review_due}" if c.review_overdue else f"review by {c.review_due}"
        print(
            f"{c.name:<{width}}  {c.overall.label:<6}  {c.open_critical} open critical  {review}  ({c.source})"
        )
    if "html" in args.format:
        print(f"wrote {out.write('portfolio.html', portfolio_html(p).encode('utf-8'))}")
    if "pdf" in args.format:
        print(f"wrote {out.write('portfolio.pdf', portfolio_pdf(p))}")
    return 1 if p.problems else 0


def cmd_ui(args: argparse.Namespace) -> int:
    """``streamlit run`` on the app, in this Python (this process becomes Streamlit, so signals
    reach it directly, as in a container). Installed as a package (``pipx install .``), the
    default SQLite file goes in the user's data folder, not inside the installation."""
    app = Path(__file__).resolve().parent.parent / "streamlit_app.py"
    env = dict(os.environ)
    if not env.get("ASSESSOR_DB") and "site-packages" in app.parts:
        data = Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "assessor"
        env["ASSESSOR_DB"] = str(data / "assessor.sqlite3")
    env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    extra = args.streamlit_args[1:] if args.streamlit_args[:1] == ["--"] else args.streamlit_args
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        f"--server.port={args.port}", f"--server.address={args.address}", *extra,
    ]  # fmt: skip
    sys.stdout.flush()
    os.chdir(app.parent)
    os.execve(sys.executable, command, env)
    return 0  # not reached


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
    p.add_argument(
        "--assessment",
        action="store_true",
        help="the schema of an assessment file instead of a questionnaire file",
    )
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("diff", help="what changed between two versions of an assessment")
    p.add_argument("old", help="the earlier version (YAML)")
    p.add_argument("new", help="the later version (YAML)")
    p.add_argument("--json", action="store_true", help="print the changes as JSON")
    p.add_argument(
        "--no-documents", action="store_true", help="skip comparing the documents' wording (faster)"
    )
    p.set_defaults(func=cmd_diff)

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
        "--changes-since",
        metavar="OLD",
        help="add a page for trustees to the risk assessment: the changes since OLD (the approved version's file)",
    )
    p.add_argument(
        "--score-only",
        action="store_true",
        help="with --batch: score each assessment (score.json in its subfolder) without writing documents",
    )
    p.set_defaults(func=cmd_pack)

    p = sub.add_parser(
        "due", help="list overdue reviews and actions in a folder of assessments (exit 1 if any)"
    )
    p.add_argument("dir", help="folder of assessment files (*.yaml, *.yml), or one file")
    p.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="the date to check against (default: today)"
    )
    p.set_defaults(func=cmd_due)

    p = sub.add_parser("export", help="action plan and risk register as CSV and Excel, and a calendar (.ics)")
    p.add_argument("file", help="assessment file (YAML)")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="folder to write the files to")
    p.add_argument("--format", default="csv,xlsx,ics", help="comma-separated: csv, xlsx, ics (default: all)")
    p.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="for days overdue (default: today)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("portfolio", help="several communities side by side: a one-page trustee summary PDF")
    p.add_argument("dir", help="folder of assessment files (*.yaml, *.yml), one per community")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="folder to write portfolio.pdf to")
    p.add_argument(
        "--format",
        default="pdf",
        choices=("pdf", "html", "pdf,html", "html,pdf"),
        help="pdf (default), html or both",
    )
    p.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="the date of the summary (default: today)"
    )
    p.set_defaults(func=cmd_portfolio)

    from assessor.cli_hosted import add_parser as add_hosted

    add_hosted(sub)  # org ...: hosted mode, acting as a member through the checked store

    p = sub.add_parser("ui", help="start the web app (Streamlit); other options go to `streamlit run`")
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default: 8501)")
    p.add_argument("--address", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("streamlit_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_ui)

    for name in ("coverage", "score", "validate", "pack", "due", "export", "portfolio", "diff"):
        sub.choices[name].add_argument(
            "--questionnaires", default=str(DEFAULT_DIR), metavar="DIR", help="questionnaire folder"
        )
    return parser


def main(argv: list[str] | None = None) -> int:
    from assessor.documents.workers import SettingError

    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Printable(sys.stdout), _Printable(sys.stderr)
    try:
        args = build_parser().parse_args(argv)
        try:
            return args.func(args)
        except SourceErrors as exc:
            return _print_problems(exc)
        except SettingError as exc:
            print(exc, file=sys.stderr)
            return 2
        except OutputError as exc:
            print(exc, file=sys.stderr)
            return 1
        except FileNotFoundError as exc:
            print(f"{exc.filename}: no such file", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"{exc.filename or 'error'}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130
        except Exception as exc:  # a bug: say so plainly (ASSESSOR_DEBUG=1 shows the traceback)
            if os.environ.get("ASSESSOR_DEBUG"):
                raise
            print(f"internal error ({type(exc).__name__}: {exc}); please report it", file=sys.stderr)
            return 70
    finally:
        sys.stdout, sys.stderr = streams
