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
"""

from __future__ import annotations

from functools import cache

import pytest

from assessor.assessment import load_assessment
from assessor.catalogue import default_catalogue
from assessor.questionnaire import Priority
from assessor.scoring import score
from tests.corpus import CORPUS, IDS


@cache
def _scored(path):
    catalogue = default_catalogue()
    assessment = load_assessment(path, catalogue)
    return catalogue, assessment, score(assessment, catalogue)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_answer_to_this_years_incident_comes_before_other_gaps_in_its_area(path):
    catalogue, assessment, result = _scored(path)
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
    _, assessment, result = _scored(path)
    if not CHILDREN & set(assessment.profile.get("audience") or ()):
        return
    for a in result.actions:
        if "staff_conduct.safer_recruitment" in a.sources:
            assert a.priority == Priority.critical, (path.stem, a.priority.value, a.why)
            assert "Until someone's checks are complete" in a.text, (path.stem, a.text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_personal_account_contact_stops_now_and_before_devices(path):
    _, _, result = _scored(path)
    by_source = {q: a for a in result.actions for q in a.sources}
    accounts = by_source.get("staff_conduct.authorised_accounts")
    devices = by_source.get("staff_conduct.devices")
    if accounts is not None and "set up" in accounts.text.lower():
        text = accounts.text.lower()
        assert text.startswith("stop") and text.index("now") < text.index("set up"), (path.stem, text)
    if accounts is not None and devices is not None:
        assert devices.priority != Priority.critical, (path.stem, "devices critical before accounts")
