"""Everything a document template may use, built once from an assessment and its score.

The context is plain data: facts from the profile, tailoring flags, the scored
risks and the action plan turned into dated commitments. Templates decide the
wording; this module only decides what is true.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from assessor.assessment import Assessment, Organisation, Person, SignOff, Status, Version
from assessor.contacts import PolicyTemplate, Retention, Route
from assessor.diff import Changes
from assessor.documents.claims import (
    HARD_SUBJECTS,
    IN_PACK,
    NEVER_ASK,
    has_shifts,
    in_pack_action,
    pack_contents,
    parents_by_agreement,
    sanctioned_channel,
    with_parent_condition,
)
from assessor.platforms import (
    Platform,
    broadcast_noted,
    derived_facts,
    dm_setting_blocks_report,
    platform_of,
    under_age_groups,
)
from assessor.presentation import Presentation, Supplied, when_holds
from assessor.questionnaire import Catalogue, ControlAnswer, Helpline, Priority
from assessor.scoring import AreaResult, Factor, Finding, PlannedAction, Rating, Result, score

UNDER_18 = frozenset({"under_13", "age_13_17"})
ADULTS = frozenset({"adults", "adults_at_risk"})
# HARD_SUBJECTS and SHIFT_COVER (community focus for a hard subject; cover with set shifts) come from
# claims.py, so that the documents and the checker apply one rule.
# profile.incidents values that mean a scam has already reached members.
SCAM_INCIDENTS = frozenset({"fake_profiles"})
# The guidance a helpline cites when it is a line members can call for support themselves
# (NSPCC Learning: signpost sources of support); see questionnaires/helplines.yaml.
SIGNPOST_SUPPORT = "003.K7"
COMMUNITIES = (
    "mental_health", "abuse_survivors", "addiction_recovery", "lgbtq",
    "learning_disability", "young_carers", "bereavement", "refugees",
)  # fmt: skip


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    email: str
    phone: str

    @property
    def named(self) -> bool:
        return bool(self.name.strip())


# The words of an action (questionnaires/areas) that reads staff accounts' private messages with young
# members: where one is planned, the members' rules say such messages are checked.
STAFF_MESSAGES_CHECKED = "reading the logged private messages between staff accounts and young members"


@dataclass(frozen=True)
class Citation:
    id: str
    source: str
    topic: str


@dataclass(frozen=True)
class Commitment:
    """A planned action, worded so that it can follow "we will"."""

    number: int
    id: str
    text: str
    headline: str  # the first sentence of the text
    what: str
    priority: str
    priority_label: str
    immediate: bool
    owner: str
    due: dt.date
    due_window: str
    find_out_first: bool
    areas: tuple[str, ...]
    guidance: tuple[str, ...]
    sources: tuple[str, ...] = ()  # the question ids whose gaps this action closes
    # Every planned action this one stands for: one, or several the same pack document supplies
    # (documents.yaml ``supplied``), merged into "adopt that document".
    ids: tuple[str, ...] = ()
    supplies: tuple[str, ...] = ()  # "document#section" marks this action adopts, if any
    phase: int = 1  # 2 or more: due in a later phase (catalogue scoring.phasing)
    # Due on the issue date (the catalogue's at-once windows): only such an action is printed "at once";
    # a critical action due in two weeks is not (reading r14, LG 5-6).
    at_once: bool = False


@dataclass(frozen=True)
class Risk:
    """One risk area as the report shows it."""

    number: int
    id: str
    title: str
    summary: str
    base: Rating
    inherent: Rating
    capped: tuple[str, ...]
    residual: Rating
    inherent_label: str
    residual_label: str
    strength_pct: int
    controls_counted: int
    raised_by: tuple[Factor, ...]
    lowered_by: tuple[Finding, ...]
    gaps: tuple[Finding, ...]
    citations: tuple[Citation, ...]
    actions: tuple[int, ...]  # numbers in the action plan
    # Questions that count towards an earlier risk as well, with that risk's number: the report sets
    # each question out in full (with its note) once, and refers back to it after that.
    earlier: tuple[tuple[str, int], ...] = ()
    # What the safeguards alone would give, and the reason (from the YAML) of the cap that holds the
    # residual above it, if one does: the explanation then names the rule, not "too few safeguards".
    uncapped: Rating | None = None
    held_by: str = ""

    def shown_in(self, question_id: str) -> int | None:
        """The number of the earlier risk that sets this question out in full, if any."""
        return dict(self.earlier).get(question_id)


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    band: str
    risks: tuple[int, ...]


@dataclass(frozen=True)
class OpenItem:
    """An unanswered or "don't know" question for the appendix."""

    id: str
    text: str
    where: str
    note: str


@dataclass(frozen=True)
class Flags:
    """Tailoring switches, all derived from the profile and the score."""

    runs: bool
    audit: bool
    audit_concern: bool
    nation_known: bool
    under_13: bool
    under_18: bool
    adults: bool
    adults_at_risk: bool
    public_posts: bool
    member_messages: bool
    staff_messages: bool
    media_sharing: bool
    livestreaming: bool
    pseudonyms: bool
    random_pairing: bool
    stranger_discovery: bool
    signup_required: bool
    age_checks: bool
    reporting: bool
    blocking: bool
    moderation: str  # pre, post, reactive, none, or "" when not answered
    pre_moderated: bool
    post_moderated: bool
    reactive_moderation: bool
    unmoderated: bool
    moved_online: bool
    # The format, from profile.platform (or the registry's kind when that is not answered).
    video: bool = False
    messaging: bool = False
    forum: bool = False
    game: bool = False  # an online game or gaming platform: only there do adults "play" with members
    # profile.off_duty_presence: staff or volunteers play games with young members when nobody is on
    # duty; the staff code's off-duty rule then names playing, whatever the platform (reading r10, GC 1).
    off_duty_play: bool = False
    # Stage of a community the organisation runs (both false when not answered, and in an audit).
    planned: bool = False
    running: bool = False
    # Moderators work set times (profile.moderation_cover) in a space the organisation runs that is
    # not a live video session: only then is there a shift to hand over, and a handover record.
    shifts: bool = False
    # Moderators work no set times (profile.moderation_cover answered so): the documents then say
    # that nobody reads at set times, instead of speaking of "moderation hours".
    no_set_hours: bool = False
    # Moderators read only on some days or at no set times (profile.moderation_cover), or do not
    # cover round the clock: the procedure then says when reports are read instead of promising
    # a reply within the response times (reading r5).
    cover_gaps: bool = False
    # Only members can see the posts (profile.who_sees_posts: a private or closed group): the IWF
    # cannot see such content, so a sexual image of a child there goes to the police (reading r5).
    members_only: bool = False
    # Anyone, not only members, can see the posts (profile.who_sees_posts "anyone": a public group).
    seen_by_anyone: bool = False
    not_round_the_clock: bool = False
    # The organisation runs the service itself (its own forum, app or game server): the Online
    # Safety Act may place duties on it as well as on platform companies.
    own_service: bool = False
    # The nation's fraud reporting route belongs in the procedure: a scam or fake profile has been
    # recorded (profile.incidents), or members are adults at risk or have a learning disability.
    fraud_route: bool = False
    # The nation's MARAC/IDVA referral route belongs in the procedure: a survivors' community, or
    # adults at risk, for whom domestic abuse is a safeguarding concern in scope of the procedure.
    domestic_abuse_route: bool = False
    # Parents and carers are contacted only with the young person's agreement (claims.parents_by_agreement:
    # an LGBTQ+, young carers' or survivors' community with under-18s, or parents_informed not applicable).
    parents_by_agreement: bool = False
    no_lead: bool = False  # no designated safeguarding lead is named
    # Staff talk with a young person one to one through a channel the organisation runs for it
    # (profile.one_to_one: a project phone, call-backs, a named worker), with under-18s: the documents
    # describe that channel and its safeguards instead of forbidding it (claims.py sanctioned_channel).
    one_to_one: bool = False
    # Live sessions are never recorded (profile.session_recording): no document says when a host
    # may record one.
    never_recorded: bool = False
    own_page: bool = False  # profile.org_page: the organisation has its own page admins act from
    # The organisation's own server, forum or bot keeps members' private messages where its team can
    # open them (profile.messages_logged "yes"); "no" says it cannot, whatever the registry says.
    messages_logged: bool | None = None
    under_age: bool = False  # some audience group is below the platform's minimum age
    # Members report to the team by a private message to a bot on a platform where switching off
    # private messages from the space blocks bots too (platforms.dm_setting_blocks_report): the
    # young people's rules then give them another report route (reading r11, LG 1).
    dm_setting_blocks_report: bool = False
    # Members report to the team by a private message to a bot or account (profile.report_route_dm
    # "yes", a space the organisation runs): whoever reads that bot's messages reads every report, so
    # the procedure says who that is (reading r11, LG 4).
    report_bot: bool = False
    audit_undecided: bool = False  # an audit with no trustees' decision recorded
    # The adult safeguarding route and its law are named: adults take part, or the members are young
    # carers, whose disclosures often concern the adult they care for (reading r12 YC 3).
    adult_route: bool = False
    # profile.community_focus
    mental_health: bool = False
    abuse_survivors: bool = False
    addiction_recovery: bool = False
    lgbtq: bool = False
    learning_disability: bool = False
    young_carers: bool = False
    bereavement: bool = False
    refugees: bool = False  # refugees, asylum seekers or migrants (immigration advice, case papers)
    hard_subject: bool = False  # any of mental health, abuse survivors, addiction recovery, bereavement
    # The house rules carry content notes: a community about a hard subject, or one that already asks
    # for them (triggering_content.content_warnings in place or partly): a rule it has is never dropped.
    content_notes: bool = False
    # The house rules forbid passing on members' posts and pictures: the organisation already has such
    # a rule (privacy_data.no_recording in place or partly), or its members could be outed or harmed.
    no_screenshots: bool = False


# The end of a sentence: a full stop, question or exclamation mark, then a new capitalised sentence.
_PURPOSE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class Profile:
    purpose: str
    platform_kind: str
    platform_name: str
    platform_short: str  # the name without a trailing "(...)" description, for repeated use
    audience: tuple[str, ...]
    size: str
    moderation_label: str
    moderation_hours: str
    response_time: str
    nation: str
    nation_label: str
    lead: Contact
    deputy: Contact
    features: tuple[str, ...]
    platform_product: str = "the platform"  # the registry's product name, for facts about the product
    community_focus: tuple[str, ...] = ()  # labels of the ticked options, "None of these" left out
    under_age_groups: tuple[str, ...] = ()  # labels of audience groups below the platform's minimum age
    waiting_room: str = "waiting room"  # the platform's own name for it (Teams: "lobby"), from the registry
    one_to_one: tuple[str, ...] = ()  # profile.one_to_one values (the sanctioned one-to-one channels)
    # profile.reply_routes: the ways the lead can really reach a young person after a disclosure (a
    # thread on the platform a second adult reads, in person at a session, their own phone or email,
    # a parent or carer); empty when not answered. The staff code and procedure offer only these.
    reply_routes: tuple[str, ...] = ()
    # profile.incidents since the last review ("none" left out): documents.yaml ``incidents`` says
    # which passages of the pack must answer each.
    incidents: tuple[str, ...] = ()
    # profile.incident_police: whether this year's incident was reported to the police ("" unanswered).
    incident_police: str = ""
    languages: str = ""  # profile.languages: the languages other than English members use, as answered
    # In an audit, the kind of app the young people's leaflet is about (documents.yaml audit_apps).
    audit_apps: str = ""
    # profile.report_route: how members report a worry straight to the team (a ModMail bot, a /report
    # command), as an instruction; the rules print it on a line of its own, never mid-sentence.
    report_route: str = ""
    # organisation.phone and .email: the route the team watches; members' documents give it first.
    team: Contact = Contact("", "", "", "")
    # behaviour.other_apps: the other apps members use with each other (labels), and of those the ones
    # whose registry minimum age is above the youngest members' age, as (name, age) (reading r8 GC 3).
    other_apps: tuple[str, ...] = ()
    other_apps_under_age: tuple[tuple[str, int], ...] = ()
    # profile.content_note_topics: the subjects members already mark with "CN:" (labels, in the
    # order asked), and whether details also go behind a spoiler tag (reading r8 LG 4); from
    # triggering_content.content_note_topics.
    content_note_topics: tuple[str, ...] = ()
    spoiler_tags: bool = False

    @property
    def purpose_public(self) -> str:
        """The purpose's first sentence: what the space is for, as the public documents print it.

        profile.purpose asks for that sentence first; anything written after it (how the space
        is used in practice, what has gone wrong) stays in the risk assessment."""
        return _PURPOSE_END.split(self.purpose.strip(), maxsplit=1)[0].rstrip(". ")

    @property
    def audience_text(self) -> str:
        """The audience as one natural phrase (see ``audience_phrase``)."""
        return audience_phrase(self.audience)


@dataclass(frozen=True)
class Contacts:
    """The statutory routes for the organisation's nation, and record retention, from contacts.yaml."""

    allegations: Route | None = None  # a concern about staff, a volunteer or the lead
    child_protection: Route | None = None  # the local child protection referral route
    barring: Route | None = None  # the duty to refer to the barring body
    adult_safeguarding: Route | None = None
    fraud_reporting: Route | None = None
    domestic_abuse_referral: Route | None = None  # MARAC and IDVA (or the nation's equivalent)
    child_sexual_images: Route | None = None  # never copy; record where it is; report (IWF, police)
    retention: tuple[tuple[str, Retention], ...] = ()  # (kind of record, e.g. "moderation_logs", period)
    policy_template: PolicyTemplate | None = None
    police_non_emergency: Route | None = None  # 101: a crime that is not an emergency
    harmful_content: Route | None = None  # Report Harmful Content: when a platform has not acted
    concern_help: tuple[ConcernHelp, ...] = ()  # outside help for each kind of concern (contacts.yaml)
    sector: Route | None = None  # the national body's own safeguarding route (profile.sector), if confirmed
    # Who looks after a child here without a parent (contacts.yaml separated_children): only for a refugee
    # community with under-18s, whose "parent or carer" may be a social worker (reading r15 RF 3).
    separated_children: Route | None = None


