"""Reading r13 (words2): wording faults in published documents, each held by a rule for every pack.

- SC 2 / RF 1: "Until someone's checks are complete, they do not contact members one to one" implied
  that checked adults may contact a child one to one.
- SC 6: the policy statement's no-private-message rule had no own-family exception where the house
  rules have one (parents are members of a children's club group).
- SC 7: "on WhatsApp (messaging-app group (for example whatsapp))": the questionnaire's label, with
  its example, lower-cased into a published sentence.
- SC 8 / RF 4: "saying plainly that nobody moderates ...: By <date>, we will say ... that nobody
  moderates ...": the same words twice, and a capital after a colon.
- SC 10 / RF 5: the staff code's "what the organisation will put in place" gave each action's first
  sentence, addressed to the organisation ("Apply your ..."), without its fallback ("Provide
  organisation devices" without "where that is not possible, ... approve each personal device").
- RF 6: members' rules stated the immigration-advice offence as a blanket rule; they say what members
  may share and what needs a regulated adviser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor.documents.context import first_sentence
from tests.corpus import CORPUS, IDS, rendered

CHILDREN = {"under_13", "age_13_17"}
SENTENCE = re.compile(r"(?<=[.;!?])\s+")
ONE_TO_ONE = re.compile(r"one[ -]to[ -]one", re.I)


def _young(pack) -> bool:
    return bool(CHILDREN & set(pack.assessment.profile.get("audience") or ()))


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_sentence_lets_one_to_one_contact_wait_only_for_checks(path: Path) -> None:
    """SC 2 / RF 1: a limit that lasts 'until checks are complete' never names one-to-one contact
    with members, where under-18s take part: it would say that checked adults may."""
    pack = rendered(path)
    if not _young(pack):
        return
    for name, text in pack.texts.items():
        for sentence in SENTENCE.split(text):
            if re.search(r"\buntil\b[^.]*\bchecks?\b", sentence, re.I):
                assert not ONE_TO_ONE.search(sentence), (path.stem, name, sentence)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_every_no_adult_may_message_a_child_rule_keeps_the_family_exception(path: Path) -> None:
    """SC 6: wherever a document says no adult, staff, volunteer or member, may message a child
    privately, it excepts the child's own family, as the house rules do."""
    pack = rendered(path)
    for name, page in pack.parsed.items():
        for block in page.blocks:
            if re.search(r"no adult, whether staff, volunteer or member, may message a child", block.text):
                assert "own family" in block.text, (path.stem, name, block.text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_kind_of_platform_is_named_plainly(path: Path) -> None:
    """SC 7: the policy statement names the kind of platform without the questionnaire's examples,
    nested brackets or a lower-cased platform name."""
    pack = rendered(path)
    kind = pack.context.profile.platform_kind
    assert "for example" not in kind.lower(), (path.stem, kind)
    assert "(" not in kind, (path.stem, kind)
    text = pack.texts.get("policy_statement", "")
    for sentence in re.findall(r"[^.]*runs an online community[^.]*\.", text):
        depth = 0
        for ch in sentence:
            depth += ch == "("
            assert depth <= 1, (path.stem, sentence)
            depth -= ch == ")"
        assert "for example" not in sentence, (path.stem, sentence)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_policy_promise_follows_a_full_stop_and_says_its_words_once(path: Path) -> None:
    """SC 8 / RF 4: no block of the policy statement puts a capital after a colon ('...: By 12
    February 2027, we will') or says the same eight words twice."""
    pack = rendered(path)
    page = pack.parsed.get("policy_statement")
    if page is None:
        return
    for block in page.blocks:
        assert not re.search(r": (By|At once) ", block.text), (path.stem, block.text)
        words = re.findall(r"[a-z']+", block.text.lower())
        seen: set[tuple[str, ...]] = set()
        for i in range(len(words) - 7):
            run = tuple(words[i : i + 8])
            assert run not in seen, (path.stem, " ".join(run), block.text)
            seen.add(run)


_FALLBACK = re.compile(r"^(If|Where|Otherwise|Unless)\b")
_SECTION_END = {"staff_code": "If this code is not followed", "procedure": "Review Next review"}


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_staff_code_gives_each_action_in_our_words_with_its_fallback(path: Path) -> None:
    """SC 10 / RF 5: the staff code's list of what the organisation will put in place speaks as the
    organisation ('we will'), never to it ('your'), and keeps each action's fallback; so does the
    procedure's, which staff and volunteers follow."""
    pack = rendered(path)
    for doc, end in _SECTION_END.items():
        found = re.search(
            rf"What the organisation will put in place(.*?)(?:{end}|$)", pack.texts.get(doc, ""), re.S
        )
        if found:
            _in_our_words_with_fallbacks(pack, path, " ".join(found.group(1).split()))


def _in_our_words_with_fallbacks(pack, path: Path, section: str) -> None:
    assert "We will:" in section, path.stem
    items = re.split(r"\(action \d+;[^)]*\)[;.]", section)
    for item in items:
        assert not re.search(r"\byour\b", item, re.I), (path.stem, item)
    numbers = {int(n) for n in re.findall(r"\(action (\d+);", section)}
    for action in pack.context.actions:
        if action.number not in numbers:
            continue
        rest = action.text[len(first_sentence(action.text)) :].strip()
        for sentence in re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])", rest):
            if _FALLBACK.match(sentence):
                # the fallback's own words, from its first clause, in the staff code's list
                clause = sentence.split(",")[0].lower()
                assert clause in section.lower(), (path.stem, action.number, sentence)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_members_rules_say_what_members_may_share_about_immigration(path: Path) -> None:
    """RF 6: the house rules never state the immigration-advice offence as a blanket rule for members;
    they say members may share experience and general information, and that advice on one person's
    case needs a regulated adviser. Every document states the offence as advice on a particular
    person's case, not any advice."""
    pack = rendered(path)
    for name, text in pack.texts.items():
        assert "criminal offence to give immigration advice or services in the UK unless" not in text, name
    rules = pack.parsed.get("house_rules")
    if rules is None:
        return
    for block in rules.blocks:
        about_advice = (
            "immigration-advice" in " ".join(block.rules) or "Immigration Advice Authority" in block.text
        )
        if about_advice and "regulated" in block.text and "case" in block.text:
            assert "general information" in block.text, (path.stem, block.text)
            assert "own experience" in block.text, (path.stem, block.text)
