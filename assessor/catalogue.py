"""Load a questionnaire folder, validate every file, and cross-check references.

Layout of a questionnaire folder::

    catalogue.yaml   identity, scoring rules, roles, control-answer labels
    guidance.yaml    registry of guidance ids with a short citation
    profile.yaml     the organisation and platform profile
    actions.yaml     shared recommended actions, by id
    helplines.yaml   emergency numbers and helplines by nation
    platforms.yaml   checked facts about common platforms, by profile.platform_id
    contacts.yaml    statutory routes by nation, record retention, the NSPCC policy template
    areas/*.yaml     one risk area per file, in file-name order

All problems in all files are collected and raised together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from assessor.conditions import tests_in
from assessor.contacts import Contacts
from assessor.errors import Problem, SourceErrors
from assessor.platforms import DERIVED, Platform
from assessor.presentation import Presentation
from assessor.questionnaire import (
    Action,
    Catalogue,
    CatalogueMeta,
    ControlAnswer,
    GuidanceItem,
    Kind,
    Nation,
    Profile,
    Question,
    RiskArea,
)
from assessor.sourcemap import SourceMap, read_file
from assessor.validation import validate

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "questionnaires"

FILES: dict[str, Any] = {
    "catalogue.yaml": CatalogueMeta,
    "guidance.yaml": TypeAdapter(dict[str, GuidanceItem]),
    "profile.yaml": Profile,
    "actions.yaml": TypeAdapter(dict[str, Action]),
    "helplines.yaml": TypeAdapter(dict[str, Nation]),
    "platforms.yaml": TypeAdapter(dict[str, Platform]),
    "contacts.yaml": Contacts,
    "documents.yaml": Presentation,
}
# Files a folder may leave out: documents.yaml only tailors how the documents present the plan.
_OPTIONAL: set[str] = {"documents.yaml"}
GUIDANCE_ID = r"^\d{3}\.[A-Z]+\d+[a-z]?$"


@dataclass
class _Source:
    data: Any
    smap: SourceMap
    model: Any

    def at(self, loc: tuple[Any, ...], message: str, key: bool = False) -> Problem:
        return self.smap.problem(self.data, loc, message, key=key)


def _read(path: Path, model: Any, problems: list[Problem]) -> _Source | None:
    try:
        data, smap = read_file(path)
        return _Source(data, smap, validate(model, data, smap))
    except SourceErrors as exc:
        problems.extend(exc.problems)
    except OSError as exc:
        problems.append(Problem(str(path), 1, 1, f"cannot read file: {exc.strerror}"))
    return None


def load_catalogue(folder: Path | str = DEFAULT_DIR) -> Catalogue:
    """Load and cross-check a questionnaire folder; raise SourceErrors listing every problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceErrors([Problem(str(folder), 1, 1, "not a questionnaire folder")])
    problems: list[Problem] = []
    sources: dict[str, _Source | None] = {}
    for name, model in FILES.items():
        path = folder / name
        if not path.exists() and name in _OPTIONAL:  # the platform check then lists every missing entry
            sources[name] = _Source({}, SourceMap(str(path)), {})
            continue
        if not path.exists():
            problems.append(Problem(str(path), 1, 1, "required file is missing"))
            sources[name] = None
            continue
        sources[name] = _read(path, model, problems)
    area_paths = sorted((folder / "areas").glob("*.yaml"))
    if not area_paths:
        problems.append(Problem(str(folder / "areas"), 1, 1, "no risk area files (areas/*.yaml)"))
    areas = [_read(p, RiskArea, problems) for p in area_paths]
    if problems or any(s is None for s in sources.values()) or any(a is None for a in areas):
        raise SourceErrors(problems)
    checker = _CrossCheck(sources, [a for a in areas if a is not None])  # type: ignore[arg-type]
    checker.run()
    if checker.problems:
        raise SourceErrors(checker.problems)
    return Catalogue(
        meta=sources["catalogue.yaml"].model,  # type: ignore[union-attr]
        guidance=sources["guidance.yaml"].model,  # type: ignore[union-attr]
        profile=sources["profile.yaml"].model,  # type: ignore[union-attr]
        areas=[a.model for a in areas],  # type: ignore[union-attr]
        actions={k: v.model_copy(update={"id": k}) for k, v in sources["actions.yaml"].model.items()},  # type: ignore[union-attr]
        nations=sources["helplines.yaml"].model,  # type: ignore[union-attr]
        platforms=sources["platforms.yaml"].model,  # type: ignore[union-attr]
        contacts=sources["contacts.yaml"].model or None,  # type: ignore[union-attr]
        presentation=sources["documents.yaml"].model or Presentation(),  # type: ignore[union-attr]
    )


