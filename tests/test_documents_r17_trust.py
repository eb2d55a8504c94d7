"""Reading r16 (issue 10), class "what the rules tell members about privacy and telling", over the whole
corpus (tests/corpus.py). The rules follow the plan and the answers, never a scenario:

* where a planned action checks staff conduct by reading the logged private messages between staff
  accounts and young members (areas 07 and 12), every sentence of the rules and the policy statement that
  says when private messages are read names those messages too, and a members' document says they are
  checked; where no action reads them, no document says so (GC 2, a published privacy promise the plan
  broke);
* a member's sexuality or gender identity is never told to family (or school, work, anyone) without
  their agreement; the one exception is a professional, where a referral cannot be made without it, as
  the procedure says, and then the member is told first with the shared macros.first_safe phrase. Never
  "if we ever had to ... we would talk with you first", which let a young person read that the charity
  might out them to family (LG 2).
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered

READ_BY_PLAN = "reading the logged private messages between staff accounts and young members"
# A sentence that says when a private message is read: "reads one only after", "read one only if".
WHEN_READ = re.compile(r"[^.]*\bread(?:s)? one only (?:after|if)[^.]*\.")
STAFF_CHECKED = re.compile(
    r"between (?:a )?staff (?:or volunteer accounts?|member or volunteer|or volunteers) and (?:a )?young members?"
)
RULES = ("house_rules", "house_rules_young", "policy_statement")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_rules_say_staff_messages_are_read_where_the_plan_reads_them(path):
    pack = rendered(path)
    reads = any(READ_BY_PLAN in a.text for a in pack.context.actions)
    texts = {doc: pack.texts[doc] for doc in RULES if doc in pack.texts}
    if not reads:
        for doc, text in texts.items():
            assert not STAFF_CHECKED.search(text), f"{doc} says staff messages are checked; no action does"
        return
    for doc, text in texts.items():
        for sentence in WHEN_READ.findall(text):
            assert STAFF_CHECKED.search(sentence), f"{doc}: {sentence.strip()!r} leaves out staff messages"
    members = [doc for doc in ("house_rules", "house_rules_young") if doc in texts]
    assert members and any(STAFF_CHECKED.search(texts[doc]) for doc in members), (
        "the plan reads staff-member private messages but no members' rules say so"
    )


IDENTITY = re.compile(r"Your sexuality and gender identity are yours to share\.[^\n]*?where that is safe\.")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_identity_goes_only_to_a_professional_for_a_referral(path):
    pack = rendered(path)
    for doc in ("house_rules", "house_rules_young", "member_code"):
        text = pack.texts.get(doc, "")
        if "yours to share" not in text:
            continue
        found = IDENTITY.search(text)
        assert found, f"{doc}: the identity promise has lost its 'first, where that is safe' condition"
        promise = found.group(0)
        assert "if we ever had to" not in promise, f"{doc}: {promise!r} implies family might be told"
        assert "unless you agree" in promise and "family" in promise, promise
        exception = promise.split("unless you agree", 1)[1]
        assert "family" not in exception, f"{doc}: the exception reaches family: {promise!r}"
        assert "professional" in exception and "cannot be made without it" in exception, (
            f"{doc}: the exception is not limited to a referral that needs it: {promise!r}"
        )
        assert "talk with you first, where that is safe" in exception, promise


def test_the_corpus_has_a_plan_that_reads_staff_messages():
    assert any(READ_BY_PLAN in a.text for path in CORPUS for a in rendered(path).context.actions), (
        "no scenario plans to read staff-member private messages: the first test checks nothing"
    )
