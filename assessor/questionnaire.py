"""Pydantic models of the questionnaire content in ``questionnaires/``.

Authors edit YAML; these models say what the YAML may contain. Every model
forbids unknown keys so a typo never passes silently. The JSON Schema in
``questionnaires/schema.json`` is generated from here (``assessor schema``).
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assessor.conditions import Condition
from assessor.platforms import Platform

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
    strength: float | None = Field(
        None,
        ge=0,
        le=1,
        description="For a scored single-choice question: how strong a control this answer is (0-1).",
    )


class ActionVariant(Strict):
    """Wording of an action for an organisation auditing a platform it does not run."""

    text: str
    owner: str | None = None
    guidance: GuidanceIds = Field(default_factory=list)


class Action(Strict):
    """What to do about a gap. ``priority`` is a floor; the residual risk may raise it."""

    id: str | None = Field(None, description="Set only in actions.yaml, where the key is the id.")
    text: str = Field(description="An instruction, starting with a verb.")
    priority: Priority = Priority.medium
    owner: str = Field(description="A role id from catalogue.yaml `roles`.")
    guidance: GuidanceIds = Field(default_factory=list)
    audit: ActionVariant | None = Field(
        None, description="What the organisation can do instead when it does not run the platform."
    )


class Question(Strict):
    id: str = Id
    kind: Kind
    text: str
    help: str | None = Field(None, description="'Why we ask': shown under the question.")
    guidance: GuidanceIds = Field(default_factory=list)
    show_if: Condition | None = None
    options: list[Option] = Field(default_factory=list)
    weight: float | None = Field(
        None, gt=0, le=10, description="How much this control counts in its risk area."
    )
    action: str | Action | None = Field(
        None, description="The action for a gap: an id from actions.yaml, or written inline."
    )
    placeholder: str | None = None
    short: str | None = Field(
        None, description="A few words naming the answer, to label the parts of a person question."
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


class RiskArea(Strict):
    id: str = Id
    title: str
    kind: Literal["key_risk", "operating"]
    summary: str = Field(description="What can go wrong, in one or two sentences.")
    guidance: GuidanceIds = Field(default_factory=list)
    show_if: Condition | None = None
    inherent: Inherent
    sections: list[Section] = Field(min_length=1)


class Profile(Strict):
    title: str
    intro: str | None = None
    sections: list[Section] = Field(min_length=1)


class GuidanceItem(Strict):
    source: str = Field(description="Short title of the source document.")
    topic: str


class Helpline(Strict):
    name: str
    purpose: str
    audience: Literal["everyone", "children", "adults"] = Field(
        "everyone", description="Listed only when the community includes this audience."
    )
    phone: str | None = None
    email: str | None = None
    web: str | None = None
    guidance: GuidanceIds = Field(default_factory=list)


class Nation(Strict):
    label: str
    emergency: str = "999"
    helplines: list[Helpline]


class PriorityRule(Strict):
    label: str
    due: str = Field(description="Due window shown in the action plan.")
    days: int = Field(ge=0, description="Days from the assessment date to the due date.")


class BandRule(Strict):
    label: str
    meaning: str


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
    priority_by_band: dict[Band, Priority]
    priorities: dict[Priority, PriorityRule]
    audit_when: Condition = Field(
        description="When this holds the organisation is auditing a platform it does not run."
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
    def area_by_question(self) -> dict[str, RiskArea]:
        return {q.id: a for a in self.areas for s in a.sections for q in s.questions}

    def action_for(self, q: Question) -> Action | None:
        if isinstance(q.action, str):
            return self.actions[q.action]
        if isinstance(q.action, Action):
            return q.action.model_copy(update={"id": q.action.id or q.id})
        return None
