"""The action plan and the risk register as CSV and Excel, for trustees who work in spreadsheets.

Every text cell is made safe against formula injection: a value that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return (which a spreadsheet would run as a formula when the
file is opened, or when the cell is edited) gets a leading apostrophe, as OWASP advises, and in
the workbook every text cell is stored as text, never as a formula. Numbers and dates are
written as numbers and dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import TYPE_CHECKING, Any

from assessor.followup import follow_ups

if TYPE_CHECKING:
    from assessor.assessment import Assessment
    from assessor.questionnaire import Catalogue
    from assessor.scoring import Result

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ACTION_COLUMNS = (
    "No.",
    "Priority",
    "Action",
    "Risk areas",
    "Owner",
    "Due",
    "Status",
    "Completed",
    "Reason (won't do)",
    "Evidence",
    "Days overdue",
    "Action id",
    "Comes from (question ids)",
)
REGISTER_COLUMNS = (
    "Risk area",
    "Kind",
    "Before safeguards: likelihood",
    "Before safeguards: impact",
    "Before safeguards: score",
    "Safeguards in place",
    "Now: likelihood",
    "Now: impact",
    "Now: score",
    "Rating",
    "Key safeguards missing",
    "Actions (No.)",
)

Row = dict[str, Any]


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe before a formula's first character."""
    return "'" + value if value.startswith(FORMULA_START) else value


def action_rows(assessment: Assessment, result: Result, today: dt.date) -> list[Row]:
    titles = {r.id: r.title for r in result.areas}
    rows = []
    for f in follow_ups(assessment, result):
        a, e = f.action, f.entry
        rows.append(
            {
                "No.": f.number,
                "Priority": a.priority_label,
                "Action": a.text,
                "Risk areas": "; ".join(titles.get(x, x) for x in a.areas),
                "Owner": a.owner_label,
                "Due": a.due_date,
                "Status": f.status_label,
                "Completed": e.completed,
                "Reason (won't do)": e.reason or "",
                "Evidence": e.evidence or "",
                "Days overdue": f.days_late(today),
                "Action id": a.id,
                "Comes from (question ids)": "; ".join(a.sources),
            }
        )
    return rows


def register_rows(result: Result, catalogue: Catalogue) -> list[Row]:
    bands = catalogue.meta.scoring.bands
    numbers: dict[str, list[int]] = {}
    for i, a in enumerate(result.actions, 1):
        for area in a.areas:
            numbers.setdefault(area, []).append(i)
    rows = []
    for r in result.areas:
        missing = [k.name for k in r.key_controls if k.status == "missing"]
        rows.append(
            {
                "Risk area": r.title,
                "Kind": "Key risk" if r.kind == "key_risk" else "How the community is run",
                "Before safeguards: likelihood": r.inherent.likelihood,
                "Before safeguards: impact": r.inherent.impact,
                "Before safeguards: score": r.inherent.score,
                "Safeguards in place": round(r.control_strength, 2),
                "Now: likelihood": r.residual.likelihood,
                "Now: impact": r.residual.impact,
                "Now: score": r.residual.score,
                "Rating": bands[r.residual.band].label,
                "Key safeguards missing": "; ".join(missing),
                "Actions (No.)": ", ".join(str(n) for n in numbers.get(r.id, [])),
            }
        )
    return rows


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(_printable(value))
    return value


def to_csv(columns: tuple[str, ...], rows: list[Row]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads accents), CRLF line ends, every field quoted
    where needed by the csv module."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row[c]) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheets: list[tuple[str, tuple[str, ...], list[Row]]], title: str) -> bytes:
    """A workbook with one sheet per (name, columns, rows): a bold frozen header row, filters,
    dates as dates, text stored as text."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    book.properties.title = safe_text(title)[:200]
    book.properties.creator = "assessor"
    for name, columns, rows in sheets:
        sheet = book.create_sheet(name[:31])
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, row in enumerate(rows, 2):
            for c, column in enumerate(columns, 1):
                value = row[column]
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, str):
                    cell.value = safe_text(_printable(value))
                    cell.data_type = TYPE_STRING  # openpyxl would store "=..." as a formula
                elif isinstance(value, dt.date):
                    cell.value = value
                    cell.number_format = "yyyy-mm-dd"
                else:
                    cell.value = value
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for c, column in enumerate(columns, 1):
            widest = max([len(column)] + [len(str(row[column] or "")) for row in rows])
            sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = min(
                60, max(8, widest + 2)
            )
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _printable(value: str) -> str:
    """Characters an XLSX file cannot hold (C0 controls but tab, newline and return) removed."""
    return _ILLEGAL.sub("", value)


def exports(
    assessment: Assessment, result: Result, catalogue: Catalogue, today: dt.date | None = None
) -> dict[str, bytes]:
    """{file name: bytes}: action-plan.csv, risk-register.csv and action-plan.xlsx (both sheets)."""
    today = today or dt.date.today()
    actions = action_rows(assessment, result, today)
    register = register_rows(result, catalogue)
    return {
        "action-plan.csv": to_csv(ACTION_COLUMNS, actions),
        "risk-register.csv": to_csv(REGISTER_COLUMNS, register),
        "action-plan.xlsx": to_xlsx(
            [("Action plan", ACTION_COLUMNS, actions), ("Risk register", REGISTER_COLUMNS, register)],
            f"Safeguarding action plan: {assessment.organisation.name}",
        ),
    }
