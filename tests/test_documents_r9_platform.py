"""Reading r8, platform (issue 10): action wording that names platform features follows the registry.

- LG 1: where admins cannot switch private messages between members off (platforms.yaml
  ``member_messages_off: false``, Discord) and under-18s take part, the action does not hedge ("if
  the platform gives admins that setting"): it puts the no-adult-to-under-18 rule in force and, where
  each member has a setting of their own, asks under-18s to use it.
- SC 6: where members are known by phone number and admins only approve or reject (WhatsApp), the
  joining check matches the number against the organisation's own list: no join questions, account
  age or pending period, which the app does not have.
- AQ 3: in an audit, the harms staff are trained on follow the kind of platform: "being recorded
  without consent" only for video; anonymous apps name anonymous bullying.
- AQ 4: dropping "now" from a non-critical action never breaks "right now" ("talk safely right:").

Checked on every scenario and example, in the scored plan (the documents print these texts).
"""

from __future__ import annotations

import re

import pytest

from assessor.catalogue import default_catalogue
from assessor.platforms import all_responses, dm_setting_blocks_report, platform_of
from tests.corpus import CORPUS, IDS, rendered, scored


def _scored(path):
    """(catalogue, assessment, responses, result): the shared corpus score (tests/corpus.py)."""
    catalogue, assessment, result = scored(path)
    return catalogue, assessment, all_responses(assessment, catalogue), result


def _audit(catalogue, responses) -> bool:
    return catalogue.meta.scoring.audit_when.holds(responses)


def _under_18(responses) -> bool:
    return bool({"under_13", "age_13_17"} & set(responses.get("profile.audience") or []))


def test_discord_admins_cannot_switch_member_dms_off_for_good():
    catalogue = default_catalogue()
    discord = catalogue.platforms["discord"]
    assert discord.lacks("member_messages_off")
    assert any("24 hours" in s.about for s in discord.sources)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_private_message_action_states_what_the_platform_cannot_do(path):
    catalogue, _, responses, result = _scored(path)
    platform = platform_of(catalogue, responses)
    if platform is None or _audit(catalogue, responses):
        return
    for a in result.actions:
        assert "if the platform gives admins that setting" not in a.text or not platform.lacks(
            "member_messages_off"
        ), (path.stem, a.text)
    if not (platform.lacks("member_messages_off") and _under_18(responses)):
        return
    texts = [a.text for a in result.actions if "private chat with anyone under 18" in a.text]
    if not any("private messages" in a.text.lower() for a in result.actions):
        return
    assert texts, (path.stem, [a.text for a in result.actions if "private messages" in a.text.lower()])
    # Reading r11 LG 2 (replacing r10 LG 1): under-18s are asked to switch the setting off even where
    # it also cuts them off from the team's report bot; the action then gives a route that works with
    # it off (test_documents_r12_discord2).
    if platform.member_dm_setting:
        assert "switch off private messages from other members" in texts[0], (path.stem, texts[0])
        if dm_setting_blocks_report(platform, responses):
            assert "a route that works with it off" in texts[0], (path.stem, texts[0])


_NO_SUCH_TOOL = re.compile(r"join questions|pending period|newly made", re.I)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_joining_checks_on_a_phone_number_app_match_the_number(path):
    catalogue, _, responses, result = _scored(path)
    platform = platform_of(catalogue, responses)
    if platform is None or platform.phone_numbers_visible is not True or _audit(catalogue, responses):
        return
    joining = [a.text for a in result.actions if a.text.startswith("Let people join only once")]
    for text in joining:
        assert not _NO_SUCH_TOOL.search(text), (path.stem, text)
        if platform.has("join_approval"):
            assert "phone number matches" in text, (path.stem, text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_audits_training_names_the_harms_of_that_kind_of_platform(path):
    catalogue, _, responses, result = _scored(path)
    if not _audit(catalogue, responses):
        return
    video = responses.get("profile.platform") == "video"
    for a in result.actions:
        if "to know the harms members can meet" not in a.text:
            continue
        assert ("being recorded without consent" in a.text) == video, (path.stem, a.text)
        if not video and "pseudonyms" in (responses.get("profile.features") or []):
            assert "anonymous bullying" in a.text, (path.stem, a.text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_dropping_now_never_breaks_right_now(path):
    _, _, _, result = _scored(path)
    for a in result.actions:
        assert not re.search(r"\bright[:;]", a.text), (path.stem, a.text)


def _by_id(result, qid):
    return [a.text for a in result.actions if a.id == qid or qid in (a.merged_from or [])]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_national_bodys_contact_rule_is_the_end_state(path):
    """SC 2, SC 4: where the national body asks adults to contact young members through their
    parents, the plan neither ends in an account for each adult nor asks whether parents may join."""
    catalogue, _, responses, result = _scored(path)
    if not (responses.get("derived.body_contact_rule") and _under_18(responses)) or _audit(
        catalogue, responses
    ):
        return
    for a in result.actions:
        assert "individual organisation account" not in a.text, (path.stem, a.text)
        assert "decide whether parents and carers may join" not in a.text, (path.stem, a.text)
    accounts = _by_id(result, "staff_conduct.authorised_accounts")
    assert not accounts or "the way your national body asks" in accounts[0], (path.stem, accounts)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_messaging_group_has_no_duty_hours_or_play(path):
    """SC 5: adults are permanent members of a messaging group; nothing is played there."""
    catalogue, _, responses, result = _scored(path)
    if responses.get("profile.platform") != "messaging_group" or _audit(catalogue, responses):
        return
    for a in result.actions:
        assert "only when on duty" not in a.text and "never play" not in a.text, (path.stem, a.text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_named_languages_put_the_promised_translation_in_the_plan(path):
    """RF 5: the members' rules promise a checked translation into the languages named; where the
    rules' visibility is a gap, its action carries the translation."""
    _, _, responses, result = _scored(path)
    if not responses.get("profile.languages"):
        return
    visible = _by_id(result, "behaviour.rules_visible")
    for text in visible:
        assert "translated into each language members use" in text, (path.stem, text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_national_bodys_required_check_is_named(path):
    """SC 8: where the national body requires a criminal record check of everyone who coaches,
    manages or supervises its young members (contacts.yaml check_rule), the plan asks for it."""
    _, _, responses, result = _scored(path)
    if not (responses.get("derived.body_check_rule") and _under_18(responses)):
        return
    for text in _by_id(result, "staff_conduct.safer_recruitment"):
        assert "check your national body requires" in text, (path.stem, text)
        assert "the role is eligible for" not in text, (path.stem, text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_staff_code_waits_for_no_account_the_plan_does_not_set_up(path):
    """SC 2: where the national body's contact rule is the end state, the staff code does not tell
    adults to wait for an account of their own "(see the action plan)"."""
    _, _, _, result = _scored(path)
    if any("individual organisation account" in a.text for a in result.actions):
        return
    code = rendered(path).texts.get("staff_code", "")
    assert "Until it has set one up for you (see the action plan)" not in code, path.stem
