"""Issue 15, class 5: any assessment the validators accept renders every document, in every
format, within 20 s, even with the worst free text: 100,000-character runs of no-break or
narrow no-break spaces, every kind of space, floods of combining marks, joiners, emoji, prose.

Each input fills the purpose, every note and every one-line field (cut to the 300-character
limit). Each document is rendered in each format here, in this process, and its CPU time is
the measure: on a shared 2-CPU machine, wall time mostly measures the other processes. The
wall time has a looser backstop (``WALL``), and the worker pool's own time limit stops a
runaway document in production. The slowest document is printed for the record.
"""

from __future__ import annotations

import time

import pytest
from conftest import EXAMPLES
from hostile_strings import WORST_LONG
from test_hostile_strings import fill

from assessor.assessment import MAX_SHORT, MAX_TEXT, load_assessment
from assessor.documents import FORMATS, available_documents, render_pack

BOUND = 20.0  # CPU seconds, per document and format
WALL = 60.0  # seconds, per document and format, with slack for other processes


@pytest.mark.parametrize("name", list(WORST_LONG))
def test_the_worst_text_renders_every_document_in_time(catalogue, name):
    long = WORST_LONG[name]
    assert len(long) <= MAX_TEXT
    a = fill(load_assessment(EXAMPLES / "youth-forum.yaml", catalogue), long[:MAX_SHORT], long)
    times = {}
    for spec in available_documents(a, catalogue):
        for fmt in FORMATS:
            cpu, wall = time.process_time(), time.perf_counter()
            render_pack(a, catalogue, [fmt], workers=0, cache=False, documents=[spec.id])
            times[spec.id, fmt] = (time.process_time() - cpu, time.perf_counter() - wall)
    (doc, fmt), (cpu, wall) = max(times.items(), key=lambda kv: kv[1][0])
    print(f"{name}: slowest {doc} {fmt}: {cpu:.1f} s CPU, {wall:.1f} s wall")
    over = {k: v for k, v in times.items() if v[0] > BOUND or v[1] > WALL}
    assert over == {}
