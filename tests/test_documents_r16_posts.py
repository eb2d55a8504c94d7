"""Reading r15 (issue 10), posts: what the plan says about personal details members have already posted
(the clean-up part of oversharing.moderator_removal) follows the answers and the platform.

- It says such posts are there only where the answers say so (profile.details_posted); otherwise it
  says to check for them (LG 9, GC 2, SC 12).
- It names letters and case reference numbers only where members post them (details_posted
  'documents'), never "documents" as a word for every community.
- It never asks members to take their own posts down (a game server's chat cannot be taken back), and
  on a platform that lets admins delete a message only for a while (remove_posts_window) it deletes
  only what the platform still allows.
- Where such posts are there in a large group or one outsiders can find, and the platform lets the
  team take them down, taking them down is critical and due on the issue date; the standing rule keeps
  its own date (RF 2).

Over the whole corpus (tests/corpus.py); the rule follows the answers, never a scenario.
"""

from __future__ import annotations

import pytest

from assessor.platforms import all_responses
from tests.corpus import CORPUS, IDS, scored, squash

ALREADY = "already here"


def _facts(path):
    catalogue, assessment, result = scored(path)
    responses = all_responses(assessment, catalogue)
    posted = set(responses.get("profile.details_posted") or ()) & {"contact_details", "documents"}
    exposed = bool(posted) and (
        responses.get("profile.size") in ("large", "very_large")
        or "stranger_discovery" in (responses.get("profile.features") or ())
    )
    removable = responses.get("profile.platform") in ("forum", "own_service") or (
        "remove_posts" in (responses.get("derived.platform_has") or ())
        and not responses.get("derived.remove_posts_limited")
    )
    return assessment, result, responses, posted, exposed, removable


def _clean_up(result):
    return [a for a in result.actions if ALREADY in a.text and "personal details" in a.text]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_posts_already_here_follow_the_answers(path):
    _, result, responses, posted, _, _ = _facts(path)
    for a in _clean_up(result):
        text = squash(a.text)
        if not posted:
            assert "Check for" in text or "Check the messages" in text, (path.stem, a.id, text)
        if "documents" not in posted:
            for word in ("documents", "letters", "case reference"):
                assert word not in text, (path.stem, a.id, word)
        assert "Ask members to take down" not in text, (path.stem, a.id)
        if responses.get("derived.remove_posts_limited"):
            assert "still lets you delete" in text, (path.stem, a.id, text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_exposed_details_come_down_at_once(path):
    assessment, result, responses, _, exposed, removable = _facts(path)
    at_once = [a for a in _clean_up(result) if a.text.startswith("At once")]
    if not (
        exposed and removable and responses.get("oversharing.moderator_removal") not in (None, "in_place")
    ):
        assert not at_once, path.stem
        return
    assert at_once, f"{path.stem}: details posted to a large or findable group, and no at-once take-down"
    a = at_once[0]
    assert a.priority == "critical" and a.due_date == assessment.meta.assessed_on, (path.stem, a.priority)
    rest = [b for b in result.actions if "moderators look for" in b.text and "personal details" in b.text]
    assert rest and all(ALREADY not in b.text and b.due_date > assessment.meta.assessed_on for b in rest), (
        path.stem
    )


def test_corpus_has_both_cases():
    """The rule is exercised: one scenario's answers say details are posted, another's do not."""
    kinds = {
        ("Check" in a.text, a.text.startswith("At once")) for p in CORPUS for a in _clean_up(scored(p)[2])
    }
    assert (True, False) in kinds and (False, True) in kinds, kinds


# The at-once stop of one-to-one messages from adults' personal accounts to young members.
STOPS = (
    "never to message a young member one to one from a personal account",
    "Stop one-to-one messages to young members from personal accounts now",
)
HOW = ("one-to-one chats they already have with young members", "by reading the logged private messages")


def _logs(responses) -> bool:
    return responses.get("profile.messages_logged") == "yes" or (
        responses.get("derived.admins_see_private_messages") is True
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_stop_of_personal_account_messages_reviews_the_chats_already_held(path):
    """Where adults message young members from personal accounts, the at-once stop says how it is
    checked: the logs where the team can open private messages, otherwise a review of each adult's
    existing chats; not a quarterly sample months later (reading r15, SC 7, GC 5)."""
    assessment, result, responses, *_ = _facts(path)
    for a in result.actions:
        text = squash(a.text)
        if "check it has stopped" in text and _logs(responses):
            assert "check it has stopped by reading the logged private messages" in text, (path.stem, a.id)
        if any(s in text for s in STOPS) and a.due_date == assessment.meta.assessed_on:
            assert any(h in text for h in HOW), (path.stem, a.id, text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_find_out_first_where_the_answers_show_staff_messages(path):
    """'First find out whether this is already in place' is not printed on the sample of staff
    messages where the answers say adults message young members from personal accounts: the at-once
    stop reviews those chats now (reading r15, SC 7)."""
    _, result, responses, *_ = _facts(path)
    personal = (
        set(responses.get("profile.audience") or ()) & {"under_13", "age_13_17"}
        and "staff_messages" in (responses.get("profile.features") or ())
        and responses.get("staff_conduct.authorised_accounts") in ("partly", "not_in_place", "dont_know")
    )
    if not personal:
        return
    assert any(any(h in squash(a.text) for h in HOW) for a in result.actions), path.stem
    for a in result.actions:
        if "staff_conduct.relevant_messages" in (a.id, *a.sources):
            assert not a.find_out_first, (path.stem, a.id)


def test_corpus_has_stops_of_both_kinds():
    texts = [squash(a.text) for p in CORPUS for a in scored(p)[2].actions]
    assert all(any(h in t for t in texts) for h in HOW)
