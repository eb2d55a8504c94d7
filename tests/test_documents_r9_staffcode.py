"""Reading r8, the staff and volunteer code of conduct (issue 10), over the whole corpus
(tests/corpus.py) and over variants of it. Each rule is driven by the answers, the profile, the
contacts data or the platform registry, never by a scenario:

* a national body's rule on contacting young members (contacts.yaml sector_routes contact_rule) is
  printed where under-18s take part, with the confidentiality condition (or the young person's
  agreement) on every step that brings in a parent or carer, with who acts until the body's own
  safeguarding role is filled, never "copied in"; it is the code's no-private-messages rule itself,
  replacing the general ways (a group, a second adult), never followed by "This rule comes first"
  (SC 3; reading r10 SC 4);
* a worry about a young person's safety that reaches a member of staff privately is never answered in
  a group or passed to the family by them: the lead replies by a route the answers give (AQ 7);
* a pack the trustees have not approved proposes its actions; it has not committed to them (AQ 10);
* "nothing you would not be happy for ... to read" names the manager and the lead, never a parent:
  in many communities a proper conversation must not reach home (LG 7);
* where staff act through personal profiles and the page can message a member only after they
  have written to it (platforms.yaml page_first_contact), the code asks the member to write first
  instead of promising a contact the platform does not allow (RF 8).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from functools import cache

import pytest

from assessor import lifecycle as lc
from assessor.documents.claims import check_assessment
from assessor.documents.context import build_context
from tests.corpus import CORPUS, IDS, parse_pages, rendered

DAY = dt.date(2026, 11, 30)


@cache
def _pack(path, football=False):
    """(assessment, context, parsed pages): the shared corpus render, or a football variant of it."""
    pack = rendered(path)
    if not football:
        return pack.assessment, pack.context, pack.parsed
    variant = copy.deepcopy(pack.assessment)
    variant.profile.update(sector="football", nation="england")
    return variant, build_context(variant, pack.catalogue), parse_pages(variant, pack.catalogue)


def _blocks(parsed, doc, pattern):
    return [b.text for b in parsed[doc].blocks if re.search(pattern, b.text)] if doc in parsed else []


@pytest.mark.parametrize("football", [False, True], ids=["as-is", "football"])
@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_national_bodys_contact_rule_is_stated_whole_in_the_no_private_messages_rule(path, football):
    assessment, context, parsed = _pack(path, football)
    if "staff_code" not in parsed:
        return
    sector = context.contacts.sector
    wanted = bool(context.flags.under_18 and sector and sector.contact_rule)
    staff = parsed["staff_code"].text
    # Reading r10 SC 4: the body's rule replaces the general ways of talking with young people in the
    # no-private-messages rule itself; it is never printed after them with "This rule comes first",
    # which a coach reading quickly takes the first ways as permission.
    assert "This rule comes first" not in staff, path.stem
    if not wanted:
        return
    assert sector.contact_rule_source, path.stem
    opening = sector.contact_rule.split("{", 1)[0].strip()
    rules = _blocks(parsed, "staff_code", re.escape(opening))
    assert len(rules) == 1, (path.stem, rules)
    rule = rules[0]
    assert "{" not in rule and "copied in" not in rule, rule
    assert {"adult-child-dm:forbidden", "adult-child-dm:sanctioned-only"} & set(
        next(b.rules for b in parsed["staff_code"].blocks if b.text == rule)
    ), rule
    assert not re.search(r"second adult\b[^.;]{0,120}\bno one else", rule), rule
    # every clause that brings in a parent or carer carries its condition
    condition = "agrees" if context.flags.parents_by_agreement else "would put the young person at risk"
    for m in re.finditer(r"parents or carers|parent’s or carer’s consent", rule):
        clause = rule[m.start() :].split(")", 1)[0]
        assert condition in clause, (path.stem, clause)
    # where the parent cannot be brought in, the lead decides, never the member of staff
    assert "decides how to reach the young person, with another adult aware" in rule, rule
    if context.flags.parents_by_agreement:
        assert "Where the young person does not agree, or a parent" in rule, rule
    # the body's own safeguarding role: who acts until it is filled
    if context.flags.no_lead:
        assert "until one is appointed" in rule, rule
    # the accounts interim does not send staff to post to young members against the rule
    assert "post to them only in" not in staff, path.stem
    for text in _blocks(parsed, "staff_code", r"Until it has set one up for you"):
        assert "national body’s rule" in text, text
    if football:
        problems = [
            p for p in check_assessment(assessment, rendered(path).catalogue) if p.doc == "staff_code"
        ]
        assert not problems, problems


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_worry_sent_privately_is_never_answered_in_a_group_or_through_the_family(path):
    _, context, parsed = _pack(path)
    if not context.flags.under_18 or "staff_code" not in parsed:
        return
    # Reading r11 SC 2, RF 3: the rule, the holding reply and the lead's reply are three short bullets,
    # no longer one of 250 words: the reply is read in the two items that follow the rule.
    blocks = [b.text for b in parsed["staff_code"].blocks]
    rules = [
        " ".join(blocks[i : i + 3])
        for i, b in enumerate(blocks)
        if "If a young person messages you privately" in b
    ]
    assert rules, path.stem
    for text in rules:
        reply = text.split("If a young person messages you privately", 1)[1]
        assert "Never discuss a worry about their safety in a group" in reply, (path.stem, text)
        # reading r12 SC 6: not where the holding reply may go through the parent
        parent = context.contacts.sector and context.contacts.sector.contact_rule
        if context.flags.one_to_one or not parent:
            assert "pass it to their family yourself" in reply, text
        lead = "chair of trustees" if context.flags.no_lead else "designated safeguarding lead"
        # (reading r10 SC 8, RF 5: the lead replies the same day, never waiting for a session)
        assert lead + " at once." in reply, text
        assert re.search(lead + r" replies the same day (by|through|in) ", reply), text
        assert "logs the contact" in reply, text
        if (
            not context.flags.one_to_one
            and not context.profile.reply_routes
            and "email" in context.selected("disclosure.contact_routes")
        ):
            assert "by an email that also goes to a second member of staff" in reply, text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_unapproved_pack_proposes_its_actions(path):
    _, context, parsed = _pack(path)
    approved = context.status == "approved" and not context.flags.audit_undecided
    for doc in ("staff_code", "procedure"):
        if doc not in parsed:
            continue
        text = parsed[doc].text
        if approved:
            assert "proposes these actions" not in text, (path.stem, doc)
        else:
            assert "has committed to these actions" not in text, (path.stem, doc)
            if "these actions" in text:
                assert "proposes these actions, for the trustees to" in text, (path.stem, doc)


def test_an_approved_pack_has_committed():
    """The other half of the rule, on one pack marked approved (the corpus holds drafts only)."""
    pack = rendered(next(p for p in CORPUS if p.stem == "sports-club-whatsapp"))
    assessment = lc.submit(copy.deepcopy(pack.assessment), by="A Volunteer", role=lc.EDITOR, on=DAY)
    assessment = lc.review(assessment, by="A Lead", role=lc.LEAD, on=DAY)
    assessment = lc.approve(
        assessment, approvers=[("A Chair", "Chair of trustees")], minute="TM 1", role=lc.TRUSTEE, on=DAY
    )
    staff = parse_pages(assessment, pack.catalogue)["staff_code"].text
    assert "The organisation has committed to these actions" in staff
    assert "proposes these actions" not in staff


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_reading_test_never_names_a_parent(path):
    _, _, parsed = _pack(path)
    for text in _blocks(parsed, "staff_code", r"happy for"):
        sentence = text.split("nothing you would not be happy for", 1)[-1].split(".")[0]
        assert "parent" not in sentence, (path.stem, text)
        assert "your manager" in sentence, (path.stem, text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_contact_through_the_page_is_one_the_platform_allows(path):
    _, context, parsed = _pack(path)
    if not (context.platform and context.platform.lacks("staff_accounts")) or "staff_code" not in parsed:
        return
    for text in _blocks(parsed, "staff_code", r"contact a member on their own"):
        assert "its page, phone or email" not in text or not context.platform.page_first_contact, text
        # Reading r10 RF 4: the page is used only where the answers say the organisation has one
        # (profile.org_page); otherwise the code names no page at all.
        if context.platform.page_first_contact and context.flags.own_page:
            assert context.platform.page_first_contact in text, text
            assert "to message the page" in text, text
            assert "only where they have given" in text, text
        elif not context.flags.own_page:
            assert "page" not in text, text
