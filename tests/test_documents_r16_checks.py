"""Reading r15 (issue 10), checks: unchecked moderators and private safeguarding routes, for every
organisation in the corpus (tests/corpus.py); each rule follows the answers or the registry, never a
scenario.

* LG 1: the at-once stop of personal-account messages names no subset of the staff code's transparent
  ways ("where others in the group can see, or through their parents or carers" sent a safeguarding
  follow-up into the open, or to the family of a young person who may not be out): staff talk with
  young members only where another adult can see the conversation, as the staff code's rule is headed.
* LG 3: the at-once limit on unchecked moderators never leaves moderation hours uncovered where no
  moderator is checked: a checked adult covers them, or they are cut and members told.
* LG 4: where other routes young members write to are not all read by someone who knows what to do
  (disclosure.contact_routes, disclosure.routes_watched), the at-once limit covers them, with training.
* LG 5: where disclosures are followed up in private threads, the records rule keeps the permission
  that reads every private thread (platforms.yaml private_threads_permission, sourced) to the lead and
  deputy, so "nobody else reads them" is true.
"""

from __future__ import annotations

import re

import pytest

from assessor.catalogue import default_catalogue
from tests.corpus import CORPUS, IDS, rendered, squash

TALK = re.compile(r"they talk with young members only ([^.)]*)[.)]")
OTHER_ROUTES = {"email", "web_form", "phone", "other_social"}


def _at_once_limit(pack):
    return next(
        (a for a in pack.context.actions if a.id == "staff_conduct.safer_recruitment" and a.immediate),
        None,
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_at_once_contact_rule_is_the_staff_codes(path):
    pack = rendered(path)
    for action in pack.context.actions:
        for m in TALK.finditer(squash(action.text)):
            assert m.group(1) == "where another adult can see the conversation", (
                path.stem,
                action.number,
                m[0],
            )
            code = squash(pack.texts.get("staff_code", ""))
            if code and not pack.known.get("derived.body_contact_rule"):
                assert "where another adult can see" in code, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_unchecked_moderators_leave_no_hours_uncovered(path):
    pack = rendered(path)
    action = _at_once_limit(pack)
    if action is None or "moderate only" not in action.text:
        return
    text = squash(action.text)
    assert "in hours when a checked adult is also on" not in text, path.stem
    assert "cut any moderation hours no checked adult can cover, and tell members" in text, (path.stem, text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_at_once_limit_covers_every_inbox_not_watched(path):
    pack = rendered(path)
    action = _at_once_limit(pack)
    if action is None or "report bot" not in action.text:
        return
    routes = set(pack.known.get("disclosure.contact_routes") or ())
    unwatched = pack.known.get("disclosure.routes_watched") in ("partly", "not_in_place", "dont_know")
    text = squash(action.text)
    if routes & OTHER_ROUTES and unwatched:
        assert "every other inbox young members write to" in text, (path.stem, text)
        assert "safeguarding training are complete" in text and "untrained" in text, (path.stem, text)
    else:
        assert "every other inbox" not in text, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_private_threads_are_read_only_by_the_lead(path):
    pack = rendered(path)
    platform = pack.context.platform
    permission = platform.private_threads_permission if platform else None
    texts = {doc: squash(t) for doc, t in pack.texts.items()}
    threads = any("in a private thread on" in t for t in texts.values())
    procedure = texts.get("procedure", "")
    if permission and threads and "Nobody else reads them" in procedure:
        assert (
            f"Nobody else holds {pack.context.profile.platform_product}’s {permission} permission"
            in procedure
        ), path.stem
    elif not permission:
        assert "permission either: it lets its holder read every private thread" not in procedure, path.stem


def test_the_permission_is_sourced():
    for pid, platform in default_catalogue().platforms.items():
        if platform.private_threads_permission:
            assert platform.private_threads, pid
            assert any(
                platform.private_threads_permission in s.about and "private threads" in s.about
                for s in platform.sources
            ), pid


def test_corpus_exercises_each_rule():
    packs = [rendered(p) for p in CORPUS]
    assert any((a := _at_once_limit(p)) and "every other inbox" in a.text for p in packs), (
        "no scenario's answers call for the inbox limit"
    )
    assert any("Manage Threads permission either" in p.texts.get("procedure", "") for p in packs)
    assert any(TALK.search(squash(a.text)) for p in packs for a in p.context.actions)
