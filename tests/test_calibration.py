"""Calibration against a safeguarding lead's judgement (issue 11).

tests/scenarios/ holds organisations unlike the examples, and expectations.yaml what an
experienced safeguarding lead expects for each, written before anything was scored. This file
never edits them: where the tool and the lead disagree, the rules in questionnaires/ change.

Run with ``-s`` to see the per-scenario table.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from assessor.assessment import load_assessment
from assessor.catalogue import default_catalogue
from assessor.scoring import Result, score
from tests.test_documents_r12_audit2 import repeated_messages

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
EXPECTATIONS = yaml.safe_load((SCENARIOS / "expectations.yaml").read_text()) if SCENARIOS.exists() else {}
NAMES = sorted(EXPECTATIONS)
MAX_CRITICAL = 7
TOP3_NEEDED = 13

# Expectations the scoring cannot meet without breaking a rule the issue also asks for. They are
# reported, not edited (see the issue 11 report).
# Expected bands that the rules cannot meet (each a strict xfail, with the reason). None today:
# survivors-forum's oversharing is held at Medium by a linked key control (catalogue.yaml
# `key_controls.linked`): who can read members' posts decides what sharing costs, and its
# fake_profiles.returning_users is only partly in place.
KNOWN_BAND_CONFLICTS: dict[str, str] = {}


@cache
def result(name: str) -> Result:
    catalogue = default_catalogue()
    return score(load_assessment(SCENARIOS / f"{name}.yaml", catalogue), catalogue)


def top3_match(name: str) -> tuple[bool, list[str]]:
    """Each expected id is a source (or, for appoint_lead and platform_age, the id) of a top-3 action.

    An empty expectation means nothing needs doing first: then no action may be critical or high.
    """
    expected = EXPECTATIONS[name]["top_actions"]
    r = result(name)
    if not expected:
        urgent = [a.id for a in r.actions if a.priority in ("critical", "high")]
        return not urgent, urgent
    top = r.actions[:3]
    missing = [e for e in expected if not any(e == a.id or e in a.sources for a in top)]
    return not missing, missing


def test_corpus_is_complete():
    assert len(NAMES) >= 15
    for name in NAMES:
        assert (SCENARIOS / f"{name}.yaml").exists(), name


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_BAND_CONFLICTS[n], strict=True))
        if n in KNOWN_BAND_CONFLICTS
        else n
        for n in NAMES
    ],
)
def test_expected_bands(name):
    expected = EXPECTATIONS[name]
    r = result(name)
    got = {a.id: a.residual.band.value for a in r.areas}
    assert r.overall.value == expected["overall"], (name, "overall")
    wrong = {k: (v, got.get(k)) for k, v in expected.get("areas", {}).items() if got.get(k) != v}
    assert not wrong, f"{name}: area bands (expected, got): {wrong}"


@pytest.mark.parametrize("name", NAMES)
def test_critical_actions_are_few_and_never_low_at_heart(name):
    r = result(name)
    critical = [a for a in r.actions if a.priority == "critical"]
    assert len(critical) <= MAX_CRITICAL, (name, [a.id for a in critical])
    catalogue = default_catalogue()
    for a in critical:
        own = [catalogue.action_for(catalogue.index[q]) for q in a.sources if q in catalogue.index]
        assert not own or any(o.priority != "low" for o in own), (name, a.id)


@pytest.mark.parametrize("name", NAMES)
def test_no_two_actions_ask_for_the_same_thing(name):
    r = result(name)
    assert len({a.id for a in r.actions}) == len(r.actions)
    assert len({a.text for a in r.actions}) == len(r.actions)
    sources = [q for a in r.actions for q in a.sources]
    assert len(sources) == len(set(sources)), name  # each gap is closed by exactly one action
    words = [set(a.text.lower().split()) for a in r.actions]
    for i, a in enumerate(words):
        for j in range(i + 1, len(words)):
            b = words[j]
            overlap = len(a & b) / min(len(a), len(b))
            assert overlap < 0.8, (name, r.actions[i].id, r.actions[j].id, round(overlap, 2))
    # Nor do two actions tell members and families the same thing about the platform in other
    # words (reading r11, AQ 5: ages, moderation, who is on it; see test_documents_r12_audit2).
    assert not repeated_messages(r.actions), name


# issue 11: at least 13 of the 16 scenarios' top 3 match the lead's. Still missed (see the score5
# report): addiction-recovery (the open join link is high in a Medium area, below five critical
# moderation and response gaps), refugee (catfishing awareness, the other answer to the scam, is
# first, and young members' own spaces are high behind five critical gaps), slack (oversight and
# response gaps come before harassment and published hours).
def test_top_three_match_the_leads_order():
    rows, matched = [], 0
    for name in NAMES:
        ok, missing = top3_match(name)
        matched += ok
        r = result(name)
        crit = sum(a.priority == "critical" for a in r.actions)
        top = ", ".join(f"{a.id}" for a in r.actions[:3])
        rows.append(
            f"{'ok ' if ok else 'NO '} {name:34} critical={crit} top3=[{top}]"
            + ("" if ok else f" missing={missing}")
        )
    print("\n" + "\n".join(rows) + f"\ntop-3 match: {matched}/{len(NAMES)}")
    assert matched >= TOP3_NEEDED, "\n".join(rows)


@pytest.mark.parametrize("name", NAMES)
def test_a_high_rating_has_a_critical_action(name):
    # "High: carry out the critical actions first" is incoherent with nothing critical.
    r = result(name)
    if r.overall == "red":
        assert any(a.priority == "critical" for a in r.actions), name
