"""Findings of the fifth independent reading (r5), fixed by rule for every organisation.

1. UNSAFE: a sexual image of a child stayed visible while reports were made ("Report it to the IWF and
   the police ... Then remove access to it"). Now, in every pack: write down where it is, stop others
   seeing it (as the platform allows), then report it. ``claims.check_pack`` reports the old order.
2. WRONG FACT: "the link is all it needs" for the IWF. The IWF can only act on content publicly
   available online, not on private or encrypted chats (contacts.yaml ``child_sexual_images``, source
   and date checked). A pack on a private chat platform (platforms.yaml ``closed_group``, or a
   messaging group) sends it to the police and CEOP, not to an IWF link; other packs offer the IWF only
   for a page anyone can open.
3. WRONG LAW: "care and support needs" is England's Care Act test. Each nation's test of an adult at
   risk is kept in contacts.yaml ``adult_safeguarding`` with its source and printed in the procedure.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor.catalogue import default_catalogue
from assessor.documents.claims import check_pack, parse
from tests.corpus import CORPUS, IDS, rendered

ROOT = Path(__file__).resolve().parent.parent
NATIONS = ("england", "wales", "scotland", "northern_ireland")


def _never_copy(pages) -> str:
    (mark,) = [
        m
        for m in parse(pages["procedure"], "procedure").marks
        if "child-images:never-copy" in m.tokens and m.text.startswith("If something is, or may be, a sexual")
    ]
    return mark.text


def _private_chat(known) -> bool:
    return (
        bool(known.get("derived.closed_group"))
        or known.get("profile.platform") == "messaging_group"
        or known.get("profile.who_sees_posts") == "members_only"
    )


# -- 1. stop others seeing it before reporting it --------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_sexual_image_of_a_child_is_recorded_then_taken_out_of_sight_then_reported(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    text = _never_copy(pages)
    if "Stop it at once and remove access to it" in text:
        # A live video session: the share is stopped first, then noted, then reported (reading r7, YC 4).
        remove = text.index("Stop it at once and remove access to it")
        record = text.index("Then write down who posted it")
        # Reading r11 (AQ 7, GC 8): staff phone the lead, and the lead refers, as "decides on referral" says.
        phone = text.index("phone ", record)
        report = text.index(" reports it to ", phone)
        assert remove < record < phone < report, text
        assert not [p for p in check_pack(pages, known) if "stop others seeing it first" in p.message]
        return
    record = text.index("write down where it is")
    if "cannot take it down ourselves" in text:  # an audit: nothing to remove, the police first (r7)
        remove = text.index("cannot take it down ourselves")
    else:
        remove = text.index("remove access to it at once")
    # Reading r11 (AQ 7, GC 8): no longer "report it ... and tell the lead at once" by whoever saw it:
    # they phone the lead, who reports it (999 first only for immediate danger).
    phone = text.index("phone ", remove)
    report = text.index(" reports it to ", phone)
    assert record < remove < phone < report, text
    assert "Then remove access" not in text
    assert not [p for p in check_pack(pages, known) if "stop others seeing it first" in p.message]


@pytest.mark.parametrize("path", CORPUS[:3], ids=IDS[:3])
def test_reporting_before_removing_access_is_reported_for_any_pack(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    old = (
        '<li data-rule="child-images:never-copy">If something is, or may be, a sexual image or video of a '
        "child: never screenshot, copy, save, download or forward it. Write down where it is: the link, the "
        "date and time, and who posted it. Report it to the IWF and the police, and tell the lead at once. "
        "Then remove access to it: hide it and remove the person who posted it.</li>"
    )
    procedure = pages["procedure"].replace("</body>", old + "</body>")
    problems = check_pack({**pages, "procedure": procedure}, known)
    assert any("stop others seeing it first" in p.message for p in problems)


# -- 2. the IWF only for what anyone can open ------------------------------------------------------


def test_every_nation_says_the_iwf_cannot_see_private_chats_with_a_source():
    contacts = default_catalogue().contacts
    for nation in NATIONS:
        route = contacts.route("child_sexual_images", nation)
        assert route is not None and route.police, nation
        assert "the link is all it needs" not in route.how
        assert "cannot see content in private or encrypted chats" in route.how, nation
        assert "childline.org.uk" in (route.note or ""), nation


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_private_chat_goes_to_the_police_and_only_a_public_page_to_the_iwf(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    text = _never_copy(pages)
    assert not any("the link is all it needs" in html for html in pages.values())
    # Reading r11 (AQ 7): the ~150-word sentence is shortened; a private chat's step names no IWF at all
    # (it used to explain why not), and a public page's names it only for a page anyone can open.
    if _private_chat(known):
        assert "Internet Watch Foundation" not in text, text
    else:
        assert re.search(
            r"the link to the Internet Watch Foundation if it is on a page anyone can open without joining or logging in",
            text,
        ), text


def test_the_old_iwf_wording_is_reported():
    old = (
        '<ul><li data-rule="child-images:never-copy">Never screenshot it. Write down where it is: the link, '
        "the time, who posted it. Remove access to it. Report it to the IWF: the link is all it needs.</li></ul>"
    )
    problems = check_pack({"procedure": f"<html><body>{old}</body></html>"}, {})
    assert any("an IWF link is not enough" in p.message for p in problems)


# -- 3. each nation's own test of an adult at risk -------------------------------------------------


def test_every_nation_keeps_its_own_adult_at_risk_test_with_a_source():
    contacts = default_catalogue().contacts
    words = {
        "england": "Care Act 2014",
        "wales": "Social Services and Well-being (Wales) Act 2014",
        "scotland": "all three points",
        "northern_ireland": "adult in need of protection",
    }
    for nation in NATIONS:
        route = contacts.route("adult_safeguarding", nation)
        assert route is not None and route.test and words[nation] in route.test, nation
        assert (route.test_source or "").startswith("http") and route.checked is not None
    for nation in ("scotland", "northern_ireland"):
        assert "care and support" not in contacts.route("adult_safeguarding", nation).test


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_procedure_prints_the_nations_adult_at_risk_test(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    nation = known.get("profile.nation")
    blocks = [
        b.text
        for b in parse(pages["procedure"], "procedure").blocks
        if "If the person at risk is an adult" in b.text
    ]
    if not blocks:
        pytest.skip("no adult disclosure step in this pack")
    route = default_catalogue().contacts.route("adult_safeguarding", nation) if nation in NATIONS else None
    if route is None:
        assert "as the law of your nation defines it" in blocks[0]
    else:
        assert f"If they may be {route.test}" in blocks[0], blocks[0]
    if nation in ("scotland", "northern_ireland"):
        assert "care and support needs" not in blocks[0]
