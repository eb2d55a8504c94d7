"""The command line, run as users run it: as a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from conftest import EXAMPLES, FIXTURES, ROOT


def run(*args: str):
    return subprocess.run(
        [sys.executable, "-m", "assessor", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_check_ok():
    r = run("check", "questionnaires/")
    assert r.returncode == 0, r.stderr
    assert "OK (14 risk areas" in r.stdout


def test_check_broken_copy_reports_positions(tmp_path):
    broken = tmp_path / "q"
    shutil.copytree(FIXTURES / "mini", broken)
    area = broken / "areas" / "02-images.yaml"
    area.write_text(area.read_text().replace("weight: 1", "wieght: 1"))
    r = run("check", str(broken))
    assert r.returncode == 1
    assert f"{area}:16:9: unknown key 'wieght'" in r.stderr
    assert "Traceback" not in r.stderr


def test_coverage_json_covers_every_id():
    r = run("coverage", "--json")
    assert r.returncode == 0, r.stderr
    matrix = json.loads(r.stdout)
    assert len(matrix) == 118 and all(matrix.values())


def test_score_and_validate_examples():
    for example in sorted(EXAMPLES.glob("*.yaml")):
        assert run("validate", str(example)).returncode == 0
        r = run("score", str(example))
        assert r.returncode == 0, r.stderr
        assert "OVERALL:" in r.stdout and "ACTION PLAN" in r.stdout
        data = json.loads(run("score", str(example), "--json").stdout)
        assert data["areas"] and data["overall"] in ("green", "amber", "red")


def test_validate_reports_problems_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\norganisation: {name: X}\nanswers:\n  nope.q: {value: in_place}\n")
    r = run("validate", str(bad))
    assert r.returncode == 1
    assert f"{bad}:4:3: unknown question id 'nope.q'" in r.stderr
    assert "Traceback" not in r.stderr
    r = run("validate", str(tmp_path / "missing.yaml"))
    assert r.returncode == 1 and "no such file" in r.stderr
