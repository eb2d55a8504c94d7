"""Outside routes and escalation levels, for every organisation in the corpus (tests/scenarios, examples).

Rules, each shown to fail on a pack built to break it:
- the escalation procedure's triage places every kind of concern in contacts.yaml `concern_routes`
  at a level (suicide or self-harm and someone urging it: High; bullying: a level), and outing
  at High in an LGBTQ+ community;
- the procedure lists outside help for each of those concerns, from contacts.yaml for the pack's
  nation: the police non-emergency route (101), Report Harmful Content, Childline where under-18s
  take part (and never where they do not), PAPYRUS and Samaritans;
- the high-risk referral names the nation's child protection route where under-18s take part and
  its adult safeguarding route wherever adults do (a mixed community included).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import escape

from assessor.contacts import NATIONS
from assessor.documents.claims import parse
from tests.corpus import CORPUS, IDS, rendered

ROOT = Path(__file__).resolve().parent.parent
HIGH_CONCERNS = {"suicide_self_harm", "urged_self_harm"}
# Words in the level's own text that show the concern is really there, not only in the attribute.
CONCERN_WORDS = {
    "suicide_self_harm": ("suicide", "end their life"),
    "urged_self_harm": ("hurt or kill themselves",),
    "bullying": ("bullying",),
    "outing": ("outing",),
}


def _pack(path: Path):
    pack = rendered(path)
    return pack.assessment, pack.pages["procedure"]


def _levels(html: str) -> dict[str, tuple[set[str], str]]:
    """Each triage level: the concerns its row declares (data-concerns) and the row's text."""
    table = html[html.index('<table class="triage">') :]
    table = table[: table.index("</table>")]
    out = {}
    for row in re.findall(r"<tr([^>]*)>(.*?)</tr>", table, re.S):
        attrs, body = row
        level = re.search(r"(High|Medium|Low)", body)
        if level is None:
            continue
        kinds = re.search(r'data-concerns="([^"]*)"', attrs)
        out[level.group(1)] = (set(kinds.group(1).split()) if kinds else set(), parse(body, "procedure").text)
    return out


def outside_route_problems(catalogue, assessment, html: str) -> list[str]:
    profile = assessment.profile
    nation = profile.get("nation") or "england"
    audience = set(profile.get("audience") or [])
    young = bool(audience & {"under_13", "age_13_17"})
    adults = bool(audience & {"adults", "adults_at_risk"})
    lgbtq = "lgbtq" in (profile.get("community_focus") or [])
    problems = []

    levels = _levels(html)
    placed = set().union(*(k for k, _ in levels.values())) if levels else set()
    wanted = {c.id for c in catalogue.contacts.concern_routes} | ({"outing"} if lgbtq else set())
    for kind in sorted(wanted):
        if kind not in placed:
            problems.append(f"triage: {kind} is at no level")
    high_kinds = levels.get("High", (set(), ""))[0]
    for kind in sorted((HIGH_CONCERNS | ({"outing"} if lgbtq else set())) - high_kinds):
        problems.append(f"triage: {kind} is not High")
    for level, (kinds, text) in levels.items():
        for kind in kinds & set(CONCERN_WORDS):
            if not any(w in text.lower() for w in CONCERN_WORDS[kind]):
                problems.append(f"triage: {level} declares {kind} but does not say so")

    help_text = {}
    for kind, body in re.findall(r'<li data-concern="([^"]+)"[^>]*>(.*?)</ul>\s*</li>', html, re.S):
        help_text[kind] = parse(body, "procedure").text
    police = catalogue.contacts.route("police_non_emergency", nation)
    harmful = catalogue.contacts.route("harmful_content", nation)
    expect = {
        "bullying": [police.name, "101", harmful.name] + (["Childline"] if young else []),
        "urged_self_harm": [police.name, harmful.name, "PAPYRUS", "Samaritans"]
        + (["Childline"] if young else []),
        "suicide_self_harm": ["PAPYRUS", "Samaritans"] + (["Childline"] if young else []),
    }
    for kind, names in expect.items():
        text = help_text.get(kind)
        if text is None:
            problems.append(f"outside help: no entry for {kind}")
            continue
        problems += [f"outside help for {kind}: no {n}" for n in names if n not in text]
        if not young and "Childline" in text:
            problems.append(f"outside help for {kind}: Childline in a pack without under-18s")

    referral = parse(html[html.index("decides on referral") - 200 :][:1500], "procedure").text
    child = catalogue.contacts.route("child_protection", nation)
    adult = catalogue.contacts.route("adult_safeguarding", nation)
    if young and (child.short or child.name) not in referral:
        problems.append("referral: no child protection route")
    if adults and (adult.short or adult.name) not in referral:
        problems.append("referral: no adult safeguarding route where adults take part")
    disclosure = re.search(r"<li[^>]*data-adult-disclosure[^>]*>(.*?)</li>", html, re.S)
    said = parse(disclosure.group(1), "procedure").text if disclosure else ""
    if adults and (adult.short or adult.name) not in said:
        problems.append("disclosure: no step for an adult's disclosure with the adult safeguarding route")
    if not adults and disclosure:
        problems.append("disclosure: an adult's step in a pack without adults")
    return problems


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_every_pack_has_the_levels_and_outside_routes(path, catalogue):
    assessment, html = _pack(path)
    assert outside_route_problems(catalogue, assessment, html) == []


