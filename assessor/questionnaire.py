"""Pydantic models of the questionnaire content in ``questionnaires/``.

Authors edit YAML; these models say what the YAML may contain. Every model
forbids unknown keys so a typo never passes silently. The JSON Schema in
``questionnaires/schema.json`` is generated from here (``assessor schema``).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assessor.conditions import Condition
from assessor.contacts import Contacts
from assessor.platforms import Platform
from assessor.presentation import Presentation

Id = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
GuidanceIds = list[str]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Kind(StrEnum):
    single = "single"
    multi = "multi"
    control = "control"
    text = "text"
    long_text = "long_text"
    date = "date"
    person = "person"


class Priority(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


PRIORITY_ORDER = [Priority.critical, Priority.high, Priority.medium, Priority.low]


class Band(StrEnum):
    green = "green"
    amber = "amber"
    red = "red"


BAND_ORDER = [Band.green, Band.amber, Band.red]


class ControlAnswer(StrEnum):
    in_place = "in_place"
    partly = "partly"
    not_in_place = "not_in_place"
    dont_know = "dont_know"
    not_applicable = "not_applicable"


class Option(Strict):
    value: str = Id
    label: str
    help: str | None = Field(None, description="Optional explanation shown beside the option.")
    guidance: GuidanceIds = Field(default_factory=list)
    exclusive: bool = Field(
        False,
        description="For a tick-all question: an answer on its own, such as 'None of these'. "
        "Ticking it clears the other options, and ticking another option clears it.",
    )
    strength: float | None = Field(
        None,
        ge=0,
        le=1,
        description="For a scored single-choice question: how strong a control this answer is (0-1).",
    )


class PlatformVariant(Strict):
    """Wording of an action for a platform that lacks what the action's own text relies on."""

    when: Condition = Field(
        description="A condition, usually on the platform's derived facts (derived.platform_lacks)."
    )
    text: str
    adults: str | None = Field(None, description="The text when no under-18s take part.")
    priority: Priority | None = Field(
        None,
        description=(
            "Only in `given`: the action's own priority while this wording is chosen, where the answers "
            "show a danger that this wording's first instruction stops at once (adults who spend time "
            "with young members when nobody is on duty)."
        ),
    )
    immediate: bool = Field(
        False,
        description=(
            "Only in `given`: the action is also `immediate` while this wording is chosen; with `priority` "
            "critical, it is critical whatever its harm class (one step stops a danger the answers show)."
        ),
    )
    why: str | None = Field(
        None,
        description="Only in `given` with `priority`: why the answers make it this urgent, for the plan.",
    )
    split: bool = Field(
        False,
        description=(
            "Only in `given` with `priority`: this wording is only what can be done at once (one message "
            "to every volunteer), and the action's usual wording (its next `given`, platform or own text) "
            "follows as an action of its own, `<id>.then`, with the priority and due date the gap would "
            "have had: work that takes weeks is not dated at once (reading r12, GC 3)."
        ),
    )
    join_critical_rest: bool = Field(
        False,
        description=(
            "Only with `split`: where the rest is critical too and is itself a rule put in force now (the "
            "house rule on private chats with under-18s), it stays in this action, printed first, due at once."
        ),
    )
    rest_high: bool = Field(
        False,
        description=(
            "Only with `split`: the at-once part stops the danger itself (nobody unchecked works alone with "
            "young members), so the rest (interviews, references, the checks) is high at most, with its "
            "own date (reading r14, SC 3, LG 4)."
        ),
    )
    owner: str | None = Field(
        None,
        description="Only in `given`: who does what this wording asks, when not the action's owner (a role id).",
    )
    at_sign_off: bool = Field(
        False,
        description=(
            "This wording finishes a document the pack supplies (translating its rules into the "
            "languages members use), so it is due with that document's adoption, at sign-off: "
            "members are not bound for months by rules they cannot read."
        ),
    )


class ActionVariant(Strict):
    """Wording of an action for an organisation auditing a platform it does not run."""

    text: str
    owner: str | None = None
    guidance: GuidanceIds = Field(default_factory=list)
    given: list[PlatformVariant] = Field(
        default_factory=list,
        description=(
            "Audit wordings chosen by the answers (the first whose condition holds), for example by "
            "the kind of platform audited: the harms of a text app are not those of a video chat."
        ),
    )


