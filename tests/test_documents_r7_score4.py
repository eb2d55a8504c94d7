"""Reading r6, priorities (engineer score4), over the whole corpus (tests/scenarios and examples):

* RF 4 (and AQ 10/11): the first answer to an incident the profile records for this year (a
  question's ``answers_incident``; after a scam by a fake adviser, telling members what real staff
  never ask for) is planned before every other gap in the area where the incident happened, unless
  its own priority is low: it is as urgent as that area (``incident_answer_band``) and may rise two
  steps above its own priority (``incident_answer_max_raise``), whatever its harm class.
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
