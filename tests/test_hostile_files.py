"""Hostile assessment files: each gets one clear, positioned error and no traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT

from assessor.assessment import parse_assessment
from assessor.errors import SourceErrors
from assessor.sourcemap import MAX_BYTES

VALID = (ROOT / "examples" / "youth-forum.yaml").read_text(encoding="utf-8")

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9)
)

# name -> (file bytes, a phrase the single error must contain)
HOSTILE: dict[str, tuple[bytes, str]] = {
    "alias bomb": (BOMB.encode(), "anchors and aliases (*name) are not supported"),
    "over the size cap": (b"organisation: {name: x}\n" + b"#" * MAX_BYTES, "the limit is 1,000,000"),
    "binary": (bytes(range(256)) * 4, "binary file"),
    "not UTF-8": ("organisation: {name: Caf\u00e9}\n".encode("latin-1"), "not UTF-8"),
    "deep nesting": (("x: " + "[" * 5000 + "]" * 5000 + "\n").encode(), "nesting"),
    "moderate nesting": (("x: " + "[" * 60 + "]" * 60 + "\n").encode(), "nesting is deeper than 40 levels"),
    "newer schema": (
        VALID.replace("schema_version: 1", "schema_version: 7").encode(),
        "newer than this program",
    ),
    "unknown question": (
        VALID.replace("grooming.restricted_access:", "grooming.restricted_acess:").encode(),
        "unknown question id 'grooming.restricted_acess'",
    ),
    "invalid option": (
        VALID.replace("platform: forum", "platform: fourm").encode(),
        "'fourm' is not an option",
    ),
    "missing name": (b"schema_version: 1\norganisation: {}\n", "missing required key 'name'"),
    "a list, not a mapping": (b"[1, 2, 3]\n", "must be a mapping"),
    "JSON that is not an assessment": (b'{"hello": "world"}', "this is not an assessment file"),
    "python object tag": (b"organisation: !!python/object:os.system {name: x}\n", "unsupported value"),
    "empty": (b"", "the file is empty"),
    "bad YAML": (b"organisation: {name: x\n", "not valid YAML"),
    "duplicate key": (b"organisation: {name: x}\norganisation: {name: y}\n", "duplicate key 'organisation'"),
    "non-text value": (b"organisation: {name: [1, 2]}\n", "name:"),
    "control character": (
        "organisation:\n  name: Caf\u00e9 \x07 x\n".encode(),
        ":2:14: a control character (U+0007)",
    ),
    "tab indent": (b"organisation:\n\tname: x\n", "(a tab: indent with spaces)"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_one_clear_error(catalogue, case):
    raw, phrase = HOSTILE[case]
    with pytest.raises(SourceErrors) as exc:
        parse_assessment(raw, catalogue, "upload.yaml")
    problems = exc.value.problems
    messages = [str(p) for p in problems]
    assert len(problems) == 1, messages
    assert phrase in messages[0]
    assert messages[0].startswith("upload.yaml:")


def test_cli_validate_is_clear_for_every_case(tmp_path):
    for n, (case, (raw, phrase)) in enumerate(HOSTILE.items()):
        path = tmp_path / f"{n}.yaml"
        path.write_bytes(raw)
        r = subprocess.run(
            [sys.executable, "-m", "assessor", "validate", str(path)],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert r.returncode == 1, case
        assert "Traceback" not in r.stderr, case
        assert phrase in r.stderr, (case, r.stderr)
        assert r.stderr.strip().endswith("1 problem found."), (case, r.stderr)


def test_json_assessment_is_accepted(catalogue):
    """JSON is a subset of YAML, so an assessment saved as JSON opens like any other."""
    a = parse_assessment(VALID, catalogue, "a.yaml")
    b = parse_assessment(json.dumps(a.to_data()), catalogue, "a.json")
    assert a == b


def test_older_schema_is_migrated(catalogue):
    old = "schema_version: 0\norganisation: {name: Old Org}\nassessor: Pat\nassessed_on: 2025-05-01\n"
    a = parse_assessment(old, catalogue, "old.yaml")
    assert a.schema_version == 1 and a.meta.assessor == "Pat"