class Action(Strict):
    """What to do about a gap. ``priority`` is its own priority; the harm may raise it one step."""

    id: str | None = Field(None, description="Set only in actions.yaml, where the key is the id.")
    text: str = Field(description="An instruction, starting with a verb.")
    priority: Priority = Priority.medium
    owner: str = Field(description="A role id from catalogue.yaml `roles`.")
    guidance: GuidanceIds = Field(default_factory=list)
    audit: ActionVariant | None = Field(
        None, description="What the organisation can do instead when it does not run the platform."
    )
    adults: str | None = Field(
        None,
        description=(
            "The text when no under-18s take part: the same instruction without the parts that are "
            "only about children (parents and carers, Childline, school)."
        ),
    )
    audit_action: str | None = Field(
        None,
        description=(
            "Instead of `audit`: the id of a shared action in actions.yaml to use in an audit, so that "
            "gaps giving the same advice become one action."
        ),
    )
    immediate: bool = Field(
        False,
        description=(
            "The gap is a danger now: when critical, the action is due at once even in a running community; "
            "as the first answer to an incident (`answers_incident`) it ranks before the other answers."
        ),
    )
    platform: list[PlatformVariant] = Field(
        default_factory=list,
        description=(
            "Wordings for platforms that cannot do what `text` asks (from platforms.yaml): the first "
            "whose `when` holds replaces `text` in a space the organisation runs."
        ),
    )
    given: list[PlatformVariant] = Field(
        default_factory=list,
        description=(
            "Wordings for when the answers already supply part of what `text` asks (a deputy is named; "
            "parents and carers are brought in only with the young person's agreement): the first whose "
            "`when` holds replaces `text` everywhere, so that no action asks for what exists or for what "
            "would harm the members. A platform wording, or an audit wording in an audit, still comes first."
        ),
    )
    supplied_by_pack: bool = Field(
        False,
        description=(
            "This tool's documents supply what the action asks for (a procedure, a code, a policy), so "
            "adopting it is quick: it ranks after real control gaps of the same priority and harm."
        ),
    )


class Cap(Strict):
    """How far an area may fall while a key control is missing: its residual stays at or above this.

    A cap never lifts an area above its inherent risk. With ``band``, the area keeps the
    lowest-scoring likelihood and impact (no higher than its inherent ones) that is still in
    that band, or its inherent risk if that is below the band.
    """

    band: Band | None = Field(None, description="The area cannot be rated below this band.")
    likelihood: int | None = Field(None, ge=1, le=5, description="Residual likelihood stays at least this.")
    impact: int | None = Field(None, ge=1, le=5, description="Residual impact stays at least this.")
    from_inherent: Band | None = Field(
        None, description="The cap applies only to areas whose inherent risk is in this band or above."
    )
    from_impact: int | None = Field(
        None, ge=1, le=5, description="The cap applies only to areas whose inherent impact is at least this."
    )

    @model_validator(mode="after")
    def _something(self) -> Cap:
        if self.band is None and self.likelihood is None and self.impact is None:
            raise ValueError("a cap needs a band, a likelihood or an impact")
        return self


