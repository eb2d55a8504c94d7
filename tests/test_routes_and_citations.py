"""Statutory routes, record sources and guidance citations fit the organisation's nation and platform.

Over the whole corpus (tests/scenarios and examples):
- a pack never names another nation's statutory route or prints another nation's source for it;
- no pack sends anyone to "the local council" where councils do not run social services
  (Northern Ireland), and no pack cites an English council page for record periods;
- the child-protection whistleblowing line is not offered in an adults-only pack;
- guidance about random-pairing video chat is cited only where the platform works that way.

Each rule is also shown to fail on a pack built to break it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from assessor.assessment import load_assessment
from assessor.contacts import NATIONS
from assessor.documents.claims import parse, render_pages
from tests.corpus import CORPUS, IDS, rendered

ROOT = Path(__file__).resolve().parent.parent
ROUTE_KINDS = (
    "allegations",
    "child_protection",
    "barring",
    "adult_safeguarding",
    "fraud_reporting",
    "domestic_abuse_referral",
)
RANDOM_PAIRING_ALERT = "random-pairing video chat"


@cache
def _pack(path: Path) -> tuple[str, dict[str, str]]:
    """The nation, and the HTML and text of each document of a corpus pack (tests.corpus.rendered)."""
    pack = rendered(path)
    nation = pack.assessment.profile.get("nation") or "england"
    return nation, {doc: html + "\n" + pack.texts[doc] for doc, html in pack.pages.items()}


def _route_strings(catalogue, nation: str) -> set[str]:
    """What identifies a nation's routes in a document: each route's name, short name and source."""
    out: set[str] = set()
    for kind in ROUTE_KINDS:
        route = catalogue.contacts.route(kind, nation)
        if route is not None:
            out.update(s for s in (route.name, route.short, route.source) if s)
    return out


def foreign_routes(catalogue, nation: str, text: str) -> list[str]:
    """Another nation's route names and sources found in ``text`` (those it shares with this
    nation's own, such as the DBS in England, Wales and Northern Ireland, are not counted)."""
    own = _route_strings(catalogue, nation)
    own_text = own | {
        s
        for kind in ROUTE_KINDS
        if (r := catalogue.contacts.route(kind, nation)) is not None
        for s in (r.purpose, r.how)
    }
    found = []
    for other in NATIONS:
        if other == nation:
            continue
        for s in sorted(_route_strings(catalogue, other) - own):
            # A short name like "the DBS" inside a longer own name is not another nation's route.
            if s in text and not any(s in mine for mine in own_text):
                found.append(f"{other}: {s}")
    return found


# Wording that sends people to a council for social services: wrong in Northern Ireland, where the
# Health and Social Care Trusts run them (nidirect; health-ni.gov.uk).
COUNCIL_ROUTE = ("council’s website", "council's website", "local children’s services", "council’s adult")
# Record-period sources that are English local pages, never a pack's authority for any nation.
LOCAL_ENGLISH_SOURCES = ("cambslearntogether",)


def route_problems(catalogue, nation: str, docs: dict[str, str]) -> list[str]:
    problems = []
    for doc, text in docs.items():
        problems += [f"{doc}: {hit}" for hit in foreign_routes(catalogue, nation, text)]
        if nation == "northern_ireland":
            problems += [f"{doc}: council route {w!r}" for w in COUNCIL_ROUTE if w in text]
        problems += [f"{doc}: English local source {w!r}" for w in LOCAL_ENGLISH_SOURCES if w in text]
    return problems


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_pack_names_only_its_own_nations_routes_and_sources(path, catalogue):
    nation, docs = _pack(path)
    assert not route_problems(catalogue, nation, docs)


def test_the_corpus_covers_every_nation():
    assert {_pack(p)[0] for p in CORPUS} == set(NATIONS)


def test_another_nations_route_is_reported(catalogue):
    """Rendering a Northern Ireland pack with England's routes breaks the rule."""
    nation, docs = _pack(ROOT / "tests" / "scenarios" / "refugee-community-facebook.yaml")
    assert nation == "northern_ireland"
    england = catalogue.contacts.route("child_protection", "england")
    broken = {doc: text + f"\n<p>Refer to {england.short}.</p>" for doc, text in docs.items()}
    assert any("england" in p for p in route_problems(catalogue, nation, broken))
    council = {"procedure": "See the local council's website for the Gateway team."}
    assert route_problems(catalogue, nation, council)
    old_source = {"risk_report": "https://www.cambslearntogether.co.uk/cambridgeshire-early-years"}
    assert route_problems(catalogue, "scotland", old_source)


