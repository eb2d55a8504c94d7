"""Several communities side by side: one organisation's assessments (a forum, a WhatsApp group
per age group, a Discord server), or an umbrella body's member groups.

``portfolio`` scores each assessment and keeps what trustees compare: the overall rating, the
rating of each key risk, when the review is due, and the open critical actions. ``portfolio_html``
renders ``templates/portfolio.html`` (one landscape page) and ``portfolio_pdf`` turns it into a
PDF through the same WeasyPrint path as the policy pack (only bundled assets can be read).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assessor.assessment import Assessment, load_assessment
from assessor.errors import SourceErrors
from assessor.followup import follow_ups, headline, review_due
from assessor.questionnaire import Catalogue
from assessor.scoring import Priority, score

KEY_RISK = "key_risk"
MAX_COMMUNITIES = 200  # in one portfolio; an umbrella body with more runs it per region


@dataclass(frozen=True)
class Cell:
    band: str  # red, amber, green
    label: str  # High, Medium, Low
    score: int


@dataclass(frozen=True)
class CriticalAction:
    number: int
    headline: str
    owner: str
    due: dt.date
    overdue: bool


@dataclass(frozen=True)
class Community:
    name: str  # the community (meta.community, else the platform's name, else the source)
    organisation: str
    source: str  # file name, or the assessment's return code in the app
    assessed_on: dt.date
    overall: Cell
    risks: dict[str, Cell]  # key-risk area id -> its rating now; absent when it does not apply
    review_due: dt.date
    review_overdue: bool
    open_actions: int
    overdue_actions: int
    critical: list[CriticalAction] = field(default_factory=list)  # open critical actions
    # The highest-rated of the other areas (how the community is run), which can set the overall
    # rating when every key risk is lower: (title, rating).
    other: tuple[str, Cell] | None = None

    @property
    def open_critical(self) -> int:
        return len(self.critical)


@dataclass(frozen=True)
class Portfolio:
    title: str  # the organisation, or "N organisations"
    today: dt.date
    communities: list[Community]
    risks: list[tuple[str, str]]  # (area id, title) of the key risks, in questionnaire order
    problems: list[str] = field(default_factory=list)  # files that could not be read

    @property
    def overdue_reviews(self) -> int:
        return sum(c.review_overdue for c in self.communities)

    @property
    def open_critical(self) -> int:
        return sum(c.open_critical for c in self.communities)


def community_name(assessment: Assessment, source: str) -> str:
    meta = assessment.meta.community
    if meta and meta.strip():
        return meta.strip()
    platform = assessment.profile.get("platform_name")
    if isinstance(platform, str) and platform.strip():
        return platform.strip()
    return source


def community(assessment: Assessment, catalogue: Catalogue, source: str, today: dt.date) -> Community:
    result = score(assessment, catalogue)
    bands = catalogue.meta.scoring.bands
    risks = {
        r.id: Cell(r.residual.band.value, bands[r.residual.band].label, r.residual.score)
        for r in result.areas
        if r.kind == KEY_RISK
    }
    others = [r for r in result.areas if r.kind != KEY_RISK]  # already most serious first
    other = (
        (
            others[0].title,
            Cell(
                others[0].residual.band.value, bands[others[0].residual.band].label, others[0].residual.score
            ),
        )
        if others
        else None
    )
    review = review_due(assessment, today)
    ups = follow_ups(assessment, result)
    critical = [
        CriticalAction(
            f.number,
            headline(f.action.text, 80),
            f.action.owner_label,
            f.action.due_date,
            f.days_late(today) > 0,
        )
        for f in ups
        if f.is_open() and f.action.priority == Priority.critical
    ]
    return Community(
        name=community_name(assessment, source),
        organisation=assessment.organisation.name,
        source=source,
        assessed_on=assessment.meta.assessed_on,
        overall=Cell(
            result.overall.value,
            result.overall_label,
            max((r.residual.score for r in result.areas), default=0),
        ),
        risks=risks,
        review_due=review.date,
        review_overdue=review.overdue,
        open_actions=sum(f.is_open() for f in ups),
        overdue_actions=sum(f.days_late(today) > 0 for f in ups),
        critical=critical,
        other=other,
    )


def portfolio(
    items: Iterable[tuple[str, Assessment]],
    catalogue: Catalogue,
    today: dt.date | None = None,
    problems: list[str] | None = None,
) -> Portfolio:
    """A portfolio of (source, assessment) pairs, most urgent first: overall rating, then open
    critical actions, then name."""
    today = today or dt.date.today()
    communities = [community(a, catalogue, source, today) for source, a in items]
    order = {"red": 0, "amber": 1, "green": 2}
    communities.sort(key=lambda c: (order[c.overall.band], -c.open_critical, c.organisation, c.name))
    organisations = sorted({c.organisation for c in communities})
    title = organisations[0] if len(organisations) == 1 else f"{len(organisations)} organisations"
    risks = [(a.id, a.title) for a in catalogue.areas if a.kind == KEY_RISK]
    return Portfolio(title, today, communities, risks, problems or [])


_ASSESSMENT_FILE = re.compile(r".*\.ya?ml", re.IGNORECASE)


def load_folder(folder: Path, catalogue: Catalogue, today: dt.date | None = None) -> Portfolio:
    """Every ``*.yaml``/``*.yml`` in ``folder`` (not its subfolders): a file that cannot be read
    is named in ``problems`` and left out."""
    items, problems = [], []
    paths = sorted(p for p in Path(folder).iterdir() if _ASSESSMENT_FILE.fullmatch(p.name) and p.is_file())
    if len(paths) > MAX_COMMUNITIES:
        raise ValueError(
            f"{folder}: at most {MAX_COMMUNITIES} assessment files in one portfolio ({len(paths)})"
        )
    for path in paths:
        try:
            items.append((path.name, load_assessment(path, catalogue)))
        except SourceErrors as exc:
            problems.extend(str(p).replace(str(path), path.name, 1) for p in exc.problems)
        except OSError as exc:
            problems.append(f"{path.name}: {exc.strerror or exc}")
    return portfolio(items, catalogue, today, problems)


def portfolio_html(p: Portfolio) -> str:
    from assessor.documents.html import render_html

    return render_html("portfolio.html", p=p)


def portfolio_pdf(p: Portfolio) -> bytes:
    from assessor.documents.pdf import html_to_pdf

    return html_to_pdf(portfolio_html(p))
