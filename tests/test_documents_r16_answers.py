"""Reading r15, class "sentences that ignore or misread the answers": what the pack says follows
what the organisation answered, for every scenario.

- AQ 1: an audit's summary box states the trustees' decision on the platform only where the
  assessment records one (platform_features.decision); otherwise it recommends.
- AQ 2 (and RF 14): a rating reason that names a key control not in place says its state before
  its name, so a name that reads as a statement ("new members are checked ...") is never read as a
  fact; and no tool jargon ("its first answer").
"""

from __future__ import annotations

import re

import pytest

from assessor.assessment import Answer
from assessor.documents.context import build_context
from assessor.scoring import _key_name, score
from tests.corpus import CORPUS, IDS, parse_pages, rendered, scored

DECIDED = ("advise_against", "use_with_conditions")
# A summary that states a decision the organisation has made about the platform.
STATES_DECISION = re.compile(r"Your organisation (does not|has decided|advises|uses|recommends)")


def _decision(assessment) -> str | None:
    answer = assessment.answers.get("platform_features.decision")
    return answer.value if answer else None


def _meaning_holds_to_the_decision(result, decision, where) -> None:
    meaning = result.overall_meaning
    if decision in DECIDED:
        return
    assert not STATES_DECISION.search(meaning), (where, meaning)
    if result.overall.value == "red":
        assert "recommends" in meaning, (where, meaning)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_audit_summary_states_only_a_decision_the_trustees_recorded(path):
    _catalogue, assessment, result = scored(path)
    if not result.audit:
        return
    _meaning_holds_to_the_decision(result, _decision(assessment), path.stem)
    summary = rendered(path).texts["risk_report"].split("The highest risks")[0]
    assert result.overall_meaning in summary, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_audit_summary_follows_each_decision(path):
    """Every decision (and none) for every audit in the corpus: the summary follows it."""
    catalogue, assessment, result = scored(path)
    if not result.audit:
        return
    seen = set()
    for decision in (None, "undecided", *DECIDED):
        changed = assessment.model_copy(deep=True)
        if decision is None:
            changed.answers.pop("platform_features.decision", None)
        else:
            changed.answers["platform_features.decision"] = Answer(value=decision)
        again = score(changed, catalogue)
        _meaning_holds_to_the_decision(again, decision, (path.stem, decision))
        seen.add(again.overall_meaning)
    assert len(seen) >= 3, (path.stem, seen)  # a recorded decision is said; none is recommended


NOT_YET = ("not in place", "only partly in place", "don't know", "unanswered", "partly in place")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_reason_naming_a_missing_key_control_says_its_state_before_its_name(path):
    catalogue, _assessment, result = scored(path)
    questions = {q.id: q for area in catalogue.areas for s in area.sections for q in s.questions}
    for area in result.areas:
        for cap in area.caps:
            q = questions.get(cap.source)
            if q is None or not cap.kind.startswith(("key_", "floor_", "incident")):
                continue
            name = _key_name(q)
            if name not in cap.because:
                continue
            # "<state>: <name>", never "<name> ... is not in place"
            assert re.search(r"(" + "|".join(NOT_YET) + r"): " + re.escape(name), cap.because), (
                path.stem,
                area.id,
                cap.because,
            )
            after = cap.because.split(name, 1)[1]
            assert not re.match(r"( \([^)]*\))? is (not|only|partly|don)", after), (path.stem, cap.because)
            assert "first answer" not in cap.because, (path.stem, cap.because)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_rating_reason_reads_a_missing_control_as_in_place(path):
    """The printed risk assessment: no "... (in area X) is not in place" after a control's name."""
    text = rendered(path).texts["risk_report"]
    assert not re.search(r"\(in area [^)]*\) is (not|only)", text), path.stem
    assert "its first answer is" not in text, path.stem


def _plan_entry(html: str, number: int) -> str:
    """The text of action ``number`` in the plan: its table row, or its line under good practice."""
    html = html[html.index('<table class="actions">') :] if '<table class="actions">' in html else html
    row = re.search(rf'<td class="num">{number}</td>\s*<td>(.*?)</td>', html, re.S)
    if row:
        return row.group(1)
    line = re.search(rf"<li data-commitment[^>]*>{number}\. (.*?)</li>", html, re.S)
    return line.group(1) if line else ""


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_own_procedure_brought_into_line_by_an_action_is_in_that_action(path):
    """YC 3: where the risk assessment says an own procedure is brought into line as part of an
    action, that action's text in the plan says so, or the plan misses it."""
    html = rendered(path).pages["risk_report"]
    for m in re.finditer(r"bring it into line:.*?This is part of action (\d+) \(", html, re.S):
        assert "into line" in _plan_entry(html, int(m.group(1))), (path.stem, m.group(1))


REPORTED = ("reference_kept", "no_reference")  # profile.incident_police


def _first_step(text: str) -> str:
    first = re.search(r"First, at once:[^\n]*", text)
    assert first, text[:200]
    return first.group(0)


def _says_the_police_answer(pack, step: str, where) -> None:
    """RF 1: the first step follows what was done about this year's incident."""
    said = pack.context.profile.incident_police
    if said in REPORTED:
        assert "decides whether to report" not in step, (where, step)
        assert "already been reported to the police" in step, (where, step)
        if said == "no_reference":
            assert "ask them for the crime reference number" in step, (where, step)
        fraud = pack.context.contacts.fraud_reporting
        if "fake_profiles" in pack.context.profile.incidents and pack.context.flags.fraud_route and fraud:
            assert fraud.short in step, (where, step)
    else:
        assert "decides whether to report it to" in step, (where, step)
        assert "already been reported" not in step, (where, step)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_first_step_after_an_incident_follows_whether_it_was_reported(path):
    pack = rendered(path)
    if not pack.context.incidents:
        return
    _says_the_police_answer(pack, _first_step(pack.texts["risk_report"]), path.stem)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_each_police_answer_changes_the_first_step(path):
    pack = rendered(path)
    if not pack.context.incidents:
        return
    for said in (*REPORTED, "not_reported"):
        changed = pack.assessment.model_copy(deep=True)
        changed.profile["incident_police"] = said
        catalogue = pack.catalogue
        text = parse_pages(changed, catalogue)["risk_report"].text
        again = type(pack)(catalogue, changed, build_context(changed, catalogue), {}, {}, {})
        _says_the_police_answer(again, _first_step(text), (path.stem, said))


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_summary_says_members_use_made_up_names_where_they_do_not(path):
    """RF 14: where members are not answered as using made-up names, or the platform registry says
    real names are visible, no risk is introduced as "made-up names and avatars"."""
    pack = rendered(path)
    known = pack.known
    pseudonyms = "pseudonyms" in (pack.assessment.profile.get("features") or [])
    if pseudonyms and known.get("derived.real_names_visible") is not True:
        return
    assert "Made-up names" not in pack.texts["risk_report"], path.stem
