"""Reading r11, discord2 (issue 10): an LGBTQ+ youth server's report bot, 18+ space and private chats.

- LG 1, 2: where members report to the team by a private message to a bot (profile.report_route_dm)
  on a platform where switching off private messages from the space blocks bots too (platforms.yaml
  member_dm_setting_blocks_bots), under-18s are still asked to switch it off: the critical action and
  the young people's rules give them a report route that works with it off (the ways under "How to
  reach us"), never "keep it on for the bot".
- LG 3: an open 18+ space is shut until there is a real age check, unless joining checks confirm ages.
- LG 4: the records rule says who reads a report bot's messages, and what unchecked moderators do.
- LG 6: an adult who does not know a member is 18 or over treats them as under 18.

Checked on every scenario and example: the scored plan and every rendered document.
"""

from __future__ import annotations

import pytest

from tests.corpus import CORPUS, IDS, rendered, scored


def test_the_corpus_has_a_report_bot_that_the_setting_would_block():
    assert any(rendered(p).context.flags.dm_setting_blocks_report for p in CORPUS)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_under_18s_switch_the_setting_off_and_report_another_way(path):
    _, _, result = scored(path)
    pack = rendered(path)
    f = pack.context.flags
    if not (f.dm_setting_blocks_report and f.under_18):
        return
    setting = pack.context.platform.member_dm_setting
    dm_rule = [a.text for a in result.actions if "private chat with anyone under 18" in a.text]
    assert dm_rule, path.stem
    first = dm_rule[0].split(". ")[0]  # the sentence page 1 prints
    assert "switch off private messages from other members" in first, (path.stem, first)
    assert "a route that works with it off" in first, (path.stem, first)
    young = pack.texts["house_rules_young"]
    assert f"switch off “{setting}”" in young, path.stem
    assert "Our report bot can’t reach you then, so report to us the ways under “How to reach us”" in young
    assert "How to reach us:" in young, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_open_18_plus_space_is_shut_unless_joining_checks_confirm_ages(path):
    """LG 3: "let in only members a moderator has confirmed are 18 or over" needs a method. Only where
    new members are checked before they take part (fake_profiles.join_checks in place) may the action
    let members in by those checks; otherwise the space is shut until there is a real check."""
    _, _, result = scored(path)
    pack = rendered(path)
    named = [a.text for a in result.actions if a.text.startswith("Close your adults-only (18+) space")]
    texts = [a.text for a in result.actions] + list(pack.texts.values())
    for text in texts:
        assert "moderator has confirmed" not in text, path.stem
    if not named:
        return
    checked = pack.context.in_place("fake_profiles.join_checks")
    shut = "shut it now, and reopen it only once you have a real check" in named[0]
    assert shut != checked, (path.stem, named[0])
    if shut:
        policy = pack.texts.get("policy_statement", "")
        assert "let in only members" not in policy, path.stem


def test_the_corpus_has_an_open_18_plus_space_without_joining_checks():
    assert any(
        scored(p)[1].profile.get("adults_only_space") == "open"
        and not rendered(p).context.in_place("fake_profiles.join_checks")
        for p in CORPUS
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_records_rule_says_who_reads_a_report_bot(path):
    """LG 4: "Nobody else reads them, including other moderators" is false for reports that arrive by
    a bot every reader of its messages sees (profile.report_route_dm). The procedure says so, and
    where not every moderator is checked, that they pass disclosures to the lead and do not answer."""
    pack = rendered(path)
    procedure = pack.texts.get("procedure", "")
    said = "Reports sent to the report bot are the exception: whoever reads its messages sees each one"
    bot = pack.context.flags.report_bot
    assert (said in procedure) == (bot and "Nobody else reads them" in procedure), path.stem
    if bot and pack.context.worries_to_lead:
        # Reading r13 LG 5: not "a moderator whose checks are not complete passes any disclosure
        # there" (unchecked moderators reading children's reports): they have no access to them.
        assert "nobody whose checks are not complete has access to them" in procedure


def test_the_corpus_has_a_report_bot_with_unchecked_moderators():
    assert any(rendered(p).context.flags.report_bot and rendered(p).context.worries_to_lead for p in CORPUS)


_UNKNOWN_AGE = "if you do not know a member is 18 or over, treat them as under 18"


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_adults_who_do_not_know_a_members_age_treat_them_as_under_18(path):
    """LG 6: nothing may show who is under 18, so wherever adults and under-18s share a space the
    house rules and the member code say how an adult knows which private chats are forbidden."""
    pack = rendered(path)
    f = pack.context.flags
    for name in ("house_rules", "member_code"):
        text = pack.texts.get(name, "")
        rule = "No adult may start a private chat" if name == "house_rules" else "Some members are under 18"
        if rule in text and f.adults and f.under_18 and not f.audit:
            assert _UNKNOWN_AGE in text, (path.stem, name)
