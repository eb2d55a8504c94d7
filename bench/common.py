"""Timing, rows of the results table, and profile summaries."""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = re.compile(r".*/(site-packages|lib/python3\.\d+)/")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def median(values: list[float]) -> float:
    return statistics.median(values)


def paired(
    a: Callable[[], object], b: Callable[[], object], repeats: int
) -> tuple[list[float], list[float], object, object]:
    """Time ``a`` and ``b`` alternately (order swapped each round) so drift hits both alike.

    Also returns what each gave in the first round, for checks."""
    ta: list[float] = []
    tb: list[float] = []
    outs: dict[str, object] = {}
    for n in range(repeats):
        for which in "ab" if n % 2 == 0 else "ba":
            t, out = timed(a if which == "a" else b)
            (ta if which == "a" else tb).append(t)
            outs.setdefault(which, out)
    return ta, tb, outs["a"], outs["b"]


def ratio_of_pairs(ta: list[float], tb: list[float]) -> float:
    """The median of the per-round ratios a/b."""
    return median([x / y for x, y in zip(ta, tb, strict=True)])


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


@dataclass
class Row:
    """One figure of the table. ``limit`` is the target (figure must be at most this)."""

    number: str
    name: str
    figure: float
    unit: str  # "x" (a ratio) or "ms" or "docs/s"
    target: str
    limit: float | None = None
    detail: str = ""
    checks: list[str] = field(default_factory=list)  # correctness checks that failed
    note: str = ""  # why a target is missed, with the profile
    # What the same work costs with nothing of ours in it, measured in the same run (as a ratio
    # in the figure's own terms). When it is above the target, the target is out of reach, and
    # the regression gate is twice this floor instead of twice the target.
    floor: float | None = None
    elements: int = 0  # elements drawn, for the app-rerun figure

    @property
    def met(self) -> bool | None:
        if self.checks:
            return False
        if self.limit is None:
            return None
        return self.figure <= self.limit

    def shown(self) -> str:
        if self.unit == "x":
            return f"{self.figure:.2f}×"
        if self.unit == "ms":
            return f"{self.figure:.1f} ms"
        return f"{self.figure:.2f} {self.unit}"

    def status(self) -> str:
        return {True: "met", False: "MISSED", None: "(no target)"}[self.met]


# -- profiles ------------------------------------------------------------------------------


def _where(path: str) -> str:
    path = SITE.sub("", path)
    root = str(ROOT) + "/"
    return path.removeprefix(root)


def summarise_raw(raw: Path, *, only_under: str | None = None, top: int = 14) -> str:
    """Summarise py-spy ``--format raw`` stacks: share of samples per package (self time) and
    the project functions with the most total time. ``only_under`` keeps stacks through a frame
    whose name contains that text (e.g. the script-runner thread)."""
    total: Counter[str] = Counter()
    by_package: Counter[str] = Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        if only_under and not any(only_under in f for f in frames):
            continue
        n = int(count)
        samples += n
        seen = set()
        for frame in frames:
            m = re.match(r"(.*) \((.*?):\d+\)$", frame)
            if not m:
                continue
            key = f"{m.group(1)} ({_where(m.group(2))})"
            if key not in seen:
                seen.add(key)
                total[key] += n
        m = re.match(r"(.*) \((.*?):\d+\)$", frames[-1])
        where = _where(m.group(2)) if m else frames[-1]
        by_package[where.split("/")[0].removesuffix(".py")] += n
    if not samples:
        return "(no samples)"
    lines = [f"{samples} samples. Self time by package: " + ", ".join(
        f"{name} {n / samples:.0%}" for name, n in by_package.most_common(8)
    )]  # fmt: skip
    lines.append("")
    lines.append("| share of samples | function (total time, including what it calls) |")
    lines.append("| ---: | --- |")
    shown = 0
    for key, n in total.most_common():
        if shown >= top:
            break
        if any(
            skip in key for skip in ("threading", "scriptrunner", "local_script_runner", "<module> (bench")
        ):
            continue
        if not any(
            mark in key for mark in ("assessor/", "ui/", "streamlit_app", "weasyprint/", "(yaml/", "sqlite")
        ):
            continue
        lines.append(f"| {n / samples:.0%} | `{key}` |")
        shown += 1
    return "\n".join(lines)


def py_spy_available() -> bool:
    from shutil import which

    return which("py-spy") is not None


_SPIN = "import time\nt = time.process_time()\nn = 0\nwhile time.process_time() - t < {s}:\n    n += 1\n"


def available_parallelism(seconds: float = 1.0) -> float:
    """How many CPUs' worth of work two busy processes get right now (2.0 on an idle 2-CPU
    machine; less when other work shares the CPUs). Each process spins for ``seconds`` of CPU."""
    import subprocess

    cmd = [sys.executable, "-c", _SPIN.format(s=seconds)]
    started = time.perf_counter()
    procs = [subprocess.Popen(cmd) for _ in range(2)]
    for p in procs:
        p.wait()
    return 2 * seconds / (time.perf_counter() - started)
