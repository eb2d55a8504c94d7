"""Reading r6, the escalation procedure and moderation promises, over the whole corpus
(tests/scenarios and examples):

* a singular lead takes a singular verb ("the designated safeguarding lead decides");
* the images section gives its steps once, fitted to the platform, and never names another platform
  (the IWF route's own steps, with their WhatsApp example, are not printed again);
* "read every post" and "read everything that arrived" appear only where enough moderators are
  answered in place; otherwise moderators work in order of risk, reports first;
* "hold new posts until the next moderation session" is never offered on a live game or where
  nobody moderates at set times;
* the keyword filter's coverage never says "everything else has to be read";
* a platform name answered as a description ("X server run by the club") is never pasted after "on".
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered

_SINGULAR_BARE = re.compile(
    r"\b(?:designated safeguarding lead|the deputy|chair of trustees) "
    r"(?:decide|agree|check|read|reply|record|make|keep|call|contact|tell|review)\b(?! on\b)"
)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_singular_lead_takes_a_singular_verb(path, catalogue):
    texts = rendered(path).texts
    for name, text in texts.items():
        # "helps the lead decide" is a bare infinitive after a verb of helping or letting: allowed
        bad = [
            m.group(0)
            for m in _SINGULAR_BARE.finditer(text)
            if not re.search(r"\b(?:help|helps|let|lets|make|makes)\s+the\s*$", text[: m.start()][-20:])
        ]
        assert not bad, (path.stem, name, bad)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_images_steps_are_given_once_and_name_no_other_platform(path, catalogue):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    procedure = texts["procedure"]
    assert procedure.count("download or forward it") <= 1, path.stem
    own = context.platform.name if context.platform else ""
    for entry in catalogue.platforms.values():
        name = entry.name
        if "(" in name or name == own or name in own or name in context.profile.platform_name:
            continue
        assert name not in procedure, (path.stem, name)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_read_every_post_only_where_enough_moderators_are_in_place(path, catalogue):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    if context.in_place("moderation.enough_people"):
        return
    for name, text in texts.items():
        for promise in ("read every new post", "reading every post", "read everything that arrived"):
            assert promise not in text, (path.stem, name, promise)
    if context.flags.runs and not context.flags.video and not context.flags.pre_moderated:
        assert re.search(
            r"(first task of every moderation session is to|Each time you look at [^,]+, first) (read every report|go through)",
            texts["procedure"],
        ), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_posts_are_never_held_on_a_live_game_or_without_set_hours(path, catalogue):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    live_game = context.platform is not None and context.platform.kind == "game"
    if live_game or context.flags.no_set_hours:
        assert "hold new posts" not in texts["procedure"], path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_keyword_filter_never_asks_moderators_to_read_what_they_cannot(path, catalogue):
    texts = rendered(path).texts
    assert "everything else has to be read" not in texts["procedure"], path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_described_platform_is_not_pasted_after_on(path, catalogue):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    short = re.sub(r"\s*\([^()]*\)$", "", context.profile.platform_name)
    if not (context.platform and re.search(r"\s[a-z]", short)):
        return
    for name, text in texts.items():
        assert f"on {short}" not in text, (path.stem, name)


# --- second batch: platform facts in the procedure, message-reading times, private-message rule ---


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_evidence_uses_the_platforms_own_identifiers_and_no_tracing_it_cannot_do(path, catalogue):
    """SC 13, RF 19: no usernames on an app that shows phone numbers or on social media, where
    people have names and profiles; VPNs and tracing only where technical records are kept."""
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    procedure = texts["procedure"]
    social = context.platform is not None and context.platform.kind == "social_media_group"
    if context.flags.runs and (context.facts.get("phone_numbers_visible") or social):
        assert "username" not in procedure.lower(), path.stem
    if "VPN" in procedure:
        assert context.answer("privacy_data.logs_kept") in ("in_place", "partly", "dont_know"), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_media_downloaded_to_phones_is_dealt_with_on_each_phone(path, catalogue):
    """SC 14: where the registry says the app downloads media to members' phones, deleting the
    message is not the end: members do not open, forward or keep their copy; auto-download off."""
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    if not (context.flags.runs and context.platform and context.platform.media_auto_download):
        assert "media auto-download" not in texts["procedure"], path.stem
        return
    assert "not to open, forward or keep their copy" in texts["procedure"], path.stem
    assert "turn off media auto-download" in texts["procedure"], path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_message_reading_times_are_the_answered_ones(path, catalogue):
    """YC 2, YC 3: a video community whose work phone is watched between sessions never says that
    nobody reads messages between sessions; no document points to 'the times above'."""
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    for name, text in texts.items():
        assert "at the times above" not in text, (path.stem, name)
    watched = context.flags.video and "project_phone" in context.profile.one_to_one
    if watched and context.in_place("disclosure.routes_watched"):
        assert "we read messages only" not in texts["house_rules"], path.stem
        assert "that nobody is watching at other times" not in texts["procedure"], path.stem
        assert "read messages sent to our work phone" in texts["house_rules"], path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_members_are_told_the_private_message_rule_and_moderators_use_it(path, catalogue):
    """GC 7, GC 8: where the organisation has a rule on reading private messages (in place), members
    are told it; where it can read them (its own server or forum software, or the registry says
    admins see them), moderators read the message rather than asking the member to show it."""
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    rule = context.flags.runs and context.in_place("moderation.private_message_rule")
    told = "under our rule on reading private messages" in texts["house_rules"]
    if "private message" in texts["house_rules"] and not context.flags.audit:
        assert told == bool(rule), path.stem
    platform = context.platform
    can_read = platform is not None and (platform.admins_see_private_messages or platform.own_software)
    if "Treat every report about a private message" in texts["procedure"]:
        reads = "read the message yourself, under our rule" in texts["procedure"]
        assert reads == bool(rule and can_read), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_someone_online_out_of_hours_is_not_said_to_be_moderating(path, catalogue):
    """GC 4: members may see a moderator online outside moderation hours; the rules say nobody is
    on duty then, rather than that nobody is there."""
    texts = rendered(path).texts
    assert "Outside moderation hours nobody is reading messages." not in texts["house_rules"], path.stem
    young = texts.get("house_rules_young", "")
    assert "At other times nobody is reading messages" not in young, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_house_rules_take_a_plural_pronoun(path, catalogue):
    """AQ 6: "adopt the house rules ... They cover", never "It covers"."""
    texts = rendered(path).texts
    for name, text in texts.items():
        assert not re.search(r"house rules in this pack[^.]*\.\s*It covers", text), (path.stem, name)
