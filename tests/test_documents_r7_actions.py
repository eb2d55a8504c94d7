"""Reading r6, action wordings (issue 10), over the whole corpus (tests/scenarios and examples).

Each rule is driven by the answers, the profile or the platform registry, never by a scenario:

* under-age members: the remedy covers a group meant for their parents (take the children's own
  accounts out, keep it for parents and carers), not only "move their activity" (SC 3);
* an "I can't talk safely" signal is agreed with each person privately, never in the group or its
  agreement, where an abuser may be a member too (SC 5, RF 5);
* moderators' supervision is in proportion to what they see, not monthly for every volunteer (SC 4);
* a safe contact is recorded for the members the organisation works with directly, not for every
  member of a large community or of one whose sign-up asks for the minimum; where one is already held, only the follow-up is asked for
  (RF 21, LG 4, YC 5);
* a large community approves joiners by join questions and a pending period, never a call to each
  one (RF 2);
* a community built for adults that under-18s also join decides how they take part, not "age
  groups moving up to the next group" (RF 1);
* security for an app a company runs asks for no certificates or firewalls; a server the
  organisation runs itself names its software and plugins (platforms.yaml own_software; GC);
* an affiliated football club in England with youth teams is asked for a Club Welfare Officer with
  The FA's checks and training, as its lead (contacts.yaml sector_routes; SC 2).
"""

from __future__ import annotations

import re

import pytest

from assessor.assessment import load_assessment
from assessor.platforms import all_responses
from assessor.scoring import score
from tests.corpus import CORPUS, IDS, rendered, scored


def _from(result, question_id: str) -> list[str]:
    return [a.text for a in result.actions if question_id in a.sources or a.id == question_id]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_action_wordings_fit_the_organisation(path, catalogue):
    _, assessment, result = scored(path)
    responses = all_responses(assessment, catalogue)
    texts = [a.text for a in result.actions]
    runs = not result.audit
    name = path.stem

    # SC 3: children below the platform's minimum age may be in a group meant for their parents.
    if runs and responses.get("derived.platform_under_age"):
        under_age = [t for t in texts if re.search(r"younger than this (?:platform|app)'s minimum age", t)]
        assert under_age, name
        assert all(re.search(r"[Kk]eep (?:it|those groups) for parents and carers", t) for t in under_age), (
            name
        )

    # SC 5, RF 5: the signal is agreed with the person alone, never published to the group.
    for t in _from(result, "disclosure.safe_signal"):
        assert "group agreement" not in t and "Agree with members" not in t, (name, t)
        # Reading r11 SC 8, RF 7: with an under-18 a second adult from the staff is present.
        assert "with that person alone" in t or (
            re.search(r"away from (the|any) group", t)
            and "second adult" in t
            and ("never in the group" in t or "away from any group" in t)
        ), (name, t)
        if "general" in (responses.get("profile.community_focus") or []) and not result.audit:
            assert "only to a member who asks for one" in t, (name, t)

    # SC 4: supervision in proportion, not monthly for every volunteer who looks in.
    for t in _from(result, "moderation.supervision"):
        assert "(at least monthly)" not in t and "in proportion" in t, (name, t)

    # RF 21, LG 4, YC 5: no "for every member" in a large community, nor a record already held.
    large = responses.get("profile.size") in ("large", "very_large")
    held = responses.get("disclosure.direct_contact") == "in_place"
    minimal = responses.get("privacy_data.minimal_sign_up") == "in_place"
    for t in texts:
        if large or held or minimal:
            assert "for every member" not in t, (name, t)
    if held:
        for q in ("disclosure.missing_member", "anonymity.reach_member"):
            for t in _from(result, q):
                assert "record a safe way" not in t.lower(), (name, t)

    # RF 2: a large community is not asked to call every joiner.
    if large and runs and "lgbtq" not in (responses.get("profile.community_focus") or []):
        for t in _from(result, "fake_profiles.join_checks") + _from(result, "grooming.restricted_access"):
            if t.startswith("Let people join"):
                # On an app that knows members by phone number, the number is the check (r8 SC 6).
                assert "call" not in t and ("join questions" in t or "phone number matches" in t), (name, t)

    # RF 1: adults' community with under-18s: how they take part, not moving up age groups.
    audience = responses.get("profile.audience") or []
    focus = responses.get("profile.community_focus") or []
    mixed = "adults" in audience and {"under_13", "age_13_17"} & set(audience)
    if mixed and not {"lgbtq", "young_carers", "abuse_survivors"} & set(focus):
        for t in _from(result, "grooming.age_spaces"):
            assert "next group" not in t and "how under-18s take part" in t, (name, t)

    # GC: what there is to secure follows the platform.
    if runs:
        for t in _from(result, "privacy_data.tech_security"):
            if responses.get("derived.own_software") is False:
                assert "certificate" not in t and "firewall" not in t, (name, t)
            if responses.get("derived.own_software") is True:
                assert "plugin" in t and "website" not in t, (name, t)

    # SC 2: a football club's lead is its Club Welfare Officer, with The FA's checks and training.
    profile = assessment.profile
    if (
        profile.get("sector") == "football"
        and profile.get("nation") == "england"
        and {"under_13", "age_13_17"} & set(audience)
        and not responses.get("profile.safeguarding_lead")
    ):
        lead = [
            t for t in texts if "designated safeguarding lead" in t and t.startswith(("Name a", "Appoint"))
        ]
        assert lead and all("Club Welfare Officer" in t for t in lead), name
        assert "FA-accepted criminal record check" in lead[0], name