def test_northern_ireland_refers_children_to_the_trusts_gateway_team(catalogue):
    route = catalogue.contacts.route("child_protection", "northern_ireland")
    assert "Gateway" in route.name and "council" not in route.short
    _, docs = _pack(ROOT / "tests" / "scenarios" / "scouts-teams-video.yaml")
    assert route.short in docs["procedure"]


def test_every_route_and_record_period_has_a_source_and_date(catalogue):
    for kind in ROUTE_KINDS:
        for nation in NATIONS:
            route = catalogue.contacts.route(kind, nation)
            assert route is not None, (kind, nation)
            assert route.source.startswith(("http://", "https://")), (kind, nation)
            assert route.checked is not None, (kind, nation)
    for kind, period in catalogue.contacts.retention.items():
        assert period.source.startswith(("http://", "https://")), kind
        assert period.checked is not None, kind
        assert not any(w in period.source for w in LOCAL_ENGLISH_SOURCES), kind


# -- whistleblowing ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_child_protection_whistleblowing_line_only_where_children_take_part(path, catalogue):
    assessment = load_assessment(path, catalogue)
    _, docs = _pack(path)
    children = set(assessment.profile.get("audience") or []) & {"under_13", "age_13_17"}
    named = any("NSPCC Whistleblowing" in text for text in docs.values())
    if not children:
        assert not named
    if children and assessment.profile.get("relationship", "runs") == "runs":
        assert named


# -- guidance citations ----------------------------------------------------------------------------


def _alert_applies(profile: dict) -> bool:
    features = set(profile.get("features") or [])
    return "random_pairing" in features or "signup_required" not in features


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_random_pairing_alert_is_cited_only_where_it_applies(path, catalogue):
    assessment = load_assessment(path, catalogue)
    _, docs = _pack(path)
    cited = any(RANDOM_PAIRING_ALERT in text for text in docs.values())
    assert cited == _alert_applies(assessment.profile), path.stem


def test_the_alert_would_be_cited_without_its_condition(catalogue, monkeypatch):
    """Without `applies_when`, the alert is cited in a Facebook group's pack: the rule can fail."""
    from assessor.documents import context
    from assessor.questionnaire import GuidanceItem

    monkeypatch.setattr(GuidanceItem, "applies", lambda self, answers: True)
    assessment = load_assessment(ROOT / "tests" / "scenarios" / "refugee-community-facebook.yaml", catalogue)
    assert not _alert_applies(assessment.profile)
    ctx = context.build_context(assessment, catalogue)
    assert any(c.source.endswith(RANDOM_PAIRING_ALERT) for r in ctx.risks for c in r.citations)


@pytest.mark.parametrize("nation", NATIONS)
@pytest.mark.parametrize(
    "stem",
    ["sports-club-whatsapp", "mh-peer-forum", "bereavement-discord-adults", "learning-disability-whatsapp"],
)
def test_the_same_organisation_in_every_nation_gets_that_nations_routes(stem, nation, catalogue):
    """A children's club, forums for adults (with and without adults at risk) and a pack for adults
    with learning disabilities, each moved to every nation:
    no pack names another nation's route or source, and none sends anyone to a council in
    Northern Ireland."""
    assessment = load_assessment(ROOT / "tests" / "scenarios" / f"{stem}.yaml", catalogue)
    moved = assessment.model_copy(update={"profile": {**assessment.profile, "nation": nation}})
    pages = render_pages(moved, catalogue)
    docs = {doc: html + "\n" + parse(html, doc).text for doc, html in pages.items()}
    assert not route_problems(catalogue, nation, docs)
    own = catalogue.contacts.route(
        "child_protection" if stem == "sports-club-whatsapp" else "adult_safeguarding", nation
    )
    assert own.short in docs["procedure"]
    # The out-of-hours route is named only where contacts.yaml records one for the nation.
    if stem == "sports-club-whatsapp":
        named = ("emergency duty team" in docs["procedure"]) or (
            "Regional Emergency Social Work Service" in docs["procedure"]
        )
        assert named == bool(own.out_of_hours), nation
