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


HOUSE_RULES_NEVER_ASK = ("money", "gift cards", "bank details", "password", "photos of", "another app")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_what_staff_never_ask_for_is_a_list_the_organisation_can_keep(path: Path) -> None:
    """r10 RF 1: 'what your staff will never ask for (... photos, meeting alone)' for a drop-in whose
    staff see members' letters and meet adults one to one, and 'at once ... in each language' while
    the rules' translation is due months later. Every document's list is the house rules' own
    (payments, bank details, passwords, photos of themselves, moving to another app), never
    'meeting alone' or bare 'photos'; where members use other languages, the at-once warning is a
    short post, and only the translation puts it in the rules."""
    pack = rendered(path)
    for name, text in pack.texts.items():
        assert "meeting alone" not in text, name
        for sentence in text.split(". "):
            after = sentence.split("will never ask for", 1)[-1].lstrip()
            if "will never ask for" in sentence and after.startswith("("):
                listed = after[1:].split(")", 1)[0]
                assert "photos of themselves" in listed or "photos" not in listed, (name, listed)
                for item in ("money", "bank details", "another app"):
                    assert item in listed, (name, item, listed)
    _, assessment, result = scored(path)
    if not assessment.profile.get("languages"):
        return
    for a in result.actions:
        if "anonymity.staff_never_ask" in a.sources:
            assert "in the rules and when they join, in English and in each language" not in a.text
            assert "short pinned post" in a.text and "add it to the rules" in a.text, a.text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_parents_are_told_the_other_apps_are_not_the_organisations(path: Path) -> None:
    """r10 GC 4: members also use Discord and Roblox, parents are informed, yet nothing tells parents
    that the club does not run or supervise them, or that Discord is 13+. Where under-18s take part
    in a community the organisation runs, the rules name other apps and parents are told about the
    community, the policy statement tells parents the organisation does not run those apps, with
    each one's minimum age (from the registry) where the youngest members are below it."""
    pack = rendered(path)
    ctx, known = pack.context, pack.assessment
    apps = list(ctx.profile.other_apps or ())
    answer = known.answers.get("safety_information.parents_informed")
    young = CHILDREN & set(known.profile.get("audience") or ())
    policy = pack.texts["policy_statement"]
    if not (apps and young and answer is not None and answer.value == "in_place"):
        assert "does not run or supervise" not in policy
        return
    assert "does not run or supervise" in policy, path.stem
    line = policy.split("does not run or supervise", 1)[1].split(";", 1)[0]
    for app in apps:
        assert app in line, (app, line)
    for name, age in ctx.profile.other_apps_under_age:
        assert f"{name} is only for people aged {age} and over" in line, line


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_children_in_a_space_open_when_nobody_is_on_is_not_a_half_gap(path: Path) -> None:
    """r10 GC 2: 'Match the hours members can use the space to the hours someone is on duty' was
    Medium, due in May, for an 8 to 17 club whose server is open all week with volunteers on two
    sessions. Where under-18s take part and cover is on set days or hours, moderation cover answered
    'partly' is not half a safeguard: the action keeps its own priority (high), not the area's."""
    catalogue, assessment, result = scored(path)
    cover = assessment.profile.get("moderation_cover")
    young = CHILDREN & set(assessment.profile.get("audience") or ())
    answer = assessment.answers.get("moderation.enough_people")
    if not (young and cover in ("daily_set", "some_days") and answer and answer.value == "partly"):
        return
    area = next(a for a in result.areas if a.id == "moderation")
    if area.residual.band.value == "green":
        return  # in a Low area every gap is an improvement, at most medium (priority_at_most_by_band)
    own = catalogue.index["moderation.enough_people"].action.priority
    (action,) = [a for a in result.actions if "moderation.enough_people" in a.sources]
    order = ["critical", "high", "medium", "low"]
    assert order.index(action.priority.value) <= order.index(own.value), (path.stem, action.why)
