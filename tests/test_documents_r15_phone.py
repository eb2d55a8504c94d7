"""Reading r14 LG 7-8, GC 5-6: the rules give young people a phone number and promise that the lead
replies "never in a private chat with you alone". A phone call cannot keep that promise, so wherever a
phone is one of the ways to reach us, the same rules say plainly what happens on a call (whoever
answers may talk with you on their own, writes it down and tells another adult), in the same words in
every document; and a space with no adult members is not told "if you are under 18"."""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered

DOCS = ("house_rules", "house_rules_young", "behaviour_code")
PROMISE = "never in a private chat with you alone"
CALL = re.compile(
    r"(?:If you call us|If you are under 18 and call us), the person who answers may talk with you on their own, "
    r"then writes down what you said and tells another adult from (.+?)[.;] "
)


def _reach(pack):
    for doc in DOCS:
        if doc in pack.parsed:
            for block in pack.parsed[doc].blocks:
                if block.text.startswith("How to reach us:"):
                    yield doc, block.text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_phone_number_beside_the_never_alone_promise_says_what_happens_on_a_call(path):
    pack = rendered(path)
    org = pack.context.org.name
    calls = set()
    for doc, text in _reach(pack):
        if PROMISE not in text:
            continue
        phone = re.search(r"\bcall \d|phone number", text.split(PROMISE)[0])
        said = CALL.search(text)
        assert bool(said) == bool(phone), (path.stem, doc, text)
        if said:
            assert said.group(1) == org, (path.stem, doc, said.group(0))
            assert said.start() < text.index(PROMISE), (path.stem, doc, text)
            calls.add(said.group(0).replace("If you are under 18 and call us", "If you call us")[:-2])
        if not pack.context.flags.adults:
            assert "If you are under 18" not in text, (path.stem, doc, text)
    assert len(calls) <= 1, (path.stem, calls)


def test_the_corpus_has_a_phone_beside_the_promise():
    """The rule above is not vacuous: some pack gives young people a number and the promise."""
    assert any(PROMISE in text and CALL.search(text) for path in CORPUS for _, text in _reach(rendered(path)))
