"""Reading r10, ratings: residual ratings a safeguarding lead finds credible, and risk text that
says what the organisation answered (issue 10).

Each rule is checked over the whole corpus (tests/scenarios and examples), most of them on a copy of
each scenario given the answer the rule is about, so that a rule holds for every organisation, not
only the one the reader saw:

- LG 4: an outing recorded this year (profile.incident_harms) keeps oversharing at likelihood 3 or
  more until every safeguard is in place, and the register says a member was outed; in an LGBTQ+
  community with under-18s, oversharing's impact before safeguards is 5 and the register says why.
- AQ 1: an incident of urging someone to harm themselves or end their life rates bullying's impact 5
  before safeguards (4 or 5 after), so the harm that happened is among the highest risks.
- LG 5: where members post about self-harm (content notes on it), distressing content is never
  rated "rare" (likelihood 1) while a safeguard is missing.
- LG 6: an adult working with children without complete safer-recruitment checks keeps staff
  conduct's likelihood within one step of its rating before safeguards (at it, while missing).
- YC 1: a "not applicable" answer to the report tool is never described as "you have not said".
"""

from __future__ import annotations

import copy

import pytest

from assessor.assessment import Answer
from assessor.scoring import score
from tests.corpus import CORPUS, IDS, rendered, scored

CHILDREN = {"under_13", "age_13_17"}
NOT_SAID = "you have not said members use it"


def _area(result, area_id):
    return next((a for a in result.areas if a.id == area_id), None)


def _variant(path, *, profile=None, answers=None):
    catalogue, assessment, _ = scored(path)
    v = copy.deepcopy(assessment)
    v.profile.update(profile or {})
    for qid, value in (answers or {}).items():
        v.answers[qid] = Answer(value=value)
    return catalogue, v, score(v, catalogue)


def _with_incident_harm(path, harm):
    """The scenario scored as if a behaviour incident this year had done `harm` (its other incidents kept)."""
    incidents = [i for i in scored(path)[1].profile.get("incidents") or [] if i != "none"]
    return _variant(path, profile={"incidents": sorted({*incidents, "behaviour"}), "incident_harms": [harm]})


def _factors(area):
    return " ".join(f.because for f in area.raised_by)


# -- LG 4: outing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_outing_this_year_keeps_oversharing_possible_until_every_safeguard_is_in_place(path):
    _, _, result = _with_incident_harm(path, "outing")
    area = _area(result, "oversharing")
    if area is None:
        return
    if area.control_strength < 1:
        assert area.residual.likelihood >= min(3, area.inherent.likelihood), (path.stem, area.residual)
        assert any("was outed" in c.because for c in area.caps), path.stem
    assert "put someone at risk" in _factors(area), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_oversharing_in_an_lgbtq_youth_community_names_outing_and_is_rated_severe(path):
    _, assessment, result = scored(path)
    p = assessment.profile
    area = _area(result, "oversharing")
    if area is None or "lgbtq" not in (p.get("community_focus") or []) or not CHILDREN & set(p["audience"]):
        return
    assert area.inherent.impact == 5, path.stem
    assert area.residual.impact >= 4, path.stem
    assert "can out a young person" in _factors(area)
    text = rendered(path).texts["risk_report"]
    assert "can out a young person" in text


def test_the_lgbtq_server_rates_its_outing_medium_not_medium_low():
    path = next(p for p in CORPUS if p.stem == "lgbtq-youth-discord")
    area = _area(scored(path)[2], "oversharing")
    assert (area.residual.likelihood, area.residual.impact) == (3, 4), area.residual
    assert "a member was outed here in the past year" in rendered(path).texts["risk_report"]


# -- AQ 1: urging someone to end their life ---------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_urging_someone_to_harm_themselves_is_rated_with_the_most_serious_harms(path):
    _, _, result = _with_incident_harm(path, "self_harm_urged")
    area = _area(result, "behaviour")
    if area is None:
        return
    assert area.inherent.impact == 5, path.stem
    assert area.residual.impact >= 4, (path.stem, area.residual)
    assert "urged to harm themselves or end their life" in _factors(area)


def test_the_audit_after_a_child_was_told_to_kill_herself_lists_bullying_among_its_highest_risks():
    path = next(p for p in CORPUS if p.stem == "anon-qa-app-audit")
    result = scored(path)[2]
    assert "behaviour" in [a.id for a in result.areas[:3]], [a.id for a in result.areas[:3]]
    assert _area(result, "behaviour").residual.impact == 5


# -- LG 5: distressing content where members post about self-harm -----------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_distressing_content_is_never_rare_where_members_post_about_self_harm(path):
    _, assessment, _ = scored(path)
    features = set(assessment.profile.get("features") or [])
    if not features & {"public_posts", "media_sharing"}:
        return  # the content-note question is not asked
    _, _, result = _variant(path, answers={"triggering_content.content_note_topics": ["self_harm"]})
    area = _area(result, "triggering_content")
    if area is None:
        return
    if area.control_strength < 1:
        assert area.residual.likelihood >= 2, (path.stem, area.residual)
    assert "Members post about self-harm" in _factors(area)


def test_the_lgbtq_servers_distressing_content_is_not_low():
    path = next(p for p in CORPUS if p.stem == "lgbtq-youth-discord")
    area = _area(scored(path)[2], "triggering_content")
    assert area.residual.band.value != "green", area.residual


# -- LG 6: unchecked adults with children -----------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
@pytest.mark.parametrize("answer", ["partly", "not_in_place"])
def test_unchecked_adults_with_children_keep_staff_conduct_likely(path, answer):
    _, assessment, _ = scored(path)
    if not CHILDREN & set(assessment.profile.get("audience") or []):
        return
    _, _, result = _variant(path, answers={"staff_conduct.safer_recruitment": answer})
    area = _area(result, "staff_conduct")
    if area is None:
        return
    steps = 1 if answer == "partly" else 0
    assert area.residual.likelihood >= area.inherent.likelihood - steps, (path.stem, answer, area.residual)


def test_the_lgbtq_servers_unchecked_moderators_are_not_rated_unlikely():
    path = next(p for p in CORPUS if p.stem == "lgbtq-youth-discord")
    area = _area(scored(path)[2], "staff_conduct")
    assert area.residual.likelihood >= 3, area.residual
    assert "Safer recruitment for online roles. Until it is in place" in rendered(path).texts["risk_report"]


# -- YC 1: a "not applicable" answer is not "not said" ----------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_answer_that_members_have_no_report_tool_is_never_called_not_said(path):
    _, assessment, _ = scored(path)
    features = [f for f in assessment.profile.get("features") or [] if f != "reporting"]
    _, v, result = _variant(
        path, profile={"features": features}, answers={"reporting.report_tool": "not_applicable"}
    )
    said = " ".join(_factors(a) for a in result.areas)
    assert NOT_SAID not in said, path.stem
    assert "goes to the company that runs it, not to you" not in said, path.stem
    if "reporting.report_tool" in v.answers and any(
        "no report tool of their own" in _factors(a) for a in result.areas
    ):
        assert "You answered that members have no report tool" in said


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_register_never_says_not_said_of_an_answered_report_tool(path):
    pack = rendered(path)
    answer = pack.assessment.answers.get("reporting.report_tool")
    if answer is not None and answer.value == "not_applicable":
        assert NOT_SAID not in pack.texts["risk_report"], path.stem
