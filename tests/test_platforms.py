"""The platform registry: every entry sourced and dated, and the facts derived from it."""

from __future__ import annotations

import datetime as dt

import pytest

from assessor.catalogue import default_catalogue
from assessor.platforms import TOOLS, derived_facts, platform_of


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def _responses(platform_id: str, audience: list[str], relationship: str = "runs") -> dict:
    return {
        "profile.platform_id": platform_id,
        "profile.audience": audience,
        "profile.relationship": relationship,
    }


def test_every_named_platform_has_sources_and_a_date(catalogue):
    named = {pid: p for pid, p in catalogue.platforms.items() if pid != "other"}
    assert len(named) >= 15
    for pid, platform in named.items():
        assert platform.sources, pid
        assert platform.checked is not None and platform.checked <= dt.date(2026, 11, 30), pid
        assert all(s.url.startswith(("http://", "https://")) for s in platform.sources), pid


def test_an_audience_below_the_minimum_age_is_flagged(catalogue):
    assert catalogue.platforms["whatsapp"].minimum_age == 13
    assert derived_facts(catalogue, _responses("whatsapp", ["under_13", "age_13_17"]))[
        "derived.platform_under_age"
    ]
    assert not derived_facts(catalogue, _responses("whatsapp", ["age_13_17"]))["derived.platform_under_age"]
    assert not derived_facts(catalogue, _responses("whatsapp", ["adults"]))["derived.platform_under_age"]


def test_an_account_holders_age_does_not_bind_members_of_a_session_the_organisation_hosts(catalogue):
    zoom = catalogue.platforms["zoom"]
    assert zoom.minimum_age == 16 and zoom.minimum_age_applies_to == "account_holders"
    hosted = derived_facts(catalogue, _responses("zoom", ["age_13_17"]))
    assert not hosted["derived.platform_under_age"]
    # Auditing a platform the members use on their own accounts: the age binds them.
    audited = derived_facts(catalogue, _responses("zoom", ["age_13_17"], relationship="audit_concern"))
    assert audited["derived.platform_under_age"]


def test_other_or_no_platform_derives_nothing(catalogue):
    for pid in ("other", None):
        facts = derived_facts(catalogue, {"profile.platform_id": pid, "profile.audience": ["under_13"]})
        assert facts["derived.platform_known"] is False
        assert facts["derived.platform_under_age"] is False
        assert facts["derived.platform_has"] == [] and facts["derived.platform_lacks"] == []
        assert platform_of(catalogue, {"profile.platform_id": pid}) is None


def test_tools_split_into_has_and_lacks_and_unknown_is_neither(catalogue):
    for pid, platform in catalogue.platforms.items():
        facts = derived_facts(catalogue, _responses(pid, ["adults"]))
        has, lacks = set(facts["derived.platform_has"]), set(facts["derived.platform_lacks"])
        assert not has & lacks, pid
        unknown = {t for t in TOOLS if getattr(platform.tools, t) is None}
        # A server the organisation runs whose commands it controls can switch off private messages.
        granted = {"member_messages_off"} if platform.server_commands else set()
        assert not unknown & (has | lacks) - granted, pid


# -- documents use only what the platform can do --------------------------------------------------

from pathlib import Path  # noqa: E402

