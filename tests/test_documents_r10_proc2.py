"""Reading r9, the escalation procedure (issue 10), over the whole scenario corpus (tests/corpus.py).
Each rule is driven by the answers, the registry or the contacts data, never by a scenario:

* harm at the high-risk level by other young people is child-on-child abuse, handled by the lead as
  child protection, never downgraded to bullying; where parents are told only with the young
  person's agreement, so is the school (SC 8, YC 3, LG 4);
* the platform's own report tool is for abuse or content from someone else, never the member at
  risk (SC 9, YC 2);
* on a server the organisation runs, it removes a child sexual image itself: no report to the
  company comes first (GC 9);
* until a deputy is named, nobody is told to phone "the deputy": the chair of trustees covers, as
  the contacts table says (RF 8, RF 9);
* in a private chat or group, the route for a child sexual image is the police, in one instruction:
  the IWF only for a copy on a public page (RF 11);
* where moderators look in at no set times, there is no moderation session to start or stop (SC 6);
* a Facebook group's keyword tool is the keyword alert that tells admins, never an Admin Assist
  rule that declines the post unseen (RF 7, platforms.yaml, sourced).
"""

from __future__ import annotations

import re

import pytest

from assessor.catalogue import default_catalogue
from tests.corpus import CORPUS, IDS, rendered


def _blocks(path, doc):
    return [b.text for b in rendered(path).parsed[doc].blocks] if doc in rendered(path).parsed else []


def _procedure(path) -> str:
    return rendered(path).texts["procedure"]


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_harm_by_other_young_people_is_child_protection_not_bullying(path):
    ctx = rendered(path).context
    step = [b for b in _blocks(path, "procedure") if b.startswith("Once nobody is in immediate danger")]
    assert len(step) == 1, path.stem
    text = step[0]
    if not ctx.flags.under_18:
        assert "child-on-child" not in text, path.stem
        return
    assert "child-on-child abuse" in text and "as child protection" in text, (path.stem, text)
    assert "not as bullying" in text, (path.stem, text)
    assert not re.search(r"dealt with as bullying|anti-bullying policy is followed", text), (path.stem, text)
    if ctx.flags.parents_by_agreement:
        assert "school only with the young person’s agreement" in text, (path.stem, text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_platform_report_is_never_for_the_member_at_risk(path):
    text = _procedure(path)
    assert "Use the platform’s own report tool as well." not in text, path.stem
    assert "The member can use the platform’s own report tool as well." not in text, path.stem
    if rendered(path).context.contacts.concern_help:
        # Reading r11 (AQ 6, GC 7): "never report a member who is at risk" read as "do not report a suicidal
        # member"; the rule is now that the platform's tool is never used against them and the lead is told.
        assert "never use it against a member who is at risk" in text, path.stem
        assert "never report a member" not in text, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_organisation_that_runs_the_server_removes_the_image_itself(path):
    ctx = rendered(path).context
    if not ctx.flags.own_service:
        pytest.skip("the organisation does not run the server")
    rule = [b for b in _blocks(path, "procedure") if "sexual image or video of a child: never" in b]
    assert rule, path.stem
    for text in rule:
        assert "before you remove it" not in text, (path.stem, text)
        assert "through its own report tool" not in text, (path.stem, text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_nobody_phones_a_deputy_who_is_not_named(path):
    ctx = rendered(path).context
    if ctx.profile.deputy.named or ctx.flags.no_lead:
        pytest.skip("a deputy is named, or there is no lead at all")
    text = _procedure(path)
    for words in ("phone the deputy", "the deputy if the lead cannot be reached", "nor the deputy can be"):
        assert words not in text, (path.stem, words)
    assert "phone the chair of trustees (until a deputy is named)" in text or not ctx.flags.runs, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_private_space_gets_one_instruction_for_a_child_sexual_image(path):
    ctx = rendered(path).context
    csi = ctx.contacts.child_sexual_images
    private = ctx.flags.messaging or ctx.flags.members_only or (ctx.platform and ctx.platform.closed_group)
    if not csi or not private:
        pytest.skip("no route, or the space is public")
    route = [b for b in _blocks(path, "procedure") if b.startswith(csi.name)]
    assert len(route) == 1, path.stem
    police = csi.police or "the police"
    assert f"the route is {police}" in route[0], (path.stem, route[0])
    assert "Contact: report.iwf.org.uk" not in route[0], (path.stem, route[0])


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_moderation_session_to_start_or_stop_where_there_are_no_set_hours(path):
    ctx = rendered(path).context
    if not ctx.flags.no_set_hours:
        pytest.skip("moderators work set hours")
    texts = rendered(path).texts
    for doc in ("procedure", "staff_code"):
        text = texts.get(doc, "")
        for words in (
            "each time you start",
            "Before you stop moderating",
            "first task of every moderation session",
            "arrived while nobody was moderating",
        ):
            assert words not in text, (path.stem, doc, words)


def test_facebook_keyword_tool_is_an_alert_not_a_decline_rule():
    platform = default_catalogue().platforms["facebook_groups"]
    covers = platform.keyword_filter_covers
    assert "keyword alerts that notify admins" in covers and "never an Admin Assist" in covers, covers
    assert any("279588033089477" in s.url for s in platform.sources)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_facebook_pack_never_advises_a_keyword_rule_that_declines_posts(path):
    ctx = rendered(path).context
    if not (
        ctx.platform
        and ctx.platform.keyword_filter_covers
        and "Admin Assist" in ctx.platform.keyword_filter_covers
    ):
        pytest.skip("not a Facebook group")
    text = _procedure(path)
    assert "keyword alerts that notify admins" in text, path.stem
    assert "Admin Assist declines posts" not in text, path.stem
