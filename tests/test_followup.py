"""Follow-up of actions: status, completion date, reason, evidence; kept in files and in the store."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from assessor.assessment import ActionStatus, Assessment, PlanEntry, parse_assessment
from assessor.catalogue import DEFAULT_DIR
from assessor.errors import SourceErrors
from assessor.schema import assessment_schema_text
from tests.test_store import BACKENDS


def test_statuses_and_their_rules():
    assert PlanEntry().state() == ActionStatus.not_started and PlanEntry().is_open()
    done = PlanEntry(status="done", completed=dt.date(2026, 3, 1), evidence="https://example.org/minutes")
    assert done.state() == ActionStatus.done and not done.is_open()
    wont = PlanEntry(status="wont_do", reason="The forum closes in January.")
    assert not wont.is_open()
    assert PlanEntry(status="in_progress", owner="Sam", due=dt.date(2026, 5, 1)).is_open()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"status": "done"}, "needs the date it was completed"),
        ({"status": "wont_do"}, "needs the reason"),
        ({"status": "wont_do", "reason": "   "}, "needs the reason"),
        ({"completed": "2026-01-01"}, "completion date goes only with status done"),
        ({"status": "in_progress", "completed": "2026-01-01"}, "completion date goes only"),
        (
            {"status": "done", "completed": "2026-01-01", "reason": "x"},
            "reason goes only with status wont_do",
        ),
        ({"status": "finished"}, "status"),
        ({"completed": "3026-01-01", "status": "done"}, "outside the dates"),
        ({"evidence": "data:application/pdf;base64,JVBERi0x"}, "never a file's contents"),
        ({"evidence": "  JavaScript:alert(1)"}, "never a file's contents"),
        ({"evidence": "file:///home/lead/disclosure.docx"}, "never a file's contents"),
        ({"evidence": "ftp://example.org/x"}, "starts with https://"),
        ({"evidence": "Minutes\nline two"}, "one line"),
        ({"evidence": "x" * 501}, "at most 500"),
    ],
)
def test_inconsistent_follow_up_is_refused(fields, message):
    with pytest.raises(ValidationError) as exc:
        PlanEntry(**fields)
    assert message in str(exc.value)


def test_evidence_is_a_link_or_a_reference():
    for ok in (
        "https://example.org/policy-v3",
        "Trustee minutes 14/2026, item 4",
        "Policy folder: OSP v3.pdf",
    ):
        assert PlanEntry(evidence=f"  {ok} ").evidence == ok
    assert PlanEntry(evidence="   ").evidence is None


def test_a_file_with_follow_up_loads_and_names_the_line(mini):
    text = (
        "organisation: {name: Club}\n"
        "plan:\n"
        "  adopt_policy:\n"
        "    owner: Sam Okafor\n"
        "    due: 2026-02-01\n"
        "    status: done\n"
        "    completed: 2026-01-20\n"
        "    evidence: Trustee minutes 3/2026, item 2\n"
        "  train_moderators: {status: wont_do, reason: The group closes in March.}\n"
    )
    a = parse_assessment(text, mini)
    assert a.plan["adopt_policy"].state() == ActionStatus.done
    assert a.plan["adopt_policy"].completed == dt.date(2026, 1, 20)
    assert a.plan["train_moderators"].reason == "The group closes in March."
    assert parse_assessment(a.to_yaml(), mini) == a
    with pytest.raises(SourceErrors) as exc:
        parse_assessment(text.replace("    completed: 2026-01-20\n", ""), mini, "club.yaml")
    [problem] = exc.value.problems
    assert (problem.line, problem.col) == (4, 5) and "needs the date it was completed" in problem.message


@pytest.fixture(params=sorted(BACKENDS))
def store(request, tmp_path):
    s = BACKENDS[request.param](tmp_path)
    yield s
    s.close()


def test_follow_up_round_trips_through_the_store(store, mini):
    a = Assessment(organisation={"name": "Club"}, plan={"adopt_policy": PlanEntry(owner="Sam")})
    draft = store.create(a)
    rev = store.head(draft)
    changes = {
        "plan/adopt_policy/status": "done",
        "plan/adopt_policy/completed": "2026-01-20",
        "plan/adopt_policy/evidence": "https://example.org/minutes/3",
        "plan/train/status": "wont_do",
        "plan/train/reason": "The group closes in March.",
    }
    result = store.apply(draft, rev, changes, mini)
    assert set(result.applied) == set(changes)
    back = store.load(draft, mini)
    assert back.plan["adopt_policy"] == PlanEntry(
        owner="Sam", status="done", completed=dt.date(2026, 1, 20), evidence="https://example.org/minutes/3"
    )
    assert back.plan["train"].state() == ActionStatus.wont_do
    assert store.changes_in(draft, result.rev)["plan/adopt_policy/status"] == (None, "done")


def test_the_store_refuses_a_follow_up_that_would_not_load(store, mini):
    from assessor.store import InvalidChange

    draft = store.create(Assessment(organisation={"name": "Club"}))
    with pytest.raises(InvalidChange):
        store.apply(draft, store.head(draft), {"plan/adopt_policy/status": "done"}, mini)
    with pytest.raises(InvalidChange):
        store.apply(draft, store.head(draft), {"plan/adopt_policy/evidence": "data:text/plain,hi"}, mini)
    assert store.load(draft, mini).plan == {}


def test_assessment_schema_is_in_sync():
    committed = (DEFAULT_DIR / "assessment.schema.json").read_text(encoding="utf-8")
    assert committed == assessment_schema_text(), (
        "run: python -m assessor schema --assessment --write questionnaires/assessment.schema.json"
    )
    plan = json.loads(committed)["$defs"]["PlanEntry"]["properties"]
    assert {"owner", "due", "status", "completed", "reason", "evidence"} <= set(plan)
