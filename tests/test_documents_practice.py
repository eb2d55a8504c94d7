"""Documents follow what the answers say the organisation does, and who its audience is.

1. Recording: where the answers say sessions are never recorded (profile.session_recording), no
   document says when a host may record one; the rule is host-recording:never.
2. One-to-one contact: where the organisation runs a one-to-one channel for young people
   (profile.one_to_one: a project phone, call-backs, a named worker), no document forbids it. The
   rule describes that channel and its safeguards (adult-child-dm:sanctioned-only: a work phone or
   account only, every contact logged, another member of staff aware, working hours); any other
   private contact between an adult and a child stays forbidden. Where it runs none, no document
   describes one.
3. Incidents: every incident reported since the last review (profile.incidents) is answered in the
   passages documents.yaml ``incidents`` lists for it (a scam: "we will never ask you for money" and
   how to check a message is really from us; threats: the procedure's high-risk row and immediate
   danger route, and the codes; grooming or a concern about staff: the staff code's rules on contact
   outside sessions). Driven from that data, for every kind of incident and every pack.
4. Audience: a pack with no under-18s carries no advice written for children (the signs of a child
   being groomed, "tell a trusted adult", school); its warning signs are those of adults being exploited.

Each check runs over the whole corpus (tests/scenarios and examples) and is shown to fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor.assessment import load_assessment
from assessor.catalogue import default_catalogue
from assessor.documents.claims import (
    CHILD_ADVICE,
    MAY_RECORD,
    check_pack,
    facts,
    incident_passages,
    parse,
    render_pages,
)
from tests.corpus import CORPUS, IDS, rendered

ROOT = Path(__file__).resolve().parent.parent
YOUNG_CARERS = ROOT / "tests" / "scenarios" / "young-carers-zoom.yaml"
SPORTS_CLUB = ROOT / "tests" / "scenarios" / "sports-club-whatsapp.yaml"

# A sentence that forbids every one-to-one contact between staff and a young person.
FORBIDS_ONE_TO_ONE = re.compile(
    r"(never|must not) message (a young person|you) (privately|on your own)"
    r"|never message a child or young person one to one",
    re.I,
)


def _render(assessment):
    catalogue = default_catalogue()
    return render_pages(assessment, catalogue), facts(assessment, catalogue)


def _blocks(pages):
    return [b for doc, html in pages.items() for b in parse(html, doc).blocks]


def _check(pages, known):
    presentation = default_catalogue().presentation
    return check_pack(pages, known, (), presentation.not_supplied, presentation.incidents)


def _problems(pages, known, about: str):
    return [p for p in _check(pages, known) if about in p.message]


def _with_profile(path: Path, **changes):
    assessment = load_assessment(path, default_catalogue())
    return assessment.model_copy(update={"profile": {**assessment.profile, **changes}})


# -- 1. recording ------------------------------------------------------------------------------


def test_the_corpus_has_packs_that_never_record():
    never = [p.stem for p in CORPUS if rendered(p).known.get("profile.session_recording") == "never"]
    assert {"young-carers-zoom", "scouts-teams-video"} <= set(never)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_document_says_when_a_session_may_be_recorded_where_none_is(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    if known.get("profile.session_recording") != "never":
        pytest.skip("sessions may be recorded")
    said = [
        f"[{b.doc}] {b.text}" for b in _blocks(pages) if b.doc != "risk_report" and MAY_RECORD.search(b.text)
    ]
    assert not said, said
    assert not _problems(pages, known, "record")
    never = [b for b in _blocks(pages) if "host-recording:never" in b.rules]
    assert {b.doc for b in never} >= {"staff_code", "procedure", "house_rules"}, [b.doc for b in never]


def test_recording_on_consent_is_reported_where_sessions_are_never_recorded():
    pack = rendered(YOUNG_CARERS)
    pages, known = pack.pages, pack.known
    broken = dict(pages)
    broken["staff_code"] = pages["staff_code"].replace(
        "</body>",
        '<ul><li data-rule="host-recording:consent-only">Record a session only when everyone has been '
        "told beforehand and has agreed.</li></ul></body>",
    )
    found = _problems(broken, known, "record")
    assert any("recording on consent" in p.message for p in found), found
    assert any("says when a session may be recorded" in p.message for p in found), found


def test_the_same_service_that_records_with_consent_says_so():
    pages, known = _render(_with_profile(YOUNG_CARERS, session_recording="with_consent"))
    consent = [b for b in _blocks(pages) if "host-recording:consent-only" in b.rules]
    assert consent and not any("host-recording:never" in b.rules for b in _blocks(pages))
    assert not _check(pages, known), _check(pages, known)


# -- 2. one-to-one contact through a sanctioned channel ------------------------------------------


def test_a_service_with_a_project_phone_describes_it_and_its_safeguards():
    pack = rendered(YOUNG_CARERS)
    pages, known = pack.pages, pack.known
    assert known.get("profile.one_to_one") == ["project_phone", "call_back", "session_chat"]
    forbids = [f"[{b.doc}] {b.text}" for b in _blocks(pages) if FORBIDS_ONE_TO_ONE.search(b.text)]
    assert not forbids, forbids
    rule = [
        b
        for b in parse(pages["staff_code"], "staff_code").blocks
        if "adult-child-dm:sanctioned-only" in b.rules
    ]
    assert len(rule) == 1
    for words in ("work phone", "never from a personal phone", "contact log", "another member of staff",
                  "working hours", "and no one else", "parent or carer"):  # fmt: skip
        assert words in rule[0].text, (words, rule[0].text)
    for doc in ("house_rules", "house_rules_young", "behaviour_code", "policy_statement"):
        assert any(
            "adult-child-dm:sanctioned-only" in b.rules and "work phone" in b.text
            for b in parse(pages[doc], doc).blocks
        ), doc
    assert not _check(pages, known), _check(pages, known)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_pack_forbids_a_channel_it_runs_or_describes_one_it_does_not(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    assert not _problems(pages, known, "one-to-one channel")
    runs_one = set(known.get("profile.one_to_one") or []) - {"none"}
    rules = {r for b in _blocks(pages) for r in b.rules}
    if runs_one and rules & {"adult-child-dm:forbidden", "adult-child-dm:sanctioned-only"}:
        assert "adult-child-dm:forbidden" not in rules
    else:
        assert "adult-child-dm:sanctioned-only" not in rules
        assert "private-contact:sanctioned" not in rules


def test_a_forbidding_rule_beside_the_channel_is_reported():
    pack = rendered(YOUNG_CARERS)
    pages, known = pack.pages, pack.known
    broken = dict(pages)
    broken["house_rules_young"] = pages["house_rules_young"].replace(
        "</body>",
        '<ul><li data-rule="adult-child-dm:forbidden">Adults from here never message you on your own. '
        "If an adult asks to talk with you privately, tell us.</li></ul></body>",
    )
    found = _problems(broken, known, "one-to-one channel")
    assert [p.doc for p in found] == ["house_rules_young"], found


def test_the_channel_follows_the_answer_both_ways():
    # The same service without a channel forbids one-to-one contact again.
    pages, known = _render(_with_profile(YOUNG_CARERS, one_to_one=["none"]))
    rules = {r for b in _blocks(pages) for r in b.rules}
    assert "adult-child-dm:forbidden" in rules and "adult-child-dm:sanctioned-only" not in rules
    assert not _check(pages, known), _check(pages, known)
    # A club that gives its coaches a work phone gets the channel and its safeguards.
    pages, known = _render(_with_profile(SPORTS_CLUB, one_to_one=["project_phone"]))
    staff = [
        b
        for b in parse(pages["staff_code"], "staff_code").blocks
        if "adult-child-dm:sanctioned-only" in b.rules
    ]
    assert staff and "contact log" in staff[0].text
    assert not _problems(pages, known, "one-to-one channel")
    assert not _problems(pages, known, "adult-child-dm")


def test_a_channel_the_answers_do_not_report_is_reported():
    pack = rendered(SPORTS_CLUB)
    pages, known = pack.pages, pack.known
    broken = dict(pages)
    # (the token, not the whole attribute: with a national body's contact rule the same rule carries
    # the parent-contact token too, reading r10 SC 4)
    broken["staff_code"] = pages["staff_code"].replace(
        "adult-child-dm:forbidden", "adult-child-dm:sanctioned-only"
    )
    found = _problems(broken, known, "one-to-one channel the answers do not report")
    assert found, _check(broken, known)


# -- 3. the incident the organisation reported ---------------------------------------------------

INCIDENTS = default_catalogue().presentation.incidents
KINDS = sorted(INCIDENTS)


def test_every_kind_of_incident_has_passages_in_documents_the_packs_hold():
    question = default_catalogue().index["profile.incidents"]
    assert set(KINDS) == {o.value for o in question.options} - {"none"}
    docs = {"risk_report", "policy_statement", "house_rules", "house_rules_young", "house_rules_easy_read",
            "staff_code", "behaviour_code", "member_code", "procedure"}  # fmt: skip
    assert all(e.document in docs and e.section for entries in INCIDENTS.values() for e in entries)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_each_reported_incident_is_answered_in_the_pack(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    for kind, entry in incident_passages(known, INCIDENTS, pages):
        assert entry.section in parse(pages[entry.document], entry.document).addresses, (kind, entry)
    assert not _problems(pages, known, "incident")


@pytest.mark.parametrize("kind", KINDS)
def test_any_incident_in_any_pack_is_answered(kind):
    """The same check with each kind of incident reported by packs that did not report it: an adult
    forum, a children's club, a video service and an audit."""
    for stem in ("mh-peer-forum", "sports-club-whatsapp", "young-carers-zoom", "anon-qa-app-audit"):
        pages, known = _render(_with_profile(ROOT / "tests" / "scenarios" / f"{stem}.yaml", incidents=[kind]))
        passages = incident_passages(known, INCIDENTS, pages)
        assert passages, (stem, kind)
        assert not _problems(pages, known, "incident"), (stem, kind)


