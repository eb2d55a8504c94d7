"""Issue 10, reading r11 (audit2): an audited platform's plan and ratings.

Each test runs over the whole scenario corpus (tests/corpus.py) and checks a rule, not a scenario."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.corpus import CORPUS, IDS, rendered, scored

# What a "tell members / families" sentence is about: two actions that tell families the same thing
# are one message (reading r11, AQ 5: "nobody can be sure how old anyone else is" and "does not
# reliably check ages"; three actions each saying whether anyone moderates the platform).
TOPICS = {
    "ages": re.compile(r"\bages?\b|how old"),
    "moderation": re.compile(r"moderat|someone is watching"),
    "who is on it": re.compile(r"who really uses|anyone at all can"),
}
# Telling members or families (not telling moderators or staff).
_TELL = re.compile(r"\btell (?:young )?(?:members|parents|families)\b.*", re.I)


def told(text: str) -> set[str]:
    """The topics an action's sentences that tell members or families name (from 'tell' on)."""
    found: set[str] = set()
    for sentence in re.split(r"(?<=[.;:])\s+", text):
        m = _TELL.search(sentence)
        if m:
            found |= {t for t, rx in TOPICS.items() if rx.search(m.group(0).lower())}
    return found


def repeated_messages(actions: list) -> list[tuple[str, str, str]]:
    """(topic, first action id, second action id) for every topic two actions both tell families."""
    seen: dict[str, str] = {}
    out = []
    for a in actions:
        for topic in sorted(told(a.text)):
            if topic in seen:
                out.append((topic, seen[topic], a.id))
            else:
                seen[topic] = a.id
    return out


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_two_actions_tell_families_the_same_thing(path: Path) -> None:
    """r11 AQ 5: each thing members and families are told about the platform is told in one action,
    in the scored plan and in the plan the risk assessment prints."""
    _, _, result = scored(path)
    assert not repeated_messages(result.actions), path.stem
    assert not repeated_messages(rendered(path).context.actions), path.stem


def test_the_rule_finds_a_repeated_message() -> None:
    class A:
        def __init__(self, id: str, text: str) -> None:
            self.id, self.text = id, text

    two = [
        A("a", "Tell members who really uses this platform."),
        A("b", "Tell young members that this platform does not reliably check ages."),
        A("c", "Tell parents and carers that nobody can be sure how old anyone else is."),
    ]
    assert repeated_messages(two) == [("ages", "b", "c")]
    assert not told("Do not use it unless interaction can be moderated. Tell members why.")
    assert not told("Tell every moderator that all concerns go to the lead.")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_evidence_unsettled_after_an_incident_keeps_the_records_risk_up(path: Path) -> None:
    """r11 AQ 4: 'Privacy, consent, images and records L1 x I4 Low' straight after an incident where
    staff were unsure whether to keep copies. In a year with any incident recorded, while keeping
    evidence is not in place the area's likelihood keeps its rating before safeguards, and while it
    is partly in place it falls by at most one step; the register says why."""
    catalogue, assessment, result = scored(path)
    incidents = set(assessment.profile.get("incidents") or ()) - {"none"}
    answer = assessment.answers.get("privacy_data.evidence")
    value = getattr(answer, "value", answer)
    area = next((a for a in result.areas if a.id == "privacy_data"), None)
    if not incidents or area is None or value in (None, "in_place", "not_applicable"):
        return
    steps = catalogue.meta.scoring.likelihood_floor.partly_steps if value == "partly" else 0
    assert area.residual.likelihood >= area.inherent.likelihood - steps, path.stem
    if area.uncapped.likelihood < area.inherent.likelihood - steps:
        assert any(c.source == "privacy_data.evidence" and "incident" in c.because for c in area.caps)
