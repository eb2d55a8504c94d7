"""Reading r9 (issue 10): the risk assessment's notes, the policy statement, the staff code on images
and the young people's rules, over the whole corpus (tests/corpus.py).

Each rule is driven by the answers, the profile or questionnaires/documents.yaml, never by a scenario:

* a note that holds a member's secret (the agreed "I can't talk safely" signal, or any note naming a
  code word or safe phrase: documents.yaml ``private_notes``) is never printed in any document; the
  risk assessment says only that one is recorded and who knows it (YC 1);
* where members are younger than the platform's minimum age, the plan takes their own accounts off
  it (catalogue ``platform_age``): the policy statement and house rules never state as a fact that
  they do not take part, but say they are not to and tie it to that action (SC 1);
* the staff code's images rule follows privacy_data.org_images: an organisation that takes no images
  says so and never tells staff how to move one off their own phone; one that does has it moved the
  same day, never "within a week" (YC 4);
* where the adult house rules say what happens between sessions (who reads what, and when), the young
  people's rules say it too, in their words; one that offers the work phone says it is not read all
  the time and gives the reply times (YC 5).
"""

from __future__ import annotations

import copy
import re

import pytest

from assessor.assessment import Answer
from tests.corpus import CORPUS, IDS, parse_pages, rendered

QUOTED = re.compile(r"['‘“\"]([^'’”\"]{4,})['’”\"]")


def _squash(text):
    return re.sub(r"\s+", " ", text).strip()


def _secrets(note):
    """What must never be printed from a withheld note: the note itself and each phrase it quotes."""
    return [_squash(note)] + [_squash(q) for q in QUOTED.findall(note)]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_note_holding_a_members_secret_is_never_printed(path):
    pack = rendered(path)
    rule = pack.catalogue.presentation.private_notes
    signal = pack.assessment.answers.get("disclosure.safe_signal")
    if signal and signal.note and signal.value in ("in_place", "partly"):
        assert "disclosure.safe_signal" in pack.context.private_notes, path.stem
    for qid, answer in pack.assessment.answers.items():
        if not rule.withheld(qid, answer.note, answer.value):
            continue
        assert qid in pack.context.private_notes, (path.stem, qid)
        for name, text in pack.texts.items():
            for secret in _secrets(answer.note):
                assert secret not in _squash(text), (path.stem, name, secret)
    if pack.context.private_notes:
        assert (
            "only the safeguarding lead and the staff who respond to it know it" in pack.texts["risk_report"]
        )


def test_a_code_word_in_the_note_of_any_question_is_withheld():
    """Not only the signal's own question: a note anywhere that names a code word or safe phrase."""
    pack = rendered(next(p for p in CORPUS if p.stem == "scouts-teams-video"))
    variant = copy.deepcopy(pack.assessment)
    qid = next(
        q for q, a in variant.answers.items() if a.value == "in_place" and q != "disclosure.safe_signal"
    )
    variant.answers[qid] = Answer(
        value="in_place", note="Our safe phrase is 'blue umbrella'; leaders know it."
    )
    texts = {name: page.text for name, page in parse_pages(variant, pack.catalogue).items()}
    assert not [name for name, text in texts.items() if "blue umbrella" in text]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_under_age_children_off_the_platform_is_a_commitment_not_a_fact(path):
    pack = rendered(path)
    if not pack.context.flags.under_age or pack.context.flags.audit:
        return
    for name in ("policy_statement", "house_rules"):
        text = _squash(pack.texts.get(name, ""))
        assert not re.search(r"\bdo not (take part|join it) themselves", text), (path.stem, name)
    off = pack.context.commitment_for("platform_age")
    assert off, path.stem
    if off:
        policy = _squash(pack.texts["policy_statement"])
        assert (
            # r15 SC 1: out of the organisation's own groups, never off the app (test_documents_r16_age).
            "not to take part themselves: we are taking any child’s own " in policy
            and f"(action {off.number})" in policy
        )
        rules = _squash(pack.texts["house_rules"])
        assert re.search(r"we are taking any child’s own \w+ out of .{3,60} by ", rules), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_staff_codes_images_rule_follows_whether_the_organisation_takes_images(path):
    pack = rendered(path)
    code = _squash(pack.texts.get("staff_code", ""))
    if not code:
        return
    assert "within a week" not in code, path.stem
    if pack.context.answer("privacy_data.org_images") == "no":
        assert f"{pack.context.org.name} takes no images or video of " in code, path.stem
        assert "on your own phone, move it" not in code, path.stem
    else:
        assert (
            "if you take one on your own phone, move it there the same day" in code
            or "if you take one on your own phone, delete it from the phone and its backups the same day"
            in code
        ), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_young_peoples_rules_say_when_messages_are_read_between_sessions(path):
    pack = rendered(path)
    adults, young = (_squash(pack.texts.get(n, "")) for n in ("house_rules", "house_rules_young"))
    if not young or "Between sessions" not in adults:
        return
    assert "Between sessions" in young, path.stem
    if "work phone" in young and "read messages sent to our work phone" in adults:
        assert "We read texts to our work phone, but not all the time, so a message may wait." in young
        reply = pack.context.profile.response_time
        if reply:
            assert _squash(reply).rstrip(".") in young, path.stem