@lru_cache(maxsize=4)
def default_catalogue() -> Catalogue:
    """The bundled questionnaire, loaded once per process (it is immutable)."""
    return load_catalogue(DEFAULT_DIR)


class _CrossCheck:
    """Checks that span files: ids, references, ordering, guidance, roles."""

    def __init__(self, sources: dict[str, _Source], areas: list[_Source]) -> None:
        self.src = sources
        self.areas = areas
        self.meta: CatalogueMeta = sources["catalogue.yaml"].model
        self.guidance: dict[str, GuidanceItem] = sources["guidance.yaml"].model
        self.actions: dict[str, Action] = sources["actions.yaml"].model
        self.problems: list[Problem] = []
        self.seen: dict[str, Question] = {}  # questions met so far, in order

    def run(self) -> None:
        import re

        self.area_ids = {a.model.id for a in self.areas}
        self.harm_classes = {c for h in self.meta.scoring.harm_order for c in h.order}

        g = self.src["guidance.yaml"]
        for gid in self.guidance:
            if not re.match(GUIDANCE_ID, gid):
                self.problems.append(g.at((gid,), f"'{gid}' is not a guidance id like 003.H5", key=True))
        self._check_actions()
        self._check_nations()
        self._check_contacts()
        self._check_platforms()
        self._check_presentation()
        profile = self.src["profile.yaml"]
        self._check_sections(profile, profile.model.sections, (), prefix="profile.", in_profile=True)
        for gid, item in self.guidance.items():
            self._check_condition(g, (gid, "applies_when"), item.applies_when, profile_only=True)
        self._check_scoring()
        area_ids: dict[str, str] = {}
        for src in self.areas:
            area: RiskArea = src.model
            if area.id in area_ids:
                self.problems.append(
                    src.at(("id",), f"risk area id '{area.id}' is already used in {area_ids[area.id]}")
                )
            area_ids[area.id] = src.smap.path
            self._check_guidance(src, ("guidance",), area.guidance)
            self._check_condition(src, ("show_if",), area.show_if, profile_only=True)
            self._check_condition(src, ("urgent_when",), area.urgent_when, profile_only=True)
            for i, alt in enumerate(area.summaries):
                self._check_condition(src, ("summaries", i, "when"), alt.when, profile_only=True)
            for i, rule in enumerate(area.strength_rules):
                self._check_condition(src, ("strength_rules", i, "when"), rule.when, profile_only=True)
                self._check_slots(src, ("strength_rules", i, "because"), rule.because)
                for j, qid in enumerate(rule.unless_in_place):
                    q = self._question(qid)
                    if q is None or q.kind != Kind.control:
                        self.problems.append(
                            src.at(
                                ("strength_rules", i, "unless_in_place", j),
                                f"'{qid}' is not a control question",
                            )
                        )
            self._check_harm(src, ("harm",), area.harm)
            for axis in ("likelihood", "impact"):
                for i, mod in enumerate(getattr(area.inherent, axis).modifiers):
                    loc = ("inherent", axis, "modifiers", i)
                    self._check_condition(src, (*loc, "when"), mod.when, profile_only=True)
                    self._check_guidance(src, (*loc, "guidance"), mod.guidance)
                    self._check_slots(src, (*loc, "because"), mod.because)
            self._check_sections(src, area.sections, (), prefix=f"{area.id}.", in_profile=False)
            if not any(q.scored for s in area.sections for q in s.questions):
                self.problems.append(src.at(("sections",), f"risk area '{area.id}' has no scored question"))

    # -- pieces -------------------------------------------------------------

    def _check_slots(self, src: _Source, loc: tuple[Any, ...], text: str | None) -> None:
        """A reason's ``{...}`` slots name derived facts only (scoring fills them from the answers)."""
        for slot in re.findall(r"\{([^{}]*)\}", text or ""):
            if slot not in DERIVED:
                self.problems.append(src.at(loc, f"'{{{slot}}}' is not a derived fact scoring can fill"))

    def _check_harm(self, src: _Source, loc: tuple[Any, ...], harm: str | None) -> None:
        if harm is not None and self.harm_classes and harm not in self.harm_classes:
            known = ", ".join(sorted(self.harm_classes))
            self.problems.append(
                src.at(
                    loc, f"harm class '{harm}' is in no harm_order list in catalogue.yaml (known: {known})"
                )
            )

    def _check_area_ref(self, src: _Source, loc: tuple[Any, ...], area: str) -> None:
        if area not in self.area_ids:
            known = ", ".join(sorted(self.area_ids))
            self.problems.append(src.at(loc, f"unknown risk area '{area}' (known: {known})"))

    def _check_scoring(self) -> None:
        """The scoring rules in catalogue.yaml: conditions, roles, areas, harm classes, actions."""
        meta = self.src["catalogue.yaml"]
        rules = self.meta.scoring
        at = ("scoring",)
        self._check_condition(meta, (*at, "audit_when"), rules.audit_when, profile_only=True)
        for band, rule in rules.bands.items():
            for i, m in enumerate(rule.meanings):
                loc = (*at, "bands", band.value, "meanings", i, "when")
                # A band's meaning may follow an answer as well as the profile (an audit's decision).
                self._check_condition(meta, loc, m.when, profile_only=False, wording=True)
        if rules.at_once is not None:
            self._check_condition(meta, (*at, "at_once", "when"), rules.at_once.when, profile_only=True)
        for kid, kc in rules.key_conditions.items():
            loc = (*at, "key_conditions", kid)
            self._check_condition(meta, (*loc, "when"), kc.when, profile_only=True)
            self._check_guidance(meta, (*loc, "guidance"), kc.guidance)
            for i, area in enumerate(kc.areas):
                self._check_area_ref(meta, (*loc, "areas", i), area)
            self._check_action(meta, (*loc, "action"), kc.action)
        for area_id, qids in rules.key_controls.linked.items():
            loc = (*at, "key_controls", "linked", area_id)
            self._check_area_ref(meta, loc, area_id)
            for i, qid in enumerate(qids):
                q = self._question(qid)
                if q is None or not q.key or qid.startswith(f"{area_id}."):
                    self.problems.append(
                        meta.at((*loc, i), f"'{qid}' is not a key control of another risk area")
                    )
        for role, fb in rules.role_fallbacks.items():
            loc = (*at, "role_fallbacks", role)
            if role not in self.meta.roles:
                known = ", ".join(sorted(self.meta.roles))
                self.problems.append(meta.at(loc, f"unknown role '{role}' (known: {known})", key=True))
            self._check_role(meta, (*loc, "owner"), fb.owner)
            self._check_condition(meta, (*loc, "when"), fb.when, profile_only=True)
        for i, h in enumerate(rules.harm_order):
            loc = (*at, "harm_order", i)
            self._check_condition(meta, (*loc, "when"), h.when, profile_only=True)
            seen: set[str] = set()
            for j, cls in enumerate(h.order):
                if cls in seen:
                    self.problems.append(meta.at((*loc, "order", j), f"harm class '{cls}' is listed twice"))
                seen.add(cls)
            for j, cls in enumerate(h.critical or []):
                if cls not in seen:
                    self.problems.append(
                        meta.at((*loc, "critical", j), f"harm class '{cls}' is not in this entry's order")
                    )
            for cls in [*h.at_most, *h.at_least]:
                if cls not in seen:
                    self.problems.append(
                        meta.at(
                            (*loc, "at_most" if cls in h.at_most else "at_least", cls),
                            f"harm class '{cls}' is not in this entry's order",
                            key=True,
                        )
                    )

    def _check_guidance(self, src: _Source, loc: tuple[Any, ...], ids: list[str]) -> None:
        for i, gid in enumerate(ids):
            if gid not in self.guidance:
                self.problems.append(src.at((*loc, i), f"unknown guidance id '{gid}'"))

    def _check_role(self, src: _Source, loc: tuple[Any, ...], role: str | None) -> None:
        if role is not None and role not in self.meta.roles:
            known = ", ".join(sorted(self.meta.roles))
            self.problems.append(src.at(loc, f"unknown owner role '{role}' (known: {known})"))

    def _check_action(self, src: _Source, loc: tuple[Any, ...], action: Action) -> None:
        self._check_guidance(src, (*loc, "guidance"), action.guidance)
        self._check_role(src, (*loc, "owner"), action.owner)
        for i, variant in enumerate(action.given):
            if variant.owner is not None:
                self._check_role(src, (*loc, "given", i, "owner"), variant.owner)
        if action.audit is not None:
            self._check_guidance(src, (*loc, "audit", "guidance"), action.audit.guidance)
            self._check_role(src, (*loc, "audit", "owner"), action.audit.owner)
            for i, variant in enumerate(action.audit.given):
                self._check_condition(
                    src, (*loc, "audit", "given", i, "when"), variant.when, profile_only=False, wording=True
                )
        if action.audit_action is not None and action.audit_action not in self.actions:
            self.problems.append(
                src.at(
                    (*loc, "audit_action"),
                    f"unknown action id '{action.audit_action}' for audit_action (see actions.yaml)",
                )
            )
        for i, variant in enumerate(action.platform):
            self._check_condition(src, (*loc, "platform", i, "when"), variant.when, profile_only=False)
        for i, variant in enumerate(action.given):
            # chosen after every answer is in: any question may be named, in any order
            self._check_condition(
                src, (*loc, "given", i, "when"), variant.when, profile_only=False, wording=True
            )

    def _check_actions(self) -> None:
        src = self.src["actions.yaml"]
        for aid, action in self.actions.items():
            if action.id is not None:
                self.problems.append(src.at((aid, "id"), "leave out 'id' here: the key is the id", key=True))
            self._check_action(src, (aid,), action)

    def _check_nations(self) -> None:
        src = self.src["helplines.yaml"]
        for code, nation in self.src["helplines.yaml"].model.items():
            for i, line in enumerate(nation.helplines):
                self._check_guidance(src, (code, "helplines", i, "guidance"), line.guidance)
                self._check_communities(src, (code, "helplines", i, "communities"), line.communities)
                kinds = next(
                    (
                        q
                        for s in self.src["profile.yaml"].model.sections
                        for q in s.questions
                        if q.id == "profile.incidents"
                    ),
                    None,
                )
                known = {o.value for o in kinds.options} if kinds else set()
                for j, value in enumerate(line.incidents):
                    if value not in known:
                        self.problems.append(
                            src.at(
                                (code, "helplines", i, "incidents", j),
                                f"'{value}' is not an option of profile.incidents",
                            )
                        )

    def _check_communities(self, src: _Source, loc: tuple[Any, ...], communities: list[str]) -> None:
        """A helpline's communities are options of profile.community_focus."""
        question = next(
            (
                q
                for s in self.src["profile.yaml"].model.sections
                for q in s.questions
                if q.id == "profile.community_focus"
            ),
            None,
        )
        options = {o.value for o in question.options} if question else set()
        for i, value in enumerate(communities):
            if value not in options:
                known = ", ".join(sorted(options)) or "none: profile.community_focus is missing"
                self.problems.append(
                    src.at(
                        (*loc, i), f"'{value}' is not an option of profile.community_focus (known: {known})"
                    )
                )

    def _check_contacts(self) -> None:
        """Every nation with helplines has each statutory route, and each route's guidance exists."""
        src = self.src["contacts.yaml"]
        contacts = src.model
        if not contacts and "contacts.yaml" in _OPTIONAL:
            return
        for kind in (
            "allegations",
            "child_protection",
            "barring",
            "adult_safeguarding",
            "fraud_reporting",
            "domestic_abuse_referral",
            "child_sexual_images",
        ):
            routes = getattr(contacts, kind)
            for code in self.src["helplines.yaml"].model:
                if code not in routes:
                    self.problems.append(
                        src.at((kind,), f"no {kind} route for '{code}' (a nation in helplines.yaml)")
                    )
            for code, route in routes.items():
                if code not in self.src["helplines.yaml"].model:
                    self.problems.append(
                        src.at((kind, code), f"'{code}' is not a nation in helplines.yaml", key=True)
                    )
                self._check_guidance(src, (kind, code, "guidance"), route.guidance)
        for kind in ("police_non_emergency", "harmful_content", "separated_children"):
            routes = getattr(contacts, kind)
            missing = [code for code in self.src["helplines.yaml"].model if code not in routes]
            if routes and missing:
                self.problems.append(src.at((kind,), f"no {kind} route for {', '.join(missing)}"))
        sector = next(
            (
                q
                for s in self.src["profile.yaml"].model.sections
                for q in s.questions
                if q.id == "profile.sector"
            ),
            None,
        )
        for value, routes in contacts.sector_routes.items():
            if sector is None or value not in {o.value for o in sector.options}:
                self.problems.append(
                    src.at(
                        ("sector_routes", value), f"'{value}' is not an option of profile.sector", key=True
                    )
                )
            for code in routes:
                if code not in self.src["helplines.yaml"].model:
                    self.problems.append(
                        src.at(
                            ("sector_routes", value, code),
                            f"'{code}' is not a nation in helplines.yaml",
                            key=True,
                        )
                    )
        lines = {h.name for n in self.src["helplines.yaml"].model.values() for h in n.helplines}
        for i, concern in enumerate(contacts.concern_routes):
            for j, ref in enumerate(concern.routes):
                loc = ("concern_routes", i, "routes", j)
                if (ref.route is None) == (ref.helpline is None):
                    self.problems.append(src.at(loc, "give either route or helpline"))
                elif ref.route is not None and not isinstance(getattr(contacts, ref.route, None), dict):
                    self.problems.append(
                        src.at(loc, f"'{ref.route}' is not a kind of route in contacts.yaml")
                    )
                elif ref.helpline is not None and not any(n.startswith(ref.helpline) for n in lines):
                    self.problems.append(
                        src.at(loc, f"no helpline in helplines.yaml starts with '{ref.helpline}'")
                    )

    def _check_condition(
        self, src: _Source, loc: tuple[Any, ...], cond: Any, *, profile_only: bool, wording: bool = False
    ) -> None:
        if cond is None:
            return
        for test in tests_in(cond):
            if test.q.startswith("derived."):
                self._check_derived(src, loc, test)
                continue
            target = self.seen.get(test.q)
            if target is None and wording:
                target = self._question(test.q)
            if target is None:
                where = "a profile question" if profile_only else "an earlier question"
                problem = f"'{test.q}' is not {where}"
                if not profile_only and self._defined_later(test.q):
                    problem = f"'{test.q}' comes later; show_if can only look at earlier questions"
                self.problems.append(src.at(loc, problem))
                continue
            if profile_only and not test.q.startswith("profile."):
                self.problems.append(src.at(loc, f"'{test.q}' is not a profile question"))
            if target.scored and not wording:
                self.problems.append(
                    src.at(loc, f"'{test.q}' is scored; conditions may only use unscored questions")
                )
            values = {o.value for o in target.options}
            if not values and target.kind == Kind.control:
                values = {a.value for a in ControlAnswer}
            for v in test.values():
                if values and v not in values:
                    self.problems.append(
                        src.at(
                            loc,
                            f"'{v}' is not an option of '{test.q}' (options: {', '.join(sorted(values))})",
                        )
                    )

    def _check_derived(self, src: _Source, loc: tuple[Any, ...], test: Any) -> None:
        """A ``derived.*`` fact comes from the platform registry; only its known values may be tested."""
        if test.q not in DERIVED:
            known = ", ".join(sorted(DERIVED))
            self.problems.append(src.at(loc, f"'{test.q}' is not a derived fact (known: {known})"))
            return
        values = set(DERIVED[test.q])
        for v in test.values():
            if values and v not in values:
                self.problems.append(
                    src.at(loc, f"'{v}' is not a value of '{test.q}' (values: {', '.join(sorted(values))})")
                )

    def _check_presentation(self) -> None:
        """documents.yaml names only owner roles of the catalogue, its own roles, and actions that exist."""
        src = self.src["documents.yaml"]
        pres = src.model
        if not pres:
            return
        for owner, candidates in pres.owners.items():
            if owner not in self.meta.roles:
                self.problems.append(
                    src.at(("owners", owner), f"'{owner}' is not a role in catalogue.yaml", key=True)
                )
            for i, role in enumerate(candidates):
                if role not in pres.roles:
                    self.problems.append(
                        src.at(("owners", owner, i), f"'{role}' is not one of the roles listed")
                    )
        for owner in self.meta.roles:
            if owner not in pres.owners:
                self.problems.append(src.at(("owners",), f"no entry for the catalogue role '{owner}'"))
        action_ids = set(self.actions)
        for area in self.areas:
            for section in area.model.sections:
                action_ids.update(q.id for q in section.questions)
        profile = self.src["profile.yaml"].model
        incident_kinds = {
            o.value
            for s in (profile.sections if profile else [])
            for q in s.questions
            if q.id == "profile.incidents"
            for o in q.options
            if o.value != "none"
        }
        for kind in pres.incidents:
            if kind not in incident_kinds:
                self.problems.append(
                    src.at(("incidents", kind), f"'{kind}' is not an option of profile.incidents", key=True)
                )
        for key in ("supplied", "not_supplied"):
            for aid in getattr(pres, key):
                if aid not in action_ids:
                    self.problems.append(
                        src.at((key, aid), f"'{aid}' is not an action or question id", key=True)
                    )

    def _check_platforms(self) -> None:
        """Every platform a profile can pick has an entry, and every entry is a profile option."""
        src = self.src["platforms.yaml"]
        registry = src.model
        if not registry and "platforms.yaml" in _OPTIONAL:
            return
        question = next(
            (
                q
                for s in self.src["profile.yaml"].model.sections
                for q in s.questions
                if q.id == "profile.platform_id"
            ),
            None,
        )
        options = {o.value for o in question.options} if question else set()
        for value in sorted(options - set(registry)):
            self.problems.append(
                src.at((), f"no entry for platform '{value}' (an option of profile.platform_id)")
            )
        for pid in registry:
            if pid not in options:
                self.problems.append(
                    src.at((pid,), f"'{pid}' is not an option of profile.platform_id", key=True)
                )

    def _question(self, qid: str) -> Any:
        """A question anywhere in the profile or the areas, by id (None if there is none)."""
        for sections in [self.src["profile.yaml"].model.sections, *(a.model.sections for a in self.areas)]:
            for s in sections:
                for q in s.questions:
                    if q.id == qid:
                        return q
        return None

    def _defined_later(self, qid: str) -> bool:
        all_ids = {q.id for s in self.src["profile.yaml"].model.sections for q in s.questions}
        for a in self.areas:
            all_ids |= {q.id for s in a.model.sections for q in s.questions}
        return qid in all_ids

    def _check_sections(
        self, src: _Source, sections: list[Any], loc: tuple[Any, ...], *, prefix: str, in_profile: bool
    ) -> None:
        section_ids: set[str] = set()
        for si, section in enumerate(sections):
            sloc = (*loc, "sections", si)
            if section.id in section_ids:
                self.problems.append(src.at((*sloc, "id"), f"duplicate section id '{section.id}'"))
            section_ids.add(section.id)
            self._check_condition(src, (*sloc, "show_if"), section.show_if, profile_only=in_profile)
            for qi, q in enumerate(section.questions):
                qloc = (*sloc, "questions", qi)
                self._check_question(src, qloc, q, prefix=prefix, in_profile=in_profile)

    def _check_question(
        self, src: _Source, loc: tuple[Any, ...], q: Question, *, prefix: str, in_profile: bool
    ) -> None:
        if not q.id.startswith(prefix):
            self.problems.append(src.at((*loc, "id"), f"question id '{q.id}' must start with '{prefix}'"))
        if q.id in self.seen:
            self.problems.append(src.at((*loc, "id"), f"duplicate question id '{q.id}'"))
        if in_profile and q.kind == Kind.control:
            self.problems.append(src.at((*loc, "kind"), "profile questions cannot be controls"))
        self._check_condition(src, (*loc, "show_if"), q.show_if, profile_only=in_profile)
        self._check_condition(src, (*loc, "key_if"), q.key_if, profile_only=True)
        self._check_condition(src, (*loc, "known_when"), q.known_when, profile_only=False, wording=True)
        for i, area in enumerate(q.also_counts_in):
            self._check_area_ref(src, (*loc, "also_counts_in", i), area)
        self._check_harm(src, (*loc, "harm"), q.harm)
        for i, qid in enumerate(q.mostly_in_place_with):
            other = self._question(qid)
            if other is None or other.kind != Kind.control:
                self.problems.append(
                    src.at((*loc, "mostly_in_place_with", i), f"'{qid}' is not a control question")
                )
        if q.answers_incident:
            incidents = self.seen.get("profile.incidents")
            kinds = {o.value for o in incidents.options} - {"none"} if incidents is not None else set()
            for i, kind in enumerate(q.answers_incident):
                if kind not in kinds:
                    self.problems.append(
                        src.at(
                            (*loc, "answers_incident", i),
                            f"'{kind}' is not an incident kind of profile.incidents (kinds: {', '.join(sorted(kinds))})",
                        )
                    )
            if not q.scored:
                self.problems.append(
                    src.at((*loc, "answers_incident"), "only a scored question answers an incident")
                )
        self._check_guidance(src, (*loc, "guidance"), q.guidance)
        values: set[str] = set()
        for oi, option in enumerate(q.options):
            if option.value in values:
                self.problems.append(
                    src.at((*loc, "options", oi, "value"), f"duplicate option '{option.value}'")
                )
            values.add(option.value)
            self._check_guidance(src, (*loc, "options", oi, "guidance"), option.guidance)
        if isinstance(q.action, str) and q.action not in self.actions:
            self.problems.append(
                src.at((*loc, "action"), f"unknown action id '{q.action}' (see actions.yaml)")
            )
        elif isinstance(q.action, Action):
            self._check_action(src, (*loc, "action"), q.action)
        self.seen.setdefault(q.id, q)
