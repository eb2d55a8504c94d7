"""Reading r7, platform facts and the images/evidence steps, over the whole corpus
(tests/scenarios and examples):

* the images step puts the actions in a safe order: in a live video session the harm is stopped
  first and details noted after; elsewhere, where reports go to the platform, the platform's report
  comes before the message is removed (a deleted message cannot be reported through it);
* where under-18s take part, "remove the person who posted it" always separates a child who shared
  an image of themselves (the one harmed) from whoever exploits them;
* the referral step never sends a private-chat organisation to the IWF while the images section says
  the IWF cannot act on private chats;
* a disclosure on camera never asks hosts to "end the session for everyone else" (that cuts off the
  young person too): where the platform has a waiting room, the others are put back in it.
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered


def _images_step(text: str) -> str:
    start = text.find(
        "If something is, or may be, a sexual image or video of a child: never screenshot, copy, save, download"
    )
    assert start >= 0
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_images_step_is_in_a_safe_order(path, catalogue):
    pack = rendered(path)
    c, texts = pack.context, pack.texts
    step = _images_step(texts["procedure"])
    if not c.flags.runs:
        return
    if c.flags.video:
        assert "Stop it at once" in step, path.stem
        assert step.index("Stop it at once") < step.index("write down"), (path.stem, step)
        return
    report = f"Report it to {c.profile.platform_product} through its own report tool before you remove it"
    removes = re.search(r"\b(delete it|hide it)\b", step)
    reported_to_platform = c.facts.get("reports_go_to") in ("platform", "both")
    if (
        removes
        and reported_to_platform
        and not c.flags.own_service  # a server it runs: the organisation removes it (r9 GC 9)
        and "do not approve it" not in step
        and "suspend the account" not in step
    ):
        assert report in step and step.index(report) < removes.start(), (path.stem, step)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_child_who_shared_their_own_image_is_not_the_one_removed(path, catalogue):
    pack = rendered(path)
    c, texts = pack.context, pack.texts
    if not c.flags.under_18:
        return
    step = _images_step(texts["procedure"])
    for m in re.finditer(r"(remove the person who posted it|suspend the account that posted it)", step):
        assert step[m.end() :].startswith(", unless it is a child's image of themselves"), (path.stem, step)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_referral_step_agrees_with_the_images_section_on_the_iwf(path, catalogue):
    texts = rendered(path).texts
    procedure = texts["procedure"]
    # Reading r11 (AQ 7): the images step no longer explains why a private chat has no IWF route; it
    # names the IWF only where it can act, and the referral step must then not name it either.
    if "Internet Watch Foundation" not in _images_step(procedure):
        assert "to the Internet Watch Foundation for sexual images" not in procedure, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_disclosure_on_camera_never_ends_the_session_for_everyone_else(path, catalogue):
    pack = rendered(path)
    c, texts = pack.context, pack.texts
    for name in ("procedure", "staff_code"):
        text = texts.get(name, "")
        assert not re.search(r"(?i)(pause or end|end or pause) the session for everyone else", text), (
            path.stem,
            name,
        )
        if (
            c.flags.video
            and c.flags.runs
            and c.platform
            and c.platform.has("waiting_room")
            and "on camera" in text
        ):
            assert f"back in the {c.platform.waiting_room_name or 'waiting room'}" in text, (path.stem, name)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_young_people_are_told_the_platforms_own_setting_to_stop_private_messages(path, catalogue):
    pack = rendered(path)
    c, texts = pack.context, pack.texts
    young = texts.get("house_rules_young", "")
    if c.flags.runs and c.platform and c.platform.member_dm_setting and "private messages" in young:
        # Reading r11 LG 1 (replacing r10 LG 2's "Don't switch off"): the setting is named and switched
        # off even where it also blocks the team's report bot; the report route changes instead
        # (test_documents_r12_discord2).
        assert f"switch off “{c.platform.member_dm_setting}”" in young, path.stem
        assert "Don’t switch off" not in young, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_document_claims_a_power_to_read_private_messages_the_platform_does_not_give(path, catalogue):
    pack = rendered(path)
    c, texts = pack.context, pack.texts
    if not (c.platform and c.platform.admins_see_private_messages is False):
        return
    for name, text in texts.items():
        assert "Write a rule on when private messages may be read" not in text, (path.stem, name)
        assert "Moderators don’t check private messages" not in text, (path.stem, name)
