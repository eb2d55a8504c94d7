"""Statutory routes, record retention and the NSPCC policy template, from ``questionnaires/contacts.yaml``.

The documents never name a statutory route, a retention period or a helpline from memory:
each comes from this file, with the source it was checked against and the date.

Layout::

    allegations:          # a concern about a member of staff, a volunteer or the lead
      england: {name: ..., purpose: ..., how: ..., source: https://..., checked: 2026-01-10}
      wales: ...
    child_protection: {england: ..., ...}    # the local child protection referral route
    barring: {england: ..., ...}             # the duty to refer to the barring body
    adult_safeguarding: {england: ..., ...}  # the local adult safeguarding route
    fraud_reporting: {england: ..., ...}     # where to report fraud and scams
    domestic_abuse_referral: {england: ..., ...}  # MARAC and independent advocate (IDVA) routes
    child_sexual_images: {england: ..., ...}  # never copy; record where it is; report (IWF, police)
    police_non_emergency: {england: ..., ...}  # 101: a crime that is not an emergency
    harmful_content: {england: ..., ...}     # Report Harmful Content: a platform that has not acted
    sector_routes: {football: {england: ...}, scouts: {...}}  # a national body's own route, by profile.sector
    concern_routes:                          # outside help for each kind of concern, by route or helpline
      - {id: bullying, concern: ..., routes: [{route: police_non_emergency, when: ...},
                                              {helpline: Childline, audience: children, when: ...}]}
    retention:                               # how long records are kept, by kind of record
      safeguarding_records: {period: ..., basis: ..., source: https://..., checked: ...}
      moderation_logs: ...
      evidence_of_incidents: ...
    nspcc_policy_template:
      source: https://...
      parts: [{id: scope, heading: ..., covers: ...}, ...]
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

NATIONS = ("england", "wales", "scotland", "northern_ireland")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Route(_Strict):
    """A statutory route or service: who it is, what it is for, and how to reach it."""

    name: str
    short: str | None = Field(None, description="A short name for repeated use, e.g. 'the LADO'.")
    role: str | None = Field(
        None,
        description=(
            "sector_routes only: the national body's title for the person in the organisation who makes "
            "this referral, where `how` names one ('Club Welfare Officer'). Until a safeguarding lead is "
            "named, the procedure says who does it meanwhile (the chair of trustees)."
        ),
    )
    purpose: str = Field("", description="What it is for, as a sentence.")
    how: str = Field("", description="How to contact it and by when, as a sentence.")
    phone: str | None = None
    email: str | None = None
    web: str | None = None
    out_of_hours: str | None = Field(
        None,
        description=(
            "Who to contact when the route's offices are closed (evenings, nights, weekends), as a noun "
            "phrase: 'the council's out-of-hours emergency duty team'. Leave out where not confirmed."
        ),
    )
    police: str | None = Field(
        None,
        description=(
            "child_sexual_images only: the police force to report to, as a noun phrase ('the police', "
            "'Police Scotland'); the route when the content is in a private chat or group the IWF cannot see."
        ),
    )
    test: str | None = Field(
        None,
        description=(
            "adult_safeguarding only: the nation's legal test of an adult at risk, as a noun phrase that "
            "follows 'If they may be' ('an adult at risk under ...: ...')."
        ),
    )
    test_source: str | None = Field(None, description="Where the test was checked (a web address).")
    source_scope: str | None = Field(
        None,
        description=(
            "Where `source` is a regional page cited for a national route (a County FA's page for The FA's "
            "route): what it is and what the reader checks locally, as a phrase printed in brackets after "
            "the source in the risk assessment's appendix."
        ),
    )
    contact_rule: str | None = Field(
        None,
        description=(
            "sector_routes only: how the national body asks adults to contact its young members, as a "
            "sentence printed in the staff code where under-18s take part. Write {condition} after each "
            "step that brings in a parent or carer (the documents add the confidentiality condition, or "
            "the young person's agreement where the pack asks for it), and {until_appointed} after the "
            "body's own safeguarding role (the documents add who acts until one is appointed). Never "
            "'copied in'. Leave out where not confirmed."
        ),
    )
    contact_rule_source: str | None = Field(None, description="Where the contact rule was checked.")
    contact_routes: str | None = Field(
        None,
        description=(
            "sector_routes only, with contact_rule: the same rule as the ways adults talk with young "
            "people, a phrase that follows 'They talk with you where others can see:'. Printed in the "
            "policy statement, house rules and young people's documents, and replacing the general "
            "ways (a group, a second adult) wherever the body's rule applies. Write {their} for "
            "'their' or 'your', {condition} and {until_appointed} as in contact_rule."
        ),
    )
    holding_routes: str | None = Field(
        None,
        description=(
            "sector_routes only, with contact_rule: the same rule, by age, as the way whoever receives a "
            "young person's worry thanks them (with no details) before the lead replies: a phrase that "
            "follows 'thank them, with no details,'. One route for each age the rule names, never a group "
            "and never a new conversation the rule does not allow. Write {their}, {condition} and "
            "{until_appointed} as in contact_rule."
        ),
    )
    age_groups: str | None = Field(
        None,
        description=(
            "sector_routes only: how the national body sets its youth age groups, where a team's name "
            "is not its players' age (not printed: where set, the action that takes members below a "
            "platform's minimum age off it names the team named for that age). Leave out where not "
            "confirmed."
        ),
    )
    age_groups_source: str | None = Field(None, description="Where the age-group rule was checked.")
    check_rule: str | None = Field(
        None,
        description=(
            "sector_routes only: the criminal record check the national body requires of adults who "
            "coach, manage or supervise its young members (not printed: where set, the safer "
            "recruitment action asks for that check for everyone in those roles). Leave out where not "
            "confirmed."
        ),
    )
    check_rule_source: str | None = Field(None, description="Where the check rule was checked.")
    self_report: str | None = Field(
        None,
        description=(
            "child_sexual_images only: the service a young person under 18 can use themselves to get a "
            "nude or sexual image of them taken down, and where to find it (printed in the young "
            "people's rules, after 'you are not in trouble'). Leave out where not confirmed."
        ),
    )
    self_report_source: str | None = Field(None, description="Where the self-report service was checked.")
    peer_images_advice: str | None = Field(
        None,
        description=(
            "child_sexual_images only: the nation's advice on nudes shared between under-18s, which "
            "expects the safeguarding lead to judge whether the police are needed (never automatic), "
            "while an adult's involvement, coercion, blackmail or grooming always goes to the police. "
            "Printed in the procedure's images step. Where left out, the lead reports every sexual "
            "image of a child to the police. Leave out where not confirmed."
        ),
        max_length=200,
    )
    peer_images_source: str | None = Field(None, description="Where the peer-images advice was checked.")
    note: str | None = Field(None, description="For editors: further sources and caveats (not printed).")
    source: str = Field(description="Where this was checked (a web address).")
    checked: dt.date | None = None
    guidance: list[str] = Field(default_factory=list)


class Retention(_Strict):
    """How long one kind of record is kept, and on what basis."""

    period: str = Field(description="How long, as a sentence or two.")
    basis: str = Field("", description="Why: the guidance or law the period rests on.")
    applies_to: Literal["children", "adults"] | None = Field(
        None, description="Listed only when this audience takes part; leave out for every pack."
    )
    note: str | None = Field(None, description="For editors: further sources and caveats (not printed).")
    source: str
    checked: dt.date | None = None


class PolicyPart(_Strict):
    id: str
    heading: str = Field(description="The heading of this part in the NSPCC's example statement.")
    covers: str = Field("", description="What the part covers, in our own words.")


class PolicyTemplate(_Strict):
    title: str = "Example online safety policy statement"
    source: str
    note: str | None = None
    checked: dt.date | None = None
    parts: list[PolicyPart]


class ConcernRouteRef(_Strict):
    """One outside route for a kind of concern: a route kind of this file, or a helpline by name."""

    route: str | None = Field(None, description="A kind of route in this file, e.g. 'police_non_emergency'.")
    helpline: str | None = Field(None, description="The start of a helpline's name in helplines.yaml.")
    audience: Literal["children", "adults"] | None = Field(
        None, description="Printed only where this audience takes part; leave out for every pack."
    )
    when: str = Field("", description="When to use it for this concern, as a sentence.")


class NationLaw(_Strict):
    """A nation's own law for a kind of concern, printed instead of the concern's law there."""

    law: str = Field(description="The sentence printed for this nation, naming each law it relies on.")
    source: str = Field(description="Where the nation's own law was checked.")
    checked: dt.date


class ConcernRoutes(_Strict):
    """The outside routes for one kind of concern (the escalation procedure's table)."""

    id: str
    concern: str = Field(description="The kind of concern, as the table's row heading.")
    law: str | None = Field(None, description="A law that makes it a crime, as a sentence, with law_source.")
    law_source: str | None = None
    checked: dt.date | None = None
    law_by_nation: dict[Literal["england", "wales", "scotland", "northern_ireland"], NationLaw] = Field(
        default_factory=dict,
        description="Where a nation has its own law as well (e.g. encouraging suicide), the sentence for that nation.",
    )
    routes: list[ConcernRouteRef]


class Contacts(_Strict):
    allegations: dict[str, Route]
    # Where a concern that a child is being harmed is referred locally: councils in England, Wales and
    # Scotland, the Health and Social Care Trusts' Gateway teams in Northern Ireland.
    child_protection: dict[str, Route]
    barring: dict[str, Route]
    adult_safeguarding: dict[str, Route]
    fraud_reporting: dict[str, Route]
    # Required (no default): every nation's MARAC/IDVA route, checked per nation in catalogue._check_contacts.
    domestic_abuse_referral: dict[str, Route]
    # What to do with content that is, or may be, a sexual image of a child: never copy it; record
    # where it is; report it (the IWF, the nation's police, CEOP). Checked per nation.
    child_sexual_images: dict[str, Route]
    # The police when it is not an emergency (101), and Report Harmful Content: checked per nation
    # when given.
    police_non_emergency: dict[str, Route] = Field(default_factory=dict)
    # Who looks after a child in the UK without a parent (an unaccompanied or separated child): the
    # local authority, or in Northern Ireland the Health and Social Care Trust. Checked per nation when
    # given; printed for a refugee community with under-18s.
    separated_children: dict[str, Route] = Field(default_factory=dict)
    harmful_content: dict[str, Route] = Field(default_factory=dict)
    concern_routes: list[ConcernRoutes] = Field(default_factory=list)
    # A national body's own safeguarding route (The FA, the Scouts, Girlguiding), by the answer to
    # profile.sector and then by nation; printed as well as the statutory routes. A nation left out
    # has no confirmed route and gets none.
    sector_routes: dict[str, dict[str, Route]] = Field(default_factory=dict)
    retention: dict[str, Retention]
    nspcc_policy_template: PolicyTemplate

    def route(self, kind: str, nation: str) -> Route | None:
        """The route of ``kind`` for ``nation`` (England's when the nation is not stated)."""
        routes: dict[str, Route] = getattr(self, kind)
        return routes.get(nation or "england")
