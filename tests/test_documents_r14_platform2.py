"""Reading r13 (issue 10), platform capabilities said plainly (platform2), over the whole corpus
(tests/corpus.py). Each rule follows the platform registry (questionnaires/platforms.yaml), never a
scenario:

* where the registry records that a platform's admins lack a setting, no pack hedges with "if the
  platform gives admins that setting": the action says the platform does not let admins do it and,
  where under-18s take part, names what the organisation does control (who joins and which adults share
  spaces with under-18s) (SC 4, RF 3);
* where the registry records that admins can delete a member's message only for a limited time
  (``remove_posts_window``, WhatsApp), the procedure says so and gives the fallback for a message that
  can no longer be deleted: ask the sender, report it to the platform, ask members to delete copies,
  remove the sender or close the group (SC 13).
"""

from __future__ import annotations

import pytest

from assessor.platforms import platform_of
from tests.corpus import CORPUS, IDS, rendered, squash

# Hedges that leave a setting to "if the platform has it": never where the registry knows it lacks it.
HEDGES = {
    "member_messages_off": (
        "if the platform gives admins that setting",
        "switch private messages off, or limit them to approved contacts, if",
    ),
}
YOUNG = {"under_13", "age_13_17"}


_squash = squash


def _runs(pack) -> bool:
    return pack.assessment.profile.get("relationship", "runs") == "runs"


def hedged(platform, texts: dict[str, str]) -> list[str]:
    """(document, hedge) for each hedge about a tool the registry says the platform lacks."""
    found = []
    for tool, phrases in HEDGES.items():
        if platform is None or not platform.lacks(tool):
            continue
        for doc, text in texts.items():
            low = _squash(text).lower()
            found += [f"{doc}: {p!r} but {platform.name} lacks {tool}" for p in phrases if p in low]
    return found


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_hedge_about_a_setting_the_registry_says_the_platform_lacks(path):
    pack = rendered(path)
    platform = platform_of(pack.catalogue, pack.assessment.responses())
    assert not hedged(platform, pack.texts), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_without_a_private_message_setting_the_action_names_what_the_organisation_controls(path):
    pack = rendered(path)
    platform = platform_of(pack.catalogue, pack.assessment.responses())
    audience = set(pack.assessment.profile.get("audience") or [])
    if not (_runs(pack) and platform and platform.lacks("member_messages_off") and audience & YOUNG):
        pytest.skip("a space the organisation runs, with under-18s, on a platform without the setting")
    if platform.member_dm_setting:
        pytest.skip("each member has a setting of their own: the action asks under-18s to use it")
    if "private chat with anyone under 18" not in _squash(pack.texts["risk_report"]):
        pytest.skip("no private-messages action in this pack")
    text = _squash(pack.texts["risk_report"])
    assert "does not let admins switch private messages off" in text, path.stem
    assert "you control who joins and which adults share spaces with under-18s" in text, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_time_limited_delete_is_said_with_its_fallback(path):
    pack = rendered(path)
    platform = platform_of(pack.catalogue, pack.assessment.responses())
    proc = _squash(pack.texts.get("procedure", ""))
    if "lets admins delete a message but not hide it" not in proc:
        pytest.skip("the procedure does not use the platform's delete")
    window = platform.remove_posts_window if platform else None
    if not window:
        assert "can no longer be deleted" not in proc, path.stem
        return
    product = platform.product or platform.name
    assert f"lets admins delete a message but not hide it, and only {window}" in proc, path.stem
    fallback = proc.split("If it can no longer be deleted", 1)
    assert len(fallback) == 2, path.stem
    step = fallback[1].split(".", 1)[0]
    for part in (
        "ask the sender to delete it",
        f"report it to {product}",
        "delete any copies",
        "close the group",
    ):
        assert part in step, (path.stem, part)


def test_the_hedge_rule_finds_a_hedge():
    from assessor.catalogue import default_catalogue

    platforms = default_catalogue().platforms
    said = {
        "risk_report": "Switch private messages off, or limit them to approved contacts, if the platform "
        "gives admins that setting."
    }
    assert hedged(platforms["whatsapp"], said)
    # Where the registry has not confirmed the setting (null), the hedge is the honest wording.
    assert platforms["instagram"].tools.member_messages_off is None
    assert not hedged(platforms["instagram"], said)


# Member controls (reading r13, SC 5): a pack never tells moderators to pause or suspend a member
# where the registry says admins cannot (WhatsApp: remove only), and never hedges removal where the
# registry confirms it.
PAUSES_MEMBER = ("suspend a suspected fake account", "pause while you check", "pause or remove an account")
REMOVAL_HEDGE = ("remove someone from it, as far as the platform allows",)


def member_control_problems(platform, texts: dict[str, str]) -> list[str]:
    found = []
    for doc, text in texts.items():
        low = _squash(text).lower()
        if platform is not None and platform.lacks("suspend_members"):
            found += [
                f"{doc}: {p!r} but {platform.name} cannot pause a member" for p in PAUSES_MEMBER if p in low
            ]
        if platform is not None and platform.has("remove_members"):
            found += [
                f"{doc}: {p!r} but {platform.name} lets admins remove" for p in REMOVAL_HEDGE if p in low
            ]
    return found


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_member_controls_follow_the_registry(path):
    pack = rendered(path)
    if not _runs(pack):
        pytest.skip("an audit administers nothing")
    platform = platform_of(pack.catalogue, pack.assessment.responses())
    assert not member_control_problems(platform, pack.texts), path.stem


def test_whatsapp_admins_remove_but_cannot_pause_a_member():
    from assessor.catalogue import default_catalogue

    whatsapp = default_catalogue().platforms["whatsapp"]
    assert whatsapp.has("remove_members") and whatsapp.lacks("suspend_members")
    assert any("remove abusive members" in s.about for s in whatsapp.sources)
    assert member_control_problems(
        whatsapp, {"risk_report": "Tell moderators to remove, or pause while you check"}
    )