def test_the_rules_can_fail(catalogue):
    """Each rule reports a pack that breaks it."""
    assessment, html = _pack(ROOT / "tests" / "scenarios" / "refugee-community-facebook.yaml")
    assert outside_route_problems(catalogue, assessment, html) == []
    # Bullying at no level (the old triage table).
    broken = html.replace('data-concerns="bullying"', "")
    assert "triage: bullying is at no level" in outside_route_problems(catalogue, assessment, broken)
    # Someone urging self-harm moved down to Medium.
    broken = html.replace("urged_self_harm", "").replace(
        'data-concerns="bullying"', 'data-concerns="bullying urged_self_harm"'
    )
    assert "triage: urged_self_harm is not High" in outside_route_problems(catalogue, assessment, broken)
    # No 101.
    police = catalogue.contacts.route("police_non_emergency", "northern_ireland")
    broken = html.replace(police.name, "the police")
    assert any("no " + police.name in p for p in outside_route_problems(catalogue, assessment, broken))
    # The adults' route left out of a mixed community's referral (the old template named only
    # the children's route where under-18s take part).
    adult = catalogue.contacts.route("adult_safeguarding", "northern_ireland")
    broken = html.replace(str(escape(adult.short)), "somebody")
    assert "referral: no adult safeguarding route where adults take part" in outside_route_problems(
        catalogue, assessment, broken
    )


def test_an_lgbtq_community_places_outing_at_high(catalogue):
    assessment, html = _pack(ROOT / "tests" / "scenarios" / "lgbtq-youth-discord.yaml")
    assert "outing" in _levels(html)["High"][0]
    broken = html.replace(" outing", "")
    assert "triage: outing is at no level" in outside_route_problems(catalogue, assessment, broken)


def test_every_outside_route_has_a_source_and_date_for_every_nation(catalogue):
    for kind in ("police_non_emergency", "harmful_content"):
        for nation in NATIONS:
            route = catalogue.contacts.route(kind, nation)
            assert route is not None and route.source.startswith("https://") and route.checked, (kind, nation)
    for concern in catalogue.contacts.concern_routes:
        if concern.law:
            assert concern.law_source and concern.law_source.startswith("https://") and concern.checked


# -- a national body's own route (profile.sector) -------------------------------------------------


