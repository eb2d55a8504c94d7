"""Reading r11 (issue 10), section "scam": the response to an incident follows the incident, and members
who use other languages are not bound for months by rules they cannot read. Over the whole corpus
(tests/corpus.py), each scenario as written and a copy given the answer the rule turns on:

* after "a fake profile, impersonation or scam" (profile.incidents fake_profiles), the awareness
  action (fake_profiles.catfishing_awareness) is about impersonation and scams, never only catfishing;
  it names the Immigration Advice Authority's register exactly where the nation's sources of help hold
  it for the community (helplines.yaml ``communities``), and where members use other languages
  (profile.languages) the guide is in those languages too (RF 8);
* where members use other languages, translating the rules (behaviour.rules_visible) is due at
  sign-off, with the house rules' adoption, and the house rules' promise of a translation gives that
  date instead of an open-ended "until then" (RF 9).
"""

from __future__ import annotations

import datetime as dt

import pytest

from assessor.scoring import score
from tests.corpus import CORPUS, IDS, rendered, scored

IAA = "Immigration Advice Authority"
LANGS = "Polish and Welsh"


def _variants(path):
    """The scenario as written, and copies given a scam incident and other languages."""
    catalogue, assessment, result = scored(path)
    yield "as written", catalogue, assessment, result
    for changes in ({"incidents": ["fake_profiles"]}, {"incidents": ["fake_profiles"], "languages": LANGS},
                    {"languages": LANGS}):  # fmt: skip
        copy = assessment.model_copy(deep=True)
        copy.profile.update(changes)
        yield str(changes), catalogue, copy, score(copy, catalogue)


def _action(result, source):
    return next((a for a in result.actions if source in a.sources), None)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_awareness_action_follows_the_incident_and_the_languages(path):
    for label, catalogue, assessment, result in _variants(path):
        action = _action(result, "fake_profiles.catfishing_awareness")
        if action is None:
            continue
        where = (path.stem, label, action.text)
        profile = assessment.profile
        if "fake_profiles" in (profile.get("incidents") or []):
            assert "scams" in action.text, where
            assert "on catfishing" not in action.text, where
            focus = set(profile.get("community_focus") or [])
            nation = catalogue.nations[profile["nation"]]
            register = any(IAA in h.name and focus & set(h.communities or []) for h in nation.helplines)
            assert (IAA in action.text) == register, where
        if profile.get("languages"):
            assert "in each language members use" in action.text, where


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_translating_the_rules_is_due_when_they_are_adopted(path):
    for label, catalogue, assessment, result in _variants(path):
        action = _action(result, "behaviour.rules_visible")
        if action is None or not assessment.profile.get("languages") or "translated" not in action.text:
            continue
        phasing = catalogue.meta.scoring.phasing
        where = (path.stem, label, action.due_window, action.due_date)
        assert action.due_window == phasing.pack_due.format(weeks=phasing.every_days // 7), where
        assert action.due_date <= assessment.meta.assessed_on + dt.timedelta(days=phasing.every_days), where
        adopt = next((a for a in result.actions if a.id == "write_group_agreement"), None)
        if adopt is not None:
            assert action.due_date <= adopt.due_date, where


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_house_rules_date_their_translation(path):
    pack = rendered(path)
    languages = pack.assessment.profile.get("languages")
    if not languages:
        return
    house = " ".join(pack.texts["house_rules"].split())
    item = pack.context.commitment_for("behaviour.rules_visible")
    promise = f"translated into {languages}"
    if promise in house and item is not None:
        day = item.due
        assert f"{promise} by {day.day} {day:%B %Y}" in house, path.stem
