"""Issue 10, reading r9 (plan2): ratings and priorities a safeguarding lead finds credible.

Each test runs over the whole scenario corpus (tests/corpus.py) and checks a rule, not a scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import CORPUS, IDS, rendered, scored

MISSING = {"not_in_place", "dont_know", None}


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_area_with_this_years_incident_is_never_rated_unlikely(path: Path) -> None:
    """r9 LG 10: a bullying incident this year, yet bullying rated L2 'unlikely'. An area where the
    profile records an incident keeps a likelihood of at least 3 (or its rating before safeguards)
    while any of its safeguards is not fully in place."""
    _, assessment, result = scored(path)
    floor = 3  # "possible": what happened once can happen again
    incidents = set(assessment.profile.get("incidents") or ()) - {"none"}
    for area in result.areas:
        if area.id in incidents and area.control_strength < 1:
            want = min(area.inherent.likelihood, floor)
            assert area.residual.likelihood >= want, (area.id, area.residual.likelihood, want)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_reports_with_no_stated_response_do_not_make_harm_rare(path: Path) -> None:
    """r9 RF 4: reports read 'when they have time', with no stated response time, yet reporting was
    L1 'rare' (Low). While reporting.report_response is missing, the area keeps its likelihood
    before safeguards, and the risk register prints that rating."""
    _, assessment, result = scored(path)
    answer = assessment.answers.get("reporting.report_response")
    area = next((a for a in result.areas if a.id == "reporting"), None)
    if area is None or answer is None or answer.value not in MISSING:
        return
    assert area.residual.likelihood == area.inherent.likelihood, (area.inherent, area.residual)
    ra = rendered(path).texts["risk_report"]
    assert f"L{area.residual.likelihood} × I{area.residual.impact}" in ra


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_adopting_rules_does_not_promise_every_existing_member_agrees(path: Path) -> None:
    """r9 RF 13: 'make sure every member has agreed to them' within six weeks, for 1,400 existing
    members a platform asks nothing of. No document promises every member agrees; the adoption
    action tells existing members and asks new members to agree when they join."""
    pack = rendered(path)
    for name, text in pack.texts.items():
        for bad in ("every member has agreed", "ask every member to agree"):
            assert bad not in text, (name, bad)
    ra = pack.texts["risk_report"]
    if "rules in this pack" in ra or "member code of conduct in this pack" in ra:
        assert "tell existing members, and ask new members to agree" in ra


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_critical_warning_reaches_members_in_their_languages(path: Path) -> None:
    """r9 RF 2: the critical 'what our staff will never ask for' warning after a scam was English
    only for 24 weeks, until the translation action in May. Where members use other languages, a
    critical action that tells members something says it in each language they use."""
    _, assessment, result = scored(path)
    if not assessment.profile.get("languages"):
        return
    for a in result.actions:
        if a.priority.value == "critical" and a.text.startswith("Tell members"):
            assert "each language" in a.text, (a.id, a.text)