from assessor.assessment import load_assessment  # noqa: E402
from assessor.documents.claims import parse, render_pages  # noqa: E402
from tests.corpus import CORPUS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Sentences that assume a tool: a pack for a space the organisation runs may contain them only
# where the registry says the platform has the tool (true), never where it lacks it or is unconfirmed.
ASSUMES = {
    "member_messages_off": ("switch off private messages between members",),
    "keyword_filter": ("switch on the platform's word filter",),
    "move_posts": ("move or remove posts",),
    "edit_posts": ("edit or remove the",),
}
# Sentences that assume a tool most platforms have: never where the registry says it lacks it.
UNLESS_LACKING = {
    "staff_accounts": (
        "individual organisation account for each person",
        "only from an individual account that",
    ),
}
# Sentences that assume a separate name for this space: never where the platform shows each
# member's own name (registry real_names_visible).
SEPARATE_NAME = (
    "first name only",
    "not linked to your other accounts",
    "use a nickname",
    "first name or a shared host name",
    "username with no link",
)
# Sentences that assume admins can delete a member's post: only where the registry says they can
# (a forum's own staff always can); the hedged wording ("where ... lets them") is used otherwise.
REMOVES = (
    "lets admins delete a message but not hide it",
    "remove anything that breaks these rules.",
    "remove anything that breaks the house rules and",
    "may take it down to protect you",
    "is moved out of public view",
)
# Hiding or editing a member's post is a forum's tool: elsewhere the actions say what the platform allows.
HIDES = (
    "hide the post,",
    "hide or edit a post for that reason",
    "can hide posts, images and streams",
    "remove profile fields that ask",
    "pause or remove an account",
    "name style that members cannot copy",
    "turn on blocking and muting for all members",
    "limit image sharing to moderators",
)
# An account that is public or private as a whole has no membership to approve.
ACCOUNT = (
    "make membership by approval",
    "let people join only once you have approved them",
    "on the joining page",
    "to the joining page",
    "from the joining page",
)
# Reports that go only to the company cannot be made to reach a moderator.
COMPANY_REPORTS = ("make sure reports reach a moderator",)
# Where the platform shows every member's phone number, a moderator has no separate identity.
PHONE_SHOWN = ("first name only", "first name or host name only", "separate from your moderation account")
# Where nobody from the organisation can read private messages, no rule on reading them.
READS_MESSAGES = ("write a rule on when private messages may be read",)
# "does not let" is said only where the registry records that the platform lacks the setting.
LACKS_SAID = {"member_messages_off": ("does not let admins switch private messages",)}
# The random-pairing alert's warnings (images without warning, people looking for children) only
# where members are paired with strangers at random.
PAIRING_ONLY = ("some users go there to find children",)
# Where only members can see a group's posts (closed WhatsApp groups; private Facebook groups),
# there is nothing to hide from non-members.
HIDE_FROM_NON_MEMBERS = ("hide posts and member lists from non-members",)
# Pausing a conversation needs slow mode or admin-only posting (or a live session's host).
PAUSES = ("may pause it",)
# Sentences that name a limit of the platform: only where the registry records it.
STATES = {
    "messages_minimum_age": (
        "send or receive private messages or join its group chats",
        "receive private messages: reach them through",
    ),
}


def capability_problems(
    platform,
    texts: dict[str, str],
    kind: str = "",
    reports_to: str | None = None,
    random_pairing: bool = False,
    had: list[str] | None = None,
) -> list[str]:
    """Each sentence that tells the organisation to use a tool ``platform`` does not have.
    ``kind`` is the format the profile gives (forum, video, ...)."""
    problems = []

    def absent(phrases, why):
        for doc, text in texts.items():
            low = text.lower()
            problems.extend(f"{doc}: {p!r} but {why}" for p in phrases if p.lower() in low)

    if platform is not None and (platform.real_names_visible is True or platform.account_privacy is True):
        absent(SEPARATE_NAME, "the platform shows members' own names")
    if kind != "forum" and not (platform is not None and platform.has("remove_posts")):
        absent(REMOVES, "no confirmed remove_posts")
    if platform is not None and platform.phone_numbers_visible is True:
        absent(PHONE_SHOWN, "the platform shows every member's phone number")
    if platform is not None and platform.admins_see_private_messages is False:
        absent(READS_MESSAGES, "nobody can read private messages")
    for tool, phrases in LACKS_SAID.items():
        if platform is None or not platform.lacks(tool):
            absent(phrases, f"the registry does not say it lacks {tool}")
    if platform is not None and (platform.closed_group is True or platform.hidden_option is True):
        absent(HIDE_FROM_NON_MEMBERS, "only members can see the group's posts")
    if not random_pairing:
        absent(PAIRING_ONLY, "members are not paired at random")
    if kind not in ("forum", "own_service"):
        absent(HIDES, "hiding and editing posts are forum tools")
    if platform is not None and platform.account_privacy is True:
        absent(ACCOUNT, "the platform has accounts, not a membership")
    if reports_to in ("platform", "both"):
        absent(COMPANY_REPORTS, "reports go only to the company")
    if kind != "video" and not (
        platform is not None and (platform.has("slow_mode") or platform.has("only_admins_post"))
    ):
        absent(PAUSES, "no slow_mode or only_admins_post")
    for tool, phrases in ASSUMES.items():
        if (had is not None and tool in had) or (had is None and platform is not None and platform.has(tool)):
            continue
        for doc, text in texts.items():
            low = text.lower()
            problems += [f"{doc}: {phrase!r} but no {tool}" for phrase in phrases if phrase in low]
    for tool, phrases in UNLESS_LACKING.items():
        if platform is None or not platform.lacks(tool):
            continue
        for doc, text in texts.items():
            low = text.lower()
            problems += [f"{doc}: {phrase!r} but no {tool}" for phrase in phrases if phrase in low]
    for field, phrases in STATES.items():
        if platform is not None and getattr(platform, field) is not None:
            continue
        for doc, text in texts.items():
            problems += [f"{doc}: {phrase!r} but no {field}" for phrase in phrases if phrase in text]
    return problems


