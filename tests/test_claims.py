"""The claim ledger: every claim true, no contradictions, no promise to write the pack, the
safety invariants, for the scenario corpus and for many generated assessments.

Each check is also shown to fail: a claim forced false, two rules that disagree, a promise to
write the staff code, and a broken invariant are each reported.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.assessment import Answer, Assessment, Person, load_assessment
from assessor.documents import claims
from assessor.documents.claims import (
    RULES,
    check_pack,
    facts,
    in_pack_wording,
    parse,
    platform_names,
    render_pages,
    token_holds,
)
from assessor.documents.html import TEMPLATES_DIR, environment
from assessor.questionnaire import Kind

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CORPUS = sorted(p for p in SCENARIOS.glob("*.yaml") if p.stem != "expectations")


def _problems(assessment, catalogue, pages=None):
    pages = pages if pages is not None else render_pages(assessment, catalogue)
    return check_pack(
        pages,
        facts(assessment, catalogue),
        platform_names(assessment, catalogue),
        catalogue.presentation.not_supplied,
    )


def _expectations() -> dict:
    path = SCENARIOS / "expectations.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


# -- the corpus -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS + sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_pack_has_no_false_claim_contradiction_self_promise_or_broken_invariant(path, catalogue):
    assessment = load_assessment(path, catalogue)
    problems = _problems(assessment, catalogue)
    assert not problems, "\n".join(map(str, problems))


# Child wording in an adult-only pack that comes from the text of a catalogue question or action
# (questionnaires/areas/*.yaml, actions.yaml), such as "(for children, also a parent or carer)" or
# "Childline (0800 1111) for young people", is reported by test_child_wording_from_catalogue_text
# (those texts have an adults' wording: `text_adults` on a question, `adults` on an action); the
# corpus test reports the same token when a template writes it.
FROM_CATALOGUE_TOKENS = frozenset({"Childline", "parent or carer"})
_NOT_WORDS = re.compile(r"\b(your|our|you|we|us)\b|[^a-z0-9]+")


def _norm(text: str) -> str:
    """Lower case, words only, without the pronouns the commitment wording changes ("your" → "our")."""
    return " ".join(_NOT_WORDS.sub(" ", text.lower()).split())


_SOURCE: dict[int, str] = {}


def _catalogue_text(catalogue) -> str:
    """Every question and action text of the catalogue, normalised, one per line."""
    if id(catalogue) not in _SOURCE:
        texts = [a.text for a in catalogue.actions.values()]
        for q in catalogue.questions():
            texts.append(q.text)
            action = getattr(q, "action", None)
            if action is not None and not isinstance(action, str):
                texts.append(action.text)
        # the condition claims.in_pack_wording adds to a step in that text that contacts a parent
        texts.append(
            "contact a parent or carer unless contacting them would put the young person at risk, and record why"
        )
        texts.append("unless contacting them would put the young person at risk (record the reason)")
        _SOURCE[id(catalogue)] = "\n".join(_norm(t) for t in texts)
    return _SOURCE[id(catalogue)]


def _from_catalogue_text(page, token: str, catalogue) -> bool:
    """Whether every printed ``token`` in ``page`` sits in a passage of catalogue question or action text."""
    source = _catalogue_text(catalogue)
    seen = False
    for block in page.blocks:
        for m in re.finditer(re.escape(token), block.text):
            seen = True
            # the words before the token, or after it, less a word that may be cut, are catalogue text
            before = _norm(block.text[max(0, m.start() - 40) : m.end()]).split()[1:]
            after = _norm(block.text[m.start() : m.end() + 40]).split()[:-1]
            n = len(_norm(token).split())
            if not any(len(w) >= n + 3 and " ".join(w) in source for w in (before, after)):
                return False
    return seen


def _token_failures(path, catalogue):
    """(document, message, set aside) for each expectation the scenario's pack does not meet."""
    expected = _expectations().get(path.stem)
    if not expected:
        pytest.skip("no expectations written for this scenario")
    assessment = load_assessment(path, catalogue)
    pages = render_pages(assessment, catalogue)
    failures = []
    if "documents" in expected and set(pages) != set(expected["documents"]):
        failures.append(("documents", f"documents {sorted(pages)} != {sorted(expected['documents'])}", False))
    parsed = {doc: parse(html, doc) for doc, html in pages.items()}
    text = {doc: page.text for doc, page in parsed.items()}
    for doc, tokens in (expected.get("must_include") or {}).items():
        for token in tokens:
            if doc in text and token not in text[doc]:
                failures.append((doc, f"{doc} must include {token!r}", False))
    for doc, tokens in (expected.get("must_not_include") or {}).items():
        for name in text if doc == "any" else [doc]:
            for token in tokens:
                if name in text and token in text[name]:
                    aside = token in FROM_CATALOGUE_TOKENS and _from_catalogue_text(
                        parsed[name], token, catalogue
                    )
                    failures.append((name, f"{name} must not include {token!r}", aside))
    return failures


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_documents_and_tokens(path, catalogue):
    failures = [msg for _, msg, aside in _token_failures(path, catalogue) if not aside]
    assert not failures, "; ".join(failures)


