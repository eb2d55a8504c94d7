"""The platform registry and the facts derived from it.

``questionnaires/platforms.yaml`` holds checked facts about the platforms charities use:
minimum age, where a member's report goes, what admins can see, which safety tools exist.
Each entry carries its sources and the date it was checked. The profile question
``profile.platform_id`` picks one.

Scoring conditions and document templates never read the registry directly: they read
*derived facts*, which this module adds to the answers under ``derived.*`` keys, so that a
YAML author can write ``{q: derived.platform_under_age, equals: true}`` like any other test.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from assessor.assessment import Assessment
    from assessor.questionnaire import Catalogue

TOOLS = (
    "keyword_filter",
    "join_approval",
    "member_messages_off",
    "slow_mode",
    "roles",
    "waiting_room",
    "recording_controls",
    "only_admins_post",
    "remove_posts",
    "edit_posts",
    "move_posts",
    "staff_accounts",
    "remove_members",
    "suspend_members",
)

# The youngest age in each audience group: a group is "under age" on a platform whose
# minimum age is above it.
AUDIENCE_YOUNGEST = {"under_13": 0, "age_13_17": 13}

# Derived keys, with the values a condition may test. The questionnaire check reads this to
# accept ``derived.*`` ids and their values.
DERIVED: dict[str, tuple[str, ...]] = {
    "derived.platform_known": (),
    "derived.platform_under_age": (),
    "derived.platform_has": TOOLS,
    "derived.platform_lacks": TOOLS,
    "derived.reports_go_to": ("platform", "admins", "both", "none"),
    "derived.phone_numbers_visible": (),
    "derived.real_names_visible": (),
    "derived.admins_see_private_messages": (),
    "derived.account_privacy": (),
    "derived.closed_group": (),
    "derived.own_software": (),
    "derived.hidden_option": (),
    "derived.keyword_filter_partial": (),
    "derived.member_dm_setting": (),
    "derived.friend_requests_setting": (),
    "derived.dm_setting_blocks_report": (),
    "derived.body_contact_rule": (),
    "derived.body_check_rule": (),
    "derived.report_tool_none": (),
    "derived.self_harm_talked_of": (),
    "derived.self_harm_subjects": (),
    "derived.body_age_groups": (),
    "derived.group_chat": ("any", "friends", "none"),
    "derived.remove_posts_limited": (),
    "derived.broadcast_list": (),
    "derived.broadcast_channel": (),
}

# Content-note subjects (triggering_content.content_note_topics) that mean members post about
# harming themselves: a distressing post there is expected, not rare (reading r10, LG 5).
SELF_HARM_TOPICS = frozenset({"self_harm", "suicide", "eating_disorders"})


def _subjects(catalogue: Catalogue, topics: Any) -> str:
    """The self-harm subjects the organisation marks with content notes, in its own answer's words
    ("self-harm and suicide"), in the question's order; "" where it marks none (reading r12, LG 1)."""
    labels = catalogue.option_labels.get("triggering_content.content_note_topics", {})
    said = [label.lower() for t, label in labels.items() if t in SELF_HARM_TOPICS and t in (topics or ())]
    if len(said) < 2:
        return "".join(said)
    return ", ".join(said[:-1]) + " and " + said[-1]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tools(_Strict):
    """Whether a group's admins have each tool: true, false, or null when not confirmed."""

    keyword_filter: bool | None = Field(None, description="A keyword filter or automatic moderation.")
    join_approval: bool | None = Field(None, description="Admins approve who joins.")
    member_messages_off: bool | None = Field(
        None, description="Admins can turn off private messages between members."
    )
    slow_mode: bool | None = Field(None, description="Admins can limit how often members post.")
    roles: bool | None = Field(None, description="Admin and moderator roles with different permissions.")
    waiting_room: bool | None = Field(None, description="Video: a waiting room or lobby.")
    recording_controls: bool | None = Field(None, description="Video: the host controls who can record.")
    only_admins_post: bool | None = Field(None, description="Admins can limit posting to admins.")
    remove_posts: bool | None = Field(None, description="Admins can delete another member's post or message.")
    edit_posts: bool | None = Field(None, description="Admins can edit another member's post.")
    move_posts: bool | None = Field(None, description="Admins can move a post to another topic or channel.")
    remove_members: bool | None = Field(
        None, description="Admins can remove a member from the group or space."
    )
    suspend_members: bool | None = Field(
        None,
        description=(
            "Admins can stop a member posting for a time (suspend, mute or time out) without removing them; "
            "false where removing them is the only way (WhatsApp)."
        ),
    )
    staff_accounts: bool | None = Field(
        None,
        description=(
            "Each person who acts for the organisation can have an account of its own, separate from "
            "their personal one (false on Facebook: one personal profile per person)."
        ),
    )


