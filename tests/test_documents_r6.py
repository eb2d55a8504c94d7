"""Reading r6, over the whole corpus (tests/scenarios and examples):

* in an audit of a platform the organisation does not run, the staff code never lets staff contact
  young people through it on anyone's agreement ("unless ... has agreed that it is safe enough"),
  and the risk summary never says members may be directed to it once the critical actions are done;
* where someone at home may be listening (young carers, survivors, an agreed "I can't talk safely"
  signal), the house rules never ask members to join from a shared room, but from a private place,
  and never reveal that a private signal exists (reading r12 YC 2);
* the procedure never asks staff to reply "with a second member of staff copied in, never a group
  conversation", which cannot be done where adding a person makes a group (WhatsApp, Messenger): the
  reply goes in a conversation that includes a second named member of staff and no one else.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor.documents.context import build_context
from tests.corpus import CORPUS, IDS, rendered

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
HOUSE_RULES = ("house_rules", "house_rules_young", "house_rules_easy_read")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_audited_platform_is_never_a_contact_route_or_endorsed(path, catalogue):
    pack = rendered(path)
    assessment, texts = pack.assessment, pack.texts
    if assessment.profile.get("relationship") == "runs":
        return
    everything = " ".join(texts.values())
    assert "Do not direct them to it until" not in everything, path.stem
    if build_context(assessment, catalogue).flags.under_18:
        assert "has agreed that it is safe enough" not in texts["staff_code"], path.stem


def test_the_anonymous_app_audit_forbids_contact_and_says_we_do_not_direct_members(catalogue):
    texts = rendered(SCENARIOS / "anon-qa-app-audit.yaml").texts
    assert "Never use AskAnon to contact" in texts["staff_code"]
    assert "does not direct members to it" in texts["staff_code"]
    assert "does not direct or encourage members to use it" in texts["risk_report"]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_members_who_may_be_overheard_are_not_sent_to_a_shared_room(path, catalogue):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    if not context.overheard_at_home:
        return
    for name in HOUSE_RULES:
        if name in texts:
            assert "shared room" not in texts[name], (path.stem, name)


def test_young_carers_join_from_a_private_place_and_use_their_code_phrase(catalogue):
    pack = rendered(SCENARIOS / "young-carers-zoom.yaml")
    assert pack.context.overheard_at_home
    texts = pack.texts
    for name in ("house_rules", "house_rules_young"):
        assert "private place" in texts[name], name
        # Reading r12 YC 2: rules that are shown on screen and sent home never reveal that a private
        # signal exists (the person listening may read them); the signal stays in staff documents.
        assert "code word" not in texts[name], name


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_reply_after_a_disclosure_never_needs_a_copied_in_adult(path, catalogue):
    proc = rendered(path).texts["procedure"]
    assert "copied in, never a group conversation" not in proc, path.stem


@pytest.mark.parametrize("stem", ["sports-club-whatsapp", "refugee-community-facebook"])
def test_on_whatsapp_and_messenger_the_reply_includes_a_second_adult_and_no_one_else(stem, catalogue):
    # Reading r8 RF 9: a three-way chat may not be possible from an organisation account (Messenger),
    # so the reply goes with a named second adult present, as the staff code says, by a route the
    # organisation has (profile.reply_routes, reading r9: in person at a session for these two).
    proc = rendered(SCENARIOS / f"{stem}.yaml").texts["procedure"]
    # Reading r10 SC 6, RF 6: the same day, through a safe parent; in person at a session only beside
    # that, with a checked adult who is there. Reading r11 RF 2, RF 4: where only sessions are answered,
    # the lead no longer waits for the young person to phone or email but starts a conversation with a
    # named second adult in it.
    assert re.search(
        r"replies the same day (through their parent or carer|"
        r"in a conversation that includes a second adult \()",
        proc,
    )
    assert "copied in" not in proc