@dataclass(frozen=True)
class OutsideHelp:
    """One route or helpline for a kind of concern, resolved for the nation and audience."""

    name: str
    when: str
    contact: str  # phone, web or email, as printed; "" when there is none
    source: str | None
    checked: dt.date | None


@dataclass(frozen=True)
class ConcernHelp:
    """A kind of concern (contacts.yaml concern_routes) and the outside help that fits it."""

    id: str
    concern: str
    law: str | None
    law_source: str | None
    checked: dt.date | None
    help: tuple[OutsideHelp, ...]
    nation_law_source: str | None = None  # the nation's own law, where contacts.yaml has one (law_by_nation)


@dataclass(frozen=True)
class VersionRow:
    """A row of the version table printed in every document."""

    version: int
    status: str
    prepared_by: str
    approved_by: str  # names and roles, or "" until approved
    when: dt.date | None  # approved on, else reviewed or submitted on
    minute: str
    current: bool


def _version_rows(assessment: Assessment) -> tuple[VersionRow, ...]:
    from assessor import lifecycle

    rows = lifecycle.versions(assessment)
    return tuple(
        VersionRow(
            version=v.version,
            status=lifecycle.STATUS_LABELS[v.status],
            prepared_by=v.prepared_by,
            approved_by="; ".join(f"{p.name} ({p.role})" for p in v.approvers),
            when=v.approved_on or v.reviewed_on or v.submitted_on,
            minute=v.minute,
            current=i == len(rows) - 1,
        )
        for i, v in enumerate(rows)
    )


