"""The documents agree with the answers and with each other, for every organisation in the corpus.

Checked by ``claims._consistency`` (part of ``check_pack``):

* the risk text never asserts what the answers contradict ("Name a deputy" where a deputy is
  named, "ages are not checked" where ages are checked);
* one rule for who reads what: the safeguarding records are the lead's (and the deputy's); every
  shared log, handover or session record notes only that a concern was passed on;
* procedure steps are safe: in a live session with young people nobody is moved into a room with
  one adult, and harm on screen is removed before anything is reported;
* LGBTQ+ young people: parents come in only by agreement (no "read it with a parent", no
  "parents may join"), identity is never passed on without agreement, and the young people's
  rules forbid screenshots that can out someone.

Each check is shown to fail: the sentence the reader found, put back into a real pack, is reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.assessment import load_assessment
from assessor.catalogue import load_catalogue
from assessor.documents import claims
from assessor.questionnaire import Action
from tests.corpus import CORPUS, IDS, rendered

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "tests" / "scenarios"


def _pack(pages):
    return {doc: claims.parse(html, doc) for doc, html in pages.items()}


def _problems(pages, known):
    return claims._consistency(_pack(pages), known)


def _render(name, catalogue):
    assessment = load_assessment(SCENARIOS / f"{name}.yaml", catalogue)
    return claims.render_pages(assessment, catalogue), claims.facts(assessment, catalogue)


@pytest.fixture(scope="module")
def carers(catalogue):
    """Young carers on Zoom: video, 13-17, a deputy who does not work on session days, ages checked."""
    return _render("young-carers-zoom", catalogue)


@pytest.fixture(scope="module")
def lgbtq(catalogue):
    """An LGBTQ+ youth server: many members are not out at home."""
    return _render("lgbtq-youth-discord", catalogue)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_corpus_documents_agree_with_the_answers(path, catalogue):
    pack = rendered(path)
    problems = _problems(pack.pages, pack.known)
    assert not problems, "\n".join(map(str, problems))


def test_the_corpus_covers_the_cases_checked(catalogue):
    """The corpus holds each case the checks are about, so that a passing corpus means something."""
    known = [claims.facts(load_assessment(p, catalogue), catalogue) for p in CORPUS]
    deputy = [k for k in known if claims._named(k.get("profile.deputy_lead"))]
    checked = [k for k in known if k.get("platform_features.age_checks_effective") == "in_place"]
    video_young = [
        k
        for k in known
        if k.get("profile.platform") == "video" and set(k.get("profile.audience") or []) & claims.UNDER_18
    ]
    lgbtq_young = [k for k in known if "lgbtq" in (k.get("profile.community_focus") or [])]
    assert deputy and len(deputy) < len(known)
    assert checked and video_young and lgbtq_young


# -- the risk text and the answers ------------------------------------------------------------


def test_a_named_deputy_is_not_asked_for_but_a_missing_one_is(carers, catalogue):
    pages, _ = carers
    assert "Name a deputy" not in pages["risk_report"]
    assert "Agree who covers when the safeguarding lead and the deputy are both away" in pages["risk_report"]
    without, _ = _render("sports-club-whatsapp", catalogue)
    assert "Name a deputy safeguarding lead" in without["risk_report"]


def test_without_the_answers_wording_the_deputy_action_contradicts_the_answers():
    """Take away the action's ``given`` wording and the young carers' pack asks for a deputy it has."""
    catalogue = load_catalogue(ROOT / "questionnaires")
    actions = [q.action for q in catalogue.questions() if isinstance(q.action, Action)]
    for action in [*actions, *catalogue.actions.values()]:
        if action.given:
            object.__setattr__(action, "given", [])
    pages, known = _render("young-carers-zoom", catalogue)
    problems = _problems(pages, known)
    assert any(p.check == "answers" and "deputy" in p.message for p in problems), problems


@pytest.mark.parametrize(
    "sentence, what",
    [
        ("<li>Name a deputy safeguarding lead.</li>", "deputy"),
        ("<li>Members' ages are not checked, so an adult can pose as a young person.</li>", "ages"),
        (
            "<p>The platform lacks basic protections (sign-up, age checks, reporting or blocking).</p>",
            "sign-up",
        ),
    ],
)
def test_risk_text_that_the_answers_contradict_is_reported(carers, sentence, what):
    pages, known = carers
    assert not _problems(pages, known)
    broken = {**pages, "risk_report": pages["risk_report"].replace("</body>", sentence + "</body>")}
    problems = _problems(broken, known)
    assert any(p.check == "answers" and what in p.message for p in problems), problems


def test_the_platform_not_checking_ages_is_not_a_contradiction(carers):
    pages, known = carers
    assert "The platform does not check members' ages" in claims.parse(pages["risk_report"]).text
    assert known.get("platform_features.age_checks_effective") == "in_place"


def test_no_step_makes_acting_on_a_concern_wait(carers):
    pages, known = carers
    old = "<li>Agree a way to confirm who staff are talking to before acting on what they hear.</li>"
    broken = {**pages, "risk_report": pages["risk_report"].replace("</body>", old + "</body>")}
    assert any("acting on a concern wait" in p.message for p in _problems(broken, known))


# -- who reads what ---------------------------------------------------------------------------


def test_records_rule_and_shared_logs_are_checked(carers, catalogue):
    pages, known = carers
    procedure = pages["procedure"]
    assert 'data-rule="records:lead-only"' in procedure
    no_rule = {**pages, "procedure": procedure.replace('data-rule="records:lead-only"', "")}
    assert any("records:lead-only" in p.message for p in _problems(no_rule, known))

    club, club_known = _render("sports-club-whatsapp", catalogue)
    assert not _problems(club, club_known)
    # The log as the reader found it: read by every moderator, with nothing kept back for the lead.
    old = (
        "<p>Everyone who moderates writes each concern in one shared concerns log, kept where the lead "
        "can see it, before they stop. Read the log each time you start.</p>"
    )
    broken = {**club, "procedure": club["procedure"].replace("</body>", old + "</body>")}
    assert any(p.check == "records" for p in _problems(broken, club_known))
    vague = club["procedure"].replace("go only to", "go to")
    assert any("only" in p.message for p in _problems({**club, "procedure": vague}, club_known))


# -- procedure steps --------------------------------------------------------------------------


def test_a_young_person_is_never_moved_into_a_room_with_one_adult(carers):
    pages, known = carers
    old = (
        "<li>With the second adult, move them to a separate room on the call if the platform allows it, "
        "or agree to speak straight after the session.</li>"
    )
    broken = {**pages, "procedure": pages["procedure"].replace("</body>", old + "</body>")}
    assert any("room with one adult" in p.message for p in _problems(broken, known))


def test_in_a_live_session_harm_on_screen_is_removed_before_it_is_reported(carers):
    pages, known = carers
    text = claims.parse(pages["procedure"], "procedure")
    (rule,) = [m for m in text.marks if "child-images:never-copy" in m.tokens]
    # Reading r11 (AQ 7, GC 8): after removing it, the host phones the lead, who reports it.
    assert rule.text.index("remove the person") < rule.text.index("phone ") < rule.text.index(" reports it")
    old = (
        '<li data-rule="child-images:never-copy">If something is, or may be, a sexual image or video of a '
        "child: never screenshot it. Report it to the IWF, and tell the lead at once. Then remove access "
        "to it: remove the person from the session, or end the session.</li>"
    )
    procedure = pages["procedure"].replace("</body>", old + "</body>")
    problems = _problems({**pages, "procedure": procedure}, known)
    assert any("reports come before removing access" in p.message for p in problems)


# -- LGBTQ+ young people ----------------------------------------------------------------------


def test_lgbtq_pack_brings_in_no_parent_first_and_keeps_identity_private(lgbtq):
    pages, _ = lgbtq
    assert "parents and carers may join" not in pages["risk_report"]
    # Reading r10 LG 3: parents are not members here, so the age-spaces action says nothing about
    # keeping them out (it used to say "keep parents and carers out of the young people's spaces").
    assert "keep parents and carers out" not in pages["risk_report"]
    assert "read it with an adult you trust" in pages["behaviour_code"]
    assert "A screenshot can out someone" in pages["house_rules_young"]
    assert "We will not tell your family, your school or anyone else" in pages["house_rules_young"]


@pytest.mark.parametrize(
    "doc, old, new, message",
    [
        (
            "behaviour_code",
            "Please read it with an adult you trust",
            "Please read it with a parent, carer or another adult you trust",
            "parents in first",
        ),
        (
            "risk_report",
            "Give each age group its own space, and write down",
            "Give each age group its own space, decide whether parents and carers may join, and write down",
            "parents in first",
        ),
        ("house_rules_young", 'data-rule="identity:never-shared"', "", "identity:never-shared"),
        ("procedure", 'data-rule="identity:never-shared"', "", "identity:never-shared"),
        ("house_rules_young", " A screenshot can out someone.", "", "out someone"),
        ("house_rules_young", 'data-rule="forward-messages:forbidden"', "", "forward-messages:forbidden"),
    ],
)
def test_each_lgbtq_rule_can_fail(lgbtq, doc, old, new, message):
    pages, known = lgbtq
    assert not _problems(pages, known)
    html = (
        pages[doc]
        .replace(old, new)
        .replace(old.replace("’", "&#39;"), new)
        .replace(old.replace("’", "'"), new)
    )
    assert html != pages[doc], f"{old!r} not in {doc}"
    problems = _problems({**pages, doc: html}, known)
    assert any(message in p.message for p in problems), problems


def test_an_lgbtq_identity_check_never_goes_through_the_home(lgbtq):
    pages, _ = lgbtq
    text = claims.parse(pages["risk_report"]).text
    assert "never goes through the member's home" in text
    assert "before acting on what they hear" not in text