def _texts(assessment, catalogue) -> dict[str, str]:
    return {doc: parse(html, doc).text for doc, html in render_pages(assessment, catalogue).items()}


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_a_pack_never_tells_the_organisation_to_use_a_tool_its_platform_lacks(path, catalogue):
    assessment = load_assessment(path, catalogue)
    platform = platform_of(catalogue, assessment.responses())
    kind = assessment.profile.get("platform") or ""
    reports_to = derived_facts(catalogue, assessment.responses())["derived.reports_go_to"]
    pairing = "random_pairing" in (assessment.profile.get("features") or [])
    had = derived_facts(catalogue, assessment.responses())["derived.platform_has"]
    problems = capability_problems(platform, _texts(assessment, catalogue), kind, reports_to, pairing, had)
    if assessment.profile.get("relationship", "runs") != "runs":
        # An audit: the organisation administers nothing, so only the platform's own facts count.
        problems = [p for p in problems if "paired at random" in p]
    assert not problems


def test_a_tool_the_registry_grants_wrongly_is_caught(catalogue, monkeypatch):
    """Render the Facebook group's pack as if Facebook gave each person an organisation account and
    let admins switch off Messenger: the pack then asks for both, and the real registry entry shows
    the sentences are wrong. So the rule can fail."""
    path = ROOT / "tests" / "scenarios" / "refugee-community-facebook.yaml"
    assessment = load_assessment(path, catalogue)
    real = catalogue.platforms["facebook_groups"]
    assert real.lacks("staff_accounts") and not real.has("member_messages_off")
    tools = real.tools.model_copy(update={"staff_accounts": None, "member_messages_off": True})
    wrong = real.model_copy(update={"tools": tools})
    monkeypatch.setitem(catalogue.platforms, "facebook_groups", wrong)
    problems = capability_problems(real, _texts(assessment, catalogue))
    assert any("staff_accounts" in p for p in problems)
    assert any("member_messages_off" in p for p in problems)


def test_facebook_admins_act_through_their_own_profiles(catalogue):
    assessment = load_assessment(ROOT / "tests" / "scenarios" / "refugee-community-facebook.yaml", catalogue)
    texts = _texts(assessment, catalogue)
    assert "personal profile" in texts["staff_code"]
    assert "report a post or comment to the group's admins" in texts["house_rules"]
    assert "reaches us only if we have turned that on" not in texts["house_rules"]


def test_tiktok_private_messages_start_at_16(catalogue):
    tiktok = catalogue.platforms["tiktok"]
    assert tiktok.messages_minimum_age == 16
    assert any("net-aware" in s.url for s in tiktok.sources)
    assessment = load_assessment(ROOT / "tests" / "scenarios" / "youth-theatre-tiktok.yaml", catalogue)
    assert "younger than 16" in _texts(assessment, catalogue)["staff_code"]


