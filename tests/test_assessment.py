"""Assessment files: exact round-trip, positioned errors, migration, refusal of newer versions."""

from __future__ import annotations

import datetime as dt

import pytest

from assessor.assessment import Assessment, Person, load_assessment, parse_assessment, save_assessment
from assessor.errors import SourceErrors

GOOD = """\
schema_version: 1
organisation:
  name: Test Org
  charity_number: '123'
profile:
  relationship: runs
  audience:
  - child
  lead:
    name: Sam Lead
    role: DSL
    email: sam@example.org
    phone: 01632 960000
answers:
  contact.c1:
    value: in_place
    note: 'Checked: yes, see log #4'
  contact.info:
    value: Some text
meta:
  assessor: Alex
  assessed_on: '2026-01-10'
  questionnaire_version: 0.0.1
  next_review: '2027-01-10'
plan:
  fix:
    owner: Jo
    due: '2026-02-01'
"""


def errors(mini, text: str) -> list[str]:
    with pytest.raises(SourceErrors) as exc:
        parse_assessment(text, mini, "a.yaml")
    return [str(p) for p in exc.value.problems]


def test_round_trip_is_exact(mini, tmp_path):
    a = parse_assessment(GOOD, mini, "a.yaml")
    assert isinstance(a.profile["lead"], Person)
    assert a.meta.assessed_on == dt.date(2026, 1, 10)
    assert a.to_yaml() == GOOD
    path = tmp_path / "a.yaml"
    save_assessment(a, path)
    assert path.read_text() == GOOD
    assert load_assessment(path, mini) == a


def test_next_review_defaults_to_twelve_months(mini):
    a = parse_assessment(GOOD.replace("  next_review: '2027-01-10'\n", ""), mini)
    assert a.meta.next_review is None
    assert a.meta.review_date() == dt.date(2027, 1, 10)
    leap = Assessment(organisation={"name": "x"}, meta={"assessed_on": "2028-02-29"})
    assert leap.meta.review_date() == dt.date(2029, 2, 28)


def test_unknown_ids_and_bad_values_are_each_named(mini):
    text = GOOD.replace("  contact.info:\n", "  contact.c9:\n").replace("value: in_place", "value: inplace")
    text = text.replace("  - child\n", "  - children\n")
    assert errors(mini, text) == [
        "a.yaml:8:3: children not an option of profile.audience; use: child, adult",
        "a.yaml:16:12: 'inplace' is not a valid answer to contact.c1; use one of: "
        "in_place, partly, not_in_place, dont_know, not_applicable",
        "a.yaml:18:3: unknown question id 'contact.c9'",
    ]


def test_missing_required_and_unknown_top_level(mini):
    text = GOOD.replace("  name: Test Org\n", "").replace("meta:", "metadata:")
    assert errors(mini, text) == [
        "a.yaml:2:1: missing required key 'name'",
        "a.yaml:19:1: unknown key 'metadata'",
    ]


def test_newer_schema_version_is_refused_clearly(mini):
    (msg,) = errors(mini, GOOD.replace("schema_version: 1", "schema_version: 9"))
    assert msg.startswith("a.yaml:1:17: schema_version 9 is newer") or "newer than this program" in msg


def test_version_zero_is_migrated(mini):
    old = (
        "schema_version: 0\norganisation: {name: Old}\nassessor: Pat\nassessed_on: 2025-05-01\n"
        "profile: {relationship: runs}\n"
    )
    a = parse_assessment(old, mini)
    assert a.schema_version == 1
    assert a.meta.assessor == "Pat" and a.meta.assessed_on == dt.date(2025, 5, 1)


def test_not_a_mapping(mini):
    assert errors(mini, "- just\n- a list\n") == [
        "a.yaml:1:1: an assessment file must be a mapping with keys like 'organisation:'"
    ]
