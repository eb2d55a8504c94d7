"""Who a child is sent to or contacted by (fifth independent reading), by rule for every pack.

1. Below the platform's minimum age, the parent-risk exception never reads as leave to contact the
   child on the platform: where a parent or carer is not safe, the safeguarding lead decides how to
   reach the child, with another adult aware, and never on the platform.
2. Where under-18s take part and not every moderator or host is checked
   (``staff_conduct.safer_recruitment`` not in place), a worry about a private message goes to the
   safeguarding lead (or trustees) and the report tool, never privately to a moderator or admin.
3. Where adult members share the space with under-18s (``profile.audience`` has ``adults``), the
   young people's rules and code say no adult at all, members aged 18 or over included, may message
   them on their own.
4. After a disclosure, the reply never goes through a group conversation, and through a parent or
   carer only if the lead decides it is safe (and under the pack's parent-contact rule).
5. Where under-18s take part, a new member's check is never a call one to one by a volunteer; in
   an LGBTQ+ community it never goes through the member's home.

Each check runs over the whole corpus (tests/scenarios and examples) and is shown to fail on the
sentence it forbids.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor.documents.claims import parse
from tests.corpus import CORPUS, IDS, rendered

ROOT = Path(__file__).resolve().parent.parent
UNDER_18 = {"under_13", "age_13_17"}


def _texts(pages, doc) -> list[str]:
    if doc not in pages:
        return []
    return [b.text for b in parse(pages[doc], doc).blocks]


def _all(pages) -> list[tuple[str, str]]:
    return [(doc, t) for doc in pages for t in _texts(pages, doc)]


def _runs(known) -> bool:
    return not str(known.get("profile.relationship", "")).startswith("audit")


def _young(known) -> bool:
    return bool(set(known.get("profile.audience") or []) & UNDER_18)


# -- 1. below the minimum age, never contact on the platform -------------------------------------

UNDER_AGE = re.compile(r"minimum age", re.I)
PARENT_ROUTE = re.compile(r"through (their|your) parents? or carers?", re.I)
LEAD_DECIDES = re.compile(
    r"(safeguarding lead|chair of trustees)[^.]{0,80}decides how to reach[^.]{0,80}another adult aware[^.]{0,40}never on",
    re.I,
)


def under_age_problems(pages) -> list[str]:
    return [
        f"{doc}: {t}"
        for doc, t in _all(pages)
        if UNDER_AGE.search(t) and PARENT_ROUTE.search(t) and not LEAD_DECIDES.search(t)
    ]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_under_age_exception_goes_to_the_lead_never_the_platform(path):
    pages = rendered(path).pages
    assert under_age_problems(pages) == []


def test_under_age_rule_catches_the_bare_exception():
    pages = {
        "procedure": "<html><body><p>WhatsApp’s minimum age is 13. Do not contact those children on "
        "WhatsApp: communicate with them through their parents or carers instead, unless contacting "
        "them would put the child at risk; record why.</p></body></html>"
    }
    assert under_age_problems(pages)


# -- 2. a worry goes to the lead, not privately to an unchecked adult -----------------------------

WORRY = re.compile(r"especially an adult", re.I)
# The lead (by role or by name) or, until one is named, the chair (reading r8 SC 16: a person a child knows).
TO_LEAD = re.compile(
    r"especially an adult, tell (our (designated )?safeguarding lead|our trustees|the chair of |"
    r"[^,.]+, our safeguarding lead|[^,.(]+ \(our safeguarding lead\))",  # r15 RF 13: in brackets
    re.I,
)


def worry_problems(pages) -> list[str]:
    return [
        f"{doc}: {t}"
        for doc in ("house_rules", "house_rules_young")
        for t in _texts(pages, doc)
        if WORRY.search(t) and not TO_LEAD.search(t)
    ]


def _unchecked(known) -> bool:
    return _runs(known) and _young(known) and known.get("staff_conduct.safer_recruitment") != "in_place"


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_worry_about_a_private_message_goes_to_the_lead_where_adults_are_unchecked(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    if not _unchecked(known):
        pytest.skip("every moderator is checked, no under-18s, or an audit")
    assert worry_problems(pages) == []


def test_worry_rule_catches_tell_a_moderator():
    pages = {
        "house_rules": "<html><body><ul><li>If anyone messages you privately and it worries you, "
        "especially an adult, tell a moderator.</li></ul></body></html>"
    }
    assert worry_problems(pages)


# -- 3. in a mixed-age community, no adult member messages a young person on their own -----------

ADULT_MEMBERS = re.compile(
    r"members aged 18 or over[^.]{0,80}|no adult[^.]{0,80}members aged 18 or over", re.I
)
ON_OWN = re.compile(r"on your own", re.I)


def adult_member_problems(pages) -> list[str]:
    return [
        doc
        for doc in ("house_rules_young", "behaviour_code")
        if doc in pages and not any(ADULT_MEMBERS.search(t) and ON_OWN.search(t) for t in _texts(pages, doc))
    ]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_young_rules_cover_adult_members_in_a_mixed_age_community(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    audience = set(known.get("profile.audience") or [])
    if not (_runs(known) and audience & UNDER_18 and "adults" in audience):
        pytest.skip("not a mixed-age community the organisation runs")
    assert adult_member_problems(pages) == []


def test_adult_member_rule_catches_staff_only_wording():
    pages = {
        "house_rules_young": "<html><body><ul><li>Adults from Spectrum must not message you on your "
        "own.</li></ul></body></html>"
    }
    assert adult_member_problems(pages) == ["house_rules_young"]


# -- 4. after a disclosure: never a group reply, a parent only on the lead's decision ------------

REPLY = re.compile(r"Reply to the young person", re.I)
GROUP_REPLY = re.compile(
    r"group conversation with another adult|by a route another adult can see\b(?!:)", re.I
)
PARENT_AFTER = re.compile(r"through their parents? or carers?", re.I)
# The parent route stays on the lead's decision, whichever comes first in the sentence ("... decides
# it is safe, through their parent" or "through their parent or carer, only if the ... lead decides
# it is safe").
LEAD_SAFE = re.compile(
    r"(safeguarding lead|chair of trustees)[^.;]{0,80}decides it is safe, through their parent"
    r"|through their parents? or carers?, only if the [^.;]{0,60}(safeguarding lead|chair of trustees)"
    r" decides it is safe"
    # the national body's route through the parent (reading r11/r12): never where it would put them at risk
    r"|through their parents? or carers? \(unless contacting them would put the young person at risk",
    re.I,
)


def disclosure_problems(pages) -> list[str]:
    out = []
    for t in _texts(pages, "procedure"):
        group = bool(GROUP_REPLY.search(t))
        parent = bool(REPLY.search(t) and PARENT_AFTER.search(t) and not LEAD_SAFE.search(t))
        if group or parent:
            out.append(t)
    return out


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_disclosure_reply_never_in_a_group_and_a_parent_only_on_the_leads_decision(path):
    pages = rendered(path).pages
    assert disclosure_problems(pages) == []


def test_disclosure_rule_catches_a_group_reply():
    pages = {
        "procedure": "<html><body><ol><li>Reply to the young person by a route another adult can see: "
        "a message with a second member of staff copied in, a group conversation with another adult, "
        "or through their parent or carer (only if the young person agrees).</li></ol></body></html>"
    }
    assert disclosure_problems(pages)


# -- 5. a new member's check is never a one-to-one call ------------------------------------------

CALL = re.compile(r"\b(video|phone) call\b|\bshort call\b", re.I)
SAFE_CALL = re.compile(r"(safeguarding lead or with another checked adult present)", re.I)
HOME = re.compile(r"never through the member's home", re.I)
NEW_MEMBER = re.compile(r"check each new member", re.I)


def new_member_problems(pages, lgbtq: bool) -> list[str]:
    out = []
    for doc, t in _all(pages):
        if not NEW_MEMBER.search(t):
            continue
        one_to_one = bool(CALL.search(t) and not SAFE_CALL.search(t))
        via_home = lgbtq and doc == "risk_report" and not HOME.search(t)
        if one_to_one or via_home:
            out.append(f"{doc}: {t}")
    return out


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_new_member_check_never_a_one_to_one_call_with_under_18s(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    if not _young(known):
        pytest.skip("no under-18s")
    lgbtq = "lgbtq" in (known.get("profile.community_focus") or [])
    assert new_member_problems(pages, lgbtq) == []


def test_new_member_rule_catches_a_bare_call():
    pages = {
        "risk_report": "<html><body><p>Check each new member before they can post, for example "
        "through a short video or phone call.</p></body></html>"
    }
    assert new_member_problems(pages, False)
    pages["risk_report"] = pages["risk_report"].replace("a short video or phone call", "a referral")
    assert new_member_problems(pages, True)
