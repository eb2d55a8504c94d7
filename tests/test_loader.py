"""Questionnaire loading: every problem reported at once, each with file:line:col."""

from __future__ import annotations

import pytest

from assessor.catalogue import load_catalogue
from assessor.errors import SourceErrors


def problems(folder) -> list[str]:
    with pytest.raises(SourceErrors) as exc:
        load_catalogue(folder)
    return [str(p).split("mini/", 1)[1] for p in exc.value.problems]


def edit(folder, name, old, new):
    path = folder / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_bundled_questionnaire_loads(catalogue):
    assert len(catalogue.areas) == 14
    assert all(q.id.startswith("profile.") for s in catalogue.profile.sections for q in s.questions)


def test_unknown_key_is_pointed_at(mini_copy):
    edit(mini_copy, "areas/02-images.yaml", "        weight: 1\n", "        wieght: 1\n")
    assert problems(mini_copy) == ["areas/02-images.yaml:16:9: unknown key 'wieght'"]


def test_duplicate_key(mini_copy):
    edit(mini_copy, "areas/02-images.yaml", "        weight: 1\n", "        weight: 1\n        weight: 2\n")
    assert problems(mini_copy) == [
        "areas/02-images.yaml:17:9: duplicate key 'weight' (first given at line 16)"
    ]


def test_bad_yaml_syntax(mini_copy):
    edit(mini_copy, "areas/02-images.yaml", "title: Images", "title: [Images")
    (p,) = problems(mini_copy)
    assert p.startswith("areas/02-images.yaml:") and "not valid YAML" in p


def test_every_error_in_every_file_at_once(mini_copy):
    edit(mini_copy, "areas/02-images.yaml", "kind: operating", "kind: operational")
    edit(mini_copy, "areas/01-contact.yaml", "base: 2", "base: 7")
    edit(mini_copy, "profile.yaml", "kind: person", "kind: persona")
    found = problems(mini_copy)
    assert "areas/01-contact.yaml:7:11: base: Input should be less than or equal to 5" in found
    assert any(p.startswith("areas/02-images.yaml:3:7: kind:") for p in found)
    assert any(p.startswith("profile.yaml:20:15: kind:") for p in found)
    assert len(found) == 3


def test_cross_references(mini_copy):
    edit(mini_copy, "areas/02-images.yaml", '["003.B3"]', '["003.B9"]')
    edit(mini_copy, "areas/02-images.yaml", "includes: media}", "includes: video}")
    edit(mini_copy, "areas/01-contact.yaml", "action: fix\n", "action: fixx\n")
    edit(mini_copy, "areas/01-contact.yaml", "owner: moderation_lead", "owner: janitor")
    assert problems(mini_copy) == [
        "areas/01-contact.yaml:34:17: unknown action id 'fixx' (see actions.yaml)",
        "areas/01-contact.yaml:39:63: unknown owner role 'janitor' (known: community_manager, "
        "data_protection_lead, moderation_lead, recruitment_lead, safeguarding_lead, technical_lead, trustees)",
        "areas/02-images.yaml:5:10: 'video' is not an option of 'profile.features' (options: dms, media)",
        "areas/02-images.yaml:17:20: unknown guidance id '003.B9'",
    ]


def test_show_if_must_point_backwards_at_unscored_questions(mini_copy):
    edit(
        mini_copy,
        "areas/01-contact.yaml",
        "      - id: contact.c2\n",
        "      - id: contact.c2\n        show_if: {q: contact.info, answered: true}\n",
    )
    edit(
        mini_copy,
        "areas/02-images.yaml",
        "        weight: 1\n",
        "        weight: 1\n        show_if: {q: contact.c1, equals: in_place}\n",
    )
    assert problems(mini_copy) == [
        "areas/01-contact.yaml:36:18: 'contact.info' comes later; show_if can only look at earlier questions",
        "areas/02-images.yaml:17:18: 'contact.c1' is scored; conditions may only use unscored questions",
    ]


def test_duplicate_ids_and_empty_area(mini_copy):
    edit(mini_copy, "areas/02-images.yaml", "id: images\n", "id: contact\n")
    edit(mini_copy, "areas/02-images.yaml", "- id: images.consent", "- id: contact.c1")
    found = problems(mini_copy)
    assert "areas/02-images.yaml:1:5: risk area id 'contact' is already used in " in found[0]
    assert "areas/02-images.yaml:13:13: duplicate question id 'contact.c1'" in found


def test_area_without_scored_question(mini_copy):
    edit(
        mini_copy,
        "areas/02-images.yaml",
        "        kind: control\n        text: Consent is recorded.\n        weight: 1\n",
        "        kind: text\n        text: Consent is recorded.\n",
    )
    edit(mini_copy, "areas/02-images.yaml", "        action: fix\n", "")
    assert problems(mini_copy) == ["areas/02-images.yaml:10:3: risk area 'images' has no scored question"]


def test_aliases_refused(mini_copy):
    edit(mini_copy, "areas/02-images.yaml", "title: Images", "title: &t Images\nsummary2: *t")
    (p,) = problems(mini_copy)
    assert "anchors and aliases" in p


def test_missing_file(mini_copy):
    (mini_copy / "actions.yaml").unlink()
    assert problems(mini_copy)[0] == "actions.yaml:1:1: required file is missing"


