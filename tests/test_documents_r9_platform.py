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
from assessor.platforms import all_responses, platform_of
from tests.corpus import CORPUS, IDS, scored


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
    if platform.member_dm_setting:
        assert "switch off private messages from other members" in texts[0], (path.stem, texts[0])


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
