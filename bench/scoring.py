"""Scoring throughput, paired against an earlier commit: ``python -m bench.scoring``.

Each side runs in its own process from its own tree (the base commit is checked out in a
temporary git worktree), builds the same number of generated assessments with its own
``bench/generate.py`` and catalogue (the same seeds), warms up, then times ``score()`` over all of
them in several passes. The figure for one run is assessments per CPU-second (``process_time``,
so time the process spends waiting for a core on a shared machine is not counted), as the median
of its passes. Runs alternate base and head, so a change in the machine's load hits both; the
report gives each pair's ratio (head ÷ base), their median and their spread.

    python -m bench.scoring --base ff6e3cf --pairs 10 --count 300 --passes 5

With ``--distinct`` every pass scores assessments the process has not scored before, so results the
scorer shares between assessments (findings, caps, visible sections) are found again less often.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, load_average

# BENCHMARKS.md keeps the figures between these markers when ``python -m bench`` rewrites it.
START, END = "<!-- scoring:start (python -m bench.scoring) -->", "<!-- scoring:end -->"

# The last commit before issue 11's scoring changes whose questionnaire loads (the commits between
# it and 70e386b add content ahead of its models, or change only the store and platforms).
BASE = "ff6e3cf"

CHILD = r"""
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from assessor.catalogue import load_catalogue
from assessor.scoring import score
from bench.generate import assessment
from pathlib import Path
count, passes, distinct = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
catalogue = load_catalogue(Path(sys.argv[1]) / "questionnaires")
if distinct:  # every pass scores assessments not scored before, after 20 others as a warm-up
    warm = [assessment(catalogue, n, seed=7) for n in range(20)]
    runs = [[assessment(catalogue, 20 + p * count + n, seed=7) for n in range(count)] for p in range(passes)]
else:  # the same assessments in every pass (the first 20 are the warm-up)
    items = [assessment(catalogue, n, seed=7) for n in range(count)]
    warm, runs = items[:20], [items] * passes
for a in warm:
    score(a, catalogue)
rates = []
for items in runs:
    t0 = time.process_time()
    for a in items:
        score(a, catalogue)
    rates.append(count / (time.process_time() - t0))
print(json.dumps({"rate": statistics.median(rates), "rates": rates}))
"""


def _run(tree: Path, count: int, passes: int, distinct: bool = False) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(count), str(passes), "1" if distinct else "0"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["rate"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scoring", description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=BASE, help="commit to compare with (default: before issue 11)")
    parser.add_argument(
        "--head", default=None, help="commit to measure (default: this working tree, as it is)"
    )
    parser.add_argument("--pairs", type=int, default=10, help="paired runs, alternating which goes first")
    parser.add_argument("--count", type=int, default=300, help="generated assessments per run")
    parser.add_argument("--passes", type=int, default=5, help="timed passes per run (median taken)")
    parser.add_argument(
        "--distinct",
        action="store_true",
        help="each pass scores assessments not scored before (caches shared between assessments help less)",
    )
    args = parser.parse_args(argv)
    # Stopped with SIGTERM, still remove the base tree (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as tmp:
        base_tree = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base_tree), args.base],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        head_tree = ROOT
        if args.head is not None:
            head_tree = Path(tmp) / "head"
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(head_tree), args.head],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        try:
            head_rev = subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=head_tree, capture_output=True, text=True
            ).stdout.strip()
            dirty = subprocess.run(
                ["git", "status", "--porcelain", "--", "assessor", "questionnaires"],
                cwd=head_tree,
                capture_output=True,
                text=True,
            ).stdout.strip()
            load_before = load_average()
            base_rates, head_rates, ratios = [], [], []
            for i in range(args.pairs):
                order = [("base", base_tree), ("head", head_tree)]
                if i % 2:
                    order.reverse()
                got = {name: _run(tree, args.count, args.passes, args.distinct) for name, tree in order}
                base_rates.append(got["base"])
                head_rates.append(got["head"])
                ratios.append(got["head"] / got["base"])
                print(
                    f"pair {i + 1}: base {got['base']:.1f}/s, head {got['head']:.1f}/s, "
                    f"ratio {ratios[-1]:.3f} (load {load_average():.2f})",
                    flush=True,
                )
            q = statistics.quantiles(ratios, n=4) if len(ratios) >= 2 else [ratios[0]] * 3
            print(
                f"base {args.base}, head {head_rev}{' (uncommitted changes)' if dirty else ''}; "
                f"{args.count} assessments x {args.passes} passes per run"
                f"{' (distinct assessments in every pass)' if args.distinct else ''}, {args.pairs} pairs\n"
                f"base median {statistics.median(base_rates):.1f}/s "
                f"(range {min(base_rates):.1f}-{max(base_rates):.1f}); "
                f"head median {statistics.median(head_rates):.1f}/s "
                f"(range {min(head_rates):.1f}-{max(head_rates):.1f})\n"
                f"head/base ratio: median {statistics.median(ratios):.3f}, "
                f"quartiles {q[0]:.3f}-{q[2]:.3f}, range {min(ratios):.3f}-{max(ratios):.3f}; "
                f"load average {load_before:.2f} at start, {load_average():.2f} at end"
            )
        finally:
            for tree in {base_tree, head_tree} - {ROOT}:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