class Source(_Strict):
    url: str
    about: str = ""


class Platform(_Strict):
    name: str
    product: str | None = Field(
        None,
        description="The product's own name where the registry's name is a feature of it (Facebook "
        "Groups: 'Facebook'), for 'X's own rules', 'report it to X'. Defaults to name.",
        max_length=40,
    )
    company: str | None = Field(
        None,
        description="The company that runs the platform (Facebook, Instagram and WhatsApp: 'Meta'), "
        "where a source confirms it; documents otherwise say 'the company that runs X'.",
        max_length=40,
    )
    kind: (
        Literal["forum", "chat_room", "social_media_group", "messaging_group", "game", "video", "own_service"]
        | None
    ) = None
    minimum_age: int | None = Field(None, ge=0, le=21)
    minimum_age_note: str | None = None
    minimum_age_applies_to: Literal["members", "account_holders"] = Field(
        "members",
        description=(
            "'account_holders' when the minimum age binds only people who open an account, and members "
            "can join a session the organisation hosts from its own account without one (a video call)."
        ),
    )
    reports_go_to: Literal["platform", "admins", "both", "none"] | None = None
    reports_note: str | None = None
    admins_see_private_messages: bool | None = None
    phone_numbers_visible: bool | None = None
    real_names_visible: bool | None = None
    tools: Tools = Field(default_factory=Tools)
    block_how: str | None = Field(
        None,
        description=(
            "Where the member's own tool is not a 'block' button: how a member uses it, as it can follow "
            "'To stop seeing someone's messages,' (Minecraft Java: the Social Interactions screen's Hide). "
            "The rules print it instead of 'the block button'."
        ),
        max_length=120,
    )
    block_hides: str | None = Field(
        None,
        description="With block_how: what the tool hides ('their chat messages'), so the rules do not promise more.",
        max_length=60,
    )
    admin_reports_note: str | None = Field(
        None,
        description=(
            "Printed to members after 'the report button sends your report to the company', where "
            "reports_go_to is 'both': how a member reports to the group's own admins on this platform."
        ),
        max_length=200,
    )
    account_privacy: bool | None = Field(
        None,
        description=(
            "The space is an account whose posts are public or private as a whole (Instagram, TikTok): "
            "on a public account anyone can see posts and follow; privacy means a private account whose "
            "followers are approved one by one. There is no members' group to approve people into."
        ),
    )
    clip_controls: list[str] = Field(
        default_factory=list,
        description=(
            "Settings the account holder has for each video it posts, as the platform names them "
            "(TikTok: Duet, Stitch, downloads, comments): the staff code asks for each to be set "
            "before a video showing a young member is posted."
        ),
    )
    server_commands: bool | None = Field(
        None,
        description=(
            "A server the organisation runs on this platform can switch its commands on or off, "
            "private messages (/msg) included (Minecraft server plugins): in a space the organisation "
            "runs, admins can then turn off private messages between members."
        ),
    )
    remove_posts_window: str | None = Field(
        None,
        description=(
            "How long admins can delete another member's message, where the platform limits it "
            "(WhatsApp: 'for a limited period of time after it was sent'): the procedure says what to "
            "do once it can no longer be deleted. Reads after 'lets admins delete a message'."
        ),
        max_length=80,
    )
    closed_group: bool | None = Field(
        None,
        description="Only people in the group can ever see its messages and its members (WhatsApp).",
    )
    private_group_label: str | None = Field(
        None,
        description=(
            "The word the platform shows members for a group only members can see (Facebook: "
            "'Private', which replaced 'Closed' in 2019): the rules warn members in that word."
        ),
    )
    own_software: bool | None = Field(
        None,
        description=(
            "The organisation runs the software itself (a Minecraft server with its plugins, a "
            "self-hosted forum), so keeping it updated and its host secure is its job; false where "
            "the company runs it and the organisation only has accounts on it."
        ),
    )
    hidden_option: bool | None = Field(
        None,
        description=(
            "A private group can also be hidden from search, so that only people invited know it "
            "exists (Facebook groups: private and visible, or private and hidden)."
        ),
    )
    page_first_contact: str | None = Field(
        None,
        description=(
            "Where staff act through personal profiles (tools.staff_accounts false): when the "
            "organisation's own page can message one member privately, as a clause that follows "
            "'its page can message a member privately only' (Facebook: after they have messaged the "
            "page). The staff code then asks the member to message the page first."
        ),
        max_length=160,
    )
    extra_profiles: str | None = Field(
        None,
        description=(
            "Where staff act through personal profiles (tools.staff_accounts false) and one account "
            "can hold more than one personal profile, as a clause that follows the product's name "
            "(Facebook: 'lets an adult account add up to four extra personal profiles, which can use "
            "another name'). The staff code then asks that any profile used for the organisation be "
            "authorised and listed. Leave out where not confirmed."
        ),
        max_length=160,
    )
    server_report_tool: bool | None = Field(
        None,
        description=(
            "A server the organisation runs on this platform can have its own report command or form "
            "whose reports reach the organisation's moderators, besides the platform's own reporting "
            "(Minecraft server plugins). Where the answers say the report tool is in place, reports "
            "then go to both."
        ),
    )
    keyword_filter_covers: str | None = Field(
        None,
        description=(
            "What the keyword filter reads, where it reads only part of the space, as a phrase that "
            "follows 'covers only' (Instagram: 'comments and message requests'). Documents then say "
            "what it covers."
        ),
        max_length=160,
    )
    media_auto_download: bool | None = Field(
        None,
        description=(
            "By default the app downloads photos (and other media) sent in a chat to each member's "
            "phone as they arrive (WhatsApp). Deleting a message for everyone may then leave a copy on "
            "members' phones: the procedure says what members and admins do about their own copy, and "
            "to turn media auto-download off in the group's phones."
        ),
    )
    messages_minimum_age: int | None = Field(
        None, ge=0, le=21, description="The youngest age the platform lets send or receive private messages."
    )
    member_dm_setting: str | None = Field(
        None,
        description="The platform's own name for the setting each member can switch off, in their privacy "
        "settings for this space, to stop other members messaging them privately (Discord: 'Allow direct "
        "messages from server members'). The young people's rules tell them how to use it.",
        max_length=80,
    )
    member_dm_setting_blocks_bots: bool | None = Field(
        None,
        description="Switching member_dm_setting off also stops the member messaging the space's bots and "
        "stops a bot's replies reaching them (Discord: a ModMail bot). Where members report to the team by "
        "a private message to a bot (profile.report_route_dm), under-18s are still asked to switch it off and "
        "are told to report another way (the contact details in their rules).",
    )
    friend_requests_setting: str | None = Field(
        None,
        description="Where member_dm_setting still lets people on the member's friends list message them: "
        "the platform's own name for the settings page where a member chooses who may send them a friend "
        "request (Discord: 'Friend Requests'). The young people's rules then tell under-18s to limit friend "
        "requests there too, and never to accept one from an adult they know only from the space.",
        max_length=80,
    )
    friend_requests_from_space: str | None = Field(
        None,
        description="The option on that page that lets anyone in the same space send a friend request "
        "(Discord: 'Server Members'), which under-18s switch off.",
        max_length=80,
    )
    waiting_room_name: str | None = Field(
        None,
        description="Video: the platform's own name for its waiting room, as its documentation uses it "
        "(Microsoft Teams: 'lobby'); documents say 'waiting room' when this is not given.",
        max_length=40,
    )
    group_chat: Literal["any", "friends", "none"] | None = Field(
        None,
        description=(
            "Whether a volunteer can start a private conversation that holds a young person, a second "
            "adult and no one else: 'any' (WhatsApp: a new group of the people chosen), 'friends' (Discord: "
            "a group DM only with people on one's friends list, which the staff code forbids with young "
            "people), 'none' (Minecraft: /msg whispers to one player; there is no shared private "
            "conversation). With 'friends' or 'none' no document offers 'a conversation that includes a "
            "second adult and no one else': it offers a private thread (private_threads), a session with a "
            "second adult there, or the parent or carer."
        ),
    )
    private_threads: bool | None = Field(
        None,
        description=(
            "Moderators can open a private thread in a channel of the space that only the people added, and "
            "those who manage threads, can read (Discord): the place for a conversation with a young "
            "person and a second adult where group_chat is not 'any'."
        ),
    )
    private_threads_permission: str | None = Field(
        None,
        description=(
            "The permission whose holders read every private thread, not only those they are added to "
            "(Discord: Manage Threads): the procedure keeps it to the lead and deputy, since disclosures "
            "are followed up in private threads (reading r15 LG 5)."
        ),
    )
    broadcast_list: str | None = Field(
        None,
        description=(
            "The platform's own name for a list that sends one message to many people, each in their own "
            "one-to-one chat with the sender, whose replies come back privately to the sender alone "
            "(WhatsApp: 'broadcast list'). Where an answer's note says such a list is used and under-18s "
            "take part, the staff code counts it as one-to-one messaging and the plan replaces it."
        ),
        max_length=40,
    )
    one_way_channel: str | None = Field(
        None,
        description=(
            "The platform's own name for a one-way broadcast whose followers cannot reply and do not see "
            "each other's phone numbers (WhatsApp: 'channel'). A broadcast list that reaches "
            "under-18s is replaced with it, never with an ordinary group, where every member can see and "
            "message every other (reading r16, AQ 3)."
        ),
        max_length=40,
    )
    safety_centre: str | None = None
    sources: list[Source] = Field(default_factory=list)
    checked: dt.date | None = None
    note: str | None = None

    def has(self, tool: str) -> bool:
        return getattr(self.tools, tool) is True

    def lacks(self, tool: str) -> bool:
        return getattr(self.tools, tool) is False


