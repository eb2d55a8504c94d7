"""The documents written in the background wait for typing to settle (ui/background.py)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import assessor.documents.pack
from assessor.assessment import Assessment
from ui import background

AUTOSAVE_JS = Path(__file__).resolve().parent.parent / "ui" / "components" / "autosave.js"


def _idle(limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while background._thread is not None and background._thread.is_alive():
        assert time.monotonic() < deadline, "a background job from another test is still running"
        time.sleep(0.2)


def test_edits_while_typing_start_no_job_until_they_settle(catalogue, monkeypatch):
    _idle()
    written: list[tuple[float, str]] = []
    monkeypatch.setattr(
        assessor.documents.pack,
        "render_pack",
        lambda a, cat, formats, documents: written.append((time.monotonic(), a.organisation.name)),
    )
    monkeypatch.setattr(background, "SETTLE_S", 0.8)  # shorter, to keep the test quick
    # Five edits, each 0.4 s after the last (half the settle time), as a box sends while typing.
    for n in range(1, 6):
        background.want(
            Assessment(organisation={"name": f"Name {n}"}).to_yaml(), ["pdf"], ["a", "b"], catalogue
        )
        last = time.monotonic()
        time.sleep(0.4)
    assert written == []  # nothing started while the edits kept coming
    _idle(30)
    # Then only the last answers are written, once, each document after the settle time.
    assert [name for _, name in written] == ["Name 5", "Name 5"]
    assert all(at >= last + 0.8 for at, _ in written)


def test_the_settle_time_lets_a_word_take_a_second_between_two_edits():
    # A box sends each edit DEBOUNCE_MS after the typing stops; the next edit comes that long after
    # the next word. A job starts when no edit came for SETTLE_S: SETTLE_S - DEBOUNCE_MS is how
    # long the next word may take without starting a job that its edit then stops.
    debounce_ms = int(re.search(r"const DEBOUNCE_MS = (\d+);", AUTOSAVE_JS.read_text()).group(1))
    assert background.SETTLE_S - debounce_ms / 1000 >= 1.0