class Question(Strict):
    id: str = Id
    kind: Kind
    text: str
    text_adults: str | None = Field(
        None,
        description="The question as printed for a community with no under-18s, when `text` speaks of children.",
    )
    help: str | None = Field(None, description="'Why we ask': shown under the question.")
    guidance: GuidanceIds = Field(default_factory=list)
    show_if: Condition | None = None
    optional: bool = Field(
        False,
        description="'Tick any you know of': no tick is a complete answer, so an empty answer is neither "
        "counted nor listed as unanswered. Only for an unscored question.",
    )
    options: list[Option] = Field(default_factory=list)
    weight: float | None = Field(
        None, gt=0, le=10, description="How much this control counts in its risk area."
    )
    action: str | Action | None = Field(
        None, description="The action for a gap: an id from actions.yaml, or written inline."
    )
    placeholder: str | None = None
    short: str | None = Field(
        None,
        description="A few words (at most 14) naming the safeguard, printed whole in the risk assessment's "
        "lists of safeguards; for a person question, the label of its parts.",
    )
    key: bool = Field(
        False,
        description=(
            "A key control: while it is not in place the area cannot fall below its cap, however "
            "strong the other controls are."
        ),
    )
    key_if: Condition | None = Field(
        None, description="With key: true, the control is key only when this holds (profile questions only)."
    )
    cap: Cap | None = Field(
        None, description="With key: true, this control's own cap, instead of the area's `cap`."
    )
    partly_cap: Cap | None = Field(
        None, description="With key: true, its cap while only partly in place, instead of the catalogue's."
    )
    also_counts_in: list[str] = Field(
        default_factory=list,
        description="Other risk areas (by id) where this answer also counts, with the same weight and key flag.",
    )
    harm: str | None = Field(
        None,
        description="The kind of harm a gap here lets through (a class in catalogue.yaml `harm_order`); defaults to the area's.",
    )
    mostly_in_place_with: list[str] = Field(
        default_factory=list,
        description=(
            "With key: true, control question ids: while every one of them is answered in place, this "
            "control answered 'partly' is mostly in place, so the action plan treats its gap like any "
            "control partly in place (`partly_at_most_by_band`), not as a key gap. The rating is unchanged."
        ),
    )
    whole_gap_when: Condition | None = Field(
        None,
        description=(
            "Where this holds, the control answered 'partly' is not half a safeguard: its action keeps "
            "its own priority instead of being held to the area's (`partly_at_most_by_band`). For "
            "example, moderators on some days only, while children can use the space at every hour. "
            "The rating is unchanged."
        ),
    )
    known_when: Condition | None = Field(
        None,
        description=(
            "Where this holds, other answers settle what a 'don't know' here leaves open (staff message "
            "young members one to one from personal accounts, and the plan's at-once stop reviews those "
            "chats): the action is not marked 'first find out whether this is already in place'. The "
            "rating is unchanged."
        ),
    )
    answers_incident: list[str] = Field(
        default_factory=list,
        description=(
            "Kinds of incident (options of profile.incidents) this control is the first answer to: "
            "when the profile records one, a gap here rises `incident_raise` step, is not held back by "
            "`priority_at_most_by_band`, and ranks by `rank_by: answers_incident`. While it is not in "
            "place that year, the area's likelihood keeps its rating before safeguards "
            "(catalogue.yaml `likelihood_floor`)."
        ),
    )
    floor_while_missing: bool = Field(
        False,
        description=(
            "Its absence is the harm the area names, and no other safeguard in the area does what it "
            "does: while it is not in place the area's likelihood keeps its rating before safeguards, "
            "and while it is partly in place it falls by at most `likelihood_floor.partly_steps`."
        ),
    )
    impact_while_missing: bool = Field(
        False,
        description=(
            "With `floor_while_missing`: nothing else in the area stops the harm going on while it is "
            "not in place (a report to you does not stop the next message), so the area's impact also "
            "keeps its rating before safeguards (`likelihood_floor.impact_because`)."
        ),
    )
    floor_after_incident: bool = Field(
        False,
        description=(
            "Every incident needs it (keeping evidence, for example): in a year with any incident "
            "recorded (profile.incidents), it holds the area's likelihood as `floor_while_missing` "
            "does, with `likelihood_floor.after_incident_because` as the reason."
        ),
    )

    @model_validator(mode="after")
    def _shape(self) -> Question:
        choice = self.kind in (Kind.single, Kind.multi)
        if choice and not self.options:
            raise ValueError(f"a {self.kind.value} question needs options")
        if not choice and self.options:
            raise ValueError(f"a {self.kind.value} question takes no options")
        if self.kind == Kind.control and self.weight is None:
            raise ValueError("a control question needs a weight")
        if self.weight is not None and self.action is None:
            raise ValueError("a scored question needs an action for when it is a gap")
        scored_options = [o for o in self.options if o.strength is not None]
        if scored_options and self.kind != Kind.single:
            raise ValueError("only single-choice questions can give options a strength")
        if scored_options and len(scored_options) != len(self.options):
            raise ValueError("give every option a strength, or none")
        if scored_options and self.weight is None:
            raise ValueError("a scored single-choice question needs a weight")
        if self.weight is not None and not (self.kind == Kind.control or scored_options):
            raise ValueError("only control and scored single-choice questions take a weight")
        if (
            self.key_if is not None
            or self.cap is not None
            or self.partly_cap is not None
            or self.mostly_in_place_with
        ) and not self.key:
            raise ValueError("key_if, cap, partly_cap and mostly_in_place_with go with key: true")
        if self.impact_while_missing and not self.floor_while_missing:
            raise ValueError("impact_while_missing goes with floor_while_missing: true")
        if (
            self.key or self.also_counts_in or self.floor_while_missing or self.floor_after_incident
        ) and not self.scored:
            raise ValueError(
                "only scored questions can be key controls, count in other areas or hold a floor"
            )
        return self

    @property
    def scored(self) -> bool:
        return self.weight is not None


class Section(Strict):
    id: str = Id
    title: str
    intro: str | None = None
    show_if: Condition | None = None
    questions: list[Question] = Field(min_length=1)


class Modifier(Strict):
    """A profile feature that changes inherent likelihood or impact."""

    when: Condition
    add: int | None = Field(None, ge=-4, le=4)
    at_least: int | None = Field(None, ge=1, le=5)
    because: str = Field(description="Plain-language reason shown in the explanation.")
    guidance: GuidanceIds = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_effect(self) -> Modifier:
        if (self.add is None) == (self.at_least is None):
            raise ValueError("a modifier needs exactly one of: add, at_least")
        return self


