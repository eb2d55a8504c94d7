"""Reading r8, plan (issue 10): the action plan says what it does, and acts on what happened.

- The phasing sentence is true of the plan it heads (AQ 5): no more than `at_most` phased actions
  fall due in any one phase, and the actions due at sign-off or by the review instead are counted
  as printed.
- Of the answers to this year's incident, one that works at once (a warning that stops the same
  trick) comes first (RF 2: a catfishing session came before "we never charge").
- After a fake profile or scam, checking who joins is a first answer: as urgent as the plan's
  first action wherever joiners are not checked (RF 3: the fake adviser came in unchecked).
- With set hours of cover, the plan never says to cut the hours: it opens the space (or private
  messages) only while someone is on duty, or sets a standard for reading reports out of hours (GC 2;
  reading r10 LG 10).
- A key condition of the profile (no lead, under-age members) never crowds a gap out of critical:
  the limit counts gaps only, and settings that let strangers into a group are due at once when
  critical (SC 7: a publicly shared invite link was due in six weeks).
- An incident recorded this year is answered first, at once, before any gap in the plan: the
  person harmed is safe and supported, a police report is decided, the evidence is kept (AQ 6).

Checked on every scenario and example.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest

from tests.corpus import CORPUS, IDS, rendered
from tests.corpus import scored as _scored


def _report(path):
    return rendered(path).texts["risk_report"]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_phasing_sentence_is_true_of_the_printed_plan(path):
    catalogue, assessment, _ = _scored(path)
    phasing = catalogue.meta.scoring.phasing
    rows = [a for a in rendered(path).context.actions if not a.immediate]
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


def _answers(catalogue, assessment, action):
    """The incident kinds recorded this year that this planned action is a first answer to."""
    incidents = set(assessment.profile.get("incidents") or ()) - {"none"}
    kinds = set()
    for qid in action.sources:
        q = catalogue.index.get(qid)
        if q is not None:
            kinds |= incidents & set(q.answers_incident)
    return kinds


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_answer_to_the_incident_that_works_at_once_comes_first(path):
    catalogue, assessment, result = _scored(path)
    answering = [a for a in result.actions if _answers(catalogue, assessment, a)]
    at_once = [
        a for a in answering if catalogue.actions.get(a.id) is not None and catalogue.actions[a.id].immediate
    ]
    at_once += [
        a
        for a in answering
        if any(
            (action := catalogue.action_for(catalogue.index[q])) is not None and action.immediate
            for q in a.sources
            if q in catalogue.index
        )
    ]
    if not at_once:
        return
    first = answering[0]
    assert first in at_once, (path.stem, [a.id for a in answering])


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_after_a_scam_checking_joiners_is_as_urgent_as_the_first_action(path):
    _, assessment, result = _scored(path)
    if "fake_profiles" not in (assessment.profile.get("incidents") or ()):
        return
    closing = [a for a in result.actions if "fake_profiles.join_checks" in a.sources]
    if not closing:
        return
    assert closing[0].priority == result.actions[0].priority, (
        path.stem,
        closing[0].id,
        closing[0].priority,
        result.actions[0].priority,
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_short_cover_opens_the_space_with_someone_on_duty_not_fewer_hours(path):
    _, assessment, result = _scored(path)
    if assessment.profile.get("moderation_cover") not in ("daily_set", "some_days"):
        return
    cut = [a.id for a in result.actions if "reduce them" in a.text]
    assert not cut, (path.stem, cut)
    for a in result.actions:
        if "moderation.enough_people" in a.sources:
            # Reading r10 LG 10: not reports reaching the lead "as they arrive" (a lead on call round
            # the clock) but a standard for reading them out of hours (test_documents_r11_discord).
            assert "only while a moderator is on" in a.text and "a standard you can keep" in a.text, (
                path.stem,
                a.text,
            )
    report = _report(path)
    assert "reduce them and say so" not in report, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_key_conditions_do_not_crowd_a_gap_out_of_critical(path):
    catalogue, _, result = _scored(path)
    rules = catalogue.meta.scoring
    conditions = set(rules.key_conditions)
    gaps = [a for a in result.actions if a.priority == "critical" and a.id not in conditions]
    demoted = [a.id for a in result.actions if "Critical is kept for the most harmful few" in a.why]
    held = [a for a in result.actions if a.priority == "critical" and a.id in conditions]
    if demoted:  # the gaps' places: critical_at_most, and critical_in_all_at_most with the conditions
        places = min(rules.critical_at_most, rules.critical_in_all_at_most - len(held))
        assert len(gaps) == places, (path.stem, [a.id for a in gaps], demoted)
    for a in result.actions:
        if a.priority == "critical" and (action := catalogue.actions.get(a.id)) is None:
            q = catalogue.index.get(a.id)
            action = catalogue.action_for(q) if q is not None else None
        else:
            action = None
        if action is not None and action.immediate and not assessment_planned(path, a.id):
            assert a.due_date == result_date(path), (path.stem, a.id, a.due_window)


def assessment_planned(path, aid):
    return bool(_scored(path)[1].plan.get(aid))


def result_date(path):
    return _scored(path)[1].meta.assessed_on


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_this_years_incident_is_answered_at_once_before_the_plan(path):
    pack = rendered(path)
    report = pack.texts["risk_report"]
    incidents = pack.context.incidents
    step = report.find("First, at once:")
    if not incidents:
        assert step < 0, path.stem
        return
    assert step >= 0, (path.stem, [k for k, _, _ in incidents])
    said = report[step : report.index("safeguarding record.", step)]
    for _, label, _ in incidents:
        assert label.lower() in said, (path.stem, label)
    for words in ("safe and has support", "police", "evidence"):
        assert words in said, (path.stem, words)
    first = pack.context.actions[0].text
    assert step < report.index(first[:60], report.index("5. Action plan")), path.stem
