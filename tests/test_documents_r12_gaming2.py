"""Reading r11 (issue 10), section "gaming2": rules that fit the platform and the answers, over the whole
corpus (tests/corpus.py). Each rule follows the answers or the registry, never a scenario:

* where under-18s take part, the staff code keeps staff and volunteers off the space when off duty, so
  the members' rules never say "even if you see a moderator online" (GC 1, GC 2);
* on a game (platforms.yaml kind) where the answers say there are no profile pages
  (oversharing.profile_fields not applicable), the personal-information rule is about the username,
  not "your profile" and "a picture" (GC 3);
* a young member who has gone quiet is checked in with by the organisation's reply routes
  (profile.reply_routes), never "in a conversation that includes another adult ... and no one else"
  the platform may not have (GC 4);
* until staff have organisation accounts they contact members only where others can see, never just
  "on the server" or "in the group", where private messages would still be open (GC 5);
* an instruction put in the organisation's own words keeps its grammar: "the platform lets us", never
  "lets we" (GC 10);
* an anti-bullying policy partly in place where members also use other apps (behaviour.other_apps)
  is to be extended to those apps, not "brought up to date to cover bullying online" (GC 11).
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered, squash

_squash = squash


def _sentences(text: str, marker: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", _squash(text)) if marker in s]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_moderator_online_off_duty_where_under_18s_take_part(path):
    pack = rendered(path)
    if not pack.context.flags.under_18:
        return
    for doc in ("house_rules", "house_rules_young", "member_code", "behaviour_code"):
        text = _squash(pack.texts.get(doc, ""))
        assert "see a moderator online" not in text, (path.stem, doc)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_game_without_profile_pages_has_a_username_rule(path):
    pack = rendered(path)
    c = pack.context
    rules = _squash(pack.texts["house_rules"])
    if not (c.flags.game and c.answer("oversharing.profile_fields") == "not_applicable"):
        return
    assert "Keep your profile" not in rules, path.stem
    assert "name and picture" not in rules, path.stem
    assert "Use a username that does not give your real name" in rules, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_check_in_uses_the_reply_routes(path):
    pack = rendered(path)
    c = pack.context
    routes = c.profile.reply_routes
    prompt = {"platform_thread", "own_phone", "own_email", "parent"} & set(routes)
    if c.private_contact != "transparent" or not routes or (c.flags.adults and not prompt):
        return
    for doc in ("house_rules", "member_code"):
        for sentence in _sentences(pack.texts.get(doc, ""), "check in with you"):
            assert "no one else" not in sentence, (path.stem, doc, sentence)
            if "parent" in routes:
                assert "through your parent or carer" in sentence, (path.stem, doc, sentence)
            if "in_person" in routes:
                assert "in person at a session" in sentence, (path.stem, doc, sentence)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_interim_contact_is_only_where_others_can_see(path):
    pack = rendered(path)
    found = 0
    for doc, text in pack.texts.items():
        for sentence in _sentences(text, "until each person has an organisation account"):
            found += 1
            assert re.search(r"contact (young )?members only where others", sentence), (path.stem, doc)
            assert not re.search(r"members only (on|in) (the|our) \w+( or|[.;])", sentence), (path.stem, doc)
        # Where the stop is its own at-once action (reading r12 GC 2), the interim rule is there.
        for sentence in _sentences(text, "one to one from a personal account"):
            found += 1
            # "where another adult can see the conversation": the staff code's heading, not a subset of
            # its ways (reading r15 LG 1)
            assert re.search(r"only where (others|another adult)", sentence), (path.stem, doc, sentence)
    # The corpus shows the interim rule somewhere (the gaming club, with /msg on, is one).
    if path.stem == "gaming-club-roblox-minecraft":
        assert found, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_organisation_s_own_words_keep_their_grammar(path):
    pack = rendered(path)
    for doc, text in pack.texts.items():
        bad = re.search(r"\b(lets|let|helps|help|allows) we\b", _squash(text))
        assert not bad, (path.stem, doc, bad and bad[0])


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_anti_bullying_gap_names_the_other_apps(path):
    pack = rendered(path)
    c = pack.context
    if c.answer("behaviour.anti_bullying") != "partly" or not c.profile.other_apps:
        return
    (item,) = _sentences(pack.texts["policy_statement"], "Anti-bullying policy")[:1]
    assert "to cover bullying online" not in item, path.stem
    for app in c.profile.other_apps:
        assert app in item, (path.stem, app, item)