def test_every_confirmed_capability_has_a_source(catalogue):
    """A platform that grants or denies the new capabilities cites a source beyond the first few."""
    for pid, platform in catalogue.platforms.items():
        decided = [
            t
            for t in ("remove_posts", "edit_posts", "move_posts", "staff_accounts")
            if getattr(platform.tools, t) is not None
        ]
        if decided:
            assert len(platform.sources) >= 3, pid


def test_a_platform_shown_to_remove_pause_or_use_pseudonyms_wrongly_is_caught(catalogue, monkeypatch):
    """Render the Instagram and Facebook packs as if Instagram let admins delete and pause, and
    Facebook hid real names: the sentences appear, and the real entries show they are wrong."""
    scenarios = ROOT / "tests" / "scenarios"
    insta = catalogue.platforms["instagram"]
    granted = insta.model_copy(
        update={"tools": insta.tools.model_copy(update={"remove_posts": True, "slow_mode": True})}
    )
    monkeypatch.setitem(catalogue.platforms, "instagram", granted)
    texts = _texts(load_assessment(scenarios / "faith-youth-instagram.yaml", catalogue), catalogue)
    problems = capability_problems(insta, texts, "social_media_group")
    assert any("remove_posts" in p for p in problems) and any("slow_mode" in p for p in problems)
    fb = catalogue.platforms["facebook_groups"]
    monkeypatch.setitem(
        catalogue.platforms, "facebook_groups", fb.model_copy(update={"real_names_visible": None})
    )
    texts = _texts(load_assessment(scenarios / "refugee-community-facebook.yaml", catalogue), catalogue)
    assert any("own names" in p for p in capability_problems(fb, texts, "social_media_group"))


def test_a_club_server_with_its_own_report_command_says_reports_reach_the_club(catalogue, monkeypatch):
    """Minecraft's own Player Reporting goes to Mojang; the club's /report reaches the club
    (answers: report tool in place). Without the registry's server_report_tool the rules say
    reports never reach the club, which the reading found wrong."""
    path = ROOT / "tests" / "scenarios" / "gaming-club-roblox-minecraft.yaml"
    assessment = load_assessment(path, catalogue)
    assert derived_facts(catalogue, assessment.responses())["derived.reports_go_to"] == "both"
    texts = _texts(assessment, catalogue)
    for doc in ("house_rules", "house_rules_young"):
        assert "not to us" not in texts[doc] and "goes to our moderators" in texts[doc]
    mc = catalogue.platforms["minecraft"]
    monkeypatch.setitem(catalogue.platforms, "minecraft", mc.model_copy(update={"server_report_tool": None}))
    assert "not to us" in _texts(assessment, catalogue)["house_rules"]


def test_an_account_platform_without_its_fact_gets_membership_actions_that_are_caught(catalogue, monkeypatch):
    """Without account_privacy, the TikTok pack asks to make membership by approval and let people
    join only once approved, which a public account cannot do: the rule catches it."""
    path = ROOT / "tests" / "scenarios" / "youth-theatre-tiktok.yaml"
    tiktok = catalogue.platforms["tiktok"]
    monkeypatch.setitem(catalogue.platforms, "tiktok", tiktok.model_copy(update={"account_privacy": None}))
    texts = _texts(load_assessment(path, catalogue), catalogue)
    assert any(
        "accounts, not a membership" in p for p in capability_problems(tiktok, texts, "social_media_group")
    )


def test_without_the_platform_variants_the_corpus_assumes_tools_it_lacks(catalogue, monkeypatch):
    """Switch off every action's platform wording (questionnaire Action.platform): the packs then
    ask to hide posts, approve members of a public account, make reports reach a moderator and
    switch off private messages on platforms that cannot. So the corpus test can fail."""
    from assessor.questionnaire import Action

    monkeypatch.setattr(Action, "platform", property(lambda self: []), raising=False)
    found = set()
    for stem in (
        "faith-youth-instagram",
        "youth-theatre-tiktok",
        "refugee-community-facebook",
        "sports-club-whatsapp",
    ):
        assessment = load_assessment(ROOT / "tests" / "scenarios" / f"{stem}.yaml", catalogue)
        platform = platform_of(catalogue, assessment.responses())
        reports_to = derived_facts(catalogue, assessment.responses())["derived.reports_go_to"]
        kind = assessment.profile.get("platform") or ""
        texts = _texts(assessment, catalogue)
        found.update(p.split(" but ")[1] for p in capability_problems(platform, texts, kind, reports_to))
    assert {
        "hiding and editing posts are forum tools",
        "the platform has accounts, not a membership",
    } <= found
    assert {"no member_messages_off", "no keyword_filter", "nobody can read private messages"} <= found
    assert "the platform shows every member's phone number" in found
    assert "only members can see the group's posts" in found


