"""Reading r8, plan (issue 10): the action plan says what it does, and acts on what happened.

- The phasing sentence is true of the plan it heads (AQ 5): no more than `at_most` phased actions
  fall due in any one phase, and the actions due at sign-off or by the review instead are counted
  as printed.

Checked on every scenario and example.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache

import pytest

from assessor.assessment import load_assessment
from assessor.catalogue import default_catalogue
from assessor.documents.claims import parse, render_pages
from assessor.documents.context import build_context
from assessor.scoring import score
from tests.corpus import CORPUS, IDS


@cache
def _scored(path):
    catalogue = default_catalogue()
    assessment = load_assessment(path, catalogue)
    return catalogue, assessment, score(assessment, catalogue)


@cache
def _report(path):
    catalogue, assessment, _ = _scored(path)
    return parse(render_pages(assessment, catalogue)["risk_report"]).text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_phasing_sentence_is_true_of_the_printed_plan(path):
    catalogue, assessment, _ = _scored(path)
    phasing = catalogue.meta.scoring.phasing
    rows = [a for a in build_context(assessment, catalogue).actions if not a.immediate]
    sign_off = phasing.pack_due.format(weeks=phasing.every_days // 7)
    apart = {sign_off: phasing.explain_sign_off, phasing.by_review: phasing.explain_review}
    phased = Counter(
        math.ceil((a.due - assessment.meta.assessed_on).days / phasing.every_days)
        for a in rows
        if a.due_window not in apart
    )
    report = _report(path)
    head = phasing.explain.format(at_most=phasing.at_most, weeks=phasing.every_days // 7)
    if head not in report:
        return
    over = {phase: n for phase, n in phased.items() if n > phasing.at_most}
    assert not over, (path.stem, "phases over the limit", over)
    for window, text in apart.items():
        n = sum(a.due_window == window for a in rows)
        if n:
            assert text.format(n=n) in report, (path.stem, window, n)
        else:
            pattern = re.escape(text).replace(re.escape("{n}"), r"\d+")
            assert not re.search(pattern, report), (path.stem, window)