# The words for the community's format: what the space is called, and where things happen in it.
# Platform ids the registry knows that call their space something other than their kind does.
_SPACE_BY_PLATFORM = {
    "discord": ("the server", "on the server"),
    "minecraft": ("the server", "on the server"),
    "roblox": ("the game", "in the game"),
    "slack": ("the workspace", "in the workspace"),
}
_SPACE_BY_KIND = {
    "messaging_group": ("the group", "in the group"),
    "social_media_group": ("the group", "in the group"),
    "chat_room": ("the chat room", "in the chat room"),
    "forum": ("the forum", "on the forum"),
    "game": ("the game", "in the game"),
    "video": ("the session", "in the session"),
    "own_service": ("our online community", "in our online community"),
}
_GROUP_PHRASE = re.compile(r"\b(in|on) the group\b(?! agreement| chat)|\b[Tt]he group\b(?! agreement| chat)")


@dataclass(frozen=True)
class Words:
    """Nouns for the community's format (profile.platform, or the registry's kind, and the platform):
    a WhatsApp or Facebook group is "the group", a Discord or Minecraft server "the server", a forum
    "the forum", a video call "the session"; in an audit the platform is called by its name, since
    the organisation has no group there. Templates print these instead of a format's own nouns, and
    catalogue wording written for a group (``fit``) is put into them."""

    space: str = "the group"  # the space as a noun phrase
    in_space: str = "in the group"  # where things happen in it
    group: bool = True  # the space is a group its members are in

    def fit(self, text: str) -> str:
        """Catalogue wording written for a group, in this format's words ("in the group" becomes
        "on the forum"; "the group's settings" becomes "AskAnon's settings" in an audit)."""
        if self.group or not text:
            return text

        def swap(m: re.Match[str]) -> str:
            if m.group(1):
                return self.in_space
            word = self.space
            return word[:1].upper() + word[1:] if m[0][0] == "T" else word

        return _GROUP_PHRASE.sub(swap, text)


def short_platform_name(answered: str, product: str) -> str:
    """The platform's name for repeated use ("our online community on X", "X allows ..."): the answer
    without a trailing "(...)" description. An answer that is itself a description rather than a name
    (it goes on in lower-case words: "Minecraft Java Edition server run by the club") reads wrongly
    after "on", so the registry's product name is used instead where there is one."""
    short = re.sub(r"\s*\([^()]*\)$", "", answered) or answered
    if product and re.search(r"\s[a-z]", short.strip()):
        return product
    return short or product


def format_words(kind: str, platform_id: str, audit: bool, name: str) -> Words:
    """The words for this format (see ``Words``)."""
    if audit:
        named = name or "the platform"
        return Words(space=named, in_space=f"on {named}", group=False)
    space, in_space = (
        _SPACE_BY_PLATFORM.get(platform_id)
        or _SPACE_BY_KIND.get(kind)
        or (
            "our online community",
            "in our online community",
        )
    )
    return Words(space=space, in_space=in_space, group=space == "the group")


