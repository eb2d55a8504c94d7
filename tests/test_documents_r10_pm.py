"""Reading r9, private messages and what moderators can see (LG 5-7, GC 2-5, AQ 1-3, RF 14-15).

What the documents say about private messages follows what the organisation can see of them: its own
logs (profile.messages_logged, or a registry platform whose admins open them), nothing at all (the
registry says admins cannot see them, or an audited app it does not run), or messages it does not
moderate. One rule on reading them everywhere. The copying warning uses the platform's own word for a
members-only group (platforms.yaml private_group_label), and an audited app is never called a group.
Audits never suggest a report button or a post reaches the organisation."""

from __future__ import annotations

import pytest

from tests.corpus import CORPUS, IDS, rendered

MEMBER_DOCS = ("house_rules", "house_rules_young", "house_rules_easy_read", "member_code", "behaviour_code")


def _logged(context) -> bool:
    flags, platform = context.flags, context.platform
    return flags.runs and (
        flags.messages_logged is True
        or (
            flags.messages_logged is None
            and platform is not None
            and platform.admins_see_private_messages is True
        )
    )


def _unseen(context) -> bool:
    platform = context.platform
    return not _logged(context) and (
        context.flags.audit or (platform is not None and platform.admins_see_private_messages is False)
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_members_are_told_what_the_organisation_can_see_of_private_messages(path):
    """LG 5, LG 6, GC 4, GC 5: kept in its logs -> members are told so plainly (adults' and young
    people's rules); not visible to it at all -> "nobody ... can see"; never the half-true "do not
    check private messages the way they check the rest"."""
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    for name, text in texts.items():
        assert "the way they check the rest" not in text, (path.stem, name)
        assert "the way they see public posts" not in text, (path.stem, name)
    if not context.flags.member_messages:
        return
    rules = texts["house_rules"]
    young = texts.get("house_rules_young", "")
    if _logged(context):
        assert f"{context.org.name} keeps a copy of every private message" in rules, path.stem
        if "private messages" in young:
            assert "Every private message here is saved" in young, path.stem
    elif _unseen(context):
        assert f"Nobody from {context.org.name} can see private messages" in rules, path.stem
        if "private messages" in young:
            assert f"Nobody from {context.org.name} can see private messages" in young, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_one_rule_on_reading_private_messages(path):
    """GC 3, GC 4: the procedure reads every reported private message it can see, so no document
    limits reading to "serious harm" alone: the rule is after a report, or where someone is at risk."""
    pack = rendered(path)
    for name, text in pack.texts.items():
        assert "may read it to protect someone from serious harm" not in text, (path.stem, name)
        assert "reads one only under our rule on reading private messages, to protect" not in text, (
            path.stem,
            name,
        )
    context = pack.context
    if (
        context.flags.member_messages
        and _logged(context)
        and context.in_place("moderation.private_message_rule")
    ):
        assert "reads one only after it is reported to us" in pack.texts["house_rules"], path.stem
        assert "reads one only after it is reported to us" in pack.texts["policy_statement"], path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_risk_assessment_reason_fits_what_can_be_seen(path):
    """GC 2: a server that logs every private message is not told they "cannot be checked in the
    same way as public posts"; the reason follows the logs, the registry or the audit."""
    pack = rendered(path)
    context, ra = pack.context, pack.texts["risk_report"]
    assert "cannot be checked in the same way as public posts" not in ra, path.stem
    if not context.flags.member_messages:
        return
    if context.flags.messages_logged is True:
        assert "Private messages are kept in the organisation's logs" in ra, path.stem
    elif context.flags.audit or (context.platform and context.platform.admins_see_private_messages is False):
        assert "Nobody from the organisation can see private messages between members" in ra, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_copying_warning_uses_the_platforms_word(path):
    """AQ 1, RF 14, RF 15: member documents never say "closed group" (Facebook says Private; an
    audited app may have no groups at all); a members-only group is named in the platform's word."""
    pack = rendered(path)
    context = pack.context
    for name in MEMBER_DOCS:
        assert "closed group" not in pack.texts.get(name, ""), (path.stem, name)
    label = context.platform.private_group_label if context.platform else None
    if label and context.flags.members_only and not context.flags.audit:
        assert f"shows the group as {label}" in pack.texts["house_rules"], path.stem
    if context.flags.audit:
        assert "may be seen by people you do not know" in pack.texts["house_rules"], path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_audit_never_suggests_the_app_reaches_us(path):
    """AQ 2, AQ 3: where the organisation does not run or see the app, a report made with its button
    never reaches us ("may not" is false), and we act only on what members tell us, not what they post."""
    pack = rendered(path)
    if not pack.context.flags.audit:
        return
    rules = pack.texts["house_rules"]
    assert "may not reach us" not in rules, path.stem
    assert "If you post or tell us" not in rules, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_post_moderation_with_gaps_promises_no_full_read(path):
    """LG 7: moderators on only some days, or at no set times, cannot read every post afterwards."""
    pack = rendered(path)
    flags = pack.context.flags
    if flags.post_moderated and flags.cover_gaps:
        assert "Moderators read them afterwards" not in pack.texts["house_rules"], path.stem
