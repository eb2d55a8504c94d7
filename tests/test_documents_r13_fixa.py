"""Reading r12 (issue 10), quick fixes (fixa), over the whole corpus (tests/corpus.py). Each rule
follows the answers, never a scenario:

* a risk's "Safeguards N% complete ... but <reason>" names the same measure it prints: the words say
  "under X%" only where N is under X, never "barely a third" or "little more than half" (SC 1, SC 2,
  RF 1, RF 2);
* where nobody has set reply hours, the staff code quotes no answer into a rule about keeping to
  hours: it says none are set yet, the action that sets them, and what to do until then (SC 5, RF 3);
* while the images policy is still to be written, the staff code names no "agreed store" for images:
  it says to keep none until the policy names one (the action) (SC 7, RF 5);
* where admins can act only through their personal profile, the staff code forbids personal contact
  from it, not all contact, and gives the route for contact as an admin (RF 4);
* the house rules' images rule reads one way and is worded as the behaviour code words it: images of
  other people, or links to them, only with their yes (AQ 1);
* "keep chats where the moderators can see them" only where moderators cover round the clock;
  otherwise "where others can see them" (GC).
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered, squash

_squash = squash


_PCT = re.compile(r"Safeguards (\d+)% complete[^.]*?\bbut ([^.]*)\.")


def wrong_shares(text: str) -> list[str]:
    """The risk sentences whose reason contradicts the percentage printed beside it."""
    bad = []
    for m in _PCT.finditer(_squash(text)):
        pct, why = int(m.group(1)), m.group(2)
        if re.search(r"barely a third|little more than half", why, re.I):
            bad.append(m.group(0))
        for under in re.findall(r"\b[Uu]nder (\d+)% of this area", why):
            if pct >= int(under):
                bad.append(m.group(0))
    return bad


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_safeguard_words_follow_the_printed_percentage(path):
    pack = rendered(path)
    assert not wrong_shares(pack.texts["risk_report"]), path.stem


def test_the_share_rule_finds_a_contradiction():
    said = "Safeguards 22% complete (5 questions) would lower likelihood by 1, but barely a third of it."
    assert wrong_shares(said)
    assert wrong_shares("Safeguards 60% complete (5 questions) would lower it, but under 55% of this area x.")
    assert not wrong_shares(
        "Safeguards 22% complete (5 questions) would lower it, but under 35% of this area."
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_set_hours_are_not_quoted_into_a_rule(path):
    pack = rendered(path)
    f = pack.context.flags
    if not (f.runs and not f.video and f.no_set_hours):
        return
    staff = _squash(pack.texts["staff_code"])
    said = _squash(pack.context.profile.moderation_hours or "").rstrip(".")
    assert "in our own words" not in staff, path.stem
    assert not said or said not in staff, path.stem
    hrs = pack.context.commitment_for("moderation.published_hours")
    if hrs:
        assert f"No times are set yet for replying to members (action {hrs.number} sets them)" in staff
        assert "keep to them" not in staff, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_image_store_before_the_images_policy(path):
    pack = rendered(path)
    c = pack.context
    store = c.commitment_for("privacy_data.image_consent")
    if c.in_place("privacy_data.image_consent") or not store:
        return
    staff = _squash(pack.texts["staff_code"])
    assert "Keep them only in" not in staff, path.stem
    assert f"Until the images policy names an agreed store (action {store.number}), keep none" in staff


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_personal_profile_is_barred_from_personal_contact_only(path):
    pack = rendered(path)
    staff = _squash(pack.texts["staff_code"])
    if "act through their own" not in staff:
        return
    assert "for anything personal. When you need to contact a member on their own as an admin" in staff
    assert not re.search(r"never use your profile to contact [^.]* outside ", staff), path.stem


_SHARE = "Only share photos or videos of other people, or links to them, if they have said yes."


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_one_images_rule_worded_the_same(path):
    texts = {k: _squash(t) for k, t in rendered(path).texts.items()}
    for doc, text in texts.items():
        assert "do not post pictures or videos" not in text, (path.stem, doc)
    if "behaviour_code" in texts and "of other people" in texts.get("house_rules", ""):
        assert _SHARE in texts["behaviour_code"], path.stem
        assert _SHARE in texts["house_rules"] or "without their permission" in texts["house_rules"]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_chats_are_not_said_to_be_seen_by_moderators_off_hours(path):
    pack = rendered(path)
    if not pack.context.flags.not_round_the_clock:
        return
    for doc in ("house_rules", "house_rules_young"):
        assert "where the moderators can see them" not in _squash(pack.texts.get(doc, "")), (path.stem, doc)