def test_the_corpus_exercises_each_rule(catalogue):
    """The rules above are not vacuous: the corpus has a case of each."""
    seen = set()
    for path in CORPUS:
        result = scored(path)[2]
        texts = " ".join(a.text for a in result.actions)
        for marker in (
            "keep it for parents and carers",
            "with that person alone",
            "only to a member who asks for one",
            "in proportion to what they see",
            "For each member you work with",
            "make sure it is done every time",
            "join questions",
            "how under-18s take part",
            "every plugin",
            "Turn on two-step sign-in for every organisation account used on the platform",
            "Club Welfare Officer",
        ):
            if marker in texts:
                seen.add(marker)
    assert len(seen) == 11, seen


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_plan_is_phased_so_that_few_actions_fall_due_together(path, catalogue):
    """SC 6: no more than `phasing.at_most` non-critical actions fall due in any one phase, due dates
    never go back down the plan's order, and no action is due before its own priority's window."""
    phasing = catalogue.meta.scoring.phasing
    assert phasing is not None
    _, assessment, result = scored(path)
    assessed = assessment.meta.assessed_on
    overridden = set(assessment.plan)
    # Adopting a document this pack supplies is not phased (r8 plan: due with the sign-off).
    adopt = phasing.pack_due.format(weeks=phasing.every_days // 7)
    rest = [
        a
        for a in result.actions
        if a.priority != "critical" and a.id not in overridden and a.due_window != adopt
    ]
    # Nothing falls due after the next review (r8 plan): what a phase would push past it is due by then.
    rest = [a for a in rest if a.due_window != phasing.by_review]
    per_date: dict = {}
    for a in rest:
        days = (a.due_date - assessed).days
        phase = -(-days // phasing.every_days)  # the phase whose window holds the due date
        per_date[phase] = per_date.get(phase, 0) + 1
        own = catalogue.meta.scoring.priorities[a.priority].days
        assert (a.due_date - assessed).days >= own or a.due_window.startswith("Before"), (path.stem, a.id)
        if a.phase > 1:
            assert a.due_window == phasing.due.format(phase=a.phase, weeks=(a.due_date - assessed).days // 7)
    assert all(n <= phasing.at_most for n in per_date.values()), (path.stem, per_date)
    dates = [a.due_date for a in rest]
    assert dates == sorted(dates), path.stem


def test_a_long_plan_is_phased_and_says_so(catalogue):
    path = next(p for p in CORPUS if p.stem == "sports-club-whatsapp")
    _, _, result = scored(path)
    assert any(a.phase > 1 for a in result.actions)
    report = rendered(path).texts["risk_report"]
    phasing = catalogue.meta.scoring.phasing
    assert phasing.explain.format(at_most=phasing.at_most, weeks=phasing.every_days // 7) in report
    assert "Phase 2: within 12 weeks" in report


def test_a_small_pseudonymous_community_records_contacts_only_for_members_it_works_with(catalogue, tmp_path):
    """LG 4: a sign-up that asks for the minimum (privacy_data.minimal_sign_up in place) is not
    undone by a list of every member's contact details, however small the community."""
    import yaml

    data = yaml.safe_load((CORPUS[0].parent / "lgbtq-youth-discord.yaml").read_text(encoding="utf-8"))
    data["profile"]["size"] = "small"
    assert data["answers"]["privacy_data.minimal_sign_up"]["value"] == "in_place"
    assert data["answers"]["disclosure.direct_contact"]["value"] != "in_place"
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = score(load_assessment(path, catalogue), catalogue)
    texts = _from(result, "disclosure.missing_member") + _from(result, "disclosure.direct_contact")
    assert texts and all("for every member" not in t and "each member you work with" in t for t in texts), (
        texts
    )