def test_child_wording_from_catalogue_text(catalogue):
    """Adult-only packs print the adults' wording of catalogue texts (`text_adults`, an action's `adults`)."""
    aside = [f"{p.stem}: {msg}" for p in CORPUS for _, msg, a in _token_failures(p, catalogue) if a]
    assert not aside, "; ".join(aside)


def test_a_template_token_is_not_set_aside_as_catalogue_text(catalogue):
    """The setting aside is narrow: 'Childline' written by a template is not catalogue text."""
    page = parse(_page("<li>If you are under 19, talk to Childline on 0800 1111.</li>"), "house_rules")
    assert not _from_catalogue_text(page, "Childline", catalogue)
    quoted = next(a.text for a in catalogue.actions.values() if "Childline" in a.text)
    assert _from_catalogue_text(parse(_page(f"<td>{quoted}</td>"), "risk_report"), "Childline", catalogue)


def test_the_corpus_is_checked():
    assert len(CORPUS) >= 15


# -- generated assessments ----------------------------------------------------------------------

NAMES = st.sampled_from(["", "Sam Okafor"])
TEXTS = st.sampled_from(["", "Weekday evenings, 6pm to 9pm", "Support between sessions for our members"])


@st.composite
def assessments(draw, catalogue) -> Assessment:
    profile: dict = {}
    for section in catalogue.profile.sections:
        for q in section.questions:
            key = q.id.removeprefix("profile.")
            values = [o.value for o in q.options]
            if q.kind == Kind.single:
                profile[key] = draw(st.sampled_from(values))
            elif q.kind == Kind.multi:
                profile[key] = draw(
                    st.lists(st.sampled_from(values), unique=True, min_size=key == "audience")
                )
            elif q.kind in (Kind.text, Kind.long_text):
                profile[key] = draw(TEXTS)
            elif q.kind == Kind.person:
                name = draw(NAMES)
                if name:
                    profile[key] = Person(name=name, email="lead@example.org")
    answers = {}
    for area in catalogue.areas:
        for section in area.sections:
            for q in section.questions:
                if q.kind == Kind.control:
                    value = draw(st.sampled_from(["in_place", "partly", "not_in_place", "dont_know", None]))
                elif q.kind == Kind.single:
                    value = draw(st.sampled_from([None] + [o.value for o in q.options]))
                else:
                    continue
                if value is not None:
                    answers[q.id] = Answer(value=value)
    return Assessment(organisation={"name": "Generated Org"}, profile=profile, answers=answers)


