"""Issue 15, class 2: a file up to the size cap, of any shape, is refused or read within 2 s.

Each shape is about 1 MB (just under the cap). The bound is on the CPU time of this process
(``time.process_time``), so that load from other processes on a shared 2-CPU machine does not
make the test flaky; the wall time has a looser backstop. A shape that once took minutes
(PyYAML's base-60 integers are quadratic) is stopped by an alarm after 20 s.
"""

from __future__ import annotations

import signal
import time

import pytest
from conftest import ROOT

from assessor.assessment import parse_assessment
from assessor.errors import SourceErrors
from assessor.sourcemap import MAX_BYTES

BOUND = 2.0  # CPU seconds
WALL = 6.0  # seconds, with slack for other processes on the machine
SIZE = MAX_BYTES - 100

VALID = (ROOT / "examples" / "youth-forum.yaml").read_text(encoding="utf-8")


def _fill(head: str, unit: str, tail: str = "\n") -> bytes:
    n = (SIZE - len(head) - len(tail)) // len(unit.encode())
    return (head + unit * n + tail).encode()


def _numbered(head: str, line: str) -> bytes:
    n = (SIZE - len(head)) // len(line % 0)
    return (head + "".join(line % i for i in range(n))).encode()


SHAPES: dict[str, bytes] = {
    "base-60 scalar": _fill("organisation: {name: x}\nmeta: {assessor: ", "1:", "1}\n"),
    "explicit base-60 int": _fill("organisation: {name: x}\nschema_version: !!int ", "1:", "1\n"),
    "base-60 float": _fill("organisation: {name: x}\nschema_version: ", "1:", "1.5\n"),
    "huge integer": _fill("organisation: {name: x}\nschema_version: ", "9"),
    "huge float": _fill("organisation: {name: x}\nschema_version: 1.", "9"),
    "huge exponent": _fill("organisation: {name: x}\nschema_version: 1e", "9"),
    "flow list of numbers": _fill("organisation: {name: x}\nsign_off: [", "1,", "1]\n"),
    "block list": _fill("organisation: {name: x}\nsign_off:\n", "- a\n"),
    "many keys": _numbered("organisation: {name: x}\nprofile:\n", "  k%06d: 1\n"),
    "many answers": _numbered("organisation: {name: x}\nanswers:\n", "  q%06d: {value: in_place}\n"),
    "many small mappings": _fill("organisation: {name: x}\nsign_off:\n", "- {name: x}\n"),
    "many dates": _fill("organisation: {name: x}\nsign_off:\n", "- 2024-01-01\n"),
    "many impossible dates": _fill("organisation: {name: x}\nsign_off:\n", "- 2024-02-30\n"),
    "many bad tags": _fill("organisation: {name: x}\nsign_off:\n", "- !!int x\n"),
    "many errors": _fill("organisation: {name: x}\nanswers:\n", "  ? [a]\n  : 1\n"),
    "long plain text": _fill("organisation: {name: x}\nmeta: {assessor: ", "a", "}\n"),
    "long quoted escapes": _fill('organisation: {name: x}\nmeta: {assessor: "', "\\e", '"}\n'),
    "long non-ASCII text": _fill("organisation: {name: x}\nprofile: {purpose: ", "é", "}\n"),
    "deep flow nesting": _fill("x: ", "[", "\n"),
    "nesting at the limit, many times": _fill(
        "organisation: {name: x}\nsign_off:\n", "- " + "[" * 38 + "]" * 38 + "\n"
    ),
    "many comments": _fill("organisation: {name: x}\n", "# comment\n"),
    "many anchors": _fill("organisation: {name: x}\nsign_off:\n", "- &a x\n"),
    "long key": _fill("organisation: {name: x}\n", "k", ": 1\n"),
    "valid file, padded with notes": (VALID.replace('note: "', 'note: "' + "word " * 600, 180).encode()),
}


def _alarm(signum, frame):
    raise TimeoutError("took more than 20 s")


@pytest.mark.parametrize("shape", list(SHAPES))
def test_any_one_megabyte_file_is_refused_or_read_quickly(catalogue, shape):
    raw = SHAPES[shape]
    assert len(raw) <= MAX_BYTES
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(20)
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        try:
            parse_assessment(raw, catalogue, "big.yaml")
        except SourceErrors as exc:
            assert len(exc.problems) <= 100, len(exc.problems)  # a few clear messages, not thousands
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{shape}: {cpu:.2f} s CPU, {wall:.2f} s wall")
    assert cpu < BOUND, f"{shape}: {cpu:.2f} s CPU"
    assert wall < WALL, f"{shape}: {wall:.2f} s wall"
