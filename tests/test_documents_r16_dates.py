"""Reading r15 (issue 10), SC 6 and RF 4: the policy statement, the codes and the procedure are adopted
at sign-off, weeks after the issue date. An at-once commitment starts on the issue date; printing it as
"At once (by 20 November 2026)" made the adopted statement promise something by a date already past.
Only the risk assessment, which is the plan dated that day, prints "at once, by"."""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered

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