@dataclass(frozen=True)
class DocumentContext:
    org: Organisation
    profile: Profile
    flags: Flags
    issued: dt.date
    review: dt.date
    assessor: str
    version: str
    questionnaire: str
    sign_off: tuple[SignOff, ...]
    status: str  # the version's sign-off status: draft, submitted, reviewed or approved
    status_label: str
    versions: tuple[VersionRow, ...]  # the version table, oldest first, this version last
    approval: Version | None  # this version's approval, when approved
    content_hash: str  # SHA-256 of these answers (what an approval records)
    changes: Changes | None  # since the last approved version, for the trustees' page (optional)
    emergency: str
    helplines: tuple[Helpline, ...]  # the nation's, for the audiences and communities taking part
    platform: Platform | None  # the registry entry (platforms.yaml), or None for "other" or unknown
    facts: dict[str, Any]  # derived facts about the platform, without the "derived." prefix
    contacts: Contacts
    overall: str
    overall_label: str
    overall_meaning: str
    risks: tuple[Risk, ...]
    not_applicable: tuple[str, ...]
    heat_map: tuple[tuple[HeatCell, ...], ...]  # likelihood 5 (top) to 1
    actions: tuple[Commitment, ...]
    to_find_out: tuple[OpenItem, ...]
    unanswered: tuple[OpenItem, ...]
    answered: int
    visible: int
    guidance: dict[str, Citation]
    band_labels: dict[str, str]
    priority_labels: dict[str, str]
    reduction: dict[str, int]  # the most that full safeguards lower likelihood and impact
    choices: dict[str, str]  # question id -> each answer held as one string (a choice, a control, text)
    selections: dict[str, tuple[str, ...]] = field(default_factory=dict)  # multi-choice answers
    # Each incident reported since the last review: (kind, label, documents.yaml ``incidents`` entries),
    # so that the risk assessment says where the pack answers it.
    incidents: tuple[tuple[str, str, tuple[Any, ...]], ...] = ()
    words: Words = Words()  # the nouns for the community's format
    phasing_note: str = ""  # how later actions are phased, when any is (catalogue scoring.phasing)
    # Questions whose answer note holds a member's secret (a code word, a safe phrase): documents
    # never print it (documents.yaml ``private_notes``), only that it is recorded and who holds it.
    private_notes: frozenset[str] = frozenset()
    # Each control's few-word name (questionnaire ``short``): the risk assessment's lists of safeguards
    # print it, whole, where the full question is set out in the questionnaire.
    shorts: dict[str, str] = field(default_factory=dict)
    # The platform whose broadcast list an answer's note says reaches under-18s (platforms.broadcast_noted):
    # the staff code counts it as one-to-one messaging, and the plan replaces it (reading r15, AQ 3).
    broadcast: Platform | None = None

    def answer(self, question_id: str) -> str:
        """The chosen value of a single-choice or control question, or "" when unanswered."""
        return self.choices.get(question_id, "")

    def selected(self, question_id: str) -> tuple[str, ...]:
        """The values chosen for a multi-choice question, or () when unanswered."""
        return self.selections.get(question_id, ())

    def in_place(self, question_id: str) -> bool:
        """Whether a control is answered "in place": only then may a document say it exists."""
        return self.answer(question_id) == ControlAnswer.in_place.value

    @property
    def overheard_at_home(self) -> bool:
        """Someone at home may be listening (a young carers' or survivors' community, or an agreed
        "I can't talk safely" signal in place): the documents never ask members to join from a
        shared room, but from a private place where they can talk safely."""
        return (
            self.flags.young_carers or self.flags.abuse_survivors or self.in_place("disclosure.safe_signal")
        )

    @property
    def strangers_write_in(self) -> bool:
        """An audited app where anyone can message members without giving their name (pseudonyms,
        strangers can contact members, private messages; not random pairing): messages arrive
        privately from strangers, so the rules say a member need not answer and that an answer
        posted is public, never "keep conversations where others can see them" (reading r13 AQ 4)."""
        f = self.flags
        return (
            f.audit and f.pseudonyms and f.stranger_discovery and f.member_messages and not f.random_pairing
        )

    @property
    def worries_to_lead(self) -> bool:
        """Under-18s take part in a space the organisation runs and not every moderator or host has
        been through safer recruitment (staff_conduct.safer_recruitment not in place): members take
        a worry to the safeguarding lead (the trustees until one is named), in every document, and
        never to "a moderator" in one sentence and "not a moderator" in the next (reading r6)."""
        return (
            self.flags.runs and self.flags.under_18 and not self.in_place("staff_conduct.safer_recruitment")
        )

    @property
    def private_contact(self) -> str:
        """How staff contact one member on their own (checking in, after a disclosure): one answer
        for the whole pack, as the rule ``private-contact`` of claims.py. ``transparent`` (another
        adult copied in) with under-18s, or ``sanctioned`` (through the one-to-one channel the
        organisation runs for it, with its safeguards) where it runs one; ``safe-route`` (only in the way and at the times the member
        said are safe) in a survivors' community; ``transparent`` again where the staff code says
        staff do not message members privately (no staff messages); otherwise ``private``."""
        if self.flags.under_18:
            return "sanctioned" if self.flags.one_to_one else "transparent"
        if self.flags.abuse_survivors:
            return "safe-route"
        return "private" if self.flags.staff_messages else "transparent"

    @property
    def staff_messages_checked(self) -> bool:
        """Whether a planned action checks the logged private messages between staff accounts and
        young members (its own words, in the area YAML, say so): the rules given to members and
        parents must then say those messages are read, not only reported ones (reading r16, GC 2)."""
        return any(STAFF_MESSAGES_CHECKED in c.text for c in self.actions)

    @property
    def top_risks(self) -> tuple[Risk, ...]:
        return self.risks[:3]

    @property
    def critical(self) -> tuple[Commitment, ...]:
        return tuple(c for c in self.actions if c.priority == Priority.critical.value)

    def commitment_for(self, *question_ids: str) -> Commitment | None:
        """The first planned action that closes a gap in any of these questions, or None: a
        document that cannot claim a control is in place promises this action instead."""
        wanted = set(question_ids)
        return next((c for c in self.actions if wanted.intersection(c.sources)), None)

    def commitments_for(self, *areas: str) -> list[Commitment]:
        """Planned actions that act on any of these risk areas, in plan order."""
        wanted = set(areas)
        return [c for c in self.actions if wanted.intersection(c.areas)]

    @property
    def support_lines(self) -> tuple[Helpline, ...]:
        """Lines members can turn to themselves, for the members' documents: those chosen for this
        community (``communities``), and crisis and support lines open to anyone in distress, which
        helplines.yaml marks with the signposting guidance (003.K7) and no ``communities``.
        Samaritans and Childline are left out: the documents print them with their own wording, and so
        is a body with no phone, web or email address to give (the Immigration Advice Authority: the documents name its role)."""
        return tuple(
            h
            for h in self.helplines
            if (h.communities or SIGNPOST_SUPPORT in h.guidance)
            and (h.phone or h.web or h.email)
            and h.name != "Samaritans"
            and not h.name.startswith("Childline")
        )

    def helpline(self, prefix: str) -> Helpline | None:
        """The first helpline whose name starts with ``prefix`` (e.g. "Childline")."""
        return next((h for h in self.helplines if h.name.startswith(prefix)), None)


# -- building ------------------------------------------------------------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _contact(value: Any) -> Contact:
    if isinstance(value, dict):
        value = Person.model_validate(value)
    if not isinstance(value, Person):
        value = Person()
    return Contact(value.name.strip(), value.role.strip(), value.email.strip(), value.phone.strip())


def _label(catalogue: Catalogue, qid: str, value: Any) -> str:
    q = catalogue.index.get(qid)
    if q is None or not isinstance(value, str):
        return ""
    return next((o.label for o in q.options if o.value == value), "")


def _listed(value: Any) -> list[str]:
    """A multi answer as its list of values: a bare list, or an answer with a ``value`` list."""
    value = getattr(value, "value", value)
    if isinstance(value, dict):
        value = value.get("value")
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _labels(catalogue: Catalogue, qid: str, values: list[str]) -> tuple[str, ...]:
    return tuple(label for v in values if (label := _label(catalogue, qid, v)))


_NEGATIVE = {"Do not ": "not ", "Don't ": "not ", "Never ": "never "}
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]\"”’])\.\s+(?=[A-Z\"“])")
_YOUR = {"your": "our", "yours": "ours", "Your": "Our"}


def first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()


_FALLBACK = re.compile(r"^(If|Where|Otherwise|Unless|Until)\b")
_NEGATIVE_AFTER_COMMA = re.compile(r", (do not|don't|never) ")
_YOU_OBJECT = re.compile(r"\b(with|tell|for|to|ask|contact|show|give|lets?|helps?) you\b")
_YOU = {"you": "we", "You": "We", "yourself": "ourselves"}


def _first_person(text: str) -> str:
    """An instruction to "you" as the organisation's own words: "tell you" → "tell us"."""
    text = re.sub(r"\b(your|yours|Your)\b", lambda m: _YOUR[m.group(1)], text)
    text = _YOU_OBJECT.sub(lambda m: f"{m[1]} us", text)
    return re.sub(r"\b(you|You|yourself)\b", lambda m: _YOU[m[1]], text)


# "At once: tell ..." (an action the answers make due at once) follows a heading that already gives
# the date: "At once (by ...), we will: tell ...", not "we will: at once: tell ..." (reading r10, GC 1).
_WHEN_LEAD = re.compile(r"^At once:\s+")


def _follow_we_will(sentence: str) -> str:
    what = _first_person(_WHEN_LEAD.sub("", sentence.rstrip(".").strip()))
    for prefix, replacement in _NEGATIVE.items():
        if what.startswith(prefix):
            return replacement + what[len(prefix) :]
    if len(what) > 1 and what[0].isupper() and not what[1].isupper():
        what = what[0].lower() + what[1:]
    return what


def commitment_wording(text: str) -> str:
    """An instruction worded to follow "we will": its first sentence, and any fallback.

    "Add a step to your procedure. Say who..." becomes "add a step to our procedure". A later
    sentence that says what to do when the first cannot be done ("If neither is possible, ...")
    changes the promise, so it is kept: "switch off X; if neither is possible, add rules".
    """
    sentences = _SENTENCE_END.split(text.strip())
    what = _follow_we_will(sentences[0])
    for sentence in sentences[1:]:
        if _FALLBACK.match(sentence):
            fallback = _NEGATIVE_AFTER_COMMA.sub(
                lambda m: ", we will not " if m[1] != "never" else ", we will never ", sentence
            )
            what += "; " + _follow_we_will(fallback)
    return what