def test_a_scam_is_answered_with_never_ask_for_money_and_how_to_check():
    pages = rendered(ROOT / "tests" / "scenarios" / "refugee-community-facebook.yaml").pages
    text = " ".join(b.text for b in parse(pages["house_rules"], "house_rules").blocks)
    assert re.search(
        r"will ever ask you for money, gift cards or any other payment, or your bank details", text
    )
    assert "Checking a message is really from us" in text and "never the ones in the message" in text
    policy = " ".join(b.text for b in parse(pages["policy_statement"], "policy_statement").blocks)
    assert "how to check that a message really comes from us" in policy


def test_a_missing_passage_is_reported():
    pack = rendered(ROOT / "tests" / "scenarios" / "learning-disability-whatsapp.yaml")
    pages, known = pack.pages, pack.known
    assert "fake_profiles" in known["profile.incidents"]
    broken = dict(pages)
    broken["house_rules"] = pages["house_rules"].replace('data-addresses="check-it-is-us"', "")
    found = _problems(broken, known, "incident")
    assert [p.doc for p in found] == ["house_rules"] and "check-it-is-us" in found[0].message, found


# -- 4. wording follows the audience ------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_advice_written_for_children_in_a_pack_without_under_18s(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    if set(known.get("profile.audience") or []) & {"under_13", "age_13_17"}:
        pytest.skip("children take part")
    said = [
        f"[{b.doc}] {b.text}"
        for b in _blocks(pages)
        if b.doc != "risk_report" and CHILD_ADVICE.search(b.text)
    ]
    assert not said, said
    assert not _problems(pages, known, "advice written for children")
    signs = [
        b.text for b in parse(pages["procedure"], "procedure").blocks if b.text.startswith("Watch for signs")
    ]
    assert signs and "exploited" in signs[0] and "personal details" in signs[0], signs


