"""Reading r15 (issue 10), class "promises about telling, consent and one-to-one channels", over the
whole corpus (tests/corpus.py). The rules follow the answers and flags, never a scenario:

* consent to share a young person's information has two cases, never mixed (YC 2, the NSPCC seed's
  consent point): a young person who can decide for themselves decides, and their view is followed
  unless someone is at risk of significant harm; for a child who cannot decide, a parent or carer is
  asked unless that would put the child at risk, or, where parents come in only by agreement, the lead
  decides whether one can safely be asked, taking account of the child's wishes. Never "a child who
  cannot decide ... agrees" nor "refusal is followed" in the cannot-decide case;
* every promise to tell or talk with someone first carries one condition, the shared phrase of
  macros.first_safe ("first, where that is safe"), never an absolute promise (LG 6);
* where an answer's note says a platform's broadcast list (platforms.yaml ``broadcast_list``, with its
  sources) reaches under-18s, the staff code counts it as one-to-one messaging and the plan has a dated
  action replacing it one way only, never with an ordinary group (AQ 3; reading r16 AQ 3-4); nowhere else. Shown on the
  corpus and on changed copies of other scenarios (a note added; an adult audience).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from assessor.documents.claims import check_assessment
from assessor.documents.context import build_context
from tests.corpus import CORPUS, IDS, parse_pages, rendered, squash

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


COUNTS = "broadcast list counts as one-to-one messaging"
REPLACE = "not an ordinary group, where every member can see and message every other"


def _noted(assessment, catalogue) -> bool:
    """Whether, by the answers alone, a note says a registry broadcast list reaches under-18s."""
    words = {p.broadcast_list.lower() for p in catalogue.platforms.values() if p.broadcast_list}
    young = set(assessment.profile.get("audience") or []) & {"under_13", "age_13_17"}
    notes = " ".join((a.note or "").lower() for a in assessment.answers.values())
    return bool(young and words and any(w in notes for w in words))


def _check_broadcast(name, assessment, catalogue, texts, context):
    staff = squash(texts.get("staff_code", ""))
    acts = [a for a in context.actions if "broadcast_list" in (a.id, *a.ids)]
    if _noted(assessment, catalogue) and "staff_code" in texts:
        assert COUNTS in staff and "send nothing on it to anyone under 18" in staff, name
        assert len(acts) == 1 and REPLACE in acts[0].text, name
        assert isinstance(acts[0].due, dt.date) and f"(action {acts[0].number})" in staff, name
    else:
        assert COUNTS not in staff and not acts, name


def test_the_registry_holds_the_broadcast_list_fact_with_its_source():
    pack = rendered(CORPUS[0])
    whatsapp = pack.catalogue.platforms["whatsapp"]
    assert whatsapp.broadcast_list == "broadcast list"
    said = [s for s in whatsapp.sources if "broadcast list" in s.about]
    assert said and all("checked 2026-12-01" in s.about and "replies" in s.about for s in said)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_broadcast_list_to_under_18s_counts_as_one_to_one_and_is_replaced(path):
    pack = rendered(path)
    _check_broadcast(path.stem, pack.assessment, pack.catalogue, pack.texts, pack.context)


@pytest.mark.parametrize("stem", ["sports-club-whatsapp", "young-carers-zoom", "mh-peer-forum"])
def test_the_rule_follows_the_note_not_the_scenario(stem):
    """A note naming the WhatsApp broadcast list, added to another scenario: the rule and action
    appear where under-18s take part (not in the adult forum), and the pack still passes the checker."""
    path = next(p for p in CORPUS if p.stem == stem)
    pack = rendered(path)
    assessment = pack.assessment.model_copy(deep=True)
    qid = next(iter(assessment.answers))
    answer = assessment.answers[qid]
    assessment.answers[qid] = answer.model_copy(
        update={"note": ((answer.note or "") + " Reminders go out on our WhatsApp broadcast list.").strip()}
    )
    parsed = parse_pages(assessment, pack.catalogue)
    texts = {name: page.text for name, page in parsed.items()}
    context = build_context(assessment, pack.catalogue)
    _check_broadcast(stem, assessment, pack.catalogue, texts, context)
    assert (COUNTS in squash(texts.get("staff_code", ""))) == context.flags.under_18, stem
    assert not check_assessment(assessment, pack.catalogue), stem
    assert "broadcast" not in squash(pack.texts.get("staff_code", "")), stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_appeal_never_goes_back_to_the_person_who_decided(path):
    """YC 6, RF 15: with trustees (a charity number) to their chair, or another trustee where the chair
    acts as lead; otherwise to the deputy."""
    pack = rendered(path)
    c = pack.context
    m = re.search(
        r"If you think a decision was unfair, you can ask (.+?) to look at it again\.",
        squash(pack.texts.get("house_rules", "")),
    )
    if m is None:
        return
    who = m.group(1)
    if c.profile.lead.named:
        assert c.profile.lead.name not in who and "safeguarding lead" not in who, (path.stem, who)
    if (c.org.charity_number or "").strip():
        assert who == ("another of our trustees" if c.flags.no_lead else "the chair of our trustees"), (
            path.stem
        )
    elif c.profile.deputy.named:
        assert who == c.profile.deputy.name, path.stem
