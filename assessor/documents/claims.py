"""The claim ledger: what a rendered pack says is true, which rules it sets, what it promises.

Templates mark three kinds of sentence (on the element that holds the sentence, list item or
paragraph):

``data-claim="TOKENS"``
    The sentence states current practice ("reports go to our moderators"). Every token must
    hold for the assessment, or the sentence is false. A token is

    * a control question id (``moderation.named_hosts``): answered "in place";
    * ``KEY=V1|V2``: a profile answer or a derived platform fact (``profile.moderation=pre``,
      ``derived.reports_go_to=admins|both``) equals one of the values, or, for a list
      (``profile.features=reporting``), includes one of them; ``true``/``false`` match a yes/no
      fact, ``*`` any non-empty answer;
    * ``KEY!=V1|V2``: the same test, negated.

``data-rule="TOPIC:POLARITY ..."``
    A rule a reader must follow. Topics and polarities come from ``RULES``; two different
    polarities of one topic anywhere in one pack contradict each other.

``data-commitment``
    A promise ("we will ..."). No promise may be to write or set up something the pack itself
    contains (``CONTAINED``): where the pack supplies it, the promise is to adopt, train on or
    review it.

``check_pack`` reads the rendered HTML of a pack and returns every problem: false claims,
contradictions, promises to write the pack, and the safety invariants that hold for every
assessment (see ``_invariants``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

# Rule topics and the polarities each may take. Keep this list short and documented: a test
# fails on any other value, so that two templates cannot say the same thing in two vocabularies.
RULES: dict[str, dict[str, str]] = {
    "member-dm": {
        "allowed": "members may message each other privately",
        "approved-only": "members may message privately only people the organisation has approved",
        "forbidden": "members may not message each other privately",
    },
    "adult-child-dm": {
        "forbidden": "no one-to-one private messages between an adult (staff, volunteer or member) and a child",
        "allowed": "adults and children may message each other privately (never allowed with under-18s)",
        "sanctioned-only": "no one-to-one private messages between an adult and a child, except staff through "
        "the one-to-one channel the organisation runs for it (profile.one_to_one), with its safeguards: a work "
        "phone or account only, every contact logged, another member of staff aware, working hours only",
    },
    "staff-dm": {
        "transparent": "staff contact members only where another adult can see it (group, copy, parent or carer)",
        "authorised-only": "staff may message adult members privately, only from authorised accounts",
        "allowed": "staff may message members privately without conditions (never allowed)",
    },
    "under-age": {
        "via-parents": "children below the platform's minimum age are reached through parents or carers"
    },
    "parent-contact": {
        "unless-risk": "a parent or carer is contacted unless that would put the young person at risk",
        "with-agreement": "a parent or carer is contacted only if the young person agrees (see parents_by_agreement)",
    },
    "personal-details": {"private": "keep your address, school or workplace and whereabouts private"},
    "phone-number": {"private": "keep your phone number private (never on an app that shows it)"},
    "images-of-others": {"consent": "share images of other people only with their consent"},
    "sexual-images": {"forbidden": "no nude or sexual images"},
    "meet-offline": {
        "forbidden": "never arrange to meet someone you only know online",
        "caution": "meet only with care: a public place, someone told",
    },
    "off-platform-contact": {
        "forbidden": "do not swap contact details or move to other apps",
        "caution": "do not press anyone for contact details or to meet",
    },
    "content-notes": {"required": "posts on a distressing subject start with a content note"},
    "on-topic": {"required": "keep posts to what the community is for"},
    "outing": {"forbidden": "never reveal anyone's sexual orientation or gender identity"},
    "identity": {
        "never-shared": "the organisation never tells family, school or anyone about a member's sexuality or "
        "gender identity without their agreement"
    },
    "quick-exit": {"advice": "how to leave quickly and browse safely"},
    # profile.community_focus young_carers
    "young-carers": {
        "route-back": "a young carer whose caring is too much, or who stops coming, is followed up and the "
        "service that referred them told, where that is safe"
    },
    # profile.community_focus refugees: refugees, asylum seekers or migrants
    "case-papers": {
        "private": "never post case reference numbers, official letters or details of family abroad"
    },
    "immigration-advice": {
        "regulated-only": "advice on a member's own immigration or asylum case comes only from a regulated adviser"
    },
    "immigration-fear": {
        "explain": "before sharing a concern, explain who is told and why, never promising an outcome"
    },
    # profile.languages: members use languages other than English
    "language-rules": {"same": "the rules apply in the same way whatever language a member writes in"},
    "rules-translation": {
        "promised": "the rules, safety advice and sources of help are to be translated into every language members use"
    },
    "language-reports": {"any": "reports and requests for help are taken in any language members use"},
    "language-moderation": {
        "translated": "posts in every language are moderated, translated before any decision, safety first"
    },
    "safe-signal": {"use": "the agreed signal for 'I cannot talk safely'"},
    "recording": {"forbidden": "members do not record, screenshot or photograph a session or anyone in it"},
    "host-recording": {
        "consent-only": "a host records a session only when everyone has been told and agreed",
        "never": "sessions are never recorded (profile.session_recording never)",
    },
    "waiting-room": {"required": "people wait in a waiting room until a host lets them in"},
    "two-adults": {"required": "two adults from the organisation in every session with young people"},
    "secrets": {"never-promise": "never promise to keep a concern secret"},
    "police-report": {
        "lead-decides": "the lead decides whether to report a possible crime to the police, having listened to "
        "the person harmed, and records why; never automatic"
    },
    "lead-unreachable": {
        "go-straight": "where cover for the lead is not in place, a high-risk concern goes straight to the "
        "statutory route or the police when neither lead nor deputy answers"
    },
    "forward-messages": {
        "forbidden": "do not forward or screenshot other people's messages, photos or details outside the group"
    },
    "records": {
        "lead-only": "safeguarding records (concern records, what was disclosed) are read only by the lead "
        "(and the deputy)"
    },
    "shared-log": {
        "no-details": "a shared concerns log, handover or session record notes only that a concern was "
        "passed on and to whom; the details go only to the lead"
    },
    "child-images": {
        "never-copy": "never screenshot, copy, save, download or forward content that is or may be a sexual "
        "image of a child: note where it is (link, time, who posted it), report it, remove access"
    },
    "add-members": {"admins-only": "only admins add people to the group"},
    "private-contact": {
        "transparent": "staff contact one member on their own only in a conversation that includes another adult "
        "and no one else",
        "safe-route": "staff contact a member only in the way and at the times the member said are safe",
        "sanctioned": "staff contact a young person on their own only through the one-to-one channel the "
        "organisation runs for it (profile.one_to_one), with its safeguards",
        "private": "staff may contact a member privately (never with under-18s, never where staff may not "
        "message members privately, never in a survivors' community)",
    },
}

_HANDOVER = r"handover record|written handover|handover (form|template)"
# Things the pack itself contains, as (document id, pattern): a promise to write one of them is
# a promise to write the pack. The handover record is a section of the procedure when the
# organisation runs the space and its moderators work set shifts (``has_shifts``).
CONTAINED: tuple[tuple[str, str], ...] = (
    ("staff_code", r"(staff|volunteer)[a-z ]{0,20}code|code of (conduct|behaviour)( for (staff|volunteers))?"),
    ("house_rules", r"house rules|group agreement|ground rules|rules for members"),
    ("member_code", r"member code"),
    ("behaviour_code", r"behaviour code"),
    ("procedure", r"escalation procedure|moderation (and escalation )?procedure|procedure for disclosures"
                  r"|disclosure procedure"),
    ("procedure:handover", _HANDOVER),
    ("policy_statement", r"(online safety )?policy statement|online safety policy"),
    ("risk_report", r"risk assessment"),
)  # fmt: skip
_WRITE = re.compile(
    r"\b(write|writes|writing|set up|sets up|create|draft|draw up|produce|put together)\b", re.I
)

HARD_SUBJECTS = frozenset({"mental_health", "abuse_survivors", "addiction_recovery", "bereavement"})
UNDER_18 = frozenset({"under_13", "age_13_17"})
YOUNG_DOCS = frozenset({"house_rules_young", "behaviour_code"})
MEMBER_DOCS = frozenset(
    {"house_rules", "house_rules_young", "house_rules_easy_read", "behaviour_code", "member_code"}
)
PUBLIC_DOCS = MEMBER_DOCS | {"policy_statement"}

GUIDANCE_CODE = re.compile(r"\b00\d\.[A-Z]\d+[a-z]?\b")
_PARENT = r"(a|their|your|the child’s|the child's|the young person’s|the young person's) parents? or carers?"
PARENT_CONTACT = re.compile(
    r"\b(contact|contacting|tell|telling|ask|asking|involve|involving|inform|call|phone|ring|reach|through)\b"
    r"[^.;:]{0,40}?\b" + _PARENT,
    re.I,
)
# Where parents are contacted only with the young person's agreement (``parents_by_agreement``),
# a step that brings in a parent or carer in any way (reading the rules with them, checking an age,
# talking about a breach) must carry the agreement: the verbs are wider than PARENT_CONTACT's.
PARENT_ROUTE = re.compile(
    r"\b(contact|contacting|tell|telling|ask|asking|involve|involving|inform|call|phone|ring|reach|through|"
    r"with|talk|talking|check|checking|read|share|sharing)\b[^.;:]{0,40}?\b"
    + _PARENT
    + r"|\bparent[’']s or carer[’']s consent\b",
    re.I,
)
AGREEMENT = re.compile(r"\b(agree|agrees|agreed|agreement)\b", re.I)
# Communities where contacting home can itself harm a young person (outing an LGBTQ+ young person;
# a young carer or a survivor whose parent may be the person harming them or the person they care for).
AGREEMENT_COMMUNITIES = frozenset({"lgbtq", "young_carers", "abuse_survivors"})
UNLESS_RISK = re.compile(r"\bunless\b[^.]{0,120}\bat risk\b", re.I)
RECORD_WHY = re.compile(r"\brecord(s|ed)?\b[^.]{0,40}\b(why|reasons?)\b", re.I)
PHONE_PRIVATE = re.compile(
    r"(keep|private)[^.]{0,80}\bphone numbers?\b|\bphone numbers?\b[^.]{0,60}\bprivate\b", re.I
)
MAY_DM = re.compile(
    r"\byou (can|may) (send|message)[^.]{0,40}\bprivate(ly)?\b|\byou can send other members private messages",
    re.I,
)
CHILD_WORDS = re.compile(
    r"\b(young people|young person|under 18|under-18|Childline|parents? or carers?|trusted adult)\b", re.I
)
# Advice written for children (the signs of grooming a child, "tell a trusted adult", school): never in a
# pack with no under-18s, where members and staff need the signs and wording for adults.
CHILD_ADVICE = re.compile(
    r"new online friend nobody( else)? knows|protective of their (device|phone)|guarding (a|their) phone"
    r"|trusted adult|adult you trust|\bschool or workplace\b|\byour school\b",
    re.I,
)
SUPPORT_GROUP = re.compile(r"\bCN:|\bTW:|\bcontent notes?\b|\btrigger warnings?\b|own way of coping", re.I)
# A sentence offering to contact one member on their own: it must carry the private-contact rule.
PRIVATE_OFFER = re.compile(
    r"\b(check in with (you|them)|(contact|contacted|contacting) (you|them|the member)?)\b[^.;]{0,40}?"
    r"\b(privately|copied in|no one else|are safe)\b",
    re.I,
)
# Roles an organisation may well not have: documents name the safeguarding lead, the deputy, the
# trustees, hosts, admins or moderators instead (questionnaires/documents.yaml owners).
INVENTED_ROLE = re.compile(
    r"\b(moderation lead|senior manager|online community manager|technical lead|recruitment lead|"
    r"data protection lead|lead host)\b",
    re.I,
)
# A step that keeps a screenshot or copy as evidence: it must carry the rule child-images:never-copy
# (never for a sexual image of a child). A prohibition ("do not screenshot") is not such a step.
EVIDENCE_COPY = re.compile(
    r"\b(take|taking|keep|keeping|make|making|save|saving)\b[^.;:]{0,25}?\b(screenshots?|screen ?grabs?|cop(?:y|ies))\b",
    re.I,
)
_NEGATED = re.compile(r"\b(never|not|don[’']t|no)\b[^.;:]{0,30}$", re.I)
NEVER_COPY_EXCEPTION = re.compile(
    r"\bnever\b[^.]{0,80}\bsexual image[^.]{0,40}\bchild|\bsexual image[^.]{0,40}\bchild\b[^.]{0,20}\bnever\b",
    re.I,
)
# A list of what staff "will never ask you for": it always includes money, gift cards or other
# payments, and bank details (the scam that poses as staff asks for exactly these).
NEVER_ASK = re.compile(
    r"\b(never|nobody|no one)\b[^.;]{0,60}?\bask(?:s|ing)?\b(?:\s+\w+){0,3}?\s+for\b", re.I
)
MONEY_WORDS = (r"\bmoney\b", r"\bgift cards?\b", r"\bpayments?\b", r"\bbank details\b")
VIDEO_WRONG = re.compile(r"\bCN:|\bcontent notes?\b|\bshifts?\b|\bpre-moderat|\bpost-moderat", re.I)


@dataclass(frozen=True)
class Mark:
    """One marked sentence of one document."""

    doc: str
    kind: str  # "claim", "rule" or "commitment"
    tokens: tuple[str, ...]
    text: str
    actions: tuple[str, ...] = ()  # data-action: the planned actions a commitment stands for
    adopts: tuple[str, ...] = ()  # data-adopts: "document#section" of the pack it adopts


@dataclass(frozen=True)
class Block:
    """A paragraph, list item, table cell or heading, with the rule topics that cover it."""

    doc: str
    tag: str
    text: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Problem:
    check: str  # claim, rule, commitment, contradiction, invariant, register, format
    doc: str
    message: str
    text: str = ""

    def __str__(self) -> str:
        where = f"{self.doc}: " if self.doc else ""
        quote = f" [{self.text[:160]}]" if self.text else ""
        return f"{self.check}: {where}{self.message}{quote}"


@dataclass
class Page:
    marks: list[Mark] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    text: str = ""  # everything printed
    supplies: set[str] = field(default_factory=set)  # data-supplies marks: sections this document holds
    addresses: set[str] = field(default_factory=set)  # data-addresses marks: passages that answer an incident


_VOID = frozenset({"br", "col", "meta", "link", "img", "hr", "input", "source", "wbr"})
_BLOCKS = frozenset({"p", "li", "td", "th", "caption", "h1", "h2", "h3", "h4", "dt", "dd"})
_SKIP = frozenset({"head", "script", "style", "title"})


def _squash(text: str) -> str:
    return " ".join(text.replace("\u200b", "").split())


class _Parser(HTMLParser):
    def __init__(self, doc: str) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = doc
        self.page = Page()
        # open elements: (tag, attrs, text pieces or None when nothing collects them)
        self.stack: list[tuple[str, dict[str, str | None], list[str] | None]] = []
        self.all_text: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br":
                self._data(" ")
            return
        found = dict(attrs)
        if found.get("data-supplies"):
            self.page.supplies.update((found["data-supplies"] or "").split())
        if found.get("data-addresses"):
            self.page.addresses.update((found["data-addresses"] or "").split())
        if tag in _SKIP:
            self.skip += 1
            tag = "skip:" + tag
        marked = any(k in found for k in ("data-claim", "data-rule", "data-commitment"))
        self.stack.append((tag, found, [] if (marked or tag in _BLOCKS) else None))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if not any(t in (tag, "skip:" + tag) for t, _, _ in self.stack):
            return
        while self.stack:
            open_tag, attrs, pieces = self.stack.pop()
            self._close(open_tag, attrs, pieces)
            if open_tag in (tag, "skip:" + tag):
                break

    def _close(self, tag: str, attrs: dict[str, str | None], pieces: list[str] | None) -> None:
        if tag.startswith("skip:"):
            self.skip -= 1
            tag = tag[5:]
        if pieces is None:
            return
        text = _squash("".join(pieces))
        if tag in _BLOCKS:
            rules = tuple(
                t for _, a, _ in [*self.stack, (tag, attrs, None)] for t in (a.get("data-rule") or "").split()
            )
            self.page.blocks.append(Block(self.doc, tag, text, rules))
        for kind in ("claim", "rule", "commitment"):
            key = f"data-{kind}"
            if key in attrs:
                tokens = tuple((attrs[key] or "").split())
                actions = tuple((attrs.get("data-action") or "").split())
                adopts = tuple((attrs.get("data-adopts") or "").split())
                self.page.marks.append(Mark(self.doc, kind, tokens, text, actions, adopts))

    def handle_data(self, data: str) -> None:
        self._data(data)

    def _data(self, data: str) -> None:
        if self.skip:
            return
        self.all_text.append(data)
        for _, _, pieces in self.stack:
            if pieces is not None:
                pieces.append(data)


def parse(html: str, doc: str = "") -> Page:
    """The marks and text blocks of one rendered document."""
    parser = _Parser(doc)
    parser.feed(html)
    parser.close()
    while parser.stack:
        parser._close(*parser.stack.pop())
    parser.page.text = _squash("".join(parser.all_text))
    return parser.page


# -- facts ----------------------------------------------------------------------------------


def facts(assessment: Any, catalogue: Any) -> dict[str, Any]:
    """Every answer by id (``profile.*`` included) and the platform's ``derived.*`` facts."""
    from assessor.platforms import all_responses

    return all_responses(assessment, catalogue)