def platform_of(catalogue: Catalogue, responses: dict[str, Any]) -> Platform | None:
    """The registry entry for the chosen platform, or None (not chosen, or "other")."""
    pid = responses.get("profile.platform_id")
    if not isinstance(pid, str) or pid == "other":
        return None
    return catalogue.platforms.get(pid)


def under_age_groups(platform: Platform | None, audience: list[str], *, hosted: bool = False) -> list[str]:
    """Audience groups whose youngest members are below the platform's minimum age.

    ``hosted``: the organisation runs the space from its own account. Where the platform's minimum
    age binds only account holders, members who join such a session need no account of their own,
    so the age does not bind them.
    """
    if platform is None or platform.minimum_age is None:
        return []
    if hosted and platform.minimum_age_applies_to == "account_holders":
        return []
    return [g for g in audience if g in AUDIENCE_YOUNGEST and AUDIENCE_YOUNGEST[g] < platform.minimum_age]


def hosted(catalogue: Catalogue, responses: dict[str, Any]) -> bool:
    """Whether the organisation runs the space (and so hosts it from its own account): not an audit."""
    return not catalogue.meta.scoring.audit_when.holds(responses)


def reports_go_to(platform: Platform, catalogue: Catalogue, responses: dict[str, Any]) -> str | None:
    """Where a member's report goes: the registry's answer, except that on a server the organisation
    runs with its own report tool in place (``server_report_tool``), reports reach its moderators too."""
    own_tool = (
        platform.server_report_tool is True
        and hosted(catalogue, responses)
        and responses.get("reporting.report_tool") == "in_place"
    )
    if own_tool and platform.reports_go_to == "platform":
        return "both"
    return platform.reports_go_to