def _audience_labels(catalogue: Catalogue, values: list[str], oldest: Any) -> tuple[str, ...]:
    """The audience labels; where young people and adults take part up to an upper age
    (profile.oldest_age), the young people's label runs to that age and "Adults" is left out:
    "young people aged 13 to 25", not "young people aged 13 to 17 and adults"."""
    upper = isinstance(oldest, str) and oldest.isdigit() and {"age_13_17", "adults"} <= set(values)
    labels = []
    for value in values:
        label = _label(catalogue, "profile.audience", value)
        if upper and value == "adults":
            continue
        if upper and value == "age_13_17":
            label = re.sub(r"\b17\b", str(oldest), label)
        if label:
            labels.append(label)
    return tuple(labels)


def audience_phrase(audience: tuple[str, ...] | list[str]) -> str:
    """The audience labels as one natural phrase, lower case: "adults, including adults who may be
    at risk", "young people aged 13 to 17 and adults"."""
    labels = [a.strip() for a in audience if a.strip()]
    lowered = [a[0].lower() + a[1:] for a in labels]
    at_risk = next((a for a in lowered if a.startswith("adults who may be at risk")), "")
    plain_adults = "adults" in lowered
    young = [a for a in lowered if a not in ("adults", at_risk)]
    if at_risk:
        # "adults who may be at risk (care and support needs)" reads as part of the adults group.
        at_risk = re.sub(r"\s*\([^()]*\)$", "", at_risk)
    adults = ""
    if plain_adults and at_risk:
        adults = f"adults, including {at_risk}"
    elif plain_adults:
        adults = "adults"
    elif at_risk:
        adults = at_risk
    parts = young + ([adults] if adults else [])
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def fingerprint(assessment: Assessment) -> str:
    """A short, stable reference to exactly these answers (printed in document footers)."""
    return hashlib.sha256(assessment.to_json().encode("utf-8")).hexdigest()[:8]


def _flags(
    profile: dict[str, Any],
    audit: bool,
    nation_known: bool,
    platform: Platform | None = None,
    choices: dict[str, Any] | None = None,
) -> Flags:
    """The tailoring switches. ``platform`` (the registry entry) and ``choices`` (answers by
    question id) are optional: without them the platform and audit-decision flags are false."""
    features = set(profile.get("features") or [])
    audience = set(profile.get("audience") or [])
    focus = set(profile.get("community_focus") or [])
    moderation = profile.get("moderation") or ""
    kind = profile.get("platform") or (platform.kind if platform else "") or ""
    stage = profile.get("stage") if not audit else None
    decision = (choices or {}).get("platform_features.decision") or ""
    incidents = set(profile.get("incidents") or [])
    video = kind == "video"
    return Flags(
        video=video,
        # A handover answered "not applicable" (one person moderates, or the same people start to
        # finish) means there is nobody to hand over to: the concerns log does that job.
        shifts=has_shifts(
            {
                "profile.platform": kind,
                "profile.moderation_cover": profile.get("moderation_cover"),
                "moderation.handover": (choices or {}).get("moderation.handover"),
            },
            runs=not audit,
        ),
        no_set_hours=not audit and profile.get("moderation_cover") == "no_set_times",
        cover_gaps=not audit and profile.get("moderation_cover") in ("some_days", "no_set_times"),
        members_only=profile.get("who_sees_posts") == "members_only",
        seen_by_anyone=profile.get("who_sees_posts") == "anyone",
        not_round_the_clock=not audit
        and profile.get("moderation_cover") not in (None, "", "round_the_clock"),
        own_service=not audit
        and (
            kind in ("forum", "own_service")
            or profile.get("platform_id") in ("self_hosted_forum", "minecraft")
        ),
        fraud_route=bool(incidents & SCAM_INCIDENTS)
        or "learning_disability" in focus
        or "adults_at_risk" in audience,
        domestic_abuse_route="abuse_survivors" in focus or "adults_at_risk" in audience,
        messaging=kind == "messaging_group",
        forum=kind == "forum",
        game=kind == "game",
        off_duty_play=not audit and "play" in (profile.get("off_duty_presence") or ()),
        planned=stage == "planned",
        running=stage == "running",
        no_lead=not _contact(profile.get("safeguarding_lead")).named,
        one_to_one=sanctioned_channel({**{f"profile.{k}": v for k, v in profile.items()}}),
        never_recorded=not audit and profile.get("session_recording") == "never",
        own_page=not audit and profile.get("org_page") == "yes",
        messages_logged={"yes": True, "no": False}.get(profile.get("messages_logged") or ""),
        parents_by_agreement=parents_by_agreement(
            {
                "profile.audience": list(audience),
                "profile.community_focus": list(focus),
                "safety_information.parents_informed": (choices or {}).get(
                    "safety_information.parents_informed"
                ),
            }
        ),
        under_age=bool(under_age_groups(platform, list(audience), hosted=not audit)),
        dm_setting_blocks_report=not audit
        and dm_setting_blocks_report(
            platform, {f"profile.{k}": profile.get(k) for k in ("report_route", "report_route_dm")}
        ),
        report_bot=not audit
        and bool(profile.get("report_route"))
        and profile.get("report_route_dm") == "yes",
        audit_undecided=audit and decision in ("", "undecided"),
        hard_subject=bool(focus & HARD_SUBJECTS),
        content_notes=bool(focus & HARD_SUBJECTS)
        or (choices or {}).get("triggering_content.content_warnings") in ("in_place", "partly"),
        no_screenshots=bool(focus & (HARD_SUBJECTS | {"lgbtq"}))
        or bool(audience & {"under_13", "age_13_17"})
        or (choices or {}).get("privacy_data.no_recording") in ("in_place", "partly"),
        **{name: name in focus for name in COMMUNITIES},
        runs=not audit,
        audit=audit,
        audit_concern=profile.get("relationship") == "audit_concern",
        nation_known=nation_known,
        under_13="under_13" in audience,
        under_18=bool(audience & UNDER_18),
        adults=bool(audience & ADULTS),
        adults_at_risk="adults_at_risk" in audience,
        adult_route=bool(audience & ADULTS) or "young_carers" in focus,
        public_posts="public_posts" in features,
        member_messages="member_messages" in features,
        staff_messages="staff_messages" in features,
        media_sharing="media_sharing" in features,
        livestreaming="livestreaming" in features,
        pseudonyms="pseudonyms" in features,
        random_pairing="random_pairing" in features,
        stranger_discovery="stranger_discovery" in features,
        signup_required="signup_required" in features,
        age_checks="age_checks" in features,
        reporting="reporting" in features,
        blocking="blocking" in features,
        moderation=moderation,
        pre_moderated=moderation == "pre",
        post_moderated=moderation == "post",
        reactive_moderation=moderation == "reactive",
        unmoderated=moderation == "none",
        moved_online=profile.get("moved_online") == "yes",
    )


def _for_audience(line: Helpline, flags: Flags) -> bool:
    """A helpline for children is listed only when under-18s take part; one for adults, when adults do."""
    return {"children": flags.under_18, "adults": flags.adults}.get(line.audience, True)