def _matches(value: Any, wanted: str) -> bool:
    options = wanted.split("|")
    if "*" in options:
        return value not in (None, "", [], ())
    if isinstance(value, bool):
        return str(value).lower() in options
    if value is None:
        return "null" in options
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(str(v) in options for v in value)
    return str(value) in options


def token_holds(token: str, known: Mapping[str, Any]) -> bool:
    """Whether one claim token is true of these facts (see the module docstring)."""
    if "!=" in token:
        key, wanted = token.split("!=", 1)
        return not _matches(known.get(key), wanted)
    if "=" in token:
        key, wanted = token.split("=", 1)
        return _matches(known.get(key), wanted)
    value = known.get(token)
    if token.startswith(("profile.", "derived.")):
        return value not in (None, "", False, [], ())
    return value == "in_place"


# -- checks ---------------------------------------------------------------------------------


# profile.moderation_cover values where moderators work set times (as documents/context.py).
SHIFT_COVER = frozenset({"round_the_clock", "daily_long", "daily_set", "some_days"})


def parents_by_agreement(known: Mapping[str, Any]) -> bool:
    """Whether parents and carers are contacted only with the young person's agreement: under-18s
    take part, and the community is LGBTQ+, young carers or survivors (AGREEMENT_COMMUNITIES), or
    the answers say parents are not part of it (safety_information.parents_informed answered not
    applicable, as where members are not out at home). Every document then brings in a parent or
    carer only if the young person agrees."""
    audience = set(known.get("profile.audience") or [])
    focus = set(known.get("profile.community_focus") or [])
    return bool(audience & UNDER_18) and (
        bool(focus & AGREEMENT_COMMUNITIES)
        or known.get("safety_information.parents_informed") == "not_applicable"
    )


