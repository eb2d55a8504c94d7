"""Scenarios to profile with py-spy: ``python -m bench.profile rerun|first-run|pack``.

The benchmark runs these under ``py-spy record`` when a full-run target is missed, and puts a
summary of the samples into BENCHMARKS.md.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, py_spy_available, summarise_raw


def _rerun(count: int) -> None:
    from bench.app import rerun_scenario

    with tempfile.TemporaryDirectory() as tmp:
        answer, *_ = rerun_scenario(Path(tmp) / "app.sqlite3")
        for _ in range(count):
            answer()


def _first_run() -> None:
    import os

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ASSESSOR_DB"] = str(Path(tmp) / "app.sqlite3")
        from streamlit.testing.v1 import AppTest

        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
        assert not at.exception


def _pack(count: int) -> None:
    from assessor.assessment import load_assessment
    from assessor.catalogue import default_catalogue
    from assessor.documents import render_pack

    catalogue = default_catalogue()
    assessment = load_assessment(ROOT / "examples" / "random-video-chat-audit.yaml", catalogue)
    for _ in range(count):
        render_pack(assessment, catalogue, ["pdf"], workers=0, cache=False)


def record(scenario: str, *args: str, only_under: str | None = None, rate: int = 250) -> str:
    """Run a scenario under py-spy in a fresh process; return a Markdown summary."""
    if not py_spy_available():
        return "(py-spy is not installed: `pip install -r requirements.txt`)"
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "profile.txt"
        cmd = ["py-spy", "record", "--full-filenames", "-r", str(rate), "-f", "raw", "-o", str(raw), "--"]
        cmd += [sys.executable, "-m", "bench.profile", scenario, *args]
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
        if r.returncode != 0 or not raw.exists():
            return f"(py-spy failed: {r.stderr.strip()[-500:]})"
        return summarise_raw(raw, only_under=only_under)


def main(argv: list[str]) -> int:
    name, *rest = argv
    count = int(rest[0]) if rest else 1
    if name == "rerun":
        _rerun(count)
    elif name == "first-run":
        _first_run()
    elif name == "pack":
        _pack(count)
    else:
        raise SystemExit(f"unknown scenario {name!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
