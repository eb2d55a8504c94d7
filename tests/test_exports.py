"""Exports: the action plan and risk register as CSV and XLSX open with the standard library and
openpyxl, match the plan, and carry no formula from user text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT

from assessor.assessment import PlanEntry, load_assessment
from assessor.exports import ACTION_COLUMNS, REGISTER_COLUMNS, exports, safe_text
from assessor.scoring import score

TODAY = dt.date(2026, 12, 1)
INJECTIONS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture(scope="module")
def forum(catalogue):
    a = load_assessment(EXAMPLES / "communities" / "forum.yaml", catalogue)
    # The first three actions other than the one the example file itself marks done.
    first, second, third = [x.id for x in score(a, catalogue).actions if x.id != "keep_member_contact"][:3]
    a.plan[first] = PlanEntry(owner=INJECTIONS[0], due=dt.date(2026, 11, 25), evidence="=cmd|' /C calc'!A0")
    a.plan[second] = PlanEntry(status="wont_do", reason="@SUM(1+1) we closed that board")
    a.plan[third] = PlanEntry(owner="-Sam", status="done", completed=dt.date(2026, 11, 28))
    return a, score(a, catalogue)


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # a byte-order mark, so Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_action_plan_csv_matches_the_plan(forum, catalogue):
    a, result = forum
    rows = read_csv(exports(a, result, catalogue, TODAY)["action-plan.csv"])
    assert len(rows) == len(result.actions) and list(rows[0]) == list(ACTION_COLUMNS)
    for i, (row, action) in enumerate(zip(rows, result.actions, strict=True), 1):
        entry = a.plan.get(action.id) or PlanEntry()
        assert row["No."] == str(i) and row["Action id"] == action.id
        assert row["Action"] == action.text and row["Priority"] == action.priority_label
        assert row["Due"] == action.due_date.isoformat()
        assert row["Owner"] == safe_text(action.owner_label)
        assert (
            row["Status"]
            == {
                "not_started": "Not started",
                "in_progress": "In progress",
                "done": "Done",
                "wont_do": "Won't do",
            }[entry.state()]
        )
        assert row["Completed"] == (entry.completed.isoformat() if entry.completed else "")
    forum_plan = {r["Action id"]: r for r in rows}
    first, second, third = [x for x in rows if x["Action id"] != "keep_member_contact"][:3]
    assert first["Owner"] == "'" + INJECTIONS[0] and first["Days overdue"] == "6"
    assert first["Evidence"] == "'=cmd|' /C calc'!A0"
    assert second["Status"] == "Won't do" and second["Reason (won't do)"] == "'@SUM(1+1) we closed that board"
    assert third["Owner"] == "'-Sam" and third["Completed"] == "2026-11-28" and third["Days overdue"] == "0"
    assert forum_plan["keep_member_contact"]["Status"] == "Done"  # from the example file
    assert forum_plan["keep_member_contact"]["Evidence"].startswith("https://")


def test_risk_register_csv_matches_the_scores(forum, catalogue):
    a, result = forum
    rows = read_csv(exports(a, result, catalogue, TODAY)["risk-register.csv"])
    assert list(rows[0]) == list(REGISTER_COLUMNS)
    assert [r["Risk area"] for r in rows] == [x.title for x in result.areas]
    for row, area in zip(rows, result.areas, strict=True):
        assert int(row["Now: score"]) == area.residual.score
        assert int(row["Before safeguards: score"]) == area.inherent.score
        assert row["Rating"] == catalogue.meta.scoring.bands[area.residual.band].label


def test_workbook_opens_with_openpyxl_matches_and_holds_no_formula(forum, catalogue):
    from openpyxl import load_workbook

    a, result = forum
    book = load_workbook(io.BytesIO(exports(a, result, catalogue, TODAY)["action-plan.xlsx"]))
    assert book.sheetnames == ["Action plan", "Risk register"]
    sheet = book["Action plan"]
    header = [c.value for c in sheet[1]]
    assert header == list(ACTION_COLUMNS)
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert [r["Action id"] for r in rows] == [x.id for x in result.actions]
    assert [r["Due"].date() for r in rows] == [x.due_date for x in result.actions]  # real dates
    first, _, third = [r for r in rows if r["Action id"] != "keep_member_contact"][:3]
    assert first["Owner"] == "'" + INJECTIONS[0] and first["Days overdue"] == 6
    assert third["Completed"].date() == dt.date(2026, 11, 28)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    register = book["Risk register"]
    assert [r[0].value for r in register.iter_rows(min_row=2)] == [x.title for x in result.areas]


@pytest.mark.parametrize("text", INJECTIONS)
def test_every_formula_start_is_neutralised(text, catalogue):
    from openpyxl import load_workbook

    a = load_assessment(EXAMPLES / "communities" / "forum.yaml", catalogue)
    result = score(a, catalogue)
    a.plan[result.actions[0].id] = PlanEntry(owner=text)
    result = score(a, catalogue)
    files = exports(a, result, catalogue, TODAY)
    owner = read_csv(files["action-plan.csv"])[0]["Owner"]
    assert owner.startswith("'")
    cell = load_workbook(io.BytesIO(files["action-plan.xlsx"]))["Action plan"]["E2"]
    assert cell.data_type == "s" and cell.value.startswith("'")


def test_export_command_writes_csv_xlsx_and_ics(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "assessor",
            "export",
            str(EXAMPLES / "communities" / "forum.yaml"),
            "-o",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["action-plan.csv", "action-plan.xlsx", "follow-up.ics", "risk-register.csv"]
    assert read_csv((tmp_path / "action-plan.csv").read_bytes())[0]["No."] == "1"