def sector_problems(catalogue, assessment, html: str) -> list[str]:
    """A pack whose national body has a confirmed route (contacts.yaml sector_routes) names it in
    the contacts, the high-risk referral and the allegations section; any other pack names none."""
    nation = assessment.profile.get("nation") or "england"
    answer = assessment.profile.get("sector") or ""
    own = catalogue.contacts.sector_routes.get(answer, {}).get(nation)
    text = parse(html, "procedure").text
    problems = []
    for value, routes in catalogue.contacts.sector_routes.items():
        for route in routes.values() if value != answer else ():
            if route.name in text:
                problems.append(f"names {value}'s route ({route.name}) for sector {answer or 'none'}")
    if own is not None:
        short = own.short or own.name
        if own.name not in text:
            problems.append("contacts: no sector route")
        referral = parse(html[html.index("decides on referral") :][:1500], "procedure").text
        if short not in referral:
            problems.append("referral: no sector route")
        allegations = html[html.index('<ol class="allegations"') :]
        allegations = parse(allegations[: allegations.index("</ol>")], "procedure").text
        if short not in allegations:
            problems.append("allegations: no sector route")
    return problems


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_national_bodys_route_only_where_the_organisation_belongs_to_it(path, catalogue):
    assessment, html = _pack(path)
    assert sector_problems(catalogue, assessment, html) == []


def test_the_corpus_has_sector_routes_and_the_rule_can_fail(catalogue):
    found = {}
    for path in CORPUS:
        assessment, html = _pack(path)
        if assessment.profile.get("sector") not in (None, "none"):
            found[path.stem] = assessment.profile["sector"]
    assert found == {"sports-club-whatsapp": "football", "scouts-teams-video": "scouts"}
    assessment, html = _pack(ROOT / "tests" / "scenarios" / "scouts-teams-video.yaml")
    route = catalogue.contacts.sector_routes["scouts"]["northern_ireland"]
    broken = html.replace(str(escape(route.short)), "the group")
    assert "referral: no sector route" in sector_problems(catalogue, assessment, broken)
    assert "allegations: no sector route" in sector_problems(catalogue, assessment, broken)
    # The FA's route printed for a club that is not affiliated.
    assessment, html = _pack(ROOT / "tests" / "scenarios" / "gaming-club-roblox-minecraft.yaml")
    fa = catalogue.contacts.sector_routes["football"]["england"]
    broken = html.replace("</body>", f"<p>{escape(fa.name)}</p></body>")
    assert sector_problems(catalogue, assessment, broken)


def test_every_sector_route_has_a_source_and_date(catalogue):
    for value, routes in catalogue.contacts.sector_routes.items():
        for nation, route in routes.items():
            assert route.source.startswith("https://") and route.checked, (value, nation)


# -- helplines chosen by this year's incidents ----------------------------------------------------

MEMBERS_DOCS = ("house_rules", "house_rules_young", "member_code")
PAPYRUS_INCIDENTS = {"behaviour", "triggering_content"}


def papyrus_problems(assessment, pages: dict[str, str]) -> list[str]:
    """After bullying or distressing content (profile.incidents), or in a mental-health community,
    the members' documents list PAPYRUS; otherwise they do not (it stays a specialist line)."""
    incidents = set(assessment.profile.get("incidents") or [])
    focus = set(assessment.profile.get("community_focus") or [])
    wanted = bool(incidents & PAPYRUS_INCIDENTS) or "mental_health" in focus
    docs = [d for d in MEMBERS_DOCS if d in pages]
    listed = [d for d in docs if "PAPYRUS" in parse(pages[d], d).text]
    if wanted and not listed:
        return [f"PAPYRUS in none of {docs} after incidents {sorted(incidents)}"]
    if not wanted and listed:
        return [f"PAPYRUS in {listed} without such an incident or a mental-health focus"]
    return []


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_members_get_papyrus_after_bullying_or_distressing_content(path):
    pack = rendered(path)
    assessment, pages = pack.assessment, pack.pages
    assert papyrus_problems(assessment, pages) == []


def test_the_papyrus_rule_can_fail():
    pack = rendered(ROOT / "tests" / "scenarios" / "anon-qa-app-audit.yaml")
    assessment, pages = pack.assessment, pack.pages
    assert "behaviour" in assessment.profile["incidents"]
    broken = {d: html.replace("PAPYRUS", "a helpline") for d, html in pages.items()}
    assert papyrus_problems(assessment, broken)
    pack = rendered(ROOT / "tests" / "scenarios" / "sports-club-whatsapp.yaml")
    assessment, pages = pack.assessment, pack.pages
    broken = {d: html.replace("</body>", "<p>PAPYRUS</p></body>") for d, html in pages.items()}
    assert papyrus_problems(assessment, broken)