def _for_community(line: Helpline, focus: set[str]) -> bool:
    """A helpline for some communities (``communities``) is listed only for those communities."""
    return not line.communities or bool(focus.intersection(line.communities))


def _concern_help(catalogue: Catalogue, nation: str, flags: Flags) -> tuple[ConcernHelp, ...]:
    """Each kind of concern with the routes and helplines that fit it, for this nation and audience.

    A helpline is chosen here by the concern, not by the community: PAPYRUS is listed for someone
    urged to end their life in any community, not only in a mental-health one."""
    data = catalogue.contacts
    lines = catalogue.nations[nation].helplines if catalogue.nations and nation in catalogue.nations else []
    groups = {"children": flags.under_18, "adults": flags.adults}
    out = []
    for concern in data.concern_routes if data else []:
        found: list[OutsideHelp] = []
        for ref in concern.routes:
            if not groups.get(ref.audience or "", True):
                continue
            if ref.route:
                r = data.route(ref.route, nation)
                if r is not None:
                    contact = "; ".join(p for p in (r.phone, r.web) if p) or (r.email or "")
                    found.append(OutsideHelp(r.name, ref.when, contact, r.source, r.checked))
            else:
                line = next((h for h in lines if h.name.startswith(ref.helpline or "")), None)
                if line is not None and groups.get(line.audience, True):
                    contact = "; ".join(p for p in (line.phone, line.web) if p) or (line.email or "")
                    found.append(OutsideHelp(line.name, ref.when, contact, line.source, line.checked))
        # A nation's own law only where the nation is known: section 184 alone holds across the UK.
        own = concern.law_by_nation.get(nation) if flags.nation_known else None  # type: ignore[call-overload]
        if found:
            out.append(
                ConcernHelp(
                    concern.id,
                    concern.concern,
                    own.law if own else concern.law,
                    concern.law_source,
                    concern.checked,
                    tuple(found),
                    own.source if own else None,
                )
            )
    return tuple(out)


def _reply_routes(catalogue: Catalogue, p: dict, flags: Flags, nation: str) -> tuple[str, ...]:
    """profile.reply_routes, where under-18s take part in a space the organisation runs. Where a
    national body's contact rule applies (contacts.yaml sector_routes contact_rule: The FA's, through
    the parent or carer), the parent or carer is always one of the routes: the body's rule makes it
    the prompt one, so a reply never waits for a session (reading r10 SC 6)."""
    if not (flags.runs and flags.under_18):
        return ()
    routes = tuple(p.get("reply_routes") or [])
    data = catalogue.contacts
    sector = data.sector_routes.get(p.get("sector") or "", {}).get(nation) if data else None
    if routes and sector is not None and sector.contact_rule and "parent" not in routes:
        routes += ("parent",)
    return routes


def _contacts(catalogue: Catalogue, nation: str, flags: Flags, sector: str = "") -> Contacts:
    data = catalogue.contacts
    if data is None:
        return Contacts()
    groups = {"children": flags.under_18, "adults": flags.adults}
    return Contacts(
        allegations=data.route("allegations", nation),
        child_protection=data.route("child_protection", nation),
        barring=data.route("barring", nation),
        adult_safeguarding=data.route("adult_safeguarding", nation),
        fraud_reporting=data.route("fraud_reporting", nation),
        domestic_abuse_referral=data.route("domestic_abuse_referral", nation),
        child_sexual_images=data.route("child_sexual_images", nation),
        retention=tuple((k, r) for k, r in data.retention.items() if groups.get(r.applies_to or "", True)),
        policy_template=data.nspcc_policy_template,
        police_non_emergency=data.route("police_non_emergency", nation),
        harmful_content=data.route("harmful_content", nation),
        concern_help=_concern_help(catalogue, nation, flags),
        sector=data.sector_routes.get(sector or "", {}).get(nation),
        separated_children=data.route("separated_children", nation)
        if flags.refugees and flags.under_18
        else None,
    )


def _risk(
    number: int,
    area: AreaResult,
    catalogue: Catalogue,
    action_numbers: tuple[int, ...],
    cited: frozenset[str] | None = None,
) -> Risk:
    bands = catalogue.meta.scoring.bands
    return Risk(
        number=number,
        id=area.id,
        title=area.title,
        summary=area.summary,
        base=area.base,
        inherent=area.inherent,
        capped=tuple(area.capped),
        residual=area.residual,
        inherent_label=bands[area.inherent.band].label,
        residual_label=bands[area.residual.band].label,
        strength_pct=round(area.control_strength * 100),
        controls_counted=area.controls_counted,
        raised_by=tuple(area.raised_by),
        lowered_by=tuple(area.lowered_by),
        gaps=tuple(area.gaps),
        citations=tuple(
            _citation(catalogue, gid)
            for gid in area.guidance
            if gid in catalogue.guidance and (cited is None or gid in cited)
        ),
        actions=action_numbers,
        uncapped=area.uncapped,
        held_by=_held_by(area),
    )


def _held_by(area: AreaResult) -> str:
    """The reason of the cap that holds the residual above what the safeguards alone give, for the
    middle of a sentence ("... would lower likelihood by 1, but <reason>"), or "" where none does.
    The floor's own figures are left out: the sentence ends with the residual itself."""
    cap = area.cap
    if cap is None or not cap.binding:
        return ""
    because = re.sub(r" \(likelihood \d, impact \d\)", "", cap.because).rstrip(".")
    return because[:1].lower() + because[1:]


def _refer_back(risks: tuple[Risk, ...]) -> tuple[Risk, ...]:
    """Each risk with the questions an earlier risk has already set out (``Risk.earlier``)."""
    first: dict[str, int] = {}
    out = []
    for r in risks:
        findings = (*r.lowered_by, *r.gaps)
        earlier = tuple((f.question_id, first[f.question_id]) for f in findings if f.question_id in first)
        for f in findings:
            first.setdefault(f.question_id, r.number)
        out.append(dataclasses.replace(r, earlier=earlier))
    return tuple(out)


def applicable_guidance(catalogue: Catalogue, responses: dict[str, Any]) -> frozenset[str]:
    """The guidance ids a document may cite for these answers: every item whose ``applies_when``
    holds (with the platform's derived facts), so that an alert about one kind of platform is not
    cited for another."""
    answers = {**responses, **derived_facts(catalogue, responses)}
    return frozenset(gid for gid, item in catalogue.guidance.items() if item.applies(answers))


def _citation(catalogue: Catalogue, gid: str) -> Citation:
    item = catalogue.guidance[gid]
    return Citation(gid, item.source, item.topic)


_PRIORITY_RANK = {p.value: i for i, p in enumerate(Priority)}


def flag_values(flags: Flags, org: Organisation | None = None) -> dict[str, bool]:
    """The tailoring flags by name, with ``lead``, ``moderated`` and ``charity`` (documents.yaml)."""
    values = {k: v for k, v in vars(flags).items() if isinstance(v, bool)}
    values["lead"] = not flags.no_lead
    values["moderated"] = flags.runs and flags.moderation in ("pre", "post", "reactive")
    values["charity"] = bool(org and (org.charity_number or "").strip())
    return values