def test_survivors_get_the_signs_of_someone_looking_for_a_member():
    pages = rendered(ROOT / "tests" / "scenarios" / "survivors-forum.yaml").pages
    signs = [
        b.text for b in parse(pages["procedure"], "procedure").blocks if b.text.startswith("Watch for signs")
    ]
    assert "asks about particular people" in signs[0] and "written or watched by someone else" in signs[0]


def test_children_keep_the_grooming_signs():
    pages = rendered(SPORTS_CLUB).pages
    signs = [
        b.text for b in parse(pages["procedure"], "procedure").blocks if b.text.startswith("Watch for signs")
    ]
    assert "a new online friend nobody else knows" in signs[0]


def test_child_advice_in_an_adult_pack_is_reported():
    pack = rendered(ROOT / "tests" / "scenarios" / "mh-peer-forum.yaml")
    pages, known = pack.pages, pack.known
    broken = dict(pages)
    broken["procedure"] = pages["procedure"].replace(
        "</body>", "<p>Watch for a new online friend nobody else knows, and tell a trusted adult.</p></body>"
    )
    found = _problems(broken, known, "advice written for children")
    assert [p.doc for p in found] == ["procedure"], found


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_risk_assessment_says_where_the_pack_answers_each_incident(path):
    pack = rendered(path)
    pages, known = pack.pages, pack.known
    reported = [k for k in known.get("profile.incidents") or [] if k != "none"]
    text = parse(pages["risk_report"], "risk_report").text
    if not reported:
        assert "Serious incidents since the last review" not in text
        return
    assert "Serious incidents since the last review" in text
    for kind, entry in incident_passages(known, INCIDENTS, pages):
        assert entry.covers in text, (kind, entry.covers)
