"""Reading r6, priorities (engineer score4), over the whole corpus (tests/scenarios and examples):

* RF 4 (and AQ 10/11): the first answer to an incident the profile records for this year (a
  question's ``answers_incident``; after a scam by a fake adviser, telling members what real staff
  never ask for) is planned before every other gap in the area where the incident happened, unless
  its own priority is low: it is as urgent as that area (``incident_answer_band``) and may rise two
  steps above its own priority (``incident_answer_max_raise``), whatever its harm class.
* LG 3: with under-18s, a safer-recruitment gap (people who moderate or host without checks) is
  critical (harm_order ``at_least: {vetting: critical}``), and its action sets an interim limit until
  the checks are done.
* SC 1: the action for staff contacting members from personal accounts says what stops now before
  it asks for accounts to be set up; and (RF 3) organisation devices are never critical while that
  action is still open: stopping the contact comes before buying phones.
* GC 1: the risk assessment never states a floor ("impact at least 5") that the safeguards then
  break without saying so: the factor reads "impact at least 5 before safeguards", and the line
  that lowers the impact says why (harm found and stopped sooner, not less serious).
* GC 2, LG 5: responding to concerns is never rated rare (likelihood 1) where a slow response can
  cost a child's safety or a life (inherent impact 5), moderation covers only some days or no set
  times, and members are not told when nobody is reading; the responding area's ``strength_rules``
  keep the likelihood at 2 until that signposting (or every safeguard there) is in place.
* GC 3: where young members do not have their own spaces, the action that separates them (near the
  top of a children's plan) also says staff and volunteers are there only on duty and never play
  or chat with young members outside that time.
"""

from __future__ import annotations

import re

import pytest

from assessor.questionnaire import Priority
from tests.corpus import CORPUS, IDS, rendered, scored


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_answer_to_this_years_incident_comes_before_other_gaps_in_its_area(path):
    catalogue, assessment, result = scored(path)
    incidents = set(assessment.profile.get("incidents") or ()) - {"none"}
    if not incidents:
        return
    ids = [a.id for a in result.actions]
    for a in result.actions:
        kinds = {
            k
            for q in a.sources
            if q in catalogue.index
            for k in catalogue.index[q].answers_incident
            if k in incidents
        }
        own = [catalogue.action_for(catalogue.index[q]) for q in a.sources if q in catalogue.index]
        if not kinds or all(o.priority == Priority.low for o in own if o is not None):
            continue
        later = [
            b.id
            for b in result.actions
            if b.id != a.id
            and kinds & set(b.areas)
            and b.id not in catalogue.meta.scoring.key_conditions
            and ids.index(b.id) < ids.index(a.id)
            and not (
                kinds
                & {k for q in b.sources if q in catalogue.index for k in catalogue.index[q].answers_incident}
            )
        ]
        assert not later, (
            f"{path.stem}: '{a.id}' answers this year's incident ({', '.join(sorted(kinds))}) but is"
            f" planned ({a.priority.value}) after {later}"
        )


CHILDREN = {"under_13", "age_13_17"}


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_unchecked_adults_with_children_are_limited_now(path):
    _, assessment, result = scored(path)
    if not CHILDREN & set(assessment.profile.get("audience") or ()):
        return
    # Since reading r14 (SC 3, LG 4) the limit is an at-once action of its own, keeping the id, and the
    # interviews and references follow as `<id>.then` (high, with their own date).
    at_once = next((a for a in result.actions if a.id == "staff_conduct.safer_recruitment"), None)
    if at_once is not None and at_once.due_window == "At once":
        assert at_once.priority == Priority.critical, (path.stem, at_once.priority.value)
        assert re.search(r"Until (someone's checks are|their check is) complete", at_once.text), at_once.text
        return
    for a in result.actions:
        if "staff_conduct.safer_recruitment" in a.sources:
            # Critical, unless the plan's critical places are full and it says so (this round's at-once
            # stop of personal-account messages took a place in the refugee pack: reading r12 GC 2).
            assert a.priority == Priority.critical or "Critical is kept for the most harmful few" in a.why, (
                path.stem,
                a.priority.value,
                a.why,
            )
            assert "Until someone's checks are complete" in a.text, (path.stem, a.text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_personal_account_contact_stops_now_and_before_devices(path):
    _, _, result = scored(path)
    by_source = {q: a for a in result.actions for q in a.sources}
    accounts = by_source.get("staff_conduct.authorised_accounts")
    devices = by_source.get("staff_conduct.devices")
    if accounts is not None and "set up" in accounts.text.lower():
        text = accounts.text.lower()
        # The stop comes first: in the accounts action, or (since reading r12 GC 2) as its own critical
        # at-once instruction elsewhere in the plan, the set-up keeping its own date.
        stopped = [
            x
            for x in result.actions
            if x.priority == Priority.critical and "personal account" in x.text.lower()
        ]
        assert text.startswith("stop") or stopped, (path.stem, text)
        # "now" only where the action is critical (r8 plan, LG 3 / GC 1); otherwise the stop still comes first
        if accounts.priority == Priority.critical:
            assert text.index("now") < text.index("set up"), (path.stem, text)
    if accounts is not None and devices is not None:
        assert devices.priority != Priority.critical, (path.stem, "devices critical before accounts")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_impact_floor_is_never_contradicted_without_a_word(path):
    _, _, result = scored(path)
    lowered = [
        a
        for a in result.areas
        if any(f.axis == "impact" and f.change.startswith("at least") for f in a.raised_by)
    ]
    if not any(a.residual.impact < a.inherent.impact for a in lowered):
        return
    text = rendered(path).texts["risk_report"]
    assert "impact at least" in text, path.stem
    for chunk in text.split("impact at least")[1:]:
        assert chunk.split(";")[0].split(")")[0].strip().endswith("before safeguards"), (
            path.stem,
            chunk[:80],
        )
    assert "stopped sooner" in text, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_response_is_not_rare_while_days_go_unwatched(path):
    _, assessment, result = scored(path)
    if assessment.profile.get("moderation_cover") not in ("some_days", "no_set_times"):
        return
    answer = assessment.answers.get("moderation.out_of_hours")
    if getattr(answer, "value", answer) == "in_place":
        return
    for a in result.areas:
        if a.id == "responding" and a.inherent.impact == 5 and a.control_strength < 1:
            assert a.residual.likelihood >= 2, (path.stem, a.residual)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_adults_are_in_young_members_spaces_only_on_duty(path):
    _, assessment, result = scored(path)
    audience = set(assessment.profile.get("audience") or ())
    if not CHILDREN & audience or "adults" in audience:
        return
    for a in result.actions:
        if "grooming.age_spaces" in a.sources and a.text.startswith("Give each age group"):
            if assessment.profile.get("platform") == "messaging_group":
                # A messaging group has no duty hours: adults post only about activities (r8 SC 5).
                assert "only about the group's activities" in a.text and "never chat socially" in a.text
            else:
                assert "only when on duty" in a.text and "outside that time" in a.text, (path.stem, a.text)
