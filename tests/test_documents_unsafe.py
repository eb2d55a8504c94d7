"""Unsafe sentences the final independent reading found, removed by rule for every organisation.

1. Nobody is told to screenshot, save, download or forward a sexual image of a child (or content
   that may be one): the procedure says never copy it, record where it is, report it through the
   nation's route (contacts.yaml ``child_sexual_images``) and remove access; every step that keeps a
   screenshot as evidence carries that exception.
2. Where parents and carers are contacted only with the young person's agreement (see
   ``claims.parents_by_agreement``), no document routes anything through a parent or carer
   without that condition.
5. Every list of what staff will never ask for includes money, gift cards or other payments, and
   bank details.

Each check runs over the whole corpus (tests/scenarios and examples) and is shown to fail on the
sentence it forbids.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor.assessment import load_assessment
from assessor.catalogue import default_catalogue
from assessor.documents import claims
from assessor.documents.claims import check_pack, facts, parse, render_pages
from tests.corpus import CORPUS, IDS, rendered

ROOT = Path(__file__).resolve().parent.parent


def _problems(pages, known, about: str):
    return [p for p in check_pack(pages, known) if about in p.message]


def _page(body: str) -> str:
    return f"<html><body>{body}</body></html>"


def _blocks(pages, doc):
    return parse(pages[doc], doc).blocks


# -- 1. a sexual image of a child is never copied ------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_procedure_says_never_copy_record_where_report_and_remove_access(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    rule = [
        b
        for b in _blocks(pages, "procedure")
        if "child-images:never-copy" in b.rules
        # in an audit nobody from the organisation can remove anything, and the rule says so (r7 audit)
        and ("remove access" in b.text or "cannot take it down ourselves" in b.text)
    ]
    assert len(rule) == 1, "the procedure has one never-copy rule with what to do instead"
    text = rule[0].text
    for words in (
        "never screenshot, copy, save, download or forward",
        "the link",
        "time",
        "who posted",
        "reports it to",  # reading r11 (AQ 7, GC 8): the lead, once phoned, reports it
    ):
        assert words.lower() in text.lower(), (words, text)
    # the reporting route is the nation's, from contacts.yaml (source and date checked)
    route = default_catalogue().contacts.route(
        "child_sexual_images", known.get("profile.nation") or "england"
    )
    assert route is not None and route.checked is not None and route.source.startswith("http")
    # the police force is the nation's; the IWF only for what anyone can open (not private chats)
    assert route.police and route.police in text
    assert route.name in parse(pages["procedure"], "procedure").text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_document_keeps_a_screenshot_without_the_exception(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    assert not _problems(pages, known, "screenshot or copy as evidence")
    assert not _problems(pages, known, "child-images:never-copy")
    for doc, html in pages.items():
        for block in parse(html, doc).blocks:
            if re.search(r"\btake screenshots?\b|\bkeep the screenshots\b", block.text):
                assert re.search(r"never screenshot, copy, save or forward it", block.text), (doc, block.text)


def test_a_screenshot_step_without_the_exception_is_reported():
    old = (
        "<ol><li>Take the post out of view: hide it where the platform allows it. If it can only be "
        "deleted, first take screenshots showing the post, the username, the date and the time, then "
        "delete it and keep the screenshots as evidence.</li></ol>"
    )
    found = _problems({"procedure": _page(old)}, {}, "screenshot or copy as evidence")
    assert len(found) == 1
    # a prohibition is not a step that keeps a copy
    assert not _problems(
        {"house_rules": _page("<ul><li>Do not forward, copy or screenshot messages.</li></ul>")},
        {},
        "screenshot or copy as evidence",
    )


def test_a_procedure_without_the_never_copy_rule_is_reported():
    old = (
        "<ul><li data-rule='child-images:never-copy'>Never copy, save, screenshot, forward or download a "
        "sexual image or video of a child, even as evidence. Write down where it is and report it.</li></ul>"
    )
    found = _problems({"procedure": _page(old)}, {}, "child-images:never-copy")
    missing = {p.message.split("mention ", 1)[-1] for p in found}
    assert {
        "'\\\\blink\\\\b|the name shown'",
        "'who posted'",
        "'remove access|cannot take it down ourselves'",
    } <= missing, missing
    assert _problems({"procedure": _page("<p>Nothing.</p>")}, {}, "missing rule child-images:never-copy")


def test_every_nation_has_a_sourced_route_for_sexual_images_of_children():
    catalogue = default_catalogue()
    for nation in catalogue.nations:
        route = catalogue.contacts.route("child_sexual_images", nation)
        assert route is not None, nation
        assert str(route.checked) == "2026-11-30" and route.source.startswith("https://")
        assert "IWF" in route.name and re.search(r"\b(save|screenshot)\b", route.how)


# -- 5. what staff never ask for always includes money ------------------------------------------

MONEY = ("money", "gift card", "payment", "bank details")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_every_never_ask_list_includes_money(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    assert not _problems(pages, known, "never ask for")
    for doc, html in pages.items():
        for block in parse(html, doc).blocks:
            if claims.NEVER_ASK.search(block.text):
                assert all(w in block.text.lower() for w in MONEY), (doc, block.text)


def test_catalogue_never_ask_lists_include_money():
    catalogue = default_catalogue()
    texts = [a.text for a in catalogue.actions.values()]
    for q in catalogue.questions():
        texts.append(q.text)
        action = getattr(q, "action", None)
        if action is not None and not isinstance(action, str):
            texts.append(action.text)
    lists = [t for t in texts if re.search(r"never (do|ask)", t)]
    assert len(lists) >= 2
    for text in lists:
        assert all(w in text.lower() for w in MONEY), text


def test_a_never_ask_list_without_money_is_reported():
    old = (
        "<p>Nobody from Example will ever ask you for your password or for photos of yourself, or ask you "
        "to move to another app.</p>"
    )
    found = _problems({"house_rules": _page(old)}, {}, "never ask for")
    assert len(found) == 1 and "money" in found[0].message and "bank details" in found[0].message


# -- 2. parents and carers only with the young person's agreement, where the answers say so -------

AGREEMENT_PACKS = {"lgbtq-youth-discord", "young-carers-zoom"}


def _by_agreement(known) -> bool:
    return claims.parents_by_agreement(known)


def test_the_agreement_follows_the_answers():
    flagged = {p.stem for p in CORPUS if _by_agreement(rendered(p).known)}
    assert flagged == AGREEMENT_PACKS
    # the LGBTQ+ server's answer (parents_informed not applicable: members not out at home) is enough
    # on its own; so is the community
    known = rendered(ROOT / "tests" / "scenarios" / "lgbtq-youth-discord.yaml").known
    assert _by_agreement({**known, "profile.community_focus": ["general"]})
    assert _by_agreement({**known, "safety_information.parents_informed": "in_place"})
    assert not _by_agreement(
        {**known, "profile.community_focus": ["general"], "safety_information.parents_informed": "in_place"}
    )
    assert not _by_agreement({**known, "profile.audience": ["adults"]})


def _parent_steps(pages):
    for doc, html in pages.items():
        page = parse(html, doc)
        texts = (
            [m.text for m in page.marks if m.kind == "commitment"]
            if doc == "risk_report"
            else [b.text for b in page.blocks if b.tag not in ("h1", "h2", "h3", "h4", "th", "caption")]
        )
        for text in texts:
            if claims.PARENT_ROUTE.search(text):
                yield doc, text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_every_parent_step_follows_the_agreement_answer(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    assert not _problems(pages, known, "agreement")
    steps = list(_parent_steps(pages))
    if _by_agreement(known):
        assert steps, "the pack still names parents and carers where the young person agrees"
        for doc, text in steps:
            assert "agree" in text, (doc, text)
            assert "would put the young person at risk" not in text, (doc, text)
            assert "read it with your parent or carer" not in text, (doc, text)
        assert "parent-contact:unless-risk" not in "".join(pages.values())
    else:
        assert "parent-contact:with-agreement" not in "".join(pages.values())


def test_a_pack_follows_a_changed_answer():
    """The club's own answer, changed to 'parents not contacted without agreement', turns every
    parent step of its pack; nothing else changes."""
    catalogue = default_catalogue()
    path = ROOT / "tests" / "scenarios" / "sports-club-whatsapp.yaml"
    assessment = load_assessment(path, catalogue)
    before = render_pages(assessment, catalogue)
    assert not _by_agreement(facts(assessment, catalogue))
    answer = assessment.answers["safety_information.parents_informed"]
    changed = assessment.model_copy(
        update={
            "answers": {
                **assessment.answers,
                "safety_information.parents_informed": answer.model_copy(update={"value": "not_applicable"}),
            }
        }
    )
    known = facts(changed, catalogue)
    assert _by_agreement(known)
    after = render_pages(changed, catalogue)
    assert not _problems(after, known, "agreement")
    assert "only if the young person agrees" in after["staff_code"]
    assert "only if the young person agrees" not in before["staff_code"]
    # the old pages, read against the new answer, break the rule
    assert _problems(before, known, "agreement")


def test_a_parent_step_without_the_agreement_is_reported():
    known = {"profile.audience": ["age_13_17"], "profile.community_focus": ["lgbtq"]}
    for old in (
        "<p>Please read it with your parent or carer.</p>",
        "<ul><li>They talk with you in the group, or through your parent or carer (unless that would put "
        "you at risk).</li></ul>",
        "<ul><li>Add your own age check, for example checking with a parent or carer.</li></ul>",
        "<p>We might talk with your parent or carer (unless that would put you at risk).</p>",
    ):
        assert _problems({"behaviour_code": _page(old)}, known, "agreement"), old
    marked = "<ul><li data-rule='parent-contact:unless-risk'>Ask a parent or carer, if the young person agrees.</li></ul>"
    assert _problems({"procedure": _page(marked)}, known, "parent-contact:unless-risk")
    fine = "<ul><li>Talk with your parent or carer, only if you agree.</li></ul>"
    assert not _problems({"behaviour_code": _page(fine)}, known, "agreement")
