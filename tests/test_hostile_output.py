"""Issue 15, class 9: nothing the CLI prints carries a raw control character, so a file
received by email cannot retitle or clear the terminal or print a fake line."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import EXAMPLES, ROOT

VALID = (EXAMPLES / "youth-forum.yaml").read_text(encoding="utf-8")
EVIL = r"\e]0;pwned\a\e[2J\e[1;1H\rAll checks passed \x9b31m \u202Eevil\u2066 \x85 \u2028"
# C0 and C1 controls, and bidi and line/paragraph separators that reorder or move text
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "assessor", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_values_and_errors_are_printed_with_controls_escaped(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(VALID.replace("name: Brightwater Youth Voice", f'name: "{EVIL}"', 1), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace("platform: forum", f'platform: "{EVIL}"'), encoding="utf-8")
    runs = [_run("validate", good), _run("score", good), _run("validate", bad), _run("score", bad, "--json")]
    for r in runs:
        assert "Traceback" not in r.stderr
        assert not RAW.search(r.stdout + r.stderr), repr((r.stdout + r.stderr)[:3000])
    assert "pwned" in runs[0].stdout and "\\u001b]0;pwned" in runs[0].stdout
    assert "\\u001b" in runs[2].stderr


def test_file_names_are_printed_with_controls_escaped(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "evil\x1b]0;x\x07\x1b[2J.yaml").write_text("organisation: {name: x}\nnope: 1\n")
    (src / "fine.yaml").write_text(VALID, encoding="utf-8")
    r = _run("pack", "--batch", src, "-o", tmp_path / "out", "--score-only")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert not RAW.search(r.stdout + r.stderr), repr(r.stdout + r.stderr)
    assert "unknown key 'nope'" in r.stderr