def sanctioned_channel(known: Mapping[str, Any]) -> bool:
    """Whether staff talk with a young person one to one through a channel the organisation runs for
    it (``profile.one_to_one``: a project phone, call-backs, a named worker), where under-18s take part
    in a space the organisation runs. The documents then describe that channel and its safeguards
    (rule ``adult-child-dm:sanctioned-only``) instead of forbidding what the organisation does; any
    other private contact between an adult and a child stays forbidden."""
    audience = set(known.get("profile.audience") or [])
    channels = set(known.get("profile.one_to_one") or []) - {"none"}
    return known.get("profile.relationship") == "runs" and bool(audience & UNDER_18) and bool(channels)


# The safeguards the rule adult-child-dm:sanctioned-only names wherever staff are told how to use the
# channel (the staff code): a work phone or account, a log, another member of staff aware, set hours.
CHANNEL_SAFEGUARDS = (r"\bwork (phone|account)", r"\blog", r"another member of staff", r"\bhours\b")
# A sentence that lets a host record a session on conditions (consent): false where sessions are
# never recorded.
MAY_RECORD = re.compile(
    r"\brecord(s|ed|ing)?\b[^.;]{0,50}\b(only (when|if)|unless)\b[^.;]{0,80}\bagree", re.I
)


def has_shifts(known: Mapping[str, Any], *, runs: bool | None = None) -> bool:
    """Whether moderators hand over from shift to shift: the organisation runs the space (``runs``,
    else read from the answers), it is not a live video session, and moderators work set times.
    Only then does the procedure hold a shift handover record (``Flags.shifts``)."""
    return (
        (known.get("profile.relationship") == "runs" if runs is None else runs)
        and known.get("profile.platform") != "video"
        and known.get("profile.moderation_cover") in SHIFT_COVER
        and known.get("moderation.handover") != "not_applicable"
    )


def _contained(pack: Mapping[str, Page], known: Mapping[str, Any]) -> list[tuple[str, re.Pattern[str]]]:
    shifts = has_shifts(known)
    out = []
    for doc, pattern in CONTAINED:
        base = doc.split(":")[0]
        if base in pack and (not doc.endswith(":handover") or shifts):
            out.append((doc, re.compile(r"\b(" + pattern + r")\b", re.I)))
    return out


