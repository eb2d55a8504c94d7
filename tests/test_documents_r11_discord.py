"""Reading r10, discord (issue 10): platform facts and template text follow the answers.

- LG 1, 2: where members report to the team by a private message to a bot (profile.report_route_dm)
  on a platform where switching off private messages from the space blocks bots too (platforms.yaml
  member_dm_setting_blocks_bots: Discord and a ModMail bot). Reading r11 judged r10's rule (keep the
  setting on) unsafe: under-18s now switch it off and report another way (test_documents_r12_discord2).
- LG 3: where parents come in only by the young person's agreement they are not members, so no action
  speaks of keeping them out; adults "play" with young members only on a game.
- LG 7: an adults-only space that under-18s can open (profile.adults_only_space) is named and closed
  in a critical action; no other pack speaks of one.
- LG 8: where members write to the organisation's other social media accounts and not every route
  is read by someone trained, the training action names whoever reads those inboxes.
- LG 10: short cover never hands reports to the lead "as they arrive" (an on-call lead round the
  clock): the action sets a standard for reading reports out of hours that the team can keep.
- LG not counted: "tell Jordan Achebe, our safeguarding lead and use the report button" closes the
  lead's title with a comma before "and use".
- LG 9: the staff code's rule on contact outside duty speaks of "sessions" only where there are
  sessions (not in a space moderated by duty hours), of games only on a game, and where adults take
  part it is about members under 18, not every "young person".

Checked on every scenario and example: the scored plan and every rendered document.
"""

from __future__ import annotations

import copy
import re

import pytest

from assessor.catalogue import default_catalogue
from assessor.platforms import all_responses, dm_setting_blocks_report, platform_of
from tests.corpus import CORPUS, IDS, parse_pages, rendered, scored

_KEEP_ON = re.compile(r"(Don’t|Do not ask them to) switch off (private messages|“)", re.I)


def test_the_registry_says_discords_setting_blocks_a_modmail_bot():
    discord = default_catalogue().platforms["discord"]
    assert discord.member_dm_setting and discord.member_dm_setting_blocks_bots is True
    assert any("modmailbot/issues/33" in s.url for s in discord.sources)


def test_the_corpus_has_a_report_bot_that_the_setting_would_block():
    assert any(rendered(p).context.flags.dm_setting_blocks_report for p in CORPUS)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_under_18s_are_never_told_to_keep_the_setting_on_for_the_report_bot(path):
    """Reading r11 LG 1, 2 replaced r10's rule ("don't switch it off, or the bot cannot reach you"),
    judged unsafe: under-18s switch the setting off and the report route changes instead
    (test_documents_r12_discord2 holds the new rule)."""
    catalogue, assessment, result = scored(path)
    responses = all_responses(assessment, catalogue)
    blocks = dm_setting_blocks_report(platform_of(catalogue, responses), responses)
    pack = rendered(path)
    assert blocks == (pack.context.flags.dm_setting_blocks_report and not pack.context.flags.audit)
    for a in result.actions:
        assert not _KEEP_ON.search(a.text), (path.stem, a.text)
    for name, text in pack.texts.items():
        assert not _KEEP_ON.search(text), (path.stem, name, _KEEP_ON.search(text).group(0))


def test_a_report_route_that_is_not_a_bot_message_keeps_the_advice():
    """Driven by the answer: the same server with a report route that is not a private message to a
    bot tells under-18s how to switch private messages from the server off."""
    path = next(p for p in CORPUS if rendered(p).context.flags.dm_setting_blocks_report)
    pack = rendered(path)
    changed = copy.deepcopy(pack.assessment)
    changed.profile["report_route_dm"] = "no"
    young = parse_pages(changed, pack.catalogue)["house_rules_young"].text
    assert f"switch off “{pack.context.platform.member_dm_setting}”" in young
    assert "Don’t switch off" not in young


_OFF_DUTY = re.compile(r"(When you are not on duty|Outside sessions and planned activities), do not[^.]*\.")
_PLAY = re.compile(r"never play or chat|do not play games", re.I)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_template_wording_follows_parents_and_the_activity(path):
    _, _, result = scored(path)
    pack = rendered(path)
    f = pack.context.flags
    texts = [a.text for a in result.actions] + list(pack.texts.values())
    for text in texts:
        if f.parents_by_agreement:
            assert "keep parents and carers out" not in text, path.stem
        if not f.game:
            assert not _PLAY.search(text), (path.stem, _PLAY.search(text).group(0))


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_open_adults_only_space_is_closed_first(path):
    _, assessment, result = scored(path)
    named = [a for a in result.actions if "adults-only (18+) space" in a.text]
    ages = [a for a in result.actions if "own space" in a.text]
    if assessment.profile.get("adults_only_space") == "open" and ages:
        assert named and named[0].text.startswith("Close your adults-only (18+) space"), path.stem
    else:
        assert not named, path.stem


def test_the_corpus_has_an_open_adults_only_space():
    assert any(scored(p)[1].profile.get("adults_only_space") == "open" for p in CORPUS)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_contact_outside_duty_fits_the_space_and_the_ages(path):
    pack = rendered(path)
    f = pack.context.flags
    if "staff_code" not in pack.texts or not f.under_18:
        return
    found = _OFF_DUTY.search(pack.texts["staff_code"])
    rule = found.group(0) if found else ""
    assert rule, path.stem
    if f.shifts and not (f.video or f.game):
        assert "Outside sessions" not in rule and rule.lstrip("- ").startswith("When you are not on duty"), (
            rule
        )
    if f.adults:
        assert "with members under 18 from" in rule, (path.stem, rule)
    else:
        assert "with young people from" in rule, (path.stem, rule)


_ON_CALL = re.compile(
    r"reach the safeguarding lead's phone or email|\breports?\b[^.;]*\bas they arrive\b", re.I
)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_short_cover_sets_a_reading_standard_not_an_on_call_lead(path):
    _, assessment, result = scored(path)
    pack = rendered(path)
    for text in [a.text for a in result.actions] + list(pack.texts.values()):
        assert not _ON_CALL.search(text), (path.stem, _ON_CALL.search(text).group(0))
    if assessment.profile.get("moderation_cover") in ("daily_set", "some_days"):
        for a in result.actions:
            if "moderation.enough_people" in a.sources:
                assert "a standard you can keep for reading reports" in a.text, (path.stem, a.text)


def _social_unwatched(assessment) -> bool:
    routes = assessment.answers.get("disclosure.contact_routes")
    watched = assessment.answers.get("disclosure.routes_watched")
    return (
        routes is not None
        and "other_social" in (routes.value or [])
        and watched is not None
        and watched.value in ("partly", "not_in_place")
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_training_names_whoever_reads_the_social_media_inboxes(path):
    _, assessment, result = scored(path)
    training = [a.text for a in result.actions if a.text.startswith("Train everyone who moderates")]
    named = [t for t in training if "reads your social media inboxes" in t]
    if _social_unwatched(assessment):
        assert named == training, (path.stem, training)
    else:
        assert not named, path.stem


def test_the_corpus_has_an_unwatched_social_media_inbox():
    assert (
        sum(
            1
            for p in CORPUS
            if _social_unwatched(scored(p)[1])
            and any("reads your social media inboxes" in a.text for a in scored(p)[2].actions)
        )
        >= 2
    )


_OPEN_APPOSITION = re.compile(
    r", our safeguarding lead( or your mum, dad or carer)? and use the report button"
)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_leads_title_is_closed_before_and_use_the_report_button(path):
    young = rendered(path).texts.get("house_rules_young", "")
    assert not _OPEN_APPOSITION.search(young), path.stem