# Scoring fields of the bundled questionnaire (issue 11): a typo in each is reported at the line
# where it was made, with a message that names the field's kind of reference.
SCORING_TYPOS = [
    # (file, text, typo, where the typo is on the line, message fragment)
    ("areas/14-platform-features.yaml", "audit_action: treat_as_unmoderated", "audit_action: treat_as_unmoderatd",
     "treat_as_unmoderatd", "unknown action id 'treat_as_unmoderatd' for audit_action"),
    ("areas/14-platform-features.yaml", "also_counts_in: [reporting]", "also_counts_in: [reportin]",
     "reportin", "unknown risk area 'reportin'"),
    ("areas/06-fake-profiles.yaml", "key_if: {q: profile.community_focus, includes: abuse_survivors}",
     "key_if: {q: profile.community_focus, includes: abuse_survivor}", "{q:",
     "'abuse_survivor' is not an option of 'profile.community_focus'"),
    ("areas/06-fake-profiles.yaml", "key_if: {q: profile.community_focus, includes: abuse_survivors}",
     "key_if: {q: fake_profiles.join_checks, equals: in_place}", "{q:", "is not a profile question"),
    ("areas/06-fake-profiles.yaml", "urgent_when: {q: profile.incidents, includes: fake_profiles}",
     "urgent_when: {q: profile.incidents, includes: fake_profile}", "{q:",
     "'fake_profile' is not an option of 'profile.incidents'"),
    ("areas/07-grooming.yaml", "  - when: {q: profile.incidents, includes: grooming}",
     "  - when: {q: profile.incident, includes: grooming}", "{q:", "'profile.incident' is not a profile question"),
    ("areas/07-grooming.yaml", "\nharm: member_contact", "\nharm: member_contacts", "member_contacts",
     "harm class 'member_contacts' is in no harm_order list"),
    ("areas/14-platform-features.yaml", "harm: decision", "harm: decisions", "decisions",
     "harm class 'decisions' is in no harm_order list"),
    ("catalogue.yaml", "critical: [decision, response]", "critical: [decision, responses]", "responses",
     "harm class 'responses' is not in this entry's order"),
    ("catalogue.yaml", "at_most: {decision: medium}", "at_most: {decisions: medium}", "decisions",
     "harm class 'decisions' is not in this entry's order"),
    ("catalogue.yaml", "- when: {q: profile.audience, includes_any: [under_13, age_13_17]}",
     "- when: {q: profile.audience, includes_any: [under_13, age_13_7]}", "{q:",
     "'age_13_7' is not an option of 'profile.audience'"),
    ("catalogue.yaml", "areas: [responding, disclosure]", "areas: [responding, disclosur]", "disclosur",
     "unknown risk area 'disclosur'"),
    ("catalogue.yaml", "        owner: trustees\n", "        owner: trustee\n", "trustee",
     "unknown owner role 'trustee'"),
    ("catalogue.yaml", "when: {q: profile.safeguarding_lead, answered: false}\n      missing",
     "when: {q: profile.safeguarding_leed, answered: false}\n      missing", "{q:",
     "'profile.safeguarding_leed' is not a profile question"),
    ("catalogue.yaml", 'guidance: ["003.K4", "003.D4"]\n      action', 'guidance: ["003.Z9", "003.D4"]\n      action',
     "003.Z9", "unknown guidance id '003.Z9'"),
    ("catalogue.yaml", "    safeguarding_lead:\n      when", "    safeguarding_leader:\n      when",
     "safeguarding_leader", "unknown role 'safeguarding_leader'"),
    ("catalogue.yaml", "      owner: trustees\n      label", "      owner: trustee\n      label", "trustee",
     "unknown owner role 'trustee'"),
    ("catalogue.yaml", "- when: {q: profile.stage, equals: planned}\n          meaning: This",
     "- when: {q: profile.stage, equals: plannd}\n          meaning: This", "{q:",
     "'plannd' is not an option of 'profile.stage'"),
    ("catalogue.yaml", "    when: {q: profile.stage, equals: planned}\n    priorities",
     "    when: {q: profile.stage, equals: plannd}\n    priorities", "{q:",
     "'plannd' is not an option of 'profile.stage'"),
    ("catalogue.yaml", "rank_by: [answered_danger, answers_incident,", "rank_by: [answered_danger, answer_incident,",
     "answer_incident",
     "rank_by: must be one of"),
    ("areas/05-anonymity.yaml", "answers_incident: [fake_profiles]", "answers_incident: [fake_profile]",
     "fake_profile", "'fake_profile' is not an incident kind of profile.incidents"),
]  # fmt: skip


@pytest.mark.parametrize(
    "name, text, typo, at, message", SCORING_TYPOS, ids=[f"{c[0]}:{c[4][:40]}" for c in SCORING_TYPOS]
)
def test_scoring_field_typos_are_pointed_at(tmp_path, name, text, typo, at, message):
    import shutil

    from assessor.catalogue import DEFAULT_DIR

    folder = tmp_path / "q"
    shutil.copytree(DEFAULT_DIR, folder)
    path = folder / name
    source = path.read_text()
    assert text in source, text
    start = source.index(text)
    edited = source[:start] + typo + source[start + len(text) :]
    path.write_text(edited)
    # The line and column of the typo: the edited text's line that holds `at`.
    offset = edited.index(at, start)
    line = edited.count("\n", 0, offset) + 1
    with pytest.raises(SourceErrors) as exc:
        load_catalogue(folder)
    found = [str(p).split("/q/", 1)[1] for p in exc.value.problems]
    assert any(p.startswith(f"{name}:{line}:") and message in p for p in found), (line, found)