@settings(max_examples=110, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_generated_packs_hold_every_claim_rule_and_invariant(catalogue, data):
    assessment = data.draw(assessments(catalogue))
    problems = _problems(assessment, catalogue)
    assert not problems, "\n".join(map(str, problems))


# -- each check can fail ------------------------------------------------------------------------


def _page(body: str) -> str:
    return f"<html><body>{body}</body></html>"


def test_a_claim_whose_control_is_not_in_place_is_reported(catalogue):
    html = (
        environment()
        .from_string('<p data-claim="moderation.named_hosts">Moderators always make clear who they are.</p>')
        .render()
    )
    known = {
        "moderation.named_hosts": "partly",
        "profile.audience": ["adults"],
        "profile.relationship": "runs",
    }
    problems = check_pack({"house_rules": html}, known)
    assert [p.check for p in problems] == ["claim"]
    assert "moderation.named_hosts" in problems[0].message
    known["moderation.named_hosts"] = "in_place"
    assert check_pack({"house_rules": html}, known) == []


def test_a_real_pack_with_an_answer_changed_behind_its_back_fails(catalogue):
    """Render with a safeguard in place, then check against answers where it is not."""
    path = next(p for p in CORPUS + sorted(EXAMPLES.glob("*.yaml")) if "youth-forum" in p.stem)
    assessment = load_assessment(path, catalogue)
    assessment.answers["moderation.named_hosts"] = Answer(value="in_place")
    assessment.answers["disclosure.missing_member"] = Answer(value="in_place")
    pages = render_pages(assessment, catalogue)
    assert _problems(assessment, catalogue, pages) == []
    changed = assessment.model_copy(deep=True)
    changed.answers["moderation.named_hosts"] = Answer(value="not_in_place")
    changed.answers["disclosure.missing_member"] = Answer(value="dont_know")
    false = {p.message for p in _problems(changed, catalogue, pages) if p.check == "claim"}
    assert any("moderation.named_hosts" in m for m in false)
    assert any("disclosure.missing_member" in m for m in false)


def test_claim_tokens():
    known = {
        "profile.moderation": "pre",
        "profile.features": ["reporting", "blocking"],
        "derived.reports_go_to": "platform",
        "derived.phone_numbers_visible": True,
        "derived.platform_has": [],
        "grooming.keyword_flags": "in_place",
        "profile.moderation_hours": "",
    }
    assert token_holds("profile.moderation=pre|post", known)
    assert not token_holds("profile.moderation=reactive", known)
    assert token_holds("profile.features=reporting", known)
    assert not token_holds("profile.features=member_messages", known)
    assert token_holds("profile.features!=member_messages", known)
    assert token_holds("derived.reports_go_to=platform|both", known)
    assert not token_holds("derived.reports_go_to=admins", known)
    assert token_holds("derived.phone_numbers_visible=true", known)
    assert not token_holds("derived.platform_has=waiting_room", known)
    assert token_holds("grooming.keyword_flags", known)
    assert not token_holds("grooming.private_messages", known)
    assert not token_holds("profile.moderation_hours=*", known)


def test_rules_that_disagree_across_documents_are_reported():
    pages = {
        "house_rules": _page(
            '<li data-rule="member-dm:allowed">You can message other members privately.</li>'
        ),
        "member_code": _page('<li data-rule="member-dm:forbidden">Do not message members privately.</li>'),
    }
    problems = check_pack(pages, {"profile.audience": ["adults"], "profile.relationship": "runs"})
    assert [p.check for p in problems] == ["contradiction"]
    assert "member-dm:allowed" in problems[0].message and "member-dm:forbidden" in problems[0].message


def test_an_unknown_rule_is_reported():
    pages = {"house_rules": _page('<li data-rule="dm:maybe">Perhaps.</li>')}
    problems = check_pack(pages, {"profile.audience": ["adults"]})
    assert [p.check for p in problems] == ["rule"]


def test_a_promise_to_write_what_the_pack_contains_is_reported():
    pages = {
        "staff_code": _page("<li data-commitment>By 1 May, we will write a code of conduct for staff.</li>"),
        "procedure": _page(
            "<li data-commitment>By 1 May, we will set up a written handover at every shift.</li>"
        ),
    }
    known = {
        "profile.audience": ["adults"],
        "profile.relationship": "runs",
        "profile.moderation_cover": "daily_set",
    }
    found = {p.message for p in check_pack(pages, known)}
    assert any("staff_code" in m for m in found)
    assert any("procedure:handover" in m for m in found)
    # Only moderators who work set shifts have a handover record in the procedure: not a space
    # moderated at no set times, not a live video session, not an audit.
    for change in (
        {"profile.moderation_cover": "no_set_times"},
        {"profile.platform": "video"},
        {"profile.relationship": "audit_before"},
    ):
        assert not any("handover" in p.message for p in check_pack(pages, {**known, **change})), change


def test_without_the_pack_wording_the_corpus_would_promise_to_write_itself(catalogue, monkeypatch):
    """Switch off the rewording of actions: the checker finds the self-promises it prevents."""
    import assessor.documents.context as context

    monkeypatch.setattr(context, "in_pack_action", lambda action, flags: action)
    monkeypatch.setattr(context, "supplied_by", lambda *args: None)
    found = []
    for path in CORPUS:
        assessment = load_assessment(path, catalogue)
        found += [p for p in _problems(assessment, catalogue) if p.check == "commitment"]
    assert found, "the rewording of actions is no longer needed, or the check is blind"


def test_no_action_text_writes_what_the_pack_contains(catalogue):
    everything = {doc for doc, _ in claims.CONTAINED}
    contained = [(doc, __import__("re").compile(r"\b(" + pat + r")\b", 2)) for doc, pat in claims.CONTAINED]
    texts = [a.text for a in catalogue.actions.values()]
    for q in catalogue.questions():
        action = getattr(q, "action", None)
        if action is not None and not isinstance(action, str):
            texts.append(action.text)
    assert texts
    for text in texts:
        assert claims.writes_contained(in_pack_wording(text, everything), contained) is None, text


@pytest.mark.parametrize(
    ("known", "pages", "expected"),
    [
        (  # a house rule letting children message anyone
            {"profile.audience": ["age_13_17"]},
            {
                "house_rules": '<li data-rule="member-dm:allowed">You can send other members private messages.</li>'
            },
            "member-dm:allowed where under-18s take part",
        ),
        (  # a staff code without the no-private-messaging rule
            {"profile.audience": ["under_13"]},
            {"staff_code": "<li>Message members from your authorised account.</li>"},
            "missing rule adult-child-dm:forbidden",
        ),
        (  # the rule without its transparent alternatives
            {"profile.audience": ["under_13"]},
            {"staff_code": '<li data-rule="adult-child-dm:forbidden">Never message a child privately.</li>'},
            "does not mention",
        ),
        (  # a parent contact step without the confidentiality condition
            {"profile.audience": ["age_13_17"]},
            {"procedure": "<li>Tell their parent or carer what happened.</li>"},
            "without 'unless ... at risk'",
        ),
        (  # ... or without recording why
            {"profile.audience": ["age_13_17"]},
            {"procedure": "<li>Tell their parent or carer, unless that would put the child at risk.</li>"},
            "without 'record why'",
        ),
        (  # members told to hide a number the app shows
            {"profile.audience": ["adults"], "derived.phone_numbers_visible": True},
            {"house_rules": '<li data-rule="phone-number:private">Keep your phone number private.</li>'},
            "phone number private",
        ),
        (  # under-age members, and no route through parents
            {"profile.audience": ["under_13"], "derived.platform_under_age": True},
            {
                "staff_code": '<li data-rule="adult-child-dm:forbidden">Never one to one: use a group, '
                "another adult copied in, or their parent or carer, unless contacting them would put the "
                "young person at risk; record why.</li>"
            },
            "missing rule under-age:via-parents",
        ),
        (  # a guidance code shown to members
            {"profile.audience": ["adults"]},
            {"house_rules": "<p>Be kind (002.R4).</p>"},
            "guidance code 002.R4",
        ),
        (  # child wording in an adult pack
            {"profile.audience": ["adults"]},
            {"member_code": "<p>Talk to Childline.</p>"},
            "child wording",
        ),
        (  # support-group material in a sports club
            {"profile.audience": ["adults"], "profile.community_focus": ["general"]},
            {"house_rules": "<p>Start with CN: self-harm.</p>"},
            "support-group material",
        ),
        (  # video rules without a waiting room
            {"profile.audience": ["adults"], "profile.platform": "video", "profile.relationship": "runs"},
            {"house_rules": '<p data-rule="recording:forbidden">Do not record.</p>'},
            "missing rule waiting-room:required",
        ),
        (  # an LGBTQ+ community with no rule against outing
            {
                "profile.audience": ["age_13_17"],
                "profile.community_focus": ["lgbtq"],
                "profile.relationship": "runs",
            },
            {"house_rules": "<p>Be kind.</p>"},
            "missing rule outing:forbidden",
        ),
        (  # a leaflet for young people that names the audited platform
            {"profile.audience": ["age_13_17"], "profile.relationship": "audit_concern"},
            {"house_rules_young": "<p>Use AskAnon safely.</p>"},
            "names the audited platform",
        ),
    ],
)
def test_each_invariant_can_fail(known, pages, expected):
    problems = check_pack({doc: _page(html) for doc, html in pages.items()}, known, ["AskAnon"])
    assert any(expected in str(p) for p in problems), "\n".join(map(str, problems)) or "no problems"


# -- markup hygiene -----------------------------------------------------------------------------


def test_templates_use_only_the_documented_rule_vocabulary():
    import re

    for path in TEMPLATES_DIR.glob("*.html"):
        for attr in re.findall(r'data-rule="([^"{]*)"', path.read_text(encoding="utf-8")):
            for token in attr.split():
                topic, _, polarity = token.partition(":")
                assert polarity in RULES.get(topic, {}), f"{path.name}: {token}"


def test_member_documents_mark_their_claims():
    """The member documents use the ledger: claims, rules and commitments are all marked."""
    for name in (
        "house_rules",
        "house_rules_young",
        "behaviour_code",
        "member_code",
        "staff_code",
        "house_rules_easy_read",
    ):
        text = (TEMPLATES_DIR / f"{name}.html").read_text(encoding="utf-8")
        assert "data-rule=" in text, name
    for name in ("house_rules", "behaviour_code", "member_code", "staff_code"):
        assert "data-claim=" in (TEMPLATES_DIR / f"{name}.html").read_text(encoding="utf-8"), name


def test_easy_read_rules_for_adults_with_learning_disabilities(catalogue):
    path = next((p for p in CORPUS if "learning-disability" in p.stem), None)
    if path is None:
        pytest.skip("no learning-disability scenario")
    assessment = load_assessment(path, catalogue)
    pages = render_pages(assessment, catalogue)
    assert "house_rules_easy_read" in pages
    assert 'class="doc-house_rules_easy_read' in pages["house_rules_easy_read"]
    lines = [b.text for b in parse(pages["house_rules_easy_read"], "e").blocks if b.tag == "li"]
    assert lines and max(len(line.split()) for line in lines) <= 16
    adults = assessment.model_copy(deep=True)
    adults.profile["community_focus"] = ["general"]
    assert "house_rules_easy_read" not in render_pages(adults, catalogue)


def test_claims_name_real_questions_and_options(catalogue):
    """A claim token names a control question, or a profile question and one of its options."""
    import re

    derived = {
        "derived.reports_go_to",
        "derived.phone_numbers_visible",
        "derived.platform_has",
        "derived.platform_under_age",
        "derived.real_names_visible",
        "derived.admins_see_private_messages",
    }
    seen = 0
    for path in TEMPLATES_DIR.glob("*.html"):
        for attr in re.findall(r'data-claim="([^"]*)"', path.read_text(encoding="utf-8")):
            for token in re.sub(r"\{\{[^}]*\}\}|\{%[^%]*%\}", "", attr).split():
                seen += 1
                key, _, values = token.replace("!=", "=").partition("=")
                if key.startswith("derived."):
                    assert key in derived, f"{path.name}: {token}"
                    continue
                question = catalogue.index.get(key)
                assert question is not None, f"{path.name}: {token}"
                if not values:
                    assert question.kind == Kind.control, f"{path.name}: {token}"
                elif values != "*":
                    options = {o.value for o in question.options}
                    assert set(values.split("|")) <= options, f"{path.name}: {token}"
    assert seen > 20
