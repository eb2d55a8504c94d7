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
    # issue 15, class 2: parsing cost and bounds
    "base-60 number": (b"organisation: {name: x}\nschema_version: 1:0\n", "schema_version: "),
    "too many answers": (
        b"organisation: {name: x}\nanswers:\n"
        + b"".join(b"  q%d: {value: in_place}\n" % i for i in range(3000)),
        "answers: at most",
    ),
    "too many sign-offs": (
        b"organisation: {name: x}\nsign_off:\n" + b"  - {name: x}\n" * 500,
        "sign_off: at most",
    ),
    "too many plan entries": (
        b"organisation: {name: x}\nplan:\n" + b"".join(b"  a%d: {owner: x}\n" % i for i in range(3000)),
        "plan: at most",
    ),
    "a very long list of options": (
        VALID.replace("    - public_posts\n", "    - public_posts\n" * 2000).encode(),
        "at most",
    ),
    # class 3: every error PyYAML can raise becomes one positioned problem
    "!!int abc": (
        b"organisation: {name: x}\nschema_version: !!int abc\n",
        ":2:17: 'abc' is not a whole number",
    ),
    "!!bool maybe": (
        b"organisation: {name: x}\nschema_version: !!bool maybe\n",
        ":2:17: 'maybe' is not true or false",
    ),
    "!!timestamp hello": (
        b"organisation: {name: x}\nmeta: {assessed_on: !!timestamp hello}\n",
        ":2:21: 'hello' is not a date",
    ),
    "!!float abc": (
        b"organisation: {name: x}\nschema_version: !!float abc\n",
        ":2:17: 'abc' is not a number",
    ),
    "impossible date": (
        VALID.replace("assessed_on: 2026-11-02", "assessed_on: 2024-02-30").encode(),
        "2024-02-30 is not a real date",
    ),
    "5,000-digit integer": (
        b"organisation: {name: x}\nschema_version: " + b"7" * 5000 + b"\n",
        ":2:17: a number of 5,000 characters is too long",
    ),
    "old schema, meta not a mapping": (
        b"schema_version: 0\norganisation: {name: x}\nmeta: hello\nassessor: Pat\n",
        ":3:7: meta must be a mapping",
    ),
    # class 4: dates outside sense
    "assessed in 9999": (
        VALID.replace("assessed_on: 2026-11-02", "assessed_on: 9999-12-31").encode(),
        "9999-12-31 is outside the dates this tool accepts",
    ),
    "review in 2200": (
        VALID.replace("next_review: 2027-11-02", "next_review: 2200-01-01").encode(),
        "2200-01-01 is outside the dates this tool accepts",
    ),
    "signed in 1800": (
        VALID.replace("meta:\n", "sign_off:\n  - {name: Pat, date: 1800-01-01}\nmeta:\n").encode(),
        "1800-01-01 is outside the dates this tool accepts",
    ),
    "due in 2200": (
        VALID.replace("meta:\n", "plan:\n  write_group_agreement: {due: 2200-01-01}\nmeta:\n").encode(),
        "2200-01-01 is outside the dates this tool accepts",
    ),
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


def test_yes_and_no_are_text_not_booleans(catalogue):
    """YAML 1.2 core schema: an unquoted yes is the option 'yes', not True."""
    a = parse_assessment(VALID.replace('moved_online: "no"', "moved_online: yes"), catalogue, "a.yaml")
    assert a.profile["moved_online"] == "yes"


def test_base_60_is_text(catalogue):
    a = parse_assessment(VALID.replace("assessor: Priya Natarajan", "assessor: 1:30:00"), catalogue, "a.yaml")
    assert a.meta.assessor == "1:30:00"


def _limited(size_mb: int = 1024):
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (size_mb * 1024 * 1024, resource.RLIM_INFINITY))

    return limit


def _validate(path, timeout=20):
    return subprocess.run(
        [sys.executable, "-m", "assessor", "validate", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, preexec_fn=_limited(),
    )  # fmt: skip


def test_a_fifo_is_refused_without_waiting(tmp_path):
    import os

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    r = _validate(fifo)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "not a regular file" in r.stderr


@pytest.mark.parametrize("kind", ["/dev/zero", "sparse 4 GiB"])
def test_devices_and_huge_files_are_refused_before_reading(tmp_path, kind):
    if kind == "/dev/zero":
        path = "/dev/zero"
    else:
        path = tmp_path / "sparse.yaml"
        with open(path, "wb") as f:
            f.truncate(4 * 1024**3)
    started = __import__("time").monotonic()
    r = _validate(path)
    assert __import__("time").monotonic() - started < 15
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr[-500:]
    assert ("not a regular file" if kind == "/dev/zero" else "the limit is 1,000,000") in r.stderr


def test_batch_skips_every_hostile_file(tmp_path, capsys):
    from assessor.cli import main

    src = tmp_path / "in"
    src.mkdir()
    for n, (raw, _) in enumerate(HOSTILE.values()):
        (src / f"{n:02d}.yaml").write_bytes(raw)
    (src / "good.yaml").write_text(VALID, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["pack", "--batch", str(src), "-o", str(out), "--score-only"]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert sorted(p.name for p in out.iterdir()) == ["good"]
    assert f"{len(HOSTILE) + 1} assessment file(s): 1 done, {len(HOSTILE)} failed" in captured.out
