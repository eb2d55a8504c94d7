"""Reading r7, plan (issue 10/11): the action plan's dates and words keep the pack's promises.

- No due date falls after the next review date (LG 6, GC 4): the review checks the plan.
- Adopting a document this pack supplies is due with the sign-off, within the first phase, never
  phased past the review (LG 6, LG 7, GC 4, GC 5): the trustees sign the pack now.
- "now" stays in an action only where the action is critical (LG 3, GC 1): a Medium action due in
  months cannot say "now".

Checked on every scenario and example, in the plan and in the rendered documents.
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered, scored

# "right now" is not a date (reading r8, AQ 4: dropping it left "cannot talk safely right:").
_NOW = re.compile(r"(?<!right )(?<!for )(?<!just )\bnow[:;,]")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_action_falls_due_after_the_next_review(path):
    _, assessment, result = scored(path)
    review = assessment.meta.review_date()
    late = [(a.id, a.due_date) for a in result.actions if a.id not in assessment.plan and a.due_date > review]
    assert not late, (path.stem, review, late)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_adopting_a_pack_document_is_due_with_the_sign_off(path):
    catalogue, assessment, result = scored(path)
    every = catalogue.meta.scoring.phasing.every_days
    supplied = {
        aid for aid, entries in catalogue.presentation.supplied.items() if any(not e.when for e in entries)
    }
    supplied |= {a.id for a in catalogue.actions.values() if a.supplied_by_pack}
    for q in catalogue.index.values():
        action = catalogue.action_for(q)
        if action is not None and action.supplied_by_pack:
            supplied.add(action.id)
    late = [
        (a.id, a.due_date)
        for a in result.actions
        if a.id in supplied
        and a.id not in assessment.plan
        and (a.due_date - assessment.meta.assessed_on).days > every
    ]
    assert not late, (path.stem, late)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_now_is_said_only_by_a_critical_action(path):
    _, _, result = scored(path)
    said = [a.id for a in result.actions if a.priority != "critical" and _NOW.search(a.text)]
    assert not said, (path.stem, said)


@pytest.mark.parametrize("stem", ["lgbtq-youth-discord", "gaming-club-roblox-minecraft"])
def test_the_risk_assessment_adopts_its_own_documents_before_the_review(stem):
    """In the printed plan: "Adopt ... in this pack" rows are due with the sign-off."""
    path = next(p for p in CORPUS if p.stem == stem)
    catalogue, _, _ = scored(path)
    report = rendered(path).texts["risk_report"]
    window = catalogue.meta.scoring.phasing.pack_due.format(
        weeks=catalogue.meta.scoring.phasing.every_days // 7
    )
    assert window in report
    assert "personal accounts now" not in report