def tools_had(platform: Platform, catalogue: Catalogue, responses: dict[str, Any]) -> list[str]:
    """The tools a group's admins have: the registry's, and on a server the organisation runs whose
    commands it controls (``server_commands``), switching off private messages."""
    had = [t for t in TOOLS if platform.has(t)]
    if platform.server_commands is True and hosted(catalogue, responses) and "member_messages_off" not in had:
        had.append("member_messages_off")
    return had


def _body_rule(catalogue: Catalogue, responses: dict[str, Any], rule: str) -> bool:
    """Whether the organisation's national body (profile.sector, in its nation) has a checked rule
    (contacts.yaml sector_routes): ``contact_rule`` on how adults contact its young members,
    ``check_rule`` on the criminal record check it requires of those who work with them,
    ``age_groups`` on how its youth age groups are named."""
    contacts = catalogue.contacts
    if contacts is None:
        return False
    sector, nation = responses.get("profile.sector"), responses.get("profile.nation")
    route = contacts.sector_routes.get(sector if isinstance(sector, str) else "", {}).get(
        nation if isinstance(nation, str) else ""
    )
    return bool(route is not None and getattr(route, rule))


def dm_setting_blocks_report(platform: Platform | None, responses: dict[str, Any]) -> bool:
    """Whether switching off private messages from the space (member_dm_setting) would also cut members
    off from the team's own report route: a private message to a bot (profile.report_route_dm) on a
    platform where that setting blocks bots too (member_dm_setting_blocks_bots)."""
    return bool(
        platform is not None
        and platform.member_dm_setting
        and platform.member_dm_setting_blocks_bots is True
        and bool(responses.get("profile.report_route"))
        and responses.get("profile.report_route_dm") == "yes"
    )