class Axis(Strict):
    base: int = Field(ge=1, le=5)
    modifiers: list[Modifier] = Field(default_factory=list)


class Inherent(Strict):
    likelihood: Axis
    impact: Axis


class StrengthRule(Strict):
    """While ``when`` holds, an area whose control strength is below ``below`` cannot fall below ``cap``."""

    when: Condition | None = Field(None, description="Profile condition; leave out to apply always.")
    below: float = Field(ge=0, le=1, description="Control strength under which the cap applies.")
    cap: Cap
    unless_in_place: list[str] = Field(
        default_factory=list,
        description=(
            "Control question ids: the rule lifts once every one of them is answered in place (so "
            "improving an answer can only lift it), for example out-of-hours signposting."
        ),
    )
    because: str = Field(
        description="The explanation's wording, ending so that '... this area cannot fall below' follows."
    )


class AreaSummary(Strict):
    """An area's summary for a particular case (for example, members seen under their real names)."""

    when: Condition
    summary: str


class RiskArea(Strict):
    id: str = Id
    title: str
    kind: Literal["key_risk", "operating"]
    summary: str = Field(description="What can go wrong, in one or two sentences.")
    summaries: list[AreaSummary] = Field(
        default_factory=list,
        description=(
            "Summaries for particular cases (a profile answer or a platform fact); the first that "
            "holds replaces `summary`, so the summary never says what the answers contradict."
        ),
    )
    guidance: GuidanceIds = Field(default_factory=list)
    show_if: Condition | None = None
    inherent: Inherent
    cap: Cap | None = Field(
        None, description="How far the area may fall while one of its key controls is missing."
    )
    urgent_when: Condition | None = Field(
        None,
        description="While this holds (profile only), the area's gaps rise `incident_raise` step (see Scoring) and rank by `rank_by: incident`.",
    )
    strength_rules: list[StrengthRule] = Field(
        default_factory=list,
        description="Floors for weak controls in particular cases, such as after an incident.",
    )
    harm: str | None = Field(
        None,
        description="The harm class (catalogue.yaml `harm_order`) of this area's questions that give none.",
    )
    sections: list[Section] = Field(min_length=1)

    def summary_for(self, responses: dict) -> str:
        return next((m.summary for m in self.summaries if m.when.holds(responses)), self.summary)


class Profile(Strict):
    title: str
    intro: str | None = None
    sections: list[Section] = Field(min_length=1)


class GuidanceItem(Strict):
    source: str = Field(description="Short title of the source document.")
    topic: str
    applies_when: Condition | None = Field(
        None,
        description=(
            "The platforms or formats the source is about: a document cites the item only for an "
            "assessment where this holds (an alert about random-pairing video chat is not cited for a "
            "Facebook group). Leave out for guidance that applies to every community."
        ),
    )

    def applies(self, answers: dict) -> bool:
        return self.applies_when is None or self.applies_when.holds(answers)


class Helpline(Strict):
    name: str
    purpose: str
    audience: Literal["everyone", "children", "adults"] = Field(
        "everyone", description="Listed only when the community includes this audience."
    )
    phone: str | None = None
    email: str | None = None
    web: str | None = None
    how: str | None = Field(
        None, description="How to reach it when no phone, email or web address is given (a national body)."
    )
    plain: str | None = Field(
        None,
        description="What members themselves may and may not do, in plain words for the members' rules, where "
        "`purpose` states the rule as it applies to the organisation's staff.",
    )
    guidance: GuidanceIds = Field(default_factory=list)
    communities: list[str] = Field(
        default_factory=list,
        description="Listed only when profile.community_focus includes one of these; empty for every community.",
    )
    incidents: list[str] = Field(
        default_factory=list,
        description=(
            "Listed as well (whatever the community) when profile.incidents includes one of these: an "
            "incident of that kind since the last review."
        ),
    )
    source: str | None = Field(None, description="Where the number and purpose were checked (a web address).")
    checked: date | None = Field(None, description="When they were last checked.")


class Nation(Strict):
    label: str
    emergency: str = "999"
    helplines: list[Helpline]


class PriorityRule(Strict):
    label: str
    due: str = Field(description="Due window shown in the action plan.")
    days: int = Field(ge=0, description="Days from the assessment date to the due date.")


class Meaning(Strict):
    when: Condition
    meaning: str