def test_saying_a_platform_lacks_a_setting_needs_the_registry_to_say_so(catalogue):
    """The registry says Discord lacks a lasting private-message switch (its own pause lasts at most
    24 hours; reading r8, LG 1), and the Discord pack says so; against an entry where it is not
    confirmed, the same sentence is caught."""
    path = ROOT / "tests" / "scenarios" / "lgbtq-youth-discord.yaml"
    discord = catalogue.platforms["discord"]
    assert discord.tools.member_messages_off is False
    texts = _texts(load_assessment(path, catalogue), catalogue)
    said = [p for p in capability_problems(discord, texts, "chat_room") if "does not say it lacks" in p]
    assert not said
    tools = discord.tools.model_copy(update={"member_messages_off": None})
    unconfirmed = discord.model_copy(update={"tools": tools})
    assert any("does not say it lacks" in p for p in capability_problems(unconfirmed, texts, "chat_room"))


def test_video_settings_are_named_only_for_a_platform_that_has_them(catalogue, monkeypatch):
    """TikTok's per-video Duet, Stitch, download and comment settings are in the staff code of a
    youth theatre posting clips of children; a platform without them is never told to set them."""
    tiktok = catalogue.platforms["tiktok"]
    assert tiktok.clip_controls == ["Duet", "Stitch", "downloads", "comments"]
    path = ROOT / "tests" / "scenarios" / "youth-theatre-tiktok.yaml"
    assessment = load_assessment(path, catalogue)
    assert "Duet, Stitch, downloads, comments" in _texts(assessment, catalogue)["staff_code"]
    monkeypatch.setitem(catalogue.platforms, "tiktok", tiktok.model_copy(update={"clip_controls": []}))
    assert "Duet" not in _texts(assessment, catalogue)["staff_code"]
    for pid, platform in catalogue.platforms.items():
        if platform.clip_controls:
            assert any("duet" in s.url or "tiktok" in s.url for s in platform.sources), pid


def test_the_random_pairing_warning_is_caught_where_members_are_not_paired(catalogue, monkeypatch):
    """The anonymous question app (no sign-up, no random pairing) would get the random video chat
    alert's warning about images and people looking for children if the house rules printed it for
    any app without sign-up; the rule catches it."""
    path = ROOT / "tests" / "scenarios" / "anon-qa-app-audit.yaml"
    assessment = load_assessment(path, catalogue)
    assert "random_pairing" not in assessment.profile["features"]
    text = "Nobody needs an account to use it. Some users go there to find children."
    assert capability_problems(None, {"house_rules": text}, "social_media_group", None, False)
    assert not capability_problems(None, {"house_rules": text}, "social_media_group", None, True)


def test_a_server_the_club_runs_can_switch_off_private_messages(catalogue, monkeypatch):
    """On the club's own Minecraft server the operators control /msg (registry server_commands), so
    the action is to switch private messages off; without the fact it is only a condition."""
    path = ROOT / "tests" / "scenarios" / "gaming-club-roblox-minecraft.yaml"
    assessment = load_assessment(path, catalogue)
    assert "member_messages_off" in derived_facts(catalogue, assessment.responses())["derived.platform_has"]
    assert (
        "switch off private messages between members" in _texts(assessment, catalogue)["risk_report"].lower()
    )
    mc = catalogue.platforms["minecraft"]
    monkeypatch.setitem(catalogue.platforms, "minecraft", mc.model_copy(update={"server_commands": None}))
    assert "if the platform gives admins that setting" in _texts(assessment, catalogue)["risk_report"]