def derived_facts(catalogue: Catalogue, responses: dict[str, Any]) -> dict[str, Any]:
    """Facts about the chosen platform, as ``derived.*`` answers for conditions and templates, and
    whether the organisation's national body sets a rule on contacting young members."""
    platform = platform_of(catalogue, responses)
    audience = responses.get("profile.audience") or []
    topics = responses.get("triggering_content.content_note_topics")
    body = {
        "derived.body_contact_rule": _body_rule(catalogue, responses, "contact_rule"),
        "derived.body_check_rule": _body_rule(catalogue, responses, "check_rule"),
        # The organisation answered that members have no report tool on the platform (reading r10,
        # YC 1): the register says what it answered, never "you have not said".
        "derived.report_tool_none": responses.get("reporting.report_tool") == "not_applicable",
        "derived.self_harm_talked_of": bool(SELF_HARM_TOPICS.intersection(topics or ())),
        "derived.self_harm_subjects": _subjects(catalogue, topics),
        "derived.body_age_groups": _body_rule(catalogue, responses, "age_groups"),
    }
    if platform is None:
        return {
            **body,
            "derived.platform_known": False,
            "derived.platform_under_age": False,
            "derived.platform_has": [],
            "derived.platform_lacks": [],
            "derived.reports_go_to": None,
            "derived.phone_numbers_visible": None,
            "derived.real_names_visible": None,
            "derived.admins_see_private_messages": None,
            "derived.account_privacy": None,
            "derived.closed_group": None,
            "derived.own_software": None,
            "derived.hidden_option": None,
            "derived.keyword_filter_partial": False,
            "derived.member_dm_setting": False,
            "derived.friend_requests_setting": False,
            "derived.dm_setting_blocks_report": False,
            "derived.group_chat": None,
            "derived.remove_posts_limited": False,
        }
    return {
        **body,
        "derived.platform_known": True,
        "derived.platform_under_age": bool(
            under_age_groups(platform, list(audience), hosted=hosted(catalogue, responses))
        ),
        "derived.platform_has": tools_had(platform, catalogue, responses),
        "derived.platform_lacks": [t for t in TOOLS if platform.lacks(t)],
        "derived.reports_go_to": reports_go_to(platform, catalogue, responses),
        "derived.phone_numbers_visible": platform.phone_numbers_visible,
        "derived.real_names_visible": platform.real_names_visible,
        "derived.admins_see_private_messages": platform.admins_see_private_messages,
        "derived.account_privacy": platform.account_privacy,
        "derived.closed_group": platform.closed_group,
        "derived.own_software": platform.own_software,
        "derived.hidden_option": platform.hidden_option,
        # The platform has a keyword filter that reads only part of the space (keyword_filter_covers).
        "derived.keyword_filter_partial": platform.has("keyword_filter")
        and bool(platform.keyword_filter_covers),
        # Each member can switch off private messages from this space in their own settings.
        "derived.member_dm_setting": bool(platform.member_dm_setting),
        # ... which still lets their friends message them: they limit friend requests too (r12, LG 3).
        "derived.friend_requests_setting": bool(
            platform.member_dm_setting and platform.friend_requests_setting
        ),
        # ... and doing so would also cut them off from the team's report bot.
        "derived.dm_setting_blocks_report": dm_setting_blocks_report(platform, responses),
        # Whether a private conversation of a young person and two adults can exist (group_chat).
        # In an audit the organisation reaches members by its own means, not on the audited platform.
        "derived.group_chat": platform.group_chat if hosted(catalogue, responses) else None,
        # Admins can delete a message only for a while after it was sent (remove_posts_window):
        # older messages already in the group may no longer be deleted (reading r15, SC 12).
        "derived.remove_posts_limited": platform.has("remove_posts") and bool(platform.remove_posts_window),
    }


