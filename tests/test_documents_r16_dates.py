"""Reading r15 (issue 10), SC 6 and RF 4: the policy statement, the codes and the procedure are adopted
at sign-off, weeks after the issue date. An at-once commitment starts on the issue date; printing it as
"At once (by 20 November 2026)" made the adopted statement promise something by a date already past.
Only the risk assessment, which is the plan dated that day, prints "at once, by"."""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered, scored

_PAST = re.compile(r"at once \(by |at once, by ", re.I)
_FROM = re.compile(r"at once \(from |at once, from ", re.I)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_documents_adopted_later_never_date_an_at_once_commitment_by_the_issue_date(path):
    pack = rendered(path)
    for doc, text in pack.texts.items():
        if doc == "risk_report":
            continue
        found = _PAST.search(text)
        assert found is None, (path.stem, doc, text[max(0, found.start() - 80) : found.end() + 40])


def test_the_corpus_prints_an_at_once_commitment_outside_the_risk_assessment():
    assert any(
        _FROM.search(text) for p in CORPUS for doc, text in rendered(p).texts.items() if doc != "risk_report"
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_statement_says_critical_actions_are_due_at_once_only_when_they_are(path):
    """Reading r16, AQ 1: the audit's policy said "Its critical actions are due at once" while its only
    critical action was due in two weeks."""
    pack = rendered(path)
    says = "critical actions are due at once" in pack.texts["policy_statement"].lower()
    critical = pack.context.critical
    if says:
        assert critical and all(c.at_once for c in critical), (
            path.stem,
            [(c.number, c.due) for c in critical],
        )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_at_once_contact_rule_through_parents_brings_them_into_the_groups_now(path):
    """Reading r16, SC 4: the critical at-once action said to contact players only in groups their
    parents are part of, while adding parents to the players' groups was a high action due six weeks
    later: every fixture message until then broke the critical action."""
    _, _, result = scored(path)
    for action in result.actions:
        if action.due_window == "At once" and "groups they are in" in action.text:
            assert "add them now" in action.text, (path.stem, action.id, action.text)
        assert "group messages their parents or carers are part of" not in action.text, (path.stem, action.id)


def test_the_contact_rule_applies_somewhere():
    assert any("add them now" in a.text for p in CORPUS for a in scored(p)[2].actions)