def owner_label(
    action: PlannedAction, presentation: Presentation, flags: dict[str, bool], roles: dict[str, str]
) -> str:
    """The owner as a role this organisation has: a custom owner as given; a catalogue role through
    documents.yaml ``owners`` (the first candidate the organisation has); a role the scoring has
    already handed on while nobody holds it (``role_fallbacks``) keeps its label."""
    if action.owner_is_custom:
        return action.owner_label
    if roles.get(action.owner) not in (None, action.owner_label):
        return action.owner_label  # a fallback, e.g. "Trustees (acting lead)"
    for role_id in presentation.owners.get(action.owner, []):
        role = presentation.roles.get(role_id)
        if role is not None and when_holds(role.when, flags):
            return role.label
    return action.owner_label


def supplied_by(
    action: PlannedAction, presentation: Presentation, flags: dict[str, bool], contents: set[str]
) -> Supplied | None:
    """The pack section that supplies what this action asks for, if the pack holds it."""
    for entry in presentation.supplied.get(action.id, []):
        if entry.document in contents and when_holds(entry.when, flags):
            return entry
    return None


def _commitment(number: int, action: PlannedAction, owner: str, words: Words | None = None) -> Commitment:
    text = (words or Words()).fit(action.text.strip())
    return Commitment(
        number=number,
        id=action.id,
        text=text,
        headline=first_sentence(text).rstrip(".") + ".",
        what=commitment_wording(text),
        priority=action.priority.value,
        priority_label=action.priority_label,
        immediate=action.priority == Priority.critical,
        owner=owner,
        due=action.due_date,
        due_window=action.due_window,
        phase=action.phase,
        find_out_first=action.find_out_first,
        areas=tuple(action.areas),
        guidance=tuple(action.guidance),
        sources=tuple(action.sources),
        ids=(action.id,),
    )


