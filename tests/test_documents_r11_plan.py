"""Issue 10, reading r10 (plan): priorities and action wording a safeguarding lead can follow.

Each test runs over the whole scenario corpus (tests/corpus.py) and checks a rule, not a scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import CORPUS, IDS, rendered, scored

CHILDREN = {"under_13", "age_13_17"}


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_summary_names_critical_actions_only_where_more_are_left(path: Path) -> None:
    """r10 GC (not counted): 'The action plan sets out the other critical and high-priority actions'
    in a plan with no critical action. The closing line of the summary names critical actions only
    when a critical action is left after the three it lists."""
    pack = rendered(path)
    urgent = [a for a in pack.context.actions if a.priority in ("critical", "high")]
    ra = pack.texts["risk_report"]
    if len(urgent) <= 3:
        assert "sets out the other" not in ra
        return
    rest_critical = any(a.priority == "critical" for a in urgent[3:])
    assert ("sets out the other critical and high-priority actions" in ra) == rest_critical, path.stem
    assert "sets out the other" in ra


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_unchecked_adults_hand_reports_on_rather_than_being_removed(path: Path) -> None:
    """r10 RF 2: 'Until someone's checks are complete, they ... do not read private reports' due in
    two weeks, where every admin sees the platform's report queue and none is checked: it removes
    every moderator. The interim limit is workable: they pass reports and disclosures to a checked
    adult to handle."""
    _, _, result = scored(path)
    for a in result.actions:
        if "Until someone's checks are complete" in a.text:
            assert "do not read private reports" not in a.text, (path.stem, a.text)
            assert "pass reports and disclosures to a checked adult to handle" in a.text, (path.stem, a.text)
    for name, text in rendered(path).texts.items():
        assert "do not read private reports" not in text, name


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_community_shared_with_under_18s_is_not_called_built_for_adults(path: Path) -> None:
    """r10 RF 3: 'how under-18s take part in a community built for adults ... or not at all' for a
    group whose audience answer is adults and 13-17 year olds (refugees and their families). Where
    the audience includes both, no document calls it built for adults or offers to shut the
    young people out."""
    pack = rendered(path)
    audience = set(pack.assessment.profile.get("audience") or ())
    if not ("adults" in audience and audience & CHILDREN):
        return
    for name, text in pack.texts.items():
        assert "community built for adults" not in text, name
        assert "its own checked adults, or not at all" not in text, name