def broadcast_noted(assessment: Assessment, catalogue: Catalogue) -> Platform | None:
    """The registry platform whose one-to-many list (``broadcast_list``: WhatsApp's 'broadcast list')
    an answer's note says the organisation uses with under-18s (reading r15, AQ 3), or None. The note
    names the list in the registry's words; where several platforms have one, the note names the
    platform, or it is the organisation's own."""
    audience = set(assessment.profile.get("audience") or [])
    if not audience & set(AUDIENCE_YOUNGEST):
        return None
    notes = [a.note.lower() for a in assessment.answers.values() if a.note]
    lists = [p for p in catalogue.platforms.values() if p.broadcast_list]
    own = platform_of(catalogue, assessment.responses())
    for note in notes:
        used = [p for p in lists if p.broadcast_list.lower() in note]
        named = [p for p in used if p.name.lower() in note]
        if named:
            return named[0]
        if own is not None and own in used:
            return own
        if len({p.broadcast_list.lower() for p in used}) == 1 and len(used) == 1:
            return used[0]
    return None


def all_responses(assessment: Assessment, catalogue: Catalogue) -> dict[str, Any]:
    """Every answer as conditions see them, with the platform's derived facts added, and whether a
    note says a broadcast list reaches under-18s (broadcast_noted)."""
    responses = assessment.responses()
    responses.update(derived_facts(catalogue, responses))
    listed = broadcast_noted(assessment, catalogue)
    responses["derived.broadcast_list"] = listed is not None
    responses["derived.broadcast_channel"] = listed is not None and bool(listed.one_way_channel)
    return responses
