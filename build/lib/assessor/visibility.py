"""Which pages, sections and questions are shown for the current answers, and how many are answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessor.assessment import Assessment, Person
from assessor.platforms import all_responses
from assessor.questionnaire import Catalogue, Question, RiskArea

PROFILE_PAGE = "profile"


def is_answered(value: Any) -> bool:
    if isinstance(value, Person):
        return not value.is_empty()
    return value not in (None, "", [])


class Visibility:
    """Which areas, sections and questions are shown, given the current answers."""

    def __init__(self, catalogue: Catalogue, responses: dict[str, Any]) -> None:
        self.catalogue = catalogue
        self.responses = responses

    def holds(self, cond: Any) -> bool:
        return cond is None or cond.holds(self.responses)

    def sections(self, sections: list[Any]) -> list[tuple[Any, list[Question]]]:
        out = []
        for section in sections:
            if not self.holds(section.show_if):
                continue
            questions = [q for q in section.questions if self.holds(q.show_if)]
            if questions:
                out.append((section, questions))
        return out

    def areas(self) -> list[RiskArea]:
        return [a for a in self.catalogue.areas if self.holds(a.show_if)]


def visible_questions(catalogue: Catalogue, assessment: Assessment) -> list[Question]:
    """Every question shown for these answers, profile first, in questionnaire order."""
    vis = Visibility(catalogue, all_responses(assessment, catalogue))
    out = [q for _, qs in vis.sections(catalogue.profile.sections) for q in qs]
    for area in vis.areas():
        out.extend(q for _, qs in vis.sections(area.sections) for q in qs)
    return out


@dataclass(frozen=True)
class PageProgress:
    page: str  # "profile" or a risk area id
    title: str
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        """Every shown question answered; a page that shows none yet is not complete."""
        return self.total > 0 and self.answered >= self.total


def answer_value(assessment: Assessment, qid: str) -> Any:
    if qid.startswith("profile."):
        return assessment.profile.get(qid.removeprefix("profile."))
    answer = assessment.answers.get(qid)
    return answer.value if answer else None


def progress(assessment: Assessment, catalogue: Catalogue) -> list[PageProgress]:
    """Answered and shown questions per page: the profile, then each applicable risk area."""
    vis = Visibility(catalogue, all_responses(assessment, catalogue))

    def count(sections: list[Any]) -> tuple[int, int]:
        qs = [q for _, group in vis.sections(sections) for q in group]
        return sum(1 for q in qs if is_answered(answer_value(assessment, q.id))), len(qs)

    pages = [PageProgress(PROFILE_PAGE, catalogue.profile.title, *count(catalogue.profile.sections))]
    for area in vis.areas():
        pages.append(PageProgress(area.id, area.title, *count(area.sections)))
    return pages