class BandRule(Strict):
    label: str
    meaning: str = Field(description="What the band means, when no `meanings` entry fits the case.")
    meanings: list[Meaning] = Field(
        default_factory=list,
        description="Wording for particular cases (an audit, a running or a planned community); the first that holds is used.",
    )

    def meaning_for(self, responses: dict) -> str:
        return next((m.meaning for m in self.meanings if m.when.holds(responses)), self.meaning)


class KeyCondition(Strict):
    """A key control that comes from the profile, such as a named safeguarding lead."""

    when: Condition = Field(description="When this holds, the key control is missing.")
    missing: str = Field(description="What is missing, for the explanation: 'No safeguarding lead is named'.")
    areas: list[str] = Field(description="Risk areas (by id) it caps.")
    cap: Cap
    action: Action
    guidance: GuidanceIds = Field(default_factory=list)


class KeyControls(Strict):
    """How key controls hold an area up while they are missing."""

    missing_answers: list[ControlAnswer] = Field(
        default_factory=lambda: [ControlAnswer.not_in_place, ControlAnswer.dont_know],
        description="Answers that count as missing (an unanswered key control always does).",
    )
    cap: Cap | None = Field(None, description="Cap for an area that gives none of its own.")
    partly_cap: Cap | None = Field(
        None, description="Cap while a key control is only partly in place (applies to every key control)."
    )
    linked: dict[str, list[str]] = Field(
        default_factory=dict,
        description=(
            "Risk area id -> key controls (question ids) of OTHER areas that also hold it up: what "
            "members share is only as safe as who can read it. While a linked key control is missing "
            "or only partly in place (and key for the profile), the area takes the same cap as the "
            "control's own area. Linked controls never count in the area's strength or action plan."
        ),
    )
    linked_missing_because: str = Field(
        "{name} (in area {area}) is {answer}, so",
        description="Why a missing linked key control holds an area up ({name}, {area}, {answer}).",
    )
    linked_partly_because: str = Field(
        "{name} (in area {area}) is only partly in place, so",
        description="Why a linked key control only partly in place holds an area up ({name}, {area}).",
    )


class LikelihoodFloor(Strict):
    """How far a risk's likelihood may fall while a safeguard that IS the harm's answer is not in place:
    one marked ``floor_while_missing``, or the first answer to an incident recorded this year
    (``answers_incident``). The likelihood keeps its rating before safeguards while it is not in
    place, and falls by at most ``partly_steps`` while it is partly in place."""

    partly_steps: int = Field(
        1, ge=0, le=4, description="How far the likelihood may fall while it is partly in place."
    )
    missing_because: str = Field(description="Why, for a marked control not in place ({name}, {answer}).")
    partly_because: str = Field(description="Why, for a marked control partly in place ({name}).")
    incident_because: str = Field(
        description="Why, for the first answer to this year's incident ({name}, {answer})."
    )
    impact_because: str | None = Field(
        None,
        description=(
            "Why, for a marked control not in place whose absence also holds the impact "
            "(`impact_while_missing`; {name}, {answer})."
        ),
    )
    incident_area: int | None = Field(
        None,
        ge=1,
        le=5,
        description=(
            "The lowest likelihood of an area where an incident was recorded this year"
            " (profile.incidents) while any of its safeguards is not fully in place."
        ),
    )
    incident_area_because: str | None = Field(None, description="Why, for an area with this year's incident.")
    after_incident_because: str | None = Field(
        None,
        description=(
            "Why, for a control every incident needs (`floor_after_incident`) in a year with an "
            "incident ({name}, {answer})."
        ),
    )


class WeakControls(Strict):
    """An area whose controls are not strong enough overall cannot fall below ``cap``."""

    below: float = Field(ge=0, le=1, description="Control strength under which the cap applies.")
    cap: Cap
    because: str = Field(description="The explanation's wording.")


class AtOnce(Strict):
    """When an action is due on the assessment date instead of in its priority's window."""

    when: Condition | None = Field(None, description="For example a community that is not running yet.")
    priorities: list[Priority] = Field(
        description="Priorities due at once when `when` holds, or when the action is `immediate`."
    )
    due: str = Field(description="Due window shown when `when` holds.")
    immediate_due: str | None = Field(None, description="Due window of an immediate action otherwise.")


