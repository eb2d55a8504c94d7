"""Length and repetition (issue 10; every r6 reader's TOO-LONG / REPETITION findings).

The risk assessment holds the action plan; the other documents refer to it. Each rule runs over
every pack in the corpus (tests/scenarios and examples):

1. No sentence of 15 words or more (counting words with a letter) appears more than twice in one
   document, nor in more than four places in a pack: the contacts table is printed in the policy
   statement, the staff code and the procedure, and the sources of help in the policy statement and
   the procedure, so that each stands alone for its reader; a fact members and staff each need (the
   OISC's) may be printed in their own rules as well.
2. The policy statement sets out each action in full at most once: an action it has promised is
   referred back to after that, and "Closing the gaps" lists only the most urgent actions it has
   not promised already.
3. The procedure and the staff code give each action of the plan by its first sentence, with its
   number, owner and date: never its full wording (the risk assessment's action plan holds that).
4. While no lead is named, "acting as safeguarding lead until one is appointed" is printed at most
   three times in a document: the contacts table says once that the trustees act as the lead,
   through their chair, and after it the procedure says "the chair of trustees".
"""

from __future__ import annotations

import collections
import re

import pytest

from tests.corpus import CORPUS, IDS, rendered

LONG = 15  # words: a sentence this long is worth saying once
ACTING = "acting as safeguarding lead until one is appointed"


def _sentences(text: str) -> list[str]:
    """Sentences of LONG words or more, counting only words with a letter (not "×" or "= 15")."""
    return [
        s
        for s in re.split(r"(?<=[.!?])\s+", text)
        if sum(bool(re.search(r"[A-Za-z]", w)) for w in s.split()) >= LONG
    ]


def repeated_sentences(texts: dict[str, str]) -> list[str]:
    problems = []
    in_pack: collections.Counter[str] = collections.Counter()
    for doc, text in texts.items():
        counts = collections.Counter(_sentences(text))
        in_pack.update(counts)
        problems += [f"{doc}: {n} times: {s[:100]}" for s, n in counts.items() if n > 2]
    problems += [f"pack: {n} times: {s[:100]}" for s, n in in_pack.items() if n > 4]
    return problems


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_long_sentence_is_repeated(path):
    texts = rendered(path).texts
    assert not repeated_sentences(texts), path.stem


def test_the_repetition_rule_fails_on_a_repeated_sentence():
    texts = rendered(CORPUS[0]).texts
    sentence = "Every member of staff reads the whole of this procedure before they moderate the group for the first time."
    assert repeated_sentences({**texts, "procedure": texts["procedure"] + (" " + sentence) * 3})


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_policy_statement_sets_out_each_action_once(path):
    pack = rendered(path)
    texts, ctx = pack.texts, pack.context
    text = texts["policy_statement"]
    for action in ctx.actions:
        assert text.count(action.what) <= 1, (path.stem, action.number)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_procedure_and_staff_code_refer_to_the_plan(path):
    pack = rendered(path)
    texts, ctx = pack.texts, pack.context
    # Since reading r13 (SC 10, RF 5) each sets out what the organisation will put in place once, in
    # 'we will' form with the action's fallback (a headline alone dropped the fallback and spoke to the
    # organisation in a code volunteers sign): once, never again elsewhere in the same document.
    for doc in ("procedure", "staff_code"):
        for action in ctx.actions:
            if action.text.strip() != action.headline.strip():
                assert texts[doc].count(action.what) <= 1, (path.stem, doc, action.number)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_acting_lead_is_defined_in_few_places(path):
    texts = rendered(path).texts
    for doc, text in texts.items():
        assert text.count(ACTING) <= 3, (path.stem, doc, text.count(ACTING))
