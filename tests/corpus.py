"""The scenario corpus every content test runs over: tests/scenarios/*.yaml (but not the lead's
expectations file) and examples/*.yaml, in a fixed order, with their names as test ids."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted(
    p for p in (ROOT / "tests" / "scenarios").glob("*.yaml") if p.stem != "expectations"
) + sorted((ROOT / "examples").glob("*.yaml"))
IDS = [p.stem for p in CORPUS]