class Phasing(Strict):
    """How many actions may fall due together: later ones, in plan order, are due in later phases."""

    at_most: int = Field(ge=1, description="At most this many non-critical actions fall due in each phase.")
    every_days: int = Field(ge=1, description="The length of a phase, in days.")
    due: str = Field(
        description=(
            "Due window of an action moved to a later phase: {phase} is its number (2 or more), "
            "{weeks} the weeks from the assessment date to its due date."
        )
    )
    explain: str = Field(
        description=(
            "The sentence the action plan adds when any action is moved to a later phase: {at_most} "
            "and {weeks} (the length of a phase) are filled in."
        )
    )
    explain_sign_off: str | None = Field(
        None,
        description=(
            "Added to `explain` when any action adopting a pack document is due at sign-off: those "
            "are not phased, so the phase limit does not count them. {n} is how many (reading r8, AQ 5)."
        ),
    )
    explain_review: str | None = Field(
        None,
        description=(
            "Added to `explain` when any action is due by the next review because its phase would end "
            "later: the limit cannot hold for them. {n} is how many (reading r8, AQ 5)."
        ),
    )
    by_review: str = Field(
        "Before the next review",
        description=(
            "Due window of an action whose phase would end after the next review date: it is due by "
            "that date instead, since no action may fall due after the review that checks it."
        ),
    )
    pack_due: str = Field(
        "With the sign-off: within {weeks} weeks",
        description=(
            "Due window of an action that adopts a document this pack supplies (`supplied_by_pack`, "
            "or a `supplied` entry in documents.yaml that holds in every pack): it is not phased, but "
            "due within the first phase, since the trustees sign the pack now. {weeks} is filled in."
        ),
    )


class RoleFallback(Strict):
    """Actions for a role nobody holds yet go to another role until someone does."""

    when: Condition
    owner: str = Field(description="A role id.")
    label: str = Field(description="Owner label shown, such as 'Trustees (acting lead)'.")


class HarmOrder(Strict):
    """The order in which gaps of each harm class are closed, for the cases where ``when`` holds."""

    when: Condition | None = Field(None, description="Profile condition; the first entry that holds is used.")
    order: list[str] = Field(description="Harm classes, most harmful first. A class not listed comes last.")
    critical: list[str] | None = Field(
        None,
        description="Only gaps of these classes may be critical (key conditions always may); others stop at high.",
    )
    at_most: dict[str, Priority] = Field(
        default_factory=dict,
        description=(
            "By harm class: the most urgent priority a gap of that class can have in this case (for "
            "example data: medium, where a record-keeping gap is an improvement, never a first action)."
        ),
    )
    at_least: dict[str, Priority] = Field(
        default_factory=dict,
        description=(
            "By harm class: the least urgent priority a gap of that class can have in this case, "
            "still never more than `max_raise` above the action's own priority and never above "
            "`priority_at_most_by_band` (for example vetting: critical with children, where people "
            "without checks can reach them now)."
        ),
    )


class RankBy(StrEnum):
    """What the action plan can rank by, within a priority (``rank_by`` lists them in order)."""

    answers_incident = "answers_incident"  # the control is the first answer to an incident recorded this year
    harm_class = "harm_class"  # the question's harm class, in `harm_order`'s order for the case
    key_missing = "key_missing"  # closes a key control that is missing
    key = "key"  # closes a key control, missing or only partly in place
    absent = "absent"  # the safeguard is not in place at all (not partly)
    answered = "answered"  # an answered gap before one still to find out
    real_gap = "real_gap"  # a real control gap before adopting a document this pack supplies
    incident = "incident"  # an incident of this kind happened in the past year
    immediate = "immediate"  # the action is marked `immediate`: a danger now
    residual = "residual"  # the area's residual risk (likelihood x impact)
    gap = "gap"  # the question's weight x how far it is from in place
    own_priority = "own_priority"  # the action's own priority
    # a `given` wording with its own `priority` holds: the answers show a danger the action stops at
    # once (adults with young members when nobody is on duty), so it comes first and keeps its place
    # when `critical_at_most` lowers the rest
    answered_danger = "answered_danger"


class CriticalForHigh(Strict):
    """A plan rated High has at least one critical action: the most harmful gap of a severe High area."""

    from_impact: int = Field(
        1, ge=1, le=5, description="Only for High areas whose residual impact is at least this."
    )


