"""Reading r9, platform2 (issue 10): platform facts in actions and rules follow what can be done.

- RF 1: a large community's joining check holds new members' posts, never their private messages (a
  group's approval cannot stop them), and an account that looks newly made is checked, never declined:
  newly arrived people, and many genuine members, have new accounts.
- SC 5: no platform's own report button can link to an organisation's rules; a messaging-app group
  keeps them in the group description.
- RF 6: a notice cannot sit "wherever members post or message" (not inside private messages); with no
  set hours there is no time "when the community is not being read", only that a reply may wait.
- SC 11: the images action also reviews images of members already posted, and takes down any without
  consent, wherever the organisation has posted them.

Checked on every scenario and example: the scored plan and every rendered document.
"""

from __future__ import annotations

import re

import pytest

from assessor.platforms import all_responses
from tests.corpus import CORPUS, IDS, rendered, scored

_HOLD_MESSAGES = re.compile(r"hold new members[^.;]*message|pending period", re.I)
_DECLINE_NEW = re.compile(r"declin\w*[^,.;()]*newly made", re.I)
_REPORT_LINK = re.compile(r"link[^.;]*\bfrom\b[^.;]*report(ing)? button", re.I)
_EVERYWHERE = re.compile(r"wherever members post or message", re.I)
_NOT_READ_TIMES = re.compile(r"when the community is not being read|when nobody is moderating(,| that)", re.I)


def _responses(path):
    catalogue, assessment, result = scored(path)
    return all_responses(assessment, catalogue), result


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_joining_checks_hold_posts_and_check_new_accounts(path):
    _, result = _responses(path)
    pack = rendered(path)
    for where, text in [("plan", a.text) for a in result.actions] + list(pack.texts.items()):
        assert not _HOLD_MESSAGES.search(text), (path.stem, where, _HOLD_MESSAGES.search(text)[0])
        assert not _DECLINE_NEW.search(text), (path.stem, where, _DECLINE_NEW.search(text)[0])


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_rules_are_never_linked_from_a_report_button(path):
    responses, result = _responses(path)
    for name, text in rendered(path).texts.items():
        assert not _REPORT_LINK.search(text), (path.stem, name, _REPORT_LINK.search(text)[0])
    if responses.get("profile.platform") != "messaging_group":
        return
    for a in result.actions:
        if a.id == "behaviour.rules_visible" or "behaviour.rules_visible" in (a.merged_from or []):
            assert "group's description" in a.text, (path.stem, a.text)
            assert not re.search(r"\bpin\b", a.text, re.I), (path.stem, a.text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_out_of_hours_notices_are_placed_where_a_notice_can_be(path):
    responses, result = _responses(path)
    no_set_hours = responses.get("profile.moderation_cover") == "no_set_times"
    texts = [("plan", a.text) for a in result.actions] + list(rendered(path).texts.items())
    for where, text in texts:
        assert not _EVERYWHERE.search(text), (path.stem, where)
        if no_set_hours:
            hit = _NOT_READ_TIMES.search(text)
            assert not hit, (path.stem, where, hit and text[max(0, hit.start() - 150) : hit.end() + 50])


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_images_action_takes_down_images_already_posted(path):
    _, result = _responses(path)
    for a in result.actions:
        if a.id == "privacy_data.image_consent" or "privacy_data.image_consent" in (a.merged_from or []):
            assert "already posted" in a.text and "take down" in a.text, (path.stem, a.text)
