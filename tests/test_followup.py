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


# -- overdue, the due command and the calendar --------------------------------------------------

import subprocess  # noqa: E402
import sys  # noqa: E402

from conftest import EXAMPLES, ROOT  # noqa: E402

from assessor.assessment import load_assessment, save_assessment  # noqa: E402
from assessor.followup import calendar_ics, fold, overdue  # noqa: E402
from assessor.scoring import score  # noqa: E402

FORUM = EXAMPLES / "communities" / "forum.yaml"
TODAY = dt.date(2026, 12, 1)


def run(*args: str):
    return subprocess.run(
        [sys.executable, "-m", "assessor", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def in_time(catalogue, late: str | None = None) -> Assessment:
    """The forum with every action due in June 2027, except ``late`` (due 20 November 2026)."""
    a = load_assessment(FORUM, catalogue)
    plan = dict(a.plan)
    for action in score(a, catalogue).actions:
        entry = plan.get(action.id) or PlanEntry()
        due = dt.date(2026, 11, 20) if action.id == late else dt.date(2027, 6, 1)
        plan[action.id] = entry.model_copy(update={"due": due})
    return a.model_copy(update={"plan": plan})


def test_only_open_actions_past_their_date_are_overdue(catalogue):
    a = in_time(catalogue, late="grooming.private_messages")
    result = score(a, catalogue)
    assert [(d.kind, d.action_id, d.days_late) for d in overdue(a, result, TODAY)] == [
        ("action", "grooming.private_messages", 11)
    ]
    assert overdue(a, result, dt.date(2026, 11, 20)) == []  # due today is not yet overdue
    done = a.model_copy(deep=True)
    done.plan["grooming.private_messages"] = PlanEntry(
        due=dt.date(2026, 11, 20), status="done", completed=dt.date(2026, 11, 25)
    )
    assert overdue(done, score(done, catalogue), TODAY) == []
    wont = a.model_copy(deep=True)
    wont.plan["grooming.private_messages"] = PlanEntry(
        due=dt.date(2026, 11, 20), status="wont_do", reason="Closed."
    )
    assert overdue(wont, score(wont, catalogue), TODAY) == []
    late_review = a.model_copy(deep=True)
    late_review.meta.next_review = dt.date(2026, 11, 1)
    kinds = [d.kind for d in overdue(late_review, score(late_review, catalogue), TODAY)]
    assert kinds == ["review", "action"]


def test_due_exits_non_zero_and_names_the_one_overdue_action(tmp_path, catalogue):
    folder = tmp_path / "assessments"
    folder.mkdir()
    save_assessment(in_time(catalogue, late="grooming.private_messages"), folder / "forum.yaml")
    save_assessment(in_time(catalogue), folder / "club.yml")
    (folder / "notes.txt").write_text("not an assessment")
    r = run("due", str(folder), "--today", TODAY.isoformat())
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "forum.yaml: Brightwater Youth Voice (Youth forum (13 to 17)):"
    )
    assert "(grooming.private_messages): 11 days overdue (due 2026-11-20" in lines[0]
    assert "1 overdue item across 2 assessments" in r.stderr

    (folder / "forum.yaml").unlink()
    r = run("due", str(folder), "--today", TODAY.isoformat())
    assert (r.returncode, r.stdout) == (0, "0 overdue items across 1 assessment on 2026-12-01\n")

    (folder / "broken.yaml").write_text("organisation: {name: X}\nplan: {a: {status: done}}\n")
    r = run("due", str(folder), "--today", TODAY.isoformat())
    assert (
        r.returncode == 2
        and "broken.yaml:2:11: an action marked done needs" in r.stderr
        and "could not be read" in r.stderr
    )


HOSTILE = 'Sam; O\'Neil, \\ the "lead"\nline two\r\n\x07\u202e 👩🏽‍⚕️ Gŵyl ' + "long " * 30


def test_calendar_parses_and_keeps_untrusted_text_intact(catalogue):
    import icalendar

    a = in_time(catalogue, late="grooming.private_messages")
    a.organisation.name = "Club; a, b \\ c\nBEGIN:VEVENT"
    a.meta.community = "Forum 👩🏽‍⚕️ ŵ"
    a.plan["grooming.private_messages"].owner = HOSTILE
    result = score(a, catalogue)
    now = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    data = calendar_ics(a, result, seed="draft-1", now=now)

    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in b"".join(lines) and b"\r" not in b"".join(lines)
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # folding never splits a character
    open_actions = [x for x in result.actions if (a.plan.get(x.id) or PlanEntry()).is_open()]
    assert len(open_actions) == len(result.actions) - 1  # the forum has one action done
    assert lines.count(b"BEGIN:VEVENT") == 1 + len(open_actions)  # the name's BEGIN:VEVENT is text

    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    assert "\nSUMMARY:Safeguarding review due: Club\\; a\\, b \\\\ c\\nBEGIN:VEVENT (Forum" in unfolded
    cal = icalendar.Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1 + len(open_actions)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids) and "draft-1" not in data.decode()
    assert all(e["DTSTAMP"].dt == now for e in events)
    review = events[0]
    assert review["DTSTART"].dt == a.meta.review_date()
    assert "Club; a, b \\ c\nBEGIN:VEVENT (Forum 👩🏽‍⚕️ ŵ)" in str(review["SUMMARY"])
    late = next(e for e in events if e["DTSTART"].dt == dt.date(2026, 11, 20))
    owner = HOSTILE.replace("\r\n", "\n").replace("\x07", "").replace("\u202e", "")
    assert f"Owner: {owner}." in str(late["DESCRIPTION"])
    # The same assessment gives the same UIDs (a re-import updates the events).
    again = icalendar.Calendar.from_ical(calendar_ics(a, result, seed="draft-1", now=now))
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids


def test_done_and_wont_do_actions_leave_the_calendar(catalogue):
    import icalendar

    a = in_time(catalogue)
    result = score(a, catalogue)
    first = result.actions[0].id
    a.plan[first] = a.plan[first].model_copy(update={"status": "done", "completed": TODAY})
    cal = icalendar.Calendar.from_ical(calendar_ics(a, result, seed="x"))
    assert len(list(cal.walk("VEVENT"))) == len(result.actions) - 1  # the review; all but two actions


def test_folding_counts_octets_not_characters():
    line = "SUMMARY:" + "ŵ" * 100
    folded = fold(line)
    parts = folded.split(b"\r\n")
    assert all(len(p) <= 75 for p in parts)
    assert b"".join(p[1:] if i else p for i, p in enumerate(parts)).decode() == line
