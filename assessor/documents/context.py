"""Everything a document template may use, built once from an assessment and its score.

The context is plain data: facts from the profile, tailoring flags, the scored
risks and the action plan turned into dated commitments. Templates decide the
wording; this module only decides what is true.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from assessor.assessment import Assessment, Organisation, Person, SignOff
from assessor.questionnaire import Catalogue, ControlAnswer, Helpline, Priority
from assessor.scoring import AreaResult, Factor, Finding, PlannedAction, Rating, Result, score

UNDER_18 = frozenset({"under_13", "age_13_17"})
ADULTS = frozenset({"adults", "adults_at_risk"})


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    email: str
    phone: str

    @property
    def named(self) -> bool:
        return bool(self.name.strip())


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
    emergency: str
    helplines: tuple[Helpline, ...]  # the nation's, less those for an audience not taking part
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

    def answer(self, question_id: str) -> str:
        """The chosen value of a single-choice or control question, or "" when unanswered."""
        return self.choices.get(question_id, "")

    def in_place(self, question_id: str) -> bool:
        """Whether a control is answered "in place": only then may a document say it exists."""
        return self.answer(question_id) == ControlAnswer.in_place.value

    @property
    def top_risks(self) -> tuple[Risk, ...]:
        return self.risks[:3]

    @property
    def critical(self) -> tuple[Commitment, ...]:
        return tuple(c for c in self.actions if c.priority == Priority.critical.value)

    def commitments_for(self, *areas: str) -> list[Commitment]:
        """Planned actions that act on any of these risk areas, in plan order."""
        wanted = set(areas)
        return [c for c in self.actions if wanted.intersection(c.areas)]

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


def _labels(catalogue: Catalogue, qid: str, values: list[str]) -> tuple[str, ...]:
    return tuple(label for v in values if (label := _label(catalogue, qid, v)))


_NEGATIVE = {"Do not ": "not ", "Don't ": "not ", "Never ": "never "}
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]\"”’])\.\s+(?=[A-Z\"“])")
_YOUR = {"your": "our", "yours": "ours", "Your": "Our"}


def first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()


_FALLBACK = re.compile(r"^(If|Where|Otherwise|Unless|Until)\b")
_NEGATIVE_AFTER_COMMA = re.compile(r", (do not|don't|never) ")
_YOU_OBJECT = re.compile(r"\b(with|tell|for|to|ask|contact|show|give) you\b")
_YOU = {"you": "we", "You": "We", "yourself": "ourselves"}


def _first_person(text: str) -> str:
    """An instruction to "you" as the organisation's own words: "tell you" → "tell us"."""
    text = re.sub(r"\b(your|yours|Your)\b", lambda m: _YOUR[m.group(1)], text)
    text = _YOU_OBJECT.sub(lambda m: f"{m[1]} us", text)
    return re.sub(r"\b(you|You|yourself)\b", lambda m: _YOU[m[1]], text)


def _follow_we_will(sentence: str) -> str:
    what = _first_person(sentence.rstrip(".").strip())
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


def fingerprint(assessment: Assessment) -> str:
    """A short, stable reference to exactly these answers (printed in document footers)."""
    return hashlib.sha256(assessment.to_json().encode("utf-8")).hexdigest()[:8]


def _flags(profile: dict[str, Any], audit: bool, nation_known: bool) -> Flags:
    features = set(profile.get("features") or [])
    audience = set(profile.get("audience") or [])
    moderation = profile.get("moderation") or ""
    return Flags(
        runs=not audit,
        audit=audit,
        audit_concern=profile.get("relationship") == "audit_concern",
        nation_known=nation_known,
        under_13="under_13" in audience,
        under_18=bool(audience & UNDER_18),
        adults=bool(audience & ADULTS),
        adults_at_risk="adults_at_risk" in audience,
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


def _risk(number: int, area: AreaResult, catalogue: Catalogue, action_numbers: tuple[int, ...]) -> Risk:
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
        citations=tuple(_citation(catalogue, gid) for gid in area.guidance if gid in catalogue.guidance),
        actions=action_numbers,
    )


def _citation(catalogue: Catalogue, gid: str) -> Citation:
    item = catalogue.guidance[gid]
    return Citation(gid, item.source, item.topic)


def _commitment(number: int, action: PlannedAction) -> Commitment:
    return Commitment(
        number=number,
        id=action.id,
        text=action.text.strip(),
        headline=first_sentence(action.text).rstrip(".") + ".",
        what=commitment_wording(action.text),
        priority=action.priority.value,
        priority_label=action.priority_label,
        immediate=action.priority == Priority.critical,
        owner=action.owner_label,
        due=action.due_date,
        due_window=action.due_window,
        find_out_first=action.find_out_first,
        areas=tuple(action.areas),
        guidance=tuple(action.guidance),
    )


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
    assessment: Assessment, catalogue: Catalogue, result: Result | None = None
) -> DocumentContext:
    """The document context for an assessment (scored here unless ``result`` is given)."""
    result = result or score(assessment, catalogue)
    p = assessment.profile
    nation_code = p.get("nation") if p.get("nation") in catalogue.nations else None
    nation = catalogue.nations[nation_code or "england"] if catalogue.nations else None
    flags = _flags(p, result.audit, nation_code is not None)

    actions = tuple(_commitment(n, a) for n, a in enumerate(result.actions, 1))
    risks = tuple(
        _risk(n, area, catalogue, tuple(c.number for c in actions if area.id in c.areas))
        for n, area in enumerate(result.areas, 1)
    )
    titles = {a.id: a.title for a in catalogue.areas}
    profile = Profile(
        purpose=_text(p.get("purpose")),
        platform_kind=_label(catalogue, "profile.platform", p.get("platform")),
        platform_name=_text(p.get("platform_name")),
        platform_short=re.sub(r"\s*\([^()]*\)$", "", _text(p.get("platform_name")))
        or _text(p.get("platform_name")),
        audience=_labels(catalogue, "profile.audience", list(p.get("audience") or [])),
        size=_label(catalogue, "profile.size", p.get("size")),
        moderation_label=_label(catalogue, "profile.moderation", p.get("moderation")),
        moderation_hours=_text(p.get("moderation_hours")),
        response_time=_text(p.get("response_time")),
        nation=nation_code or "",
        nation_label=nation.label if nation and nation_code else "",
        lead=_contact(p.get("safeguarding_lead")),
        deputy=_contact(p.get("deputy_lead")),
        features=_labels(catalogue, "profile.features", list(p.get("features") or [])),
    )
    meta = assessment.meta
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
        emergency=nation.emergency if nation else "999",
        helplines=tuple(h for h in nation.helplines if _for_audience(h, flags)) if nation else (),
        overall=result.overall.value,
        overall_label=result.overall_label,
        overall_meaning=result.overall_meaning,
        risks=risks,
        not_applicable=tuple(titles[a] for a in result.not_applicable if a in titles),
        heat_map=_heat_map(catalogue, risks),
        actions=actions,
        to_find_out=tuple(_open_item(f, titles) for f in result.to_find_out),
        unanswered=tuple(_open_item(f, titles) for f in result.unanswered),
        answered=result.answered,
        visible=result.visible,
        guidance={gid: _citation(catalogue, gid) for gid in catalogue.guidance},
        band_labels={b.value: rule.label for b, rule in catalogue.meta.scoring.bands.items()},
        priority_labels={k.value: rule.label for k, rule in catalogue.meta.scoring.priorities.items()},
        reduction=dict(catalogue.meta.scoring.reduction),
        choices={qid: a.value for qid, a in assessment.answers.items() if isinstance(a.value, str)},
    )
