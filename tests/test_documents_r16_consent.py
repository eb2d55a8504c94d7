"""Reading r15 (issue 10), class "promises about telling, consent and one-to-one channels", over the
whole corpus (tests/corpus.py). The rules follow the answers and flags, never a scenario:

* consent to share a young person's information has two cases, never mixed (YC 2, the NSPCC seed's
  consent point): a young person who can decide for themselves decides, and their view is followed
  unless someone is at risk of significant harm; for a child who cannot decide, a parent or carer is
  asked unless that would put the child at risk, or, where parents come in only by agreement, the lead
  decides whether one can safely be asked, taking account of the child's wishes. Never "a child who
  cannot decide ... agrees" nor "refusal is followed" in the cannot-decide case;
* every promise to tell or talk with someone first carries one condition, the shared phrase of
  macros.first_safe ("first, where that is safe"), never an absolute promise (LG 6).
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered, squash

COMPETENT = (
    "A young person who can decide for themselves decides, and their view is followed unless someone "
    "is at risk of significant harm."
)
CANNOT = re.compile(r"For a child who cannot decide, ([^.]*)\.")
BY_AGREEMENT = re.compile(
    r"^(the designated safeguarding lead|the chair of trustees|[^,;]{1,60}) decides whether a parent or carer "
    r"can safely be asked, taking account of the child’s wishes; record why$"
)
UNLESS_RISK = "ask a parent or carer, unless that would put the child at risk; record why"

# A promise to tell or talk with the person first (you, them, the member, the young person).
FIRST = re.compile(
    r"\b(?:tell|tells|talk|talks|speak|speaks)(?: (?:with|to))? "
    r"(?:you|them|the member(?: concerned)?|the young person|the child|the person)\b first\b"
)
SAFE = "first, where that is safe"


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_consent_to_share_keeps_the_two_cases_apart(path):
    pack = rendered(path)
    c = pack.context
    if "procedure" not in pack.texts or not c.flags.under_18:
        return
    text = squash(pack.texts["procedure"])
    cases = CANNOT.findall(text)
    assert cases, path.stem
    assert COMPETENT in text, path.stem
    for case in cases:
        assert not re.search(r"\b(agrees?|refus\w*|understand the question)\b", case), (path.stem, case)
        if c.flags.parents_by_agreement:
            assert BY_AGREEMENT.match(case), (path.stem, case)
        else:
            assert case == UNLESS_RISK, (path.stem, case)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_every_promise_to_tell_first_carries_the_one_shared_condition(path):
    pack = rendered(path)
    seen = 0
    for doc, raw in pack.texts.items():
        text = squash(raw)
        for m in FIRST.finditer(text):
            seen += 1
            assert text[m.end() - len("first") :].startswith(SAFE), (
                path.stem,
                doc,
                text[max(0, m.start() - 120) : m.end() + 60],
            )
        assert not re.search(r"\b(?:first if we can|if we can, we will (?:tell|talk))\b", text), (
            path.stem,
            doc,
        )
    if pack.context.flags.under_18 and "house_rules" in pack.texts:
        assert seen, path.stem
