"""Issue 10, reading r10 GC 1 (offduty): adults who spend time with young members when nobody is on
duty are stopped at once.

The gaming club's answers say adult volunteers play with members on the 8-17 server outside
sessions. The only response was the second sentence of the age-groups action, High and due weeks
away. Where profile.off_duty_presence is ticked, the age-groups action (grooming.age_spaces) opens
with the instruction that stops it, and is critical and due at once (a `given` wording with
`priority` and `immediate` in 07-grooming.yaml); the staff code's off-duty rule names what the
answer says. Each test runs over the whole scenario corpus (tests/corpus.py) and checks a rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.scoring import score
from tests.corpus import CORPUS, IDS, parse_pages, rendered, scored

CHILDREN = {"under_13", "age_13_17"}
AT_ONCE = "At once: tell every staff member and volunteer"


def _young_and_run(assessment) -> bool:
    profile = assessment.profile
    return profile.get("relationship") == "runs" and bool(set(profile.get("audience") or ()) & CHILDREN)


def _off_duty(assessment) -> set[str]:
    return set(assessment.profile.get("off_duty_presence") or ()) & {"play", "chat"}


def _age_spaces(result):
    return next((a for a in result.actions if a.id == "grooming.age_spaces"), None)


def _check_at_once(action, ticked: set[str], where: str, messaging: bool = False) -> None:
    assert action.priority == "critical", (where, action.priority, action.why)
    assert action.due_window == "At once", (where, action.due_window)
    assert action.text.startswith(AT_ONCE), (where, action.text)
    assert "check it has stopped" in action.text, (where, action.text)
    # The age-group work (a new space or server) is not done in a day: it follows as its own action,
    # with the gap's own date (reading r12 GC 3, r13 GC 1; `split` in 07-grooming.yaml).
    assert "moves up to the next group" not in action.text, (where, action.text)
    # Nothing is played in a messaging group: there the rule is what adults post.
    assert ("play" in action.text) == ("play" in ticked and not messaging), (where, action.text)
    assert "due at once" in action.why, (where, action.why)


def test_the_gaming_club_answers_it() -> None:
    """The scenario whose notes say volunteers play outside sessions carries the answer, so the
    corpus tests below are not empty."""
    hits = [p.stem for p in CORPUS if _off_duty(scored(p)[1])]
    assert "gaming-club-roblox-minecraft" in hits


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_off_duty_adults_are_stopped_at_once_and_first(path: Path) -> None:
    """r10 GC 1: where the answers say staff or volunteers play or chat with young members off duty,
    the age-groups action leads with the one-message instruction, is critical, due at once, and is
    the first action of the risk assessment's most urgent list (after any key condition of the
    profile, such as appointing a lead)."""
    _, assessment, result = scored(path)
    ticked = _off_duty(assessment)
    action = _age_spaces(result)
    if not ticked or action is None or not _young_and_run(assessment):
        if action is not None:
            assert not action.text.startswith("At once:"), (path.stem, action.text)
        return
    _check_at_once(action, ticked, path.stem, assessment.profile.get("platform") == "messaging_group")
    pack = rendered(path)
    conditions = set(pack.catalogue.meta.scoring.key_conditions)
    gaps = [a for a in pack.context.actions if a.id not in conditions]
    # First, or after other one-message stops due at once (personal-account messages: r12 GC 2).
    ids = [a.id for a in gaps]
    assert "grooming.age_spaces" in ids, path.stem
    before = gaps[: ids.index("grooming.age_spaces")]
    assert all(a.due_window == "At once" for a in before), (path.stem, [a.id for a in before])
    rest = next((a for a in result.actions if a.id == "grooming.age_spaces.then"), None)
    assert rest is not None and "moves up to the next group" in rest.text, path.stem
    assert rest.due_date > assessment.meta.assessed_on, (path.stem, rest.due_window)
    ra = pack.texts["risk_report"]
    # Headed "Critical actions" where every action it lists is critical.
    urgent = ra[ra.index("Most urgent actions" if "Most urgent actions" in ra else "Critical actions") :]
    assert AT_ONCE in urgent and ("High:" not in urgent or urgent.index(AT_ONCE) < urgent.index("High:")), (
        path.stem
    )
    # The policy statement lists it under its at-once heading, without saying "at once" twice.
    policy = pack.texts["policy_statement"]
    assert "tell every staff member and volunteer" in policy, path.stem
    assert "at once: tell" not in policy.lower(), path.stem
    # The staff code carries the same rule, naming what the answer says.
    staff = pack.texts["staff_code"]
    assert ("do not play games, chat" in staff) == ("play" in ticked or pack.context.flags.game), path.stem
    assert "do not play games, chat" in staff or "do not chat" in staff, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_answer_makes_the_action_critical_at_once_for_every_organisation(path: Path) -> None:
    """The rule holds for every organisation that runs a space for under-18s with an age-groups gap,
    not just the gaming club: with the answer ticked ("chat"; "play" and "chat"), the action is
    critical and due at once and names what was ticked; without it, it does not open "At once"."""
    catalogue, assessment, result = scored(path)
    action = _age_spaces(result)
    if action is None or not _young_and_run(assessment):
        return
    for ticked in (["chat"], ["play", "chat"]):
        copy = assessment.model_copy(deep=True)
        copy.profile["off_duty_presence"] = ticked
        forced = _age_spaces(score(copy, catalogue))
        assert forced is not None, path.stem
        messaging = assessment.profile.get("platform") == "messaging_group"
        _check_at_once(forced, set(ticked), f"{path.stem} {ticked}", messaging)
    copy = assessment.model_copy(deep=True)
    copy.profile.pop("off_duty_presence", None)
    plain = _age_spaces(score(copy, catalogue))
    assert plain is not None and not plain.text.startswith("At once:"), (path.stem, plain.text)
    assert plain.due_window != "At once" or plain.priority == "critical", path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_staff_code_names_playing_where_adults_play_off_duty(path: Path) -> None:
    """Where the answer says adults play games with young members off duty, the staff code's
    off-duty rule names playing, on any platform (no new sentence: the rule's own verb list)."""
    catalogue, assessment, _ = scored(path)
    if not _young_and_run(assessment) or "play" in _off_duty(assessment):
        return
    copy = assessment.model_copy(deep=True)
    copy.profile["off_duty_presence"] = ["play"]
    staff = parse_pages(copy, catalogue)["staff_code"].text
    assert "do not play games, chat" in staff, path.stem