def _phasing_note(catalogue: Catalogue, actions: tuple[Commitment, ...]) -> str:
    """The plan's sentence on phasing, when any action is due in a later phase."""
    phasing = catalogue.meta.scoring.phasing
    if phasing is None or not any(a.phase > 1 for a in actions):
        return ""
    note = phasing.explain.format(at_most=phasing.at_most, weeks=phasing.every_days // 7)
    # The limit counts only the phased actions: say how many are due at sign-off or by the review
    # instead, so that the sentence is true of the plan it heads (reading r8, AQ 5).
    sign_off = phasing.pack_due.format(weeks=phasing.every_days // 7)
    counts = (
        (phasing.explain_sign_off, sum(a.due_window == sign_off for a in actions if not a.immediate)),
        (phasing.explain_review, sum(a.due_window == phasing.by_review for a in actions if not a.immediate)),
    )
    return note + "".join(" " + text.format(n=n) for text, n in counts if text and n)


# Pack documents named by a plural noun ("the house rules"), which take "they".
_PLURAL_DOCUMENTS = frozenset({"house_rules"})


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "; ".join(items[:-1]) + "; and " + items[-1]


def _adopt(
    number: int,
    document: str,
    group: list[tuple[PlannedAction, Supplied, str]],
    procedure: str,
    by_agreement: bool = False,
    audit: bool = False,
) -> Commitment:
    """One "adopt this document" action for every planned action a pack document supplies: the most
    urgent priority and earliest due date among them, the owner of the most urgent."""
    first = min(group, key=lambda g: (_PRIORITY_RANK[g[0].priority.value], g[0].due_date))
    action, _, owner = first
    covers = list(dict.fromkeys(s.covers for _, s, _ in group if s.covers))
    wording = IN_PACK.get(f"{document}:audit", IN_PACK[document]) if audit else IN_PACK[document]
    text = with_parent_condition(wording.format(procedure=procedure), by_agreement)
    if covers:
        # "the house rules ... They cover", "the code ... It covers"
        pronoun = "They cover " if document in _PLURAL_DOCUMENTS else "It covers "
        text = text.rstrip(".") + ". " + pronoun + _join(covers) + "."
    merged = action.model_copy(update={"text": text})
    c = _commitment(number, merged, owner)

    def union(attr: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(x for a, _, _ in group for x in getattr(a, attr)))

    return Commitment(
        **{
            **vars(c),
            "find_out_first": all(a.find_out_first for a, _, _ in group),
            "areas": union("areas"),
            "guidance": union("guidance"),
            "sources": union("sources"),
            "ids": tuple(a.id for a, _, _ in group),
            "supplies": tuple(dict.fromkeys(f"{s.document}#{s.section}" for _, s, _ in group)),
        }
    )


def plan(
    result: Result,
    catalogue: Catalogue,
    flags: Flags,
    org: Organisation | None = None,
    words: Words | None = None,
) -> tuple[Commitment, ...]:
    """The action plan as the documents print it.

    Each action is worded so that it never asks to write what the pack contains, and a parent or
    carer is contacted only when that is safe (documents/claims.py). Its owner is a role the
    organisation has. Actions whose gap a pack document supplies become one action per document,
    "adopt it and train on it", in the place of the most urgent of them (documents.yaml).
    """
    from assessor.documents.pack import document_title

    presentation = catalogue.presentation
    values = flag_values(flags, org)
    contents = pack_contents(flags)
    procedure = document_title("procedure", flags)
    procedure = procedure[0].lower() + procedure[1:]
    roles = dict(catalogue.meta.roles)
    groups: dict[str, list[tuple[PlannedAction, Supplied, str]]] = {}
    order: list[tuple[str, Any]] = []
    for action in result.actions:
        owner = owner_label(action, presentation, values, roles)
        entry = supplied_by(action, presentation, values, contents)
        if entry is None:
            order.append(("one", (in_pack_action(action, flags), owner)))
            continue
        if entry.document not in groups:
            groups[entry.document] = []
            order.append(("doc", entry.document))
        groups[entry.document].append((action, entry, owner))
    out = []
    for n, (kind, item) in enumerate(order, 1):
        if kind == "doc":
            out.append(_adopt(n, item, groups[item], procedure, flags.parents_by_agreement, flags.audit))
        else:
            out.append(_commitment(n, *item, words=words))
    rule = catalogue.meta.scoring.at_once
    windows = {rule.due, rule.immediate_due} - {None} if rule is not None else set()
    return tuple(dataclasses.replace(c, at_once=c.immediate and c.due_window in windows) for c in out)


def _open_item(f: Finding, titles: dict[str, str]) -> OpenItem:
    where = titles.get(f.area_id or "", "Organisation and platform profile")
    return OpenItem(f.question_id, f.text, f"{where}: {f.section}", _text(f.note))


def _heat_map(catalogue: Catalogue, risks: tuple[Risk, ...]) -> tuple[tuple[HeatCell, ...], ...]:
    matrix = catalogue.meta.scoring.matrix
    rows = []
    for likelihood in range(5, 0, -1):
        rows.append(
            tuple(
                HeatCell(
                    likelihood,
                    impact,
                    matrix[likelihood][impact - 1].value,
                    tuple(
                        r.number
                        for r in risks
                        if (r.residual.likelihood, r.residual.impact) == (likelihood, impact)
                    ),
                )
                for impact in range(1, 6)
            )
        )
    return tuple(rows)


def build_context(
    assessment: Assessment,
    catalogue: Catalogue,
    result: Result | None = None,
    *,
    changes: Changes | None = None,
) -> DocumentContext:
    """The document context for an assessment (scored here unless ``result`` is given).

    ``changes`` adds the risk assessment's page for trustees: changes since the last approved version."""
    result = result or score(assessment, catalogue)
    p = assessment.profile
    nation_code = p.get("nation") if p.get("nation") in catalogue.nations else None
    nation = catalogue.nations[nation_code or "england"] if catalogue.nations else None
    responses = assessment.responses()
    platform = platform_of(catalogue, responses)
    # The product's own name; a registry entry named by a description ("Self-hosted forum (...)")
    # is called by the name the organisation gave it.
    product = (platform.product or platform.name) if platform and "(" not in platform.name else ""
    choices = {qid: a.value for qid, a in assessment.answers.items() if isinstance(a.value, str)}
    flags = _flags(p, result.audit, nation_code is not None, platform, choices)
    focus = set(p.get("community_focus") or [])

    words = format_words(
        p.get("platform") or (platform.kind if platform else "") or "",
        p.get("platform_id") or "",
        result.audit,
        re.sub(r"\s*\([^()]*\)$", "", _text(p.get("platform_name"))) or product,
    )
    actions = plan(result, catalogue, flags, assessment.organisation, words)
    # Guidance is cited only for the platforms and formats it is about (guidance.yaml `applies_when`).
    cited = applicable_guidance(catalogue, responses)
    risks = _refer_back(
        tuple(
            _risk(n, area, catalogue, tuple(c.number for c in actions if area.id in c.areas), cited)
            for n, area in enumerate(result.areas, 1)
        )
    )
    titles = {a.id: a.title for a in catalogue.areas}
    other_apps = _listed(responses.get("behaviour.other_apps"))
    topics = _listed(responses.get("triggering_content.content_note_topics"))
    profile = Profile(
        purpose=_text(p.get("purpose")),
        platform_kind=(result.audit and catalogue.presentation.audit_kinds.get(p.get("platform") or ""))
        or catalogue.presentation.kinds.get(p.get("platform") or "")
        or _label(catalogue, "profile.platform", p.get("platform")),
        platform_name=_text(p.get("platform_name")),
        platform_short=short_platform_name(_text(p.get("platform_name")), product),
        audience=_audience_labels(catalogue, list(p.get("audience") or []), p.get("oldest_age")),
        size=_label(catalogue, "profile.size", p.get("size")),
        moderation_label=_label(catalogue, "profile.moderation", p.get("moderation")),
        moderation_hours=_text(p.get("moderation_hours")),
        response_time=_text(p.get("response_time")),
        nation=nation_code or "",
        nation_label=nation.label if nation and nation_code else "",
        lead=_contact(p.get("safeguarding_lead")),
        deputy=_contact(p.get("deputy_lead")),
        team=Contact(
            assessment.organisation.name,
            "",
            assessment.organisation.email or "",
            assessment.organisation.phone or "",
        ),
        features=_labels(catalogue, "profile.features", list(p.get("features") or [])),
        audit_apps=catalogue.presentation.apps_words(
            p.get("platform") or (platform.kind if platform else "") or "", set(p.get("features") or [])
        ),
        platform_product=product
        or re.sub(r"\s*\([^()]*\)$", "", _text(p.get("platform_name")))
        or "the platform",
        community_focus=_labels(
            catalogue,
            "profile.community_focus",
            [v for v in p.get("community_focus") or [] if v != "general"],
        ),
        under_age_groups=_labels(
            catalogue,
            "profile.audience",
            under_age_groups(platform, list(p.get("audience") or []), hosted=not result.audit),
        ),
        waiting_room=(platform.waiting_room_name if platform else None) or "waiting room",
        one_to_one=tuple(v for v in p.get("one_to_one") or [] if v != "none") if flags.one_to_one else (),
        reply_routes=_reply_routes(catalogue, p, flags, nation_code or "england"),
        incidents=tuple(v for v in p.get("incidents") or [] if v != "none"),
        incident_police=_text(p.get("incident_police")),
        languages=_text(p.get("languages")).rstrip("."),
        report_route=_text(p.get("report_route")).rstrip("."),
        other_apps=_labels(catalogue, "behaviour.other_apps", other_apps),
        other_apps_under_age=tuple(
            (app.name, app.minimum_age)
            for v in other_apps
            if (app := catalogue.platforms.get(v)) and under_age_groups(app, list(p.get("audience") or []))
        ),
        content_note_topics=_labels(
            catalogue, "triggering_content.content_note_topics", [v for v in topics if v != "spoiler_tags"]
        ),
        spoiler_tags="spoiler_tags" in topics,
    )
    meta = assessment.meta
    from assessor import lifecycle

    status = lifecycle.status(assessment)
    return DocumentContext(
        org=assessment.organisation,
        profile=profile,
        flags=flags,
        issued=meta.assessed_on,
        review=meta.review_date(),
        assessor=_text(meta.assessor),
        version=fingerprint(assessment),
        questionnaire=result.questionnaire_version,
        sign_off=tuple(assessment.sign_off),
        status=status.value,
        status_label=lifecycle.STATUS_LABELS[status],
        versions=_version_rows(assessment),
        approval=assessment.lifecycle.current if status == Status.approved and assessment.lifecycle else None,
        content_hash=lifecycle.content_hash(assessment),
        changes=changes,
        emergency=nation.emergency if nation else "999",
        helplines=tuple(
            h
            for h in nation.helplines
            if _for_audience(h, flags)
            and (_for_community(h, focus) or set(h.incidents) & set(p.get("incidents") or []))
        )
        if nation
        else (),
        platform=platform,
        broadcast=broadcast_noted(assessment, catalogue),
        facts={k.removeprefix("derived."): v for k, v in derived_facts(catalogue, responses).items()},
        contacts=_contacts(catalogue, nation_code or "england", flags, p.get("sector") or ""),
        overall=result.overall.value,
        overall_label=result.overall_label,
        overall_meaning=result.overall_meaning,
        risks=risks,
        not_applicable=tuple(titles[a] for a in result.not_applicable if a in titles),
        heat_map=_heat_map(catalogue, risks),
        actions=actions,
        to_find_out=tuple(_open_item(f, titles) for f in result.to_find_out),
        unanswered=tuple(_open_item(f, titles) for f in result.unanswered),
        private_notes=frozenset(
            qid
            for qid, a in assessment.answers.items()
            if catalogue.presentation.private_notes.withheld(qid, a.note, a.value)
        ),
        # A list of what staff never ask for is a safety message: printed whole, never by a short name.
        shorts={
            qid: q.short for qid, q in catalogue.index.items() if q.short and not NEVER_ASK.search(q.text)
        },
        answered=result.answered,
        visible=result.visible,
        guidance={gid: _citation(catalogue, gid) for gid in catalogue.guidance if gid in cited},
        band_labels={b.value: rule.label for b, rule in catalogue.meta.scoring.bands.items()},
        priority_labels={k.value: rule.label for k, rule in catalogue.meta.scoring.priorities.items()},
        reduction=dict(catalogue.meta.scoring.reduction),
        choices=choices,
        selections={
            qid: tuple(str(v) for v in a.value)
            for qid, a in assessment.answers.items()
            if isinstance(a.value, list | tuple)
        },
        incidents=tuple(
            (
                kind,
                _label(catalogue, "profile.incidents", kind),
                tuple(
                    e
                    for e in catalogue.presentation.incidents.get(kind, ())
                    if not e.communities or set(p.get("community_focus") or []) & set(e.communities)
                ),
            )
            for kind in profile.incidents
        ),
        words=words,
        phasing_note=_phasing_note(catalogue, actions),
    )
