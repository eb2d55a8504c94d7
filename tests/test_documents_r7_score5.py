"""Issue 11, top 3 (engineer score5), over the whole corpus (tests/scenarios and examples):

* A control that is already partly in place, and is not a key control, is half a safeguard: in an
  area rated Medium, finishing it is at most medium (catalogue.yaml ``partly_at_most_by_band``), so
  the action's own priority is a ceiling, not a floor, unless an incident raises it. The why says so.
* A key control answered "partly" whose ``mostly_in_place_with`` controls are all in place is
  planned like any control partly in place (staff on their own accounts, but every staff account
  marked as staff in a way members cannot copy). Where staff marking is only partly in place (one
  leader still messages from her personal account) it stays a key gap.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.questionnaire import Band, ControlAnswer, Priority
from assessor.scoring import responses_for
from tests.corpus import CORPUS, IDS, scored

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
_URGENCY = {p: i for i, p in enumerate(Priority)}


def _value(assessment, qid):
    answer = assessment.answers.get(qid)
    return getattr(answer, "value", answer)


def _half_closed(catalogue, assessment, qid, responses=None):
    """Partly in place and planned as an ordinary gap: not key, or key but mostly in place; and not
    a gap that is whole where its `whole_gap_when` holds (reading r10, GC 2: moderators on some days
    while children use the space at every hour)."""
    q = catalogue.index[qid]
    if _value(assessment, qid) != ControlAnswer.partly.value:
        return False
    if q.whole_gap_when is not None and responses is not None and q.whole_gap_when.holds(responses):
        return False
    if not q.key:
        return True
    return bool(q.mostly_in_place_with) and all(
        _value(assessment, x) == ControlAnswer.in_place.value for x in q.mostly_in_place_with
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_half_closed_gap_in_a_medium_area_is_at_most_medium(path):
    catalogue, assessment, result = scored(path)
    cap = catalogue.meta.scoring.partly_at_most_by_band.get(Band.amber)
    assert cap == Priority.medium
    bands = {a.id: a.residual.band for a in result.areas}
    incidents = set(assessment.profile.get("incidents") or ()) - {"none"}
    responses = responses_for(assessment, catalogue)
    checked = 0
    for a in result.actions:
        if len(a.sources) != 1 or a.sources[0] not in catalogue.index:
            continue
        qid = a.sources[0]
        q = catalogue.index[qid]
        area = next(ar for ar in catalogue.areas if ar.id == a.areas[0])
        urgent = (area.urgent_when is not None and area.urgent_when.holds(responses)) or bool(
            incidents & set(q.answers_incident)
        )
        if (
            bands.get(a.areas[0]) != Band.amber
            or urgent
            or not _half_closed(catalogue, assessment, qid, responses)
        ):
            continue
        checked += 1
        assert _URGENCY[a.priority] >= _URGENCY[Priority.medium], (path.name, a.id, a.priority)
        own = catalogue.action_for(q).priority
        if _URGENCY[own] < _URGENCY[Priority.medium]:
            assert "partly in place already" in a.why or "mostly in place already" in a.why, (path.name, a.id)
    if path.stem == "gaming-club-roblox-minecraft":
        assert checked >= 3


def _action(result, qid):
    return next(a for a in result.actions if qid in a.sources)


def test_marked_staff_accounts_make_personal_accounts_mostly_in_place():
    # Gaming club: volunteers play on their own Minecraft accounts with a [Staff] prefix members
    # cannot set; the lead names age groups, private messages and out-of-hours signposting first.
    _, _, gaming = scored(SCENARIOS / "gaming-club-roblox-minecraft.yaml")
    accounts = _action(gaming, "staff_conduct.authorised_accounts")
    assert accounts.priority == Priority.medium
    assert "mostly in place already" in accounts.why
    top = [q for a in gaming.actions[:3] for q in (a.id, *a.sources)]  # an at-once split keeps its id
    for expected in ("grooming.age_spaces", "grooming.private_messages", "moderation.out_of_hours"):
        assert expected in top, (expected, [a.id for a in gaming.actions[:3]])
    # Faith group: one leader still replies from her personal Instagram, so staff marking is only
    # partly in place and the personal-accounts gap stays a key gap, first in the plan.
    _, _, faith = scored(SCENARIOS / "faith-youth-instagram.yaml")
    # Since reading r12 GC 2 the at-once stop of personal-account messages comes first (critical),
    # and setting up the accounts follows it.
    assert faith.actions[0].id == "grooming.private_messages" and "personal account" in faith.actions[0].text
    assert faith.actions[1].id == "staff_conduct.authorised_accounts"
    assert faith.actions[1].priority == Priority.high
