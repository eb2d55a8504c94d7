"""Reading r11 (issue 10), first steps after an incident and the order of referral, over the whole corpus
(tests/scenarios and examples):

* AQ 1, GC 6: the risk assessment's "First, at once" never has staff "decide with" the person harmed
  whether to go to the police: the lead decides, having heard the person harmed and, for a young
  person, their parent or carer where that is safe, in the same words as the procedure's after-harm step;
* AQ 6, GC 7: the procedure never says "never report a member who is at risk": the platform's report
  tool is never used against them, and the lead is told at once;
* AQ 3: in an audit (staff do not go onto the platform) no action has staff report a post to the
  platform themselves: they help the member (or a young member's parent or carer) report it.
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered

REPORTED = ("reference_kept", "no_reference")  # profile.incident_police
DECISION = re.compile(r"decides whether to report it to [^,]+, having listened to (.+?), and records why")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_first_step_after_an_incident_leaves_the_police_to_the_lead(path):
    pack = rendered(path)
    ctx, texts = pack.context, pack.texts
    for doc, text in texts.items():
        assert "decide with them whether to report" not in text, (path.stem, doc)
    if not ctx.incidents:
        pytest.skip("no incident recorded this year")
    first = re.search(r"First, at once:[^\n]*", texts["risk_report"])
    assert first, path.stem
    step = first.group(0)
    if ctx.profile.incident_police in REPORTED:
        # already reported to the police: no decision to make again (reading r15 RF 1, r16 answers)
        assert "decides whether to report" not in step, (path.stem, step)
        return
    ra = DECISION.search(step)
    assert ra, (path.stem, step)
    lead = "the chair of trustees" if ctx.flags.no_lead else "the designated safeguarding lead"
    assert f"{lead} decides whether to report it" in step, (path.stem, step)
    if ctx.flags.under_18:
        assert "parent or carer" in ra.group(1), (path.stem, step)
    # One rule in both places: the procedure hears the same people before the lead decides.
    proc = DECISION.search(texts["procedure"])
    assert proc, path.stem
    assert proc.group(1) == ra.group(1), (path.stem, ra.group(1), proc.group(1))


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_platform_report_is_never_turned_on_the_member_at_risk(path):
    pack = rendered(path)
    for doc, text in pack.texts.items():
        assert not re.search(r"never report (a|the) member", text), (path.stem, doc)
    if pack.context.contacts.concern_help:
        text = pack.texts["procedure"]
        rule = re.search(r"never use it against a member who is at risk[^.]*\.", text)
        assert rule, path.stem
        assert "about them at once" in rule.group(0), (path.stem, rule.group(0))


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_in_an_audit_staff_help_the_member_report_and_never_report_it_themselves(path):
    pack = rendered(path)
    ctx, texts = pack.context, pack.texts
    if ctx.flags.runs:
        pytest.skip("the organisation runs the space")
    for doc, text in texts.items():
        assert not re.search(r"how (they|staff|you) will report (the|a) post", text), (path.stem, doc)
    action = re.search(
        r"Agree how your staff will support a member who discloses harm[^|\n]*", texts["risk_report"]
    )
    if action:
        assert "help the member" in action.group(0), (path.stem, action.group(0))
        if ctx.flags.under_18:
            assert "parent or carer" in action.group(0), (path.stem, action.group(0))


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_sexual_image_goes_to_the_lead_who_refers_it(path):
    marks = [
        m.text
        for m in rendered(path).parsed["procedure"].marks
        if "child-images:never-copy" in m.tokens and m.text.startswith("If something is, or may be, a sexual")
    ]
    assert len(marks) == 1, path.stem
    step = marks[0]
    # Whoever sees it never reports it to the police or CEOP and tells the lead last (AQ 7, GC 8).
    assert "tell the designated safeguarding lead at once" not in step, (path.stem, step)
    assert not re.search(r"\b[Rr]eport it (at once |after that, )?to (the police|Police|PSNI|CEOP)", step), (
        path.stem,
        step,
    )
    phone = step.find("phone ")
    refers = re.search(r"\b(lead|chair of trustees) reports it to", step)
    assert phone >= 0 and refers and phone < refers.start(), (path.stem, step)
    assert "first only if a child is in immediate danger" in step[phone:], (path.stem, step)