def writes_contained(text: str, contained: Iterable[tuple[str, re.Pattern[str]]]) -> str | None:
    """The pack document a sentence promises to write or set up, if any."""
    for clause in re.split(r"[;.:]\s", text):
        for verb in _WRITE.finditer(clause):
            after = clause[verb.end() : verb.end() + 80]
            for doc, pattern in contained:
                if pattern.search(after):
                    return doc
    return None


def check_claims(pack: Mapping[str, Page], known: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for doc, page in pack.items():
        for mark in page.marks:
            if mark.kind == "claim":
                if not mark.tokens:
                    problems.append(Problem("claim", doc, "a claim with no tokens", mark.text))
                false = [t for t in mark.tokens if not token_holds(t, known)]
                if false:
                    problems.append(
                        Problem("claim", doc, f"not true for these answers: {' '.join(false)}", mark.text)
                    )
            elif mark.kind == "rule":
                for token in mark.tokens:
                    topic, _, polarity = token.partition(":")
                    if polarity not in RULES.get(topic, {}):
                        problems.append(Problem("rule", doc, f"unknown rule {token!r}", mark.text))
    return problems


def check_contradictions(pack: Mapping[str, Page]) -> list[Problem]:
    seen: dict[str, dict[str, tuple[str, str]]] = {}
    for doc, page in pack.items():
        for mark in page.marks:
            if mark.kind != "rule":
                continue
            for token in mark.tokens:
                topic, _, polarity = token.partition(":")
                seen.setdefault(topic, {}).setdefault(polarity, (doc, mark.text))
    problems = []
    for topic, polarities in seen.items():
        if len(polarities) > 1:
            said = "; ".join(f"{doc} says {topic}:{pol}" for pol, (doc, _) in sorted(polarities.items()))
            problems.append(Problem("contradiction", "", said, " / ".join(t for _, t in polarities.values())))
    return problems


# A promise to add something to a document of the pack ("add a step to your procedure", "list it
# in the rules"): the pack's own document either holds it already (documents.yaml ``supplied``: the
# plan then asks to adopt that document) or is declared not to (``not_supplied``).
ADDS_TO = re.compile(
    r"\b(add|adds|write|list|include|put|note)\b[^.;:]{0,100}?(?<!next )\b(?:to|in|into)\s+(?:your|our|the)\s+"
    r"(?:[\w-]+\s+){0,3}?(procedure|rules|group agreement|safety tips|code of conduct)\b",
    re.I,
)
ADDS_TO_DOC = {
    "procedure": "procedure",
    "rules": "house_rules",
    "group agreement": "house_rules",
    "safety tips": "house_rules",
    "code of conduct": "staff_code",
}


def check_commitments(
    pack: Mapping[str, Page], known: Mapping[str, Any], not_supplied: Iterable[str] = ()
) -> list[Problem]:
    contained = _contained(pack, known)
    declared = set(not_supplied)
    problems = []
    for doc, page in pack.items():
        for mark in page.marks:
            if mark.kind != "commitment":
                continue
            if what := writes_contained(mark.text, contained):
                problems.append(
                    Problem(
                        "commitment", doc, f"promises to write {what}, which the pack contains", mark.text
                    )
                )
            for adopted in mark.adopts:
                target, _, section = adopted.partition("#")
                if target not in pack or (section and section not in pack[target].supplies):
                    problems.append(
                        Problem(
                            "commitment", doc, f"adopts {adopted}, which the pack does not contain", mark.text
                        )
                    )
            added = ADDS_TO.search(mark.text)
            if added and ADDS_TO_DOC[added[2].lower()] in pack and not declared.intersection(mark.actions):
                problems.append(
                    Problem(
                        "commitment",
                        doc,
                        f"promises to add to the {ADDS_TO_DOC[added[2].lower()]} the pack contains "
                        f"({' '.join(mark.actions) or 'no action id'}): adopt the pack's section "
                        "(documents.yaml supplied) or declare it not_supplied",
                        mark.text,
                    )
                )
    return problems


def _rules(pack: Mapping[str, Page], doc: str | None = None) -> dict[str, list[Mark]]:
    out: dict[str, list[Mark]] = {}
    for name, page in pack.items():
        if doc is not None and name != doc:
            continue
        for mark in page.marks:
            if mark.kind == "rule":
                for token in mark.tokens:
                    out.setdefault(token, []).append(mark)
    return out


def _invariants(
    pack: Mapping[str, Page], known: Mapping[str, Any], platform_names: Iterable[str]
) -> list[Problem]:
    problems: list[Problem] = []
    audience = set(known.get("profile.audience") or [])
    focus = set(known.get("profile.community_focus") or [])
    under_18 = bool(audience & UNDER_18)
    adults = bool(audience & {"adults", "adults_at_risk"})
    audit = known.get("profile.relationship") not in (None, "runs")
    video = known.get("profile.platform") == "video"
    rules = _rules(pack)

    def need(doc: str, token: str, why: str, *words: str) -> None:
        if doc not in pack:
            return
        marks = _rules(pack, doc).get(token, [])
        if not marks:
            problems.append(Problem("invariant", doc, f"missing rule {token}: {why}"))
        for word in words:
            if marks and not any(re.search(word, m.text, re.I) for m in marks):
                problems.append(
                    Problem("invariant", doc, f"rule {token} does not mention {word!r}", marks[0].text)
                )

    if under_18:
        for token in ("member-dm:allowed", "adult-child-dm:allowed", "staff-dm:allowed"):
            for mark in rules.get(token, []):
                problems.append(
                    Problem("invariant", mark.doc, f"{token} where under-18s take part", mark.text)
                )
        # The no-private-messages rule, or, where the organisation runs a one-to-one channel for
        # young people, that channel with its safeguards and nothing else: never a rule that forbids
        # what the organisation does, and never a channel the answers do not report.
        channel = sanctioned_channel(known)
        dm_rule = "adult-child-dm:sanctioned-only" if channel else "adult-child-dm:forbidden"
        wrong = "adult-child-dm:forbidden" if channel else "adult-child-dm:sanctioned-only"
        for mark in rules.get(wrong, []):
            problems.append(
                Problem(
                    "invariant",
                    mark.doc,
                    "forbids the one-to-one channel the organisation runs for young people (profile.one_to_one)"
                    if channel
                    else "a one-to-one channel the answers do not report (profile.one_to_one)",
                    mark.text,
                )
            )
        need(
            "staff_code",
            dm_rule,
            "the staff code always forbids private messages with a child outside a transparent, "
            "sanctioned channel",
            # the open space: a group, or where the platform holds no private group conversation (a
            # game server) the space itself, where another adult can see
            r"group|where another adult can see"
            if known.get("derived.group_chat") in ("friends", "none")
            else r"group",
            # a second adult in the conversation: "a conversation that includes a second adult ... and no
            # one else" (reading r6: "copied in" cannot be done where adding a person makes a group);
            # where a national body sets how adults contact young members, its rule replaces the general
            # ways (reading r10 SC 1-4): a conversation that also includes the parent or carer
            r"conversation that also includes their parent or carer"
            if known.get("derived.body_contact_rule")
            # where the platform holds no private conversation of three (platforms.yaml group_chat:
            # a Discord group DM takes only friends, a Minecraft /msg one player; reading r13 GC 3-4),
            # the second adult is in a private thread, at a session, or in the open space
            else r"second adult\b|where another adult can see"
            if known.get("derived.group_chat") in ("friends", "none")
            else r"second adult\b[^.;]{0,120}\bno one else|cop(y|ied) in",
            r"parent or carer",
            *(CHANNEL_SAFEGUARDS if channel else ()),
        )
        if channel:
            for mark in rules.get("private-contact:transparent", []):
                problems.append(
                    Problem(
                        "invariant",
                        mark.doc,
                        "one-to-one contact by copying in another adult, where the organisation runs its own "
                        "one-to-one channel (private-contact:sanctioned)",
                        mark.text,
                    )
                )
        elif rules.get("private-contact:sanctioned"):
            problems.append(
                Problem(
                    "invariant",
                    rules["private-contact:sanctioned"][0].doc,
                    "a one-to-one channel the answers do not report (profile.one_to_one)",
                    rules["private-contact:sanctioned"][0].text,
                )
            )
        if adults:
            for doc in ("house_rules", "member_code"):
                need(doc, dm_rule, "adult members and children never message privately")
        for doc in YOUNG_DOCS:
            for block in pack[doc].blocks if doc in pack else []:
                if MAY_DM.search(block.text):
                    problems.append(
                        Problem("invariant", doc, "tells children they may message privately", block.text)
                    )
        if known.get("derived.platform_under_age"):
            for doc in ("staff_code", "procedure"):
                need(
                    doc,
                    "under-age:via-parents",
                    "children below the platform's minimum age",
                    r"parents? or carers?",
                )
    # One-to-one contact with a member agrees with the staff rule on private messages.
    for doc, page in pack.items():
        if doc == "risk_report":
            continue
        for block in page.blocks:
            if PRIVATE_OFFER.search(block.text) and not any(
                t.startswith("private-contact:") for t in block.rules
            ):
                problems.append(
                    Problem("invariant", doc, "private contact offered without its rule", block.text)
                )
    forbid_private = []
    if under_18:
        forbid_private.append("under-18s take part")
    if "staff-dm:transparent" in rules:
        forbid_private.append("the staff code says staff do not message members privately")
    if "abuse_survivors" in focus:
        forbid_private.append("a survivors' community")
    for mark in rules.get("private-contact:private", []):
        for why in forbid_private:
            problems.append(
                Problem("invariant", mark.doc, f"private one-to-one contact where {why}", mark.text)
            )
    if "abuse_survivors" in focus and not under_18:
        for mark in rules.get("private-contact:transparent", []):
            problems.append(
                Problem(
                    "invariant",
                    mark.doc,
                    "a survivors' community is contacted only by the member's safe route",
                    mark.text,
                )
            )
    for token in ("staff-dm:allowed",):
        for mark in rules.get(token, []):
            problems.append(Problem("invariant", mark.doc, f"{token} is never a rule", mark.text))

    # Where the answers say sessions are never recorded, no document says when one may be.
    if known.get("profile.session_recording") == "never" and not audit:
        for mark in rules.get("host-recording:consent-only", []):
            problems.append(
                Problem(
                    "invariant",
                    mark.doc,
                    "recording on consent, where sessions are never recorded",
                    mark.text,
                )
            )
        for doc, page in pack.items():
            if doc == "risk_report":
                continue
            for block in page.blocks:
                if MAY_RECORD.search(block.text):
                    problems.append(
                        Problem(
                            "invariant",
                            doc,
                            "says when a session may be recorded; sessions are never recorded",
                            block.text,
                        )
                    )

    # A sexual image of a child is never copied: the procedure says what to do instead, and every
    # step that keeps a screenshot or copy as evidence carries the exception.
    need(
        "procedure",
        "child-images:never-copy",
        "never copy a sexual image of a child; record where it is, report it, remove access",
        r"never screenshot",
        # Where it is: its link, or in a live video session (which has no link) the name shown.
        r"\blink\b|the name shown",
        r"\btime\b",
        r"who posted",
        r"\breport",
        # Where the organisation runs the space it removes access; in an audit it says it cannot.
        r"remove access|cannot take it down ourselves",
    )
    for doc, page in pack.items():
        texts = (
            [(m.text, ()) for m in page.marks if m.kind == "commitment"]
            if doc == "risk_report"
            else [(b.text, b.rules) for b in page.blocks]
        )
        for text, topics in texts:
            for m in EVIDENCE_COPY.finditer(text):
                if _NEGATED.search(text[max(0, m.start() - 40) : m.start()]):
                    continue
                if "child-images:never-copy" not in topics or not NEVER_COPY_EXCEPTION.search(text):
                    problems.append(
                        Problem(
                            "invariant",
                            doc,
                            "keeps a screenshot or copy as evidence without 'never for a sexual image of a child'",
                            text,
                        )
                    )
                break
            if NEVER_ASK.search(text):
                missing = [w for w in MONEY_WORDS if not re.search(w, text, re.I)]
                if missing:
                    problems.append(
                        Problem(
                            "invariant",
                            doc,
                            "what staff never ask for leaves out "
                            + ", ".join(w.replace("\\b", "").replace("s?", "s") for w in missing),
                            text,
                        )
                    )

    # Every step that contacts a parent or carer carries the confidentiality condition: where
    # parents are contacted only with the young person's agreement, that agreement.
    # (The risk assessment quotes the questions it asked; only its actions are steps.)
    by_agreement = parents_by_agreement(known)
    if by_agreement:
        for mark in rules.get("parent-contact:unless-risk", []):
            problems.append(
                Problem(
                    "invariant",
                    mark.doc,
                    "parent-contact:unless-risk where parents are contacted only with the young person's agreement",
                    mark.text,
                )
            )
    for doc, page in pack.items():
        young = doc in YOUNG_DOCS
        if doc == "risk_report":
            steps = [(m.text, ()) for m in page.marks if m.kind == "commitment"]
        else:
            steps = [
                (b.text, b.rules)
                for b in page.blocks
                if b.tag not in ("h1", "h2", "h3", "h4", "th", "caption")
            ]
        for text, topics in steps:
            if by_agreement:
                for m in PARENT_ROUTE.finditer(text):
                    # the clause that names the parent or carer carries the agreement
                    clause = re.split(r"[.;]\s", text[m.start() :], maxsplit=1)[0]
                    if not AGREEMENT.search(clause):
                        problems.append(
                            Problem(
                                "invariant",
                                doc,
                                "a parent or carer step without the young person's agreement, where parents "
                                "are contacted only with it",
                                text,
                            )
                        )
                        break
                continue
            if not (PARENT_CONTACT.search(text) or "parent-contact:unless-risk" in topics):
                continue
            if not UNLESS_RISK.search(text):
                problems.append(
                    Problem(
                        "invariant", doc, "a parent or carer contact step without 'unless ... at risk'", text
                    )
                )
            elif not young and not RECORD_WHY.search(text):
                problems.append(
                    Problem("invariant", doc, "a parent or carer contact step without 'record why'", text)
                )

    if known.get("derived.phone_numbers_visible") is True:
        for mark in rules.get("phone-number:private", []):
            problems.append(
                Problem(
                    "invariant",
                    mark.doc,
                    "keep your phone number private, on an app that shows it",
                    mark.text,
                )
            )
        for doc in MEMBER_DOCS & set(pack):
            for block in pack[doc].blocks:
                if (
                    PHONE_PRIVATE.search(block.text)
                    and "visible" not in block.text
                    and "can see" not in block.text
                ):
                    problems.append(
                        Problem(
                            "invariant", doc, "phone number kept private, on an app that shows it", block.text
                        )
                    )

    # No document sends anyone to a role the organisation may not have (a role the organisation
    # names itself, such as its lead's job title, is its own).
    own = " ".join(str(v) for v in known.values()).lower()
    for doc, page in pack.items():
        texts = (
            [m.text for m in page.marks if m.kind == "commitment"] if doc == "risk_report" else [page.text]
        )
        for text in texts:
            if (m := INVENTED_ROLE.search(text)) and m[0].lower() not in own:
                problems.append(
                    Problem("register", doc, f"a role the organisation may not have: {m[0]!r}", text)
                )

    # No document prints a date a source was checked that falls after the issue date.
    problems.extend(_checked_after_issue(pack))

    # Register: no guidance codes for members and the public; no child wording in adult packs;
    # no support-group material where the community is not about a hard subject (unless it asks for
    # content notes already).
    for doc in PUBLIC_DOCS & set(pack):
        for code in sorted(set(GUIDANCE_CODE.findall(pack[doc].text)))[:3]:
            problems.append(Problem("register", doc, f"guidance code {code} shown to members or the public"))
    if not under_18:
        for doc, page in pack.items():
            texts = (
                [m.text for m in page.marks if m.kind == "commitment"]
                if doc == "risk_report"
                else [b.text for b in page.blocks]
            )
            for text in texts:
                if m := CHILD_ADVICE.search(text):
                    problems.append(
                        Problem(
                            "register",
                            doc,
                            f"advice written for children in a pack with no under-18s: {m[0]!r}",
                            text,
                        )
                    )
                    break
    for doc in MEMBER_DOCS & set(pack):
        text = pack[doc].text
        if not under_18 and (m := CHILD_WORDS.search(text)):
            problems.append(Problem("register", doc, f"child wording in an adult pack: {m[0]!r}"))
        # A community that already asks for content notes keeps its rule (context.Flags.content_notes).
        asks_notes = known.get("triggering_content.content_warnings") in ("in_place", "partly")
        if not focus & HARD_SUBJECTS and not asks_notes and (m := SUPPORT_GROUP.search(text)):
            problems.append(
                Problem(
                    "register",
                    doc,
                    f"support-group material in a community not about a hard subject: {m[0]!r}",
                )
            )
    if audit:
        for doc in YOUNG_DOCS & set(pack):
            for name in platform_names:
                if len(name) >= 3 and re.search(r"\b" + re.escape(name) + r"\b", pack[doc].text, re.I):
                    problems.append(
                        Problem(
                            "register", doc, f"a young people's leaflet names the audited platform {name!r}"
                        )
                    )

    # Format and community.
    if "house_rules" in pack and not audit:
        if video:
            text = pack["house_rules"].text
            if m := VIDEO_WRONG.search(text):
                problems.append(
                    Problem("format", "house_rules", f"posting or shift wording in video rules: {m[0]!r}")
                )
            for token in ("waiting-room:required", "recording:forbidden"):
                need("house_rules", token, "a live video session")
            if under_18:
                need("house_rules", "two-adults:required", "a live video session with young people")
        if "lgbtq" in focus:
            need("house_rules", "outing:forbidden", "an LGBTQ+ community")
        if "abuse_survivors" in focus:
            need("house_rules", "quick-exit:advice", "a survivors' community")
            if known.get("disclosure.safe_signal") == "in_place":
                need("house_rules", "safe-signal:use", "the agreed safety signal is in place")
    if (
        "adults_at_risk" in audience
        and "learning_disability" in focus
        and "house_rules_easy_read" not in pack
    ):
        problems.append(Problem("invariant", "", "no easy-read rules for adults with learning disabilities"))
    return problems


_MONTHS = {m: i for i, m in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"), 1)}  # fmt: skip
_DATE = r"(\d{1,2} )?(January|February|March|April|May|June|July|August|September|October|November|December) (\d{4})"
ISSUED = re.compile(r"\bIssued " + _DATE)
CHECKED_ON = re.compile(r"\b[Cc]hecked (?:on |against [^()]{0,80}\()?" + _DATE)


def _date_key(m: re.Match[str]) -> tuple[int, int, int]:
    day, month, year = m.group(1), m.group(2), m.group(3)
    return (int(year), _MONTHS[month], int(day) if day else 0)


def _checked_after_issue(pack: Mapping[str, Page]) -> list[Problem]:
    """A source's "checked" date (or month) printed after the issue date of its document."""
    problems = []
    for doc, page in pack.items():
        issued = ISSUED.search(page.text)
        if not issued:
            continue
        when = _date_key(issued)
        for m in CHECKED_ON.finditer(page.text):
            key = _date_key(m)
            if key[:2] > when[:2] or (m.group(1) and key > when):
                problems.append(
                    Problem("register", doc, f"a source checked after the issue date ({issued[0]})", m[0])
                )
    return problems


# -- the answers, the records and the procedure steps agree ------------------------------------


# Sentences that say something is missing, with the answer that makes them false: (pattern,
# what the answers say instead, test on the facts). The risk assessment's reasons and actions, and
# every other document, are checked (risk text must not assert what the answers contradict).
def _named(value: Any) -> bool:
    if value is None:
        return False
    if hasattr(value, "is_empty"):
        return not value.is_empty()
    if isinstance(value, Mapping):
        return any(value.get(k) for k in ("name", "role", "email", "phone"))
    return value not in ("", [], ())


CONTRADICTED: tuple[tuple[re.Pattern[str], str, Any], ...] = (
    (
        re.compile(r"\bthe platform lacks basic protections\b", re.I),
        "the platform has sign-up, reporting or blocking (profile.features)",
        lambda k: bool({"signup_required", "reporting", "blocking"} & set(k.get("profile.features") or [])),
    ),
    (
        re.compile(r"\bname a deputy\b|\bappoint a deputy\b", re.I),
        "a deputy is named (profile.deputy_lead)",
        lambda k: _named(k.get("profile.deputy_lead")),
    ),
    (
        re.compile(r"\b(members[’']? )?ages are not checked\b", re.I),
        "ages are checked (platform_features.age_checks_effective in place)",
        lambda k: k.get("platform_features.age_checks_effective") == "in_place",
    ),
)
# A step that makes the response to a concern wait for something else (an identity check).
WAIT_TO_ACT = re.compile(
    r"\bbefore (acting|you act|they act|we act) on (what|a disclosure|a concern|anything)", re.I
)
# A shared log everyone who moderates reads.
SHARED_LOG = re.compile(r"\bread the log\b|\bone shared concerns log\b", re.I)
# A step that moves a young person into a room with one adult (breaks the two-adult rule).
SEPARATE_ROOM = re.compile(
    r"\b(move|moving|take|taking)\b[^.;:]{0,40}?\b(separate|breakout|private) room", re.I
)
# Steps that bring parents in first, where they come in only with the young person's agreement.
PARENT_FIRST = re.compile(
    r"\bread (it|this|these|them) with (a|your) parent|\bparents?,? (and|or) carers? (may|can) join"
    r"|\bparent, carer or trusted adult\b",
    re.I,
)


def _consistency(pack: Mapping[str, Page], known: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    audience = set(known.get("profile.audience") or [])
    focus = set(known.get("profile.community_focus") or [])
    under_18 = bool(audience & UNDER_18)
    video = known.get("profile.platform") == "video"
    runs = known.get("profile.relationship") == "runs"
    rules = _rules(pack)

    def blocks(doc: str, page: Page) -> list[tuple[str, tuple[str, ...]]]:
        if doc == "risk_report":  # its reasons are list items; its actions are commitments
            return [(b.text, b.rules) for b in page.blocks] + [
                (m.text, ()) for m in page.marks if m.kind == "commitment"
            ]
        return [(b.text, b.rules) for b in page.blocks]

    for doc, page in pack.items():
        for text, topics in blocks(doc, page):
            for pattern, instead, holds in CONTRADICTED:
                if pattern.search(text) and holds(known):
                    problems.append(
                        Problem("answers", doc, f"says the opposite of the answers: {instead}", text)
                    )
            if WAIT_TO_ACT.search(text):
                problems.append(Problem("invariant", doc, "makes acting on a concern wait", text))
            if SHARED_LOG.search(text) and "shared-log:no-details" not in topics:
                problems.append(
                    Problem("records", doc, "a shared log without 'only that a concern was passed on'", text)
                )
            if under_18 and video and doc != "risk_report":
                for m in SEPARATE_ROOM.finditer(text):
                    if not _NEGATED.search(text[max(0, m.start() - 40) : m.start()]):
                        problems.append(
                            Problem("invariant", doc, "moves a young person into a room with one adult", text)
                        )
            if parents_by_agreement(known) and PARENT_FIRST.search(text):
                problems.append(
                    Problem(
                        "invariant",
                        doc,
                        "brings parents in first, where they come in only by agreement",
                        text,
                    )
                )
    # One rule for who reads what: the safeguarding records are the lead's; every shared log says so.
    if "procedure" in pack and not rules.get("records:lead-only"):
        problems.append(Problem("records", "procedure", "missing rule records:lead-only"))
    for mark in rules.get("shared-log:no-details", []):
        if not re.search(r"\bonly\b", mark.text):
            problems.append(
                Problem("records", mark.doc, "shared-log:no-details does not say 'only'", mark.text)
            )
    # A sexual image of a child: others are stopped from seeing it (hide or remove it, or the person,
    # as the platform allows) before it is reported to the IWF, the police or CEOP, in every pack, and
    # where it was is written down first. An IWF link is no route for a private chat the IWF cannot see.
    for mark in _rules(pack, "procedure").get("child-images:never-copy", []):
        remove = re.search(r"remove access|remove the person", mark.text, re.I)
        record = re.search(r"write down where it is", mark.text, re.I)
        report = re.search(
            r"\breport (it|the link)[^.;:]*?\bto (the )?(IWF|Internet Watch|police|Police Scotland|PSNI|CEOP)",
            mark.text,
            re.I,
        )
        if remove and report and remove.start() > report.start():
            problems.append(
                Problem(
                    "invariant",
                    "procedure",
                    "reports come before removing access: stop others seeing it first",
                    mark.text,
                )
            )
        if record and remove and record.start() > remove.start():
            problems.append(
                Problem(
                    "invariant", "procedure", "where it is is written down after it is removed", mark.text
                )
            )
        if re.search(r"the link is all it needs", mark.text, re.I):
            problems.append(
                Problem("invariant", "procedure", "an IWF link is not enough for a private chat", mark.text)
            )
    # LGBTQ+ young people: the young people's rules and the procedure promise not to pass on identity,
    # and the young people's rules forbid screenshots that carry posts outside the space.
    # Every member document of an LGBTQ+ community makes the same promise (reading r8 LG 3).
    if "lgbtq" in focus:
        docs = ("house_rules", "member_code") + (("house_rules_young", "procedure") if under_18 else ())
        for doc in docs:
            if doc in pack and not _rules(pack, doc).get("identity:never-shared"):
                problems.append(
                    Problem("invariant", doc, "missing rule identity:never-shared (LGBTQ+ community)")
                )
    if under_18 and runs and not video and "house_rules_young" in pack:
        marks = _rules(pack, "house_rules_young").get("forward-messages:forbidden", [])
        if not marks:
            problems.append(
                Problem("invariant", "house_rules_young", "missing rule forward-messages:forbidden")
            )
        elif "lgbtq" in focus and not any(re.search(r"\bout\b", m.text) for m in marks):
            problems.append(
                Problem(
                    "invariant", "house_rules_young", "the screenshot rule does not say it can out someone"
                )
            )
    return problems


def incident_passages(
    known: Mapping[str, Any], incidents: Mapping[str, Iterable[Any]], docs: Iterable[str]
) -> list[tuple[str, Any]]:
    """(incident kind, documents.yaml ``incidents`` entry) for every incident the answers report
    (profile.incidents) whose document is one of ``docs``."""
    reported = [k for k in known.get("profile.incidents") or [] if k != "none"]
    have = set(docs)
    focus = set(known.get("profile.community_focus") or [])
    return [
        (kind, e)
        for kind in reported
        for e in incidents.get(kind, ())
        if e.document in have and (not e.communities or focus & set(e.communities))
    ]


def check_incidents(
    pack: Mapping[str, Page], known: Mapping[str, Any], incidents: Mapping[str, Any]
) -> list[Problem]:
    """Every incident reported since the last review is answered where readers look: each passage
    documents.yaml ``incidents`` lists for it is in its document (a ``data-addresses`` mark)."""
    return [
        Problem(
            "incident",
            entry.document,
            f"the {kind} incident reported since the last review is not answered: no '{entry.section}' "
            f"passage ({entry.covers})",
        )
        for kind, entry in incident_passages(known, incidents, pack)
        if entry.section not in pack[entry.document].addresses
    ]


def check_pack(
    pages: Mapping[str, str],
    known: Mapping[str, Any],
    platform_names: Iterable[str] = (),
    not_supplied: Iterable[str] = (),
    incidents: Mapping[str, Any] | None = None,
) -> list[Problem]:
    """Every problem in a pack: ``pages`` maps document id to rendered HTML; ``known`` is ``facts()``;
    ``not_supplied`` lists the actions that may add to a pack document, and ``incidents`` the passages
    each reported incident needs (documents.yaml)."""
    pack = {doc: parse(html, doc) for doc, html in pages.items()}
    return [
        *check_claims(pack, known),
        *check_contradictions(pack),
        *check_commitments(pack, known, not_supplied),
        *_invariants(pack, known, platform_names),
        *_consistency(pack, known),
        *check_incidents(pack, known, incidents or {}),
    ]


def render_pages(assessment: Any, catalogue: Any) -> dict[str, str]:
    """The HTML of every document in the pack, rendered in this process (no PDF)."""
    from assessor.documents.context import build_context
    from assessor.documents.pack import _html, _specs

    ctx = build_context(assessment, catalogue)
    specs = _specs(ctx)
    return {spec.id: _html(spec, ctx, specs) for spec in specs}


def platform_names(assessment: Any, catalogue: Any) -> list[str]:
    """Names the audited platform goes by: its registry name and the name the profile gives."""
    from assessor.platforms import platform_of

    known = facts(assessment, catalogue)
    names = []
    entry = platform_of(catalogue, known)
    if entry is not None:
        names.append(entry.name)
    name = known.get("profile.platform_name")
    if isinstance(name, str) and name.strip():
        names.append(re.sub(r"\s*\([^()]*\)$", "", name.strip()))
    return names


def check_assessment(assessment: Any, catalogue: Any) -> list[Problem]:
    """Render a pack's HTML and check it."""
    return check_pack(
        render_pages(assessment, catalogue),
        facts(assessment, catalogue),
        platform_names(assessment, catalogue),
        catalogue.presentation.not_supplied,
        catalogue.presentation.incidents,
    )


# -- wording commitments for what the pack contains ----------------------------------------------

# What to say instead of "write X" when the pack contains X: adopt it, train on it, review it.
IN_PACK: dict[str, str] = {
    "staff_code": "Adopt the code of conduct for staff and volunteers in this pack, train everyone who works "
    "with members online on it, and have each of them sign it.",
    # Existing members cannot all be made to agree by a date (a platform asks only new joiners, r9
    # RF 13): they are told; new members agree when they join.
    "house_rules": "Review the house rules in this pack with members and adopt them; tell existing members, "
    "and ask new members to agree when they join.",
    # In an audit the house rules are a group agreement for using a platform the organisation does
    # not run: it cannot make every user agree, only go through it with its own members.
    "house_rules:audit": "Go through the group agreement in this pack with members who use the platform, "
    "adopt it, and share it with them and with parents and carers.",
    "member_code": "Adopt the member code of conduct in this pack; tell existing members, and ask new members "
    "to agree to it when they join.",
    "behaviour_code": "Adopt the behaviour code for young people in this pack and go through it with each young "
    "person and their parent or carer, unless contacting them would put the young person at risk; record why.",
    "procedure": "Adopt the {procedure} in this pack, fill in anything it leaves to you, "
    "and train everyone who moderates or works with members on it.",
    # In an audit nobody from the organisation moderates the platform.
    "procedure:audit": "Adopt the {procedure} in this pack, fill in anything it leaves to you, "
    "and train all staff and volunteers who work with members on it.",
    "procedure:handover": "Use the shift handover record in the {procedure} in this pack "
    "at the end of every shift, and train moderators on it.",
    # Where moderators work no set times there is no shift to hand over: the concerns log in the
    # procedure does that job, so a promise to set up a handover becomes one to use the log.
    "procedure:log": "Use the concerns log in the {procedure} in this pack each time someone moderates, "
    "read it before starting, and train moderators on it.",
    "policy_statement": "Have the trustees adopt the online safety policy statement in this pack, publish it, "
    "and review it every year.",
    "risk_report": "Have the trustees review and sign the risk assessment in this pack, and review it every year.",
}
_DISCLOSURE = re.compile(
    r"^(Write|Draft|Create|Set up) (a|an|your) (written )?(procedure for disclosures|disclosure procedure)",
    re.I,
)


def pack_contents(flags: Any) -> set[str]:
    """The ids (as in ``CONTAINED``) of what a pack with these flags contains."""
    contents = {"risk_report", "policy_statement", "house_rules", "staff_code", "procedure"}
    if flags.under_18:
        contents.add("behaviour_code")
    if flags.adults or not flags.under_18:
        contents.add("member_code")
    if getattr(flags, "shifts", False):
        contents.add("procedure:handover")
    elif flags.runs and not getattr(flags, "video", False):
        contents.add("procedure:log")
    return contents


def in_pack_wording(
    text: str,
    contents: set[str],
    procedure: str = "moderation and escalation procedure",
    by_agreement: bool = False,
) -> str:
    """An action's text, so that it never asks to write or set up what the pack contains.

    A first sentence that writes a document of the pack becomes "adopt", "train on" or
    "review" that document; the sentences after it stay. A step that contacts a parent or carer
    gains the condition "unless contacting them would put the young person at risk; record why".
    """
    text = text.strip()
    parts = re.split(r"(?<=[a-z0-9)\]\"”’])\.\s+(?=[A-Z\"“])", text, maxsplit=1)
    first, rest = parts[0], (parts[1] if len(parts) > 1 else "")
    if _DISCLOSURE.match(first) and "procedure" in contents:
        first = (
            f"Adopt the disclosure steps in the {procedure} in this pack, and add to them "
            "what is particular to you"
        )
    else:
        contained = [
            (doc, re.compile(r"\b(" + pat + r")\b", re.I)) for doc, pat in CONTAINED if doc in contents
        ]
        if "procedure:log" in contents:  # a handover, where the pack keeps a concerns log instead
            contained += [("procedure:log", re.compile(r"\b(" + _HANDOVER + r")\b", re.I))]
        doc = writes_contained(first, contained)
        if doc is not None:
            first = IN_PACK[doc].format(procedure=procedure).rstrip(".")
    text = first.rstrip(".") + "." + (" " + rest if rest else "")
    return with_parent_condition(text, by_agreement)


_RISK_CONDITION = re.compile(
    r"(;|,)? ?(contact a parent or carer )?unless contacting them would put the young person at risk"
    r"(, and record why|; record why| \(record the reason\))?",
    re.I,
)


def with_parent_condition(text: str, by_agreement: bool = False) -> str:
    """Each sentence that contacts a parent or carer, with the confidentiality condition: where
    parents are contacted only with the young person's agreement (``parents_by_agreement``), that
    agreement instead of "unless that would put them at risk"."""
    out = []
    for sentence in re.split(r"(?<=[a-z0-9)\]\"”’]\.)\s+(?=[A-Z\"“])", text):
        if by_agreement and PARENT_ROUTE.search(sentence):
            body = _RISK_CONDITION.sub("", sentence.rstrip().rstrip("."))
            # the agreement goes into each clause that names a parent or carer
            for m in reversed(list(PARENT_ROUTE.finditer(body))):
                if not AGREEMENT.search(re.split(r"[.;]\s", body[m.start() :], maxsplit=1)[0]):
                    body = body[: m.end()] + ", if the young person agrees" + body[m.end() :]
            out.append(body + ".")
            continue
        if PARENT_CONTACT.search(sentence):
            body = sentence.rstrip().rstrip(".")
            if not UNLESS_RISK.search(body):
                last = list(PARENT_CONTACT.finditer(body))[-1]
                if last.end() == len(body):
                    # the sentence ends on the parent route: the condition attaches to it, with no
                    # second imperative after it (reading r14 GC 7)
                    body += ", unless contacting them would put the young person at risk (record the reason)"
                else:
                    body += "; contact a parent or carer unless contacting them would put the young person at risk"
                    body += ", and record why"
            elif not RECORD_WHY.search(body):
                body += "; record why"
            sentence = body + "."
        out.append(sentence)
    return " ".join(out)


def in_pack_action(action: Any, flags: Any) -> Any:
    """A planned action (``scoring.PlannedAction``) worded by ``in_pack_wording``."""
    from assessor.documents.pack import document_title

    procedure = document_title("procedure", flags)
    text = in_pack_wording(
        action.text,
        pack_contents(flags),
        procedure[0].lower() + procedure[1:],
        getattr(flags, "parents_by_agreement", False),
    )
    return action if text == action.text else action.model_copy(update={"text": text})
