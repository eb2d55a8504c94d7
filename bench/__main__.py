"""``python -m bench`` (full; writes BENCHMARKS.md) or ``python -m bench --quick`` (CI).

Both print the table. The exit code is 1 when a correctness check fails (parallel output
differs from serial, the cache serves a changed answer, ...) or when a figure is more than
twice its target (a regression); a full-run target missed by less than that is reported in
BENCHMARKS.md with the reason and a profile, and is not an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

from bench import app, pack
from bench.common import ROOT, Row, load_average, log

SECTIONS = ("overhead", "parallel", "cache", "rerun", "cold", "batch", "harfbuzz")


def gate(row: Row) -> float | None:
    """A figure fails the run when it is more than twice its target (a regression), or, where
    Streamlit's own floor for the same work (measured in the same run) is above the target,
    more than twice that floor."""
    if row.limit is None:
        return None
    return 2 * max(row.limit, row.floor or 0.0)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def table(rows: list[Row]) -> str:
    lines = [
        "| # | figure | measured | target | result | how it was measured |",
        "| --- | --- | ---: | --- | --- | --- |",
    ]
    for r in rows:
        detail = r.detail + ("" if not r.checks else " — FAILED CHECK: " + "; ".join(r.checks))
        lines.append(f"| {r.number} | {r.name} | {r.shown()} | {r.target} | {r.status()} | {detail} |")
    return "\n".join(lines)


def plain(rows: list[Row]) -> str:
    width = max(len(r.name) for r in rows)
    out = [f"{'#':<3} {'figure':<{width}} {'measured':>10}  {'target':<22} result"]
    for r in rows:
        out.append(f"{r.number:<3} {r.name:<{width}} {r.shown():>10}  {r.target:<22} {r.status()}")
    return "\n".join(out)


# -- why a target was missed ----------------------------------------------------------------


def explain(row: Row, quick: bool) -> None:
    """Attach the reason for a missed target, backed by a py-spy profile (full runs only)."""
    from bench import profile

    if row.number == "4":
        summary = profile.record("rerun", "300", only_under="_run_script")
        row.note = (
            "The one-widget app's rerun is AppTest's fixed cost per run (queueing the rerun, running a "
            f"two-line script, collecting one element). A risk-area page draws {row.elements} elements: for each "
            "question a bordered block, the answer widget, the 'why we ask' panel and the notes field, "
            "plus the headings, the navigation and the sidebar. Streamlit spends a roughly constant "
            "time on each element, so the same page drawn by a static script with nothing of ours in "
            "it (row 4b: every string inlined, no loading, visibility, progress or saving) is already "
            f"{row.floor:.1f}× the one-widget app, and the app is {row.figure / row.floor:.2f}× that "
            "floor. Meeting 1.5× would mean a page of about five elements: one question per screen, "
            "or dropping the help and notes, which the questionnaire needs. Work done to get here: "
            "the store writes compact JSON instead of YAML and keeps one connection open (a save of a "
            "full assessment 19 → 0.44 ms), progress is counted once per saved revision instead of on every rerun, the router "
            "lives in a module (Streamlit recompiles the entry script on every rerun), and each "
            "question draws two fewer elements. The profile below (py-spy, the script thread only, "
            "300 answers) shows where a rerun goes now.\n\n" + summary
        )
    elif row.number == "5":
        summary = profile.record("first-run")
        row.note = (
            "Both apps pay for starting Streamlit and for Chromium loading its front end; on its "
            "first run the app also imports its own modules (the pydantic models of the questionnaire "
            "and the assessment, scoring, the store) and draws the start page. Profile of the app's "
            "first run in a fresh process (py-spy; AppTest, so without the server and browser parts "
            "both apps share):\n\n" + summary
        )
    elif row.number in ("1", "2"):
        summary = profile.record("pack", "2")
        row.note = (
            "Profile of a serial PDF pack of the audit example (py-spy): WeasyPrint's layout and PDF "
            "writing against the project's own code (context, templates).\n\n" + summary
        )
    elif row.number == "3":
        row.note = "The cache is a dictionary lookup per file; a miss here means something else ran."


def critical_path(rows: list[Row], notes: dict[str, list[str]]) -> None:
    """For the parallel figure: the best any 2-worker schedule could do, from measured job times."""
    from assessor.assessment import load_assessment
    from assessor.catalogue import default_catalogue
    from assessor.documents.context import build_context
    from assessor.documents.pack import _convert, _html, _specs

    catalogue = default_catalogue()
    for path in pack.EXAMPLES:
        a = load_assessment(path, catalogue)
        ctx = build_context(a, catalogue)
        specs = _specs(ctx)
        for formats in (("pdf", "docx", "md"), ("pdf",)):
            jobs = []
            for spec in specs:
                html = _html(spec, ctx, specs)
                for fmt in formats:
                    t0 = time.perf_counter()
                    _convert(html, fmt)
                    jobs.append((time.perf_counter() - t0, spec.id, fmt))
            total = sum(t for t, _, _ in jobs)
            workers = [0.0, 0.0]
            for t, _, _ in sorted(jobs, reverse=True):
                workers[workers.index(min(workers))] += t
            longest = max(jobs)
            notes.setdefault("parallel", []).append(
                f"{path.stem}, {'+'.join(formats)}: the longest single job ({longest[1]} {longest[2]}, "
                f"{longest[0]:.2f} s) is {longest[0] / total:.0%} of the serial work ({total:.2f} s), so "
                f"the best 2-worker schedule is {max(workers) / total:.2f}× serial before any overhead."
            )


# -- main -----------------------------------------------------------------------------------


def _guard(number: str, name: str, fn, *args):
    """Run one section; an exception becomes a failed row, so the other figures still count."""
    import traceback

    try:
        return fn(*args)
    except Exception as exc:
        log(traceback.format_exc())
        return Row(number, name, float("nan"), "x", "(crashed)", checks=[f"{type(exc).__name__}: {exc}"])


def run(quick: bool, only: set[str]) -> tuple[list[Row], dict[str, list[str]]]:
    repeats = 3 if quick else 5
    rows: list[Row] = []
    notes: dict[str, list[str]] = {}

    def want(name: str) -> bool:
        return not only or name in only

    def section(key: str, number: str, title: str, fn, *args) -> None:
        out = _guard(number, title, fn, *args)
        if isinstance(out, Row):
            rows.append(out)
            return
        got, extra = out
        rows.extend(got if isinstance(got, list) else [got])
        notes[key] = extra

    if want("overhead"):
        log("1. pack overhead against WeasyPrint alone")
        # A pack takes seconds and the machine's speed drifts by tens of per cent between runs, while
        # the difference measured is a few per cent: more pairs for a steadier median.
        section("overhead", "1", "Pack overhead", pack.overhead, quick, repeats if quick else 9)
    if want("parallel"):
        log("2. parallel pack against serial")
        section("parallel", "2", "Parallel pack", pack.parallel, quick, 3)
    if want("cache"):
        log("3. cache")
        rows.append(_guard("3", "Cache", pack.cache, quick, repeats))
    if want("rerun"):
        log("4. app rerun (AppTest)")
        got = _guard("4", "App rerun", app.rerun, 15 if quick else 40)
        rows.extend(got if isinstance(got, list) else [got])
    if want("cold"):
        log("5. app cold start (streamlit run + Chromium)")
        rows.append(_guard("5", "App cold start", app.cold_start, repeats))
    if want("batch"):
        log("6. batch")
        section("batch", "6", "Batch", pack.batch, quick, 3)
    if want("harfbuzz") and not quick:
        log("HarfBuzz font subsetting")
        rows.append(_guard("–", "HarfBuzz", pack.harfbuzz, repeats))
    return rows, notes


def markdown(rows: list[Row], notes: dict[str, list[str]], quick: bool, seconds: float, loads: tuple) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = [
        "# Benchmarks",
        "",
        f"Generated by `python -m bench{' --quick' if quick else ''}` on {now}; do not edit by hand. "
        "Run it again to refresh these figures.",
        "",
        f"- Machine: {_cpu_model()}, **{os.cpu_count()} CPUs** ({_usable_cpus()} usable by this process), "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, WeasyPrint {version('weasyprint')}, "
        f"Streamlit {version('streamlit')}",
        f"- Load average (1 min) at start {loads[0]:.2f}, at end {loads[1]:.2f}; the whole run took "
        f"{seconds / 60:.1f} min. Other work on the machine shows up in the load average and slows "
        "the parallel figures most.",
        "- Every figure is a ratio of two things measured in this run (or an absolute time where the "
        "target is one), as the median of several repeats; paired runs alternate their order.",
        "",
        table(rows),
        "",
        "`python -m bench --quick` (run by `.ci/run`, on fewer documents and repeats) fails when a check "
        "fails or a figure is more than twice its target: overhead > 2.2×, parallel > 1.2×, cache > 100 "
        "ms, cold start > 2.6×; the app rerun > twice the larger of its target and Streamlit's own "
        "floor for the same page (row 4b).",
    ]
    sections = {
        "overhead": "Pack overhead",
        "parallel": "Parallel pack",
        "batch": "Batch (generated assessments with varied profiles; `pack --batch`, whole command timed)",
    }
    for key, title in sections.items():
        if notes.get(key):
            head += ["", f"## {title}", ""] + [f"- {line}" for line in notes[key]]
    missed = [r for r in rows if r.met is False]
    if missed:
        head += ["", "## Targets missed, and why", ""]
        for r in missed:
            head += [
                f"### {r.number}. {r.name}: {r.shown()} (target {r.target})",
                "",
                r.note or "(no note)",
                "",
            ]
    return "\n".join(head).rstrip() + "\n"


def _hosted_section(path: Path) -> str:
    """The sections ``python -m bench.scoring`` and ``python -m bench.hosted`` wrote (by hand: paired
    runs against an older commit, and PostgreSQL), kept as they were."""
    from bench import hosted, scoring

    old = path.read_text() if path.exists() else ""
    kept = ""
    for start, end in ((scoring.START, scoring.END), (hosted.START, hosted.END)):
        if start in old and end in old:
            kept += "\n" + old[old.index(start) : old.index(end) + len(end)] + "\n"
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller inputs (for CI)")
    parser.add_argument("--only", default="", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    parser.add_argument(
        "--output",
        default=None,
        help="where to write the Markdown report (default: BENCHMARKS.md for a full run, none for --quick)",
    )
    args = parser.parse_args(argv)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    if unknown := only - set(SECTIONS):
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    started = time.perf_counter()
    load_before = load_average()
    rows, notes = run(args.quick, only)
    if not args.quick:
        if any(r.number == "2" and r.met is False for r in rows):
            critical_path(rows, notes)
        for r in rows:
            if r.met is False and not r.checks:
                log(f"profiling the missed target {r.number}")
                explain(r, args.quick)
    seconds = time.perf_counter() - started
    print(plain(rows))
    print(f"{os.cpu_count()} CPUs; {seconds:.0f} s")
    output = args.output or (None if args.quick else str(ROOT / "BENCHMARKS.md"))
    if output:
        text = markdown(rows, notes, args.quick, seconds, (load_before, load_average()))
        Path(output).write_text(text + _hosted_section(Path(output)))
        print(f"wrote {output}")
    failures = [f"{r.number}: {c}" for r in rows for c in r.checks]
    failures += [
        f"{r.number}: {r.shown()} is over its regression gate of {gate(r):.2f} (target {r.target})"
        for r in rows
        if (g := gate(r)) is not None and r.figure > g
    ]
    for line in failures:
        print(f"FAIL {line}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
