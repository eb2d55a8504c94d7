"""Reading r13 (issue 10), plan3: the reporting-and-blocking rating and missing or under-rated actions,
over the whole corpus (tests/corpus.py). Each rule follows the answers and the platform registry,
never a scenario:

* where members cannot block someone (answered not in place), a report to anyone does not stop the
  next message: the "Reporting and blocking" risk keeps its rating before safeguards on both axes,
  impact included, and the risk assessment prints that rating (AQ 1);
* where strangers can find and message members who cannot block them, that raises the likelihood
  before safeguards (AQ 1);
* (LG 1 = r12 LG 2, reports read only on some days: the strength rule and test of
  tests/test_documents_r14_lgbt3.py.)
"""

from __future__ import annotations

import re

import pytest

from assessor.scoring import responses_for
from tests.corpus import CORPUS, IDS, rendered, scored

REPORTING = "reporting"
_TITLE = re.compile(r"Reporting and blocking: (\w+) risk")


def _area(result, area_id):
    return next((a for a in result.areas if a.id == area_id), None)


def _printed_band(path) -> str | None:
    found = _TITLE.search(rendered(path).texts.get("risk_report", ""))
    return found[1] if found else None


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_block_keeps_reporting_at_its_rating_before_safeguards(path):
    catalogue, assessment, result = scored(path)
    area = _area(result, REPORTING)
    answer = assessment.answers.get("reporting.block_tool")
    if area is None or answer is None or answer.value != "not_in_place":
        pytest.skip("members can block, or the area is not shown")
    assert (area.residual.likelihood, area.residual.impact) == (
        area.inherent.likelihood,
        area.inherent.impact,
    ), (path.stem, area.inherent, area.residual)
    label = catalogue.meta.scoring.bands[area.residual.band].label.lower()
    assert _printed_band(path) == label, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_strangers_who_cannot_be_blocked_raise_the_likelihood(path):
    _, assessment, result = scored(path)
    area = _area(result, REPORTING)
    features = set(assessment.profile.get("features") or ())
    if area is None or not {"stranger_discovery", "member_messages"} <= features or "blocking" in features:
        pytest.skip("strangers cannot message members, or members can block them")
    assert any("Strangers can find members" in f.because for f in area.raised_by), path.stem


def test_the_rules_apply_somewhere():
    """The corpus holds a case of each rule, so that the tests above do not all skip."""
    blocked = strangers = 0
    for path in CORPUS:
        _, assessment, result = scored(path)
        answer = assessment.answers.get("reporting.block_tool")
        blocked += bool(_area(result, REPORTING) and answer and answer.value == "not_in_place")
        features = set(assessment.profile.get("features") or ())
        strangers += {"stranger_discovery", "member_messages"} <= features and "blocking" not in features
    assert blocked >= 2 and strangers >= 1


def _mixed_among_unchecked(assessment) -> bool:
    """Under-18s share the community with adults who join with no real check, and have no space of their
    own (grooming.age_spaces and fake_profiles.join_checks answers)."""
    audience = set(assessment.profile.get("audience") or ())
    spaces = assessment.answers.get("grooming.age_spaces")
    joins = assessment.answers.get("fake_profiles.join_checks")
    return (
        "adults" in audience
        and bool(audience & {"under_13", "age_13_17"})
        and spaces is not None
        and spaces.value in ("not_in_place", "dont_know")
        and joins is not None
        and joins.value in ("not_in_place", "partly", "dont_know")
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_under_18s_among_unchecked_adults_is_critical_and_reviews_those_already_there(path):
    catalogue, assessment, result = scored(path)
    if catalogue.meta.scoring.audit_when.holds(responses_for(assessment, catalogue)):
        pytest.skip("an audit: the organisation does not run the space")
    if not _mixed_among_unchecked(assessment):
        pytest.skip("under-18s have their own space, or adults are checked before they join")
    action = next((a for a in result.actions if "grooming.age_spaces" in a.sources), None)
    assert action is not None, path.stem
    assert action.priority == "critical", (path.stem, action.priority, action.why)
    if action.text.startswith("Decide, and write down, how under-18s take part"):
        assert re.search(r"under-18s already (here|in the group)", action.text), action.text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_at_most_seven_critical_actions_in_all(path):
    _, _, result = scored(path)
    assert sum(a.priority == "critical" for a in result.actions) <= 7, path.stem


def test_the_mixed_rule_applies_somewhere():
    assert any(_mixed_among_unchecked(scored(p)[1]) for p in CORPUS)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_details_already_posted_are_taken_down_not_only_future_ones(path):
    """In a running community where moderators do not yet take down members' personal details, the
    action starts with the posts already there, and the member is told why (reading r13, RF 7)."""
    catalogue, assessment, result = scored(path)
    responses = responses_for(assessment, catalogue)
    answer = assessment.answers.get("oversharing.moderator_removal")
    if (
        catalogue.meta.scoring.audit_when.holds(responses)
        or responses.get("profile.stage") == "planned"
        or answer is None
        or answer.value not in ("partly", "not_in_place", "dont_know")
    ):
        pytest.skip("not running, or moderators already take personal details down")
    # Split where the posts come down at once (reading r15, RF 2): the at-once part keeps the id.
    actions = [
        a
        for a in result.actions
        if "oversharing.moderator_removal" in (a.id, *a.sources) and "already here" in a.text
    ]
    assert actions, path.stem
    assert re.search(r"tell(ing)? each member", actions[0].text), actions[0].text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_children_are_kept_out_of_wide_groups_where_numbers_show(path):
    """Where the platform shows every member's phone number to the whole group (registry) and under-18s
    take part, the action on personal details keeps them out of groups wider than their own age group
    (reading r13, SC 12), whatever the community."""
    catalogue, assessment, result = scored(path)
    responses = responses_for(assessment, catalogue)
    audience = set(responses.get("profile.audience") or ())
    action = next((a for a in result.actions if "oversharing.profile_fields" in a.sources), None)
    if (
        catalogue.meta.scoring.audit_when.holds(responses)
        or responses.get("derived.phone_numbers_visible") is not True
        or not audience & {"under_13", "age_13_17"}
        or action is None
    ):
        pytest.skip("numbers are not shown to the group, no under-18s, or no gap here")
    assert "phone number" in action.text and "wider than their own age group" in action.text, action.text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_only_checked_adults_hold_admin_rights_where_children_take_part(path):
    """Where under-18s take part and safer recruitment is a gap, the action that closes it gives admin,
    moderator and host rights only to named adults whose checks are complete, in every wording
    (reading r13, SC 11: unchecked parents are group admins)."""
    catalogue, assessment, result = scored(path)
    responses = responses_for(assessment, catalogue)
    audience = set(responses.get("profile.audience") or ())
    action = next((a for a in result.actions if "staff_conduct.safer_recruitment" in a.sources), None)
    if catalogue.meta.scoring.audit_when.holds(responses) or not audience & {"under_13", "age_13_17"}:
        pytest.skip("an audit, or no under-18s")
    if action is None:
        pytest.skip("safer recruitment is in place")
    assert (
        "Only named adults whose checks are complete hold admin, moderator or host rights" in action.text
    ), (
        path.stem,
        action.text,
    )
