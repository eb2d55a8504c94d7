"""Reading r7, routes (issue 10): how members reach us, and who decides, over the whole scenario
corpus (tests/corpus.py). Each rule is driven by the answers, never by a scenario:

* every member-facing document (house rules, young people's rules, behaviour codes) says HOW to
  reach us: the phone or inbox the team watches (organisation.phone, .email) first, the
  safeguarding lead's own line second; where no lead is named, a visible gap for the chair of
  trustees that the trustees fill before sharing (AQ 9, SC 13-15, YC 7);
* in the moderation and escalation procedure, a Medium concern reaches the safeguarding lead (or
  the acting lead) the same day: a second host gives a second opinion, never the decision (YC 3).
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered

MEMBERS = ("house_rules", "house_rules_young", "behaviour_code", "member_code")
GAP = "chair of trustees (add their name and phone number"


def _ways(person) -> list[str]:
    return [w for w in (person.phone, person.email) if w]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_every_members_document_says_how_to_reach_us(path):
    pack = rendered(path)
    context, parsed = pack.context, pack.parsed
    p = context.profile
    for doc in MEMBERS:
        if doc not in parsed:
            continue
        reach = [b.text for b in parsed[doc].blocks if b.text.startswith("How to reach us:")]
        assert len(reach) == 1, (doc, reach)
        text = reach[0]
        team, lead = _ways(p.team), _ways(p.lead)
        for way in team + (lead if p.lead.named else []):
            assert way in text, (doc, way, text)
        if team and p.lead.named and lead:
            assert text.index(team[0]) < text.index(lead[0]), (doc, text)  # the watched route first
        if context.flags.no_lead:
            assert GAP in text, (doc, text)
        assert re.search(r"\d{4}|@|" + re.escape(GAP), text), (doc, text)


def _medium_escalation(html: str) -> str:
    row = re.search(r'<tr data-guidance="002\.M4".*?</tr>', html, re.S)
    assert row, "no Medium row"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    return re.sub(r"<[^>]+>", "", cells[-1])


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_medium_concern_reaches_the_lead_the_same_day(path):
    pack = rendered(path)
    context, pages = pack.context, pack.pages
    if "procedure" not in pages:
        return
    cell = _medium_escalation(pages["procedure"])
    who = "chair of trustees" if context.flags.no_lead else "designated safeguarding lead"
    assert cell.lower().startswith("the " + who), cell
    assert "if any doubt remains" not in cell, cell
