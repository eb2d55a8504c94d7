"""Reading r14 (issue 10), live video sessions (video2), over the whole corpus (tests/corpus.py).
Each rule follows the profile (platform kind, features), never a scenario:

* where members of a live video session are registered (profile feature signup_required), the
  emergency step gives 999 the young person's full name and address from the registration record,
  not only the name shown on screen, and the staff code's session rules have hosts keep those
  details (and, for under-18s, the parent or carer contact) to hand, securely, in every session
  (YC 1);
* a live video session has one time for the record: as soon as the session ends, the same day,
  never during it; no step says "before the end of your session" (YC 2).
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered


def _squash(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", _squash(text))


def _live_video(c) -> bool:
    return bool(c.flags.video and c.flags.runs)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_emergency_call_gives_full_name_and_address_from_the_registration_record(path):
    pack = rendered(path)
    c = pack.context
    if not _live_video(c):
        return
    procedure = _sentences(pack.texts["procedure"])
    call = [s for s in procedure if s.startswith("Tell them ")]
    assert call, f"{path.stem}: the emergency step says nothing of what to tell {c.emergency}"
    if not c.flags.signup_required:
        assert "name shown" in call[0], f"{path.stem}: {call[0]}"
        return
    assert re.search(r"full name and address from the registration record", call[0]), (
        f"{path.stem}: members are registered, but the emergency step gives only: {call[0]}"
    )
    code = _squash(pack.texts["staff_code"])
    parent = " and parent or carer contact" if c.flags.under_18 else ""
    assert re.search(
        rf"full name, address{parent} from that record to hand, securely, during every session", code
    ), f"{path.stem}: the session rules do not have hosts keep the registration details to hand"


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_live_video_records_are_written_once_the_session_ends(path):
    pack = rendered(path)
    c = pack.context
    if not _live_video(c):
        return
    texts = {doc: _squash(pack.texts[doc]) for doc in ("procedure", "staff_code") if doc in pack.texts}
    for doc, text in texts.items():
        assert "before the end of your session" not in text, f"{path.stem} {doc}: record timing contradicts"
    record = [s for s in _sentences(texts["procedure"]) if s.startswith("Record what happened")]
    assert record, f"{path.stem}: no record step"
    assert all("as soon as the session ends" in s and "never during it" in s for s in record), (
        f"{path.stem}: {record}"
    )