class Scoring(Strict):
    answer_strength: dict[ControlAnswer, float] = Field(
        description="Control strength (0-1) of each control answer except not_applicable."
    )
    reduction: dict[Literal["likelihood", "impact"], int] = Field(
        description="Points a fully effective set of controls takes off each axis."
    )
    matrix: dict[int, list[Band]] = Field(
        description="RAG band by likelihood (keys 1-5), one entry per impact 1-5."
    )
    bands: dict[Band, BandRule]
    priority_by_band: dict[Band, Priority] = Field(
        description="Priority a gap reaches in an area of each residual band (at most `max_raise` steps above the action's own)."
    )
    priority_by_band_key: dict[Band, Priority] | None = Field(
        None, description="The same for a missing key control. Defaults to priority_by_band."
    )
    max_raise: int = Field(
        3,
        ge=0,
        le=3,
        description="How many steps the area's band may raise an action above its own priority.",
    )
    incident_raise: int = Field(
        0,
        ge=0,
        le=1,
        description=(
            "Steps an action rises above the priority it would otherwise have when it serves an area "
            "with an incident since the last review (the area's `urgent_when`), never more than "
            "`max_raise` above its own priority; `rank_by: incident` first puts it first within its priority."
        ),
    )
    incident_answer_max_raise: int | None = Field(
        None,
        ge=0,
        le=2,
        description=(
            "How far above its own priority the first answer to an incident recorded this year (a "
            "question's `answers_incident`) may rise; defaults to `max_raise`. An action whose own "
            "priority is low still never becomes critical (at most `max_raise` + 1 below it)."
        ),
    )
    incident_answer_band: bool = Field(
        False,
        description=(
            "When true, the first answer to an incident recorded this year takes its priority from the "
            "more serious of its own area's residual band and that of the area where the incident "
            "happened (the area whose id is the incident kind)."
        ),
    )
    critical_at_most: int | None = Field(
        None,
        ge=0,
        description=(
            "At most this many critical actions closing gaps (key conditions of the profile are not "
            "counted); the least harmful beyond it become high."
        ),
    )
    critical_in_all_at_most: int | None = Field(
        None,
        ge=0,
        description=(
            "With `critical_at_most`: at most this many critical actions in all, key conditions of the "
            "profile included, so a profile's own critical actions leave fewer places for gaps."
        ),
    )
    critical_for_high: CriticalForHigh | None = Field(
        None,
        description=(
            "When set and no action is critical, the most harmful gap serving a High area with severe "
            "harm is critical, if its harm class may be critical and its own priority is at most "
            "`max_raise` steps below critical; "
            "otherwise the plan says why not."
        ),
    )
    priority_at_most_by_band: dict[Band, Priority] = Field(
        default_factory=dict,
        description="The most urgent priority a gap can have in an area of this residual band (for example Low: medium).",
    )
    partly_at_most_by_band: dict[Band, Priority] = Field(
        default_factory=dict,
        description=(
            "The most urgent priority a gap can have in an area of this residual band while its control "
            "is partly in place and is not a key control (or is mostly in place: `mostly_in_place_with`): "
            "the action's own priority is then a ceiling, not a floor. An incident still raises it."
        ),
    )
    harm_order: list[HarmOrder] = Field(
        default_factory=list,
        description="Harm classes in the order a safeguarding lead closes them; the first entry whose `when` holds is used.",
    )
    rank_by: list[RankBy] = Field(
        default_factory=lambda: list(RankBy),
        description=(
            "Within a priority, what ranks one action before another, most telling first (after key "
            "conditions of the profile, which rank first)."
        ),
    )
    priorities: dict[Priority, PriorityRule]
    at_once: AtOnce | None = None
    phasing: Phasing | None = Field(
        None,
        description=(
            "Spreads the non-critical actions over phases, in plan order, so that no more than "
            "`at_most` fall due in any one phase: an action keeps its priority and is never due "
            "before its priority's window."
        ),
    )
    audit_when: Condition = Field(
        description="When this holds the organisation is auditing a platform it does not run."
    )
    key_controls: KeyControls = Field(default_factory=KeyControls)
    weak_controls: WeakControls | None = None
    likelihood_floor: LikelihoodFloor | None = Field(
        None,
        description=(
            "A safeguard whose absence is the harm itself (`floor_while_missing`), or the first answer "
            "to an incident this year (`answers_incident`), holds the likelihood up while it is missing."
        ),
    )
    weak_controls_more: list[WeakControls] = Field(
        default_factory=list,
        description="Further weak-controls rules, for example a High floor for very weak controls.",
    )
    key_conditions: dict[str, KeyCondition] = Field(
        default_factory=dict, description="Key controls from the profile, by id (the id of their action)."
    )
    role_fallbacks: dict[str, RoleFallback] = Field(
        default_factory=dict, description="By role id: who owns that role's actions while nobody holds it."
    )

    @model_validator(mode="after")
    def _complete(self) -> Scoring:
        if sorted(self.matrix) != [1, 2, 3, 4, 5] or any(len(r) != 5 for r in self.matrix.values()):
            raise ValueError("matrix needs rows 1-5, each with 5 bands")
        missing = {a for a in ControlAnswer if a != ControlAnswer.not_applicable} - set(self.answer_strength)
        if missing:
            raise ValueError(f"answer_strength is missing {sorted(m.value for m in missing)}")
        for name, collection, enum in (
            ("bands", self.bands, Band),
            ("priority_by_band", self.priority_by_band, Band),
            ("priorities", self.priorities, Priority),
        ):
            if set(collection) != set(enum):
                raise ValueError(f"{name} needs an entry for each of {[e.value for e in enum]}")
        return self


