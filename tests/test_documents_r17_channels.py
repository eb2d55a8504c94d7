"""Reading r16 (issue 10), class "safe one-to-many channels and visible groups", over the whole corpus
(tests/corpus.py) and changed copies. The rules follow the answers and the platform registry, never a
scenario:

* a broadcast list that reaches under-18s (platforms.yaml ``broadcast_list``, named in a note) is
  replaced one way only, never with an ordinary group, where every member of a large youth membership
  can see and message every other (AQ 3, AQ 4). Where the registry holds the platform's one-way channel
  (``one_way_channel``, with its sources), the plan and the staff code name it and its facts;
* stopping the list is its own action, due at sign-off, when the staff code that forbids it comes into
  force, and listed before the replacement, which keeps its own later date (AQ 2);
* a refugee or asylum community that outsiders can find (profile.features stranger_discovery) has the
  risk of hostile outsiders named in the oversharing area, and where its settings action is planned on a
  platform that can hide a group (derived.hidden_option), it says to hide the group and to vouch for
  joiners, not "decide whether" (RF 5).
"""

from __future__ import annotations

import pytest

from assessor.platforms import all_responses
from assessor.scoring import score
from tests.corpus import CORPUS, IDS, parse_pages, rendered, scored, squash

ORDINARY = "not an ordinary group, where every member can see and message every other"
STAFF_ORDINARY = "never an ordinary group"
ONE_WAY = "a one-way broadcast where followers cannot reply and no follower’s phone number is shown"
OLD_REPLACE = "where replies are visible"
OLD_STAFF = "group or channel where replies are seen"
HOSTILE = "someone hostile to them can join or watch it to learn where members live"
DECIDE = "decide whether it should also be hidden"
HIDE = "hide it from search"
VOUCH = "approve each person only once a member or a service"


def _check_broadcast(name, assessment, catalogue, result, staff_text):
    responses = all_responses(assessment, catalogue)
    acts = {a.id: a for a in result.actions}
    staff = squash(staff_text)
    assert OLD_STAFF not in staff, name
    assert not any(OLD_REPLACE in squash(a.text) for a in result.actions), name
    if not responses.get("derived.broadcast_list"):
        assert "broadcast_list" not in acts and "broadcast_end" not in acts, name
        return
    replace, stop = acts["broadcast_list"], acts["broadcast_end"]
    text = squash(replace.text.replace("'", "’"))
    assert ORDINARY.replace("’", "'") in replace.text, name
    if responses.get("derived.broadcast_channel"):
        assert ONE_WAY in text and "post nothing personal" in text, name
    if staff_text:
        assert STAFF_ORDINARY in staff, name
    # The stop: at sign-off, before the replacement, which has its own later date.
    assert stop.due_window == catalogue.meta.scoring.phasing.pack_due, (name, stop.due_window)
    assert result.actions.index(stop) < result.actions.index(replace), name
    assert stop.due_date < replace.due_date, name
    assert "Stop sending messages to members under 18" in stop.text, name


def test_the_registry_holds_the_one_way_channel_with_its_sources():
    pack = rendered(CORPUS[0])
    whatsapp = pack.catalogue.platforms["whatsapp"]
    assert whatsapp.one_way_channel == "channel"
    said = [s for s in whatsapp.sources if s.about.startswith("channel:")]
    assert len(said) >= 2 and all("checked 2026-12-01" in s.about for s in said)
    assert any("faq.whatsapp.com" in s.url for s in said)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_broadcast_list_is_stopped_at_sign_off_and_replaced_one_way(path):
    catalogue, assessment, result = scored(path)
    pack = rendered(path)
    _check_broadcast(path.stem, assessment, catalogue, result, pack.texts.get("staff_code", ""))


@pytest.mark.parametrize(
    "stem", ["sports-club-whatsapp", "young-carers-zoom", "gaming-club-roblox-minecraft"]
)
def test_the_replacement_follows_the_note_not_the_scenario(stem):
    path = next(p for p in CORPUS if p.stem == stem)
    catalogue, assessment, _ = scored(path)
    assessment = assessment.model_copy(deep=True)
    qid = next(iter(assessment.answers))
    answer = assessment.answers[qid]
    assessment.answers[qid] = answer.model_copy(
        update={"note": ((answer.note or "") + " Reminders go out on our WhatsApp broadcast list.").strip()}
    )
    result = score(assessment, catalogue)
    assert all_responses(assessment, catalogue)["derived.broadcast_channel"], stem
    staff = parse_pages(assessment, catalogue)["staff_code"].text
    _check_broadcast(stem, assessment, catalogue, result, staff)


def _check_refugees(name, assessment, catalogue, result):
    responses = all_responses(assessment, catalogue)
    profile = assessment.profile
    refugees = "refugees" in (profile.get("community_focus") or [])
    findable = "stranger_discovery" in (profile.get("features") or [])
    over = next((a for a in result.areas if a.id == "oversharing"), None)
    named = over is not None and any(HOSTILE in f.because for f in over.raised_by)
    assert named == (refugees and findable and over is not None), name
    if named:
        assert over.inherent.impact >= 4, name
    for a in result.actions:
        if "privacy_data.community_settings" in (a.id, *a.sources) and refugees:
            assert DECIDE not in a.text, name
            if responses.get("derived.hidden_option") and not result.audit:
                assert HIDE in a.text and VOUCH in a.text, name


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_findable_refugee_group_names_hostile_outsiders_and_is_hidden(path):
    catalogue, assessment, result = scored(path)
    _check_refugees(path.stem, assessment, catalogue, result)


@pytest.mark.parametrize("features", [None, ["stranger_discovery"]])
def test_the_risk_follows_the_answers_not_the_scenario(features):
    """The refugee community with outsiders unable to find it (no hostile-outsider factor), and the
    faith youth group on Instagram given a refugee focus (the factor where it is findable)."""
    for stem in ("refugee-community-facebook", "faith-youth-instagram"):
        path = next(p for p in CORPUS if p.stem == stem)
        catalogue, assessment, _ = scored(path)
        assessment = assessment.model_copy(deep=True)
        feats = [f for f in assessment.profile.get("features") or [] if f != "stranger_discovery"]
        assessment.profile["features"] = feats + (features or [])
        assessment.profile["community_focus"] = ["refugees"]
        _check_refugees(stem, assessment, catalogue, score(assessment, catalogue))
