"""Reading r9 (issue 10), how adults reach a young person, over the whole corpus (tests/corpus.py)
and over variants of it. Each rule is driven by the answers, never by a scenario:

* after a disclosure the safeguarding lead replies to a young person only in the ways the
  organisation really has (profile.reply_routes): a thread on the platform a second adult can read,
  in person at a session, a phone number or email the young person gave as their own, or a parent or
  carer with its condition; never a phone call or email to someone known only by a username, or to
  a number that is the parent's (LG 1-3, GC 6-8).
"""

from __future__ import annotations

import copy
import re

import pytest

from assessor.documents.context import build_context
from tests.corpus import CORPUS, IDS, blocks, parse_pages, rendered

# profile.reply_routes value -> what its phrase says in the staff code and procedure
PHRASES = {
    "platform_thread": r"in a thread on .+? that a second adult",
    "in_person": r"in person at the next one",  # reading r15 LG 7: "if they also come to our sessions"
    # (reading r10: "by phone or email once they get in touch" is the call or email the young person
    # makes to the lead's published number, where the answers give sessions only: see r11_reply)
    "own_phone": r"by phone, on the number they gave us",
    "own_email": r"by an email to the address they gave us",
    "parent": r"through their parent or carer",
}


def _replies(parsed):
    """The lead's reply routes: the staff code's and the procedure's reply sentences."""
    found = []
    for doc, text in blocks(parsed):
        for m in re.finditer(
            r"(?:who replies|\) replies| lead replies|trustees replies) (.+?)logs the contact", text
        ):
            found.append((doc, m.group(1)))
        for m in re.finditer(r"the member is contacted by (.+?)decides how to support", text):
            found.append((doc, m.group(1)))
    return found


def _check(name, context, parsed):
    routes = set(context.profile.reply_routes)
    replies = _replies(parsed)
    assert replies, name
    for doc, reply in replies:
        for value, pattern in PHRASES.items():
            said = bool(re.search(pattern, reply))
            if value == "parent":
                # the procedure's reply step names the parent route after "logs the contact"
                if said:
                    assert "parent" in routes, (name, doc, reply)
                continue
            assert said == (value in routes), (name, doc, value, reply)


def _young_packs():
    for path in CORPUS:
        pack = rendered(path)
        f = pack.context.flags
        if f.runs and f.under_18 and not f.one_to_one and pack.context.profile.reply_routes:
            yield path


@pytest.mark.parametrize("path", list(_young_packs()), ids=lambda p: p.stem)
def test_the_lead_replies_only_in_the_ways_the_answers_give(path):
    pack = rendered(path)
    _check(path.stem, pack.context, pack.parsed)


@pytest.mark.parametrize("routes", [[v] for v in PHRASES] + [list(PHRASES)], ids=lambda r: "+".join(r))
@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_every_reply_route_is_offered_only_when_answered(path, routes):
    pack = rendered(path)
    f = pack.context.flags
    if not (f.runs and f.under_18 and not f.one_to_one):
        return
    variant = copy.deepcopy(pack.assessment)
    variant.profile["reply_routes"] = routes
    context = build_context(variant, pack.catalogue)
    _check(path.stem, context, parse_pages(variant, pack.catalogue))