class CatalogueMeta(Strict):
    """``catalogue.yaml``: identity, scoring rules and vocabularies."""

    id: str = Id
    title: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    control_answers: dict[ControlAnswer, str] = Field(description="Label of each control answer.")
    roles: dict[str, str] = Field(description="Owner role ids and their labels.")
    scoring: Scoring


class Catalogue(Strict):
    """Everything loaded from a questionnaire folder, cross-checked."""

    meta: CatalogueMeta
    guidance: dict[str, GuidanceItem]
    profile: Profile
    areas: list[RiskArea]
    actions: dict[str, Action]
    nations: dict[str, Nation]
    platforms: dict[str, Platform] = Field(default_factory=dict)  # platforms.yaml, by profile.platform_id
    contacts: Contacts | None = None  # contacts.yaml: statutory routes, retention, the NSPCC template
    presentation: Presentation = Field(
        default_factory=Presentation
    )  # documents.yaml: owners, what the pack supplies

    def questions(self) -> list[Question]:
        """Profile then area questions, in the order a user meets them."""
        out = [q for s in self.profile.sections for q in s.questions]
        for area in self.areas:
            out.extend(q for s in area.sections for q in s.questions)
        return out

    @cached_property
    def index(self) -> dict[str, Question]:
        """Questions by id."""
        return {q.id: q for q in self.questions()}

    @cached_property
    def control_strengths(self) -> dict[str, float]:
        """Strength of each control answer, by its value (scoring reads this for every answer)."""
        return {a.value: v for a, v in self.meta.scoring.answer_strength.items()}

    @cached_property
    def control_labels(self) -> dict[str, str]:
        return {a.value: v for a, v in self.meta.control_answers.items()}

    @cached_property
    def option_labels(self) -> dict[str, dict[str, str]]:
        return {q.id: {o.value: o.label for o in q.options} for q in self.questions()}

    @cached_property
    def option_strengths(self) -> dict[str, dict[str, float | None]]:
        return {q.id: {o.value: o.strength for o in q.options} for q in self.questions()}

    @cached_property
    def area_by_question(self) -> dict[str, RiskArea]:
        return {q.id: a for a in self.areas for s in a.sections for q in s.questions}

    @model_validator(mode="after")
    def _references(self) -> Catalogue:
        """Ids the scoring rules name must exist (the loader's cross-check gives positions for the rest)."""
        problems = []
        area_ids = {a.id for a in self.areas}
        actions = [(f"actions.yaml {k}", a) for k, a in self.actions.items()]
        for q in self.questions():
            if isinstance(q.action, Action):
                actions.append((q.id, q.action))
            problems += [
                f"{q.id}: also_counts_in names unknown area '{x}'"
                for x in q.also_counts_in
                if x not in area_ids
            ]
        rules = self.meta.scoring
        classes = {c for h in rules.harm_order for c in h.order}
        if classes:
            named = [(a.id, a.harm) for a in self.areas] + [(q.id, q.harm) for q in self.questions()]
            problems += [
                f"{where}: harm class '{h}' is in no harm_order list"
                for where, h in named
                if h and h not in classes
            ]
        for kid, kc in rules.key_conditions.items():
            actions.append((f"key condition {kid}", kc.action))
            problems += [f"key condition {kid}: unknown area '{x}'" for x in kc.areas if x not in area_ids]
        for where, action in actions:
            if action.audit_action is not None and action.audit_action not in self.actions:
                problems.append(f"{where}: audit_action '{action.audit_action}' is not in actions.yaml")
            if action.owner not in self.meta.roles:
                problems.append(f"{where}: unknown owner role '{action.owner}'")
        for role, fb in rules.role_fallbacks.items():
            for r in (role, fb.owner):
                if r not in self.meta.roles:
                    problems.append(f"role_fallbacks: unknown role '{r}'")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @cached_property
    def _inline_actions(self) -> dict[str, Action]:
        return {
            q.id: q.action.model_copy(update={"id": q.action.id or q.id})
            for q in self.questions()
            if isinstance(q.action, Action)
        }

    def action_for(self, q: Question) -> Action | None:
        if isinstance(q.action, str):
            return self.actions[q.action]
        if isinstance(q.action, Action):
            inline = self._inline_actions.get(q.id)
            return inline if inline is not None else q.action.model_copy(update={"id": q.action.id or q.id})
        return None
