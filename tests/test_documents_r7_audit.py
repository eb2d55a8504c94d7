"""Reading r6, audit packs (the organisation does not run the platform), over the whole corpus
(tests/scenarios and examples). Finding numbers are those of /work/reading/r6/anon-qa-app-audit.

* AQ 1: an audit names the kind of platform (documents.yaml `audit_kinds`), never a profile label for
  a group or page the organisation would run;
* AQ 5, 7, 8, 9, 25: no audit action asks for what an organisation that runs nothing there cannot
  do: activities on the platform, reporting accounts staff never see, reading policies that may
  not exist, a session that avoids the platform's name, "arguments" for abuse;
* AQ 6: the house rules are a group agreement nobody can make every user of the platform accept;
* AQ 12, 15: an audit's statement and agreement are for our members who use the platform, and a
  concern audit never frames the platform as used "in connection with our activities";
* AQ 13: a statement never says concerns are handled by a procedure the plan adopts only later,
  without saying so;
* AQ 14: no pack says "nobody needs an account" (a member who receives messages may need one);
* AQ 16: the young people's leaflet in an audit names the kind of app it is about (documents.yaml
  `audit_apps`), not the platform;
* AQ 11 (any pack): the procedure's high-risk steps say what follows for the person harmed
  (wellbeing and a safety plan, the police non-emergency route where it may be a crime, the
  anti-bullying policy and the school where those responsible may be other young people), and a
  pack reporting a bullying incident cites that passage (documents.yaml incidents);
* AQ 17: where anyone can message members without a name, the audit's rules (and the young
  people's leaflet) say not to post the link publicly, to screenshot abuse (never a sexual image)
  and, where the platform cannot block, that it cannot;
* AQ 24: an audit offers no service on the platform, so "a group is the right way to offer this
  service" never raises its risk;
* AQ 19 (the same class in the plan and allegations route): no audit action trains "everyone
  who moderates" or "hosts", and the allegations route names no moderator or host;
* AQ 19, 20, 21: no moderators, hosts or removals in an audit's staff code and procedure; a sexual
  image of a child on a platform we do not run goes to the police before the platform.
"""

from __future__ import annotations

import re

import pytest

from assessor.assessment import load_assessment
from assessor.catalogue import default_catalogue
from tests.corpus import CORPUS, IDS, rendered

AUDITS = [p for p in CORPUS if load_assessment(p, default_catalogue()).profile.get("relationship") != "runs"]


def test_the_corpus_holds_audits():
    assert len(AUDITS) >= 2


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_audit_names_the_kind_of_platform_not_a_group(path, catalogue):
    pack = rendered(path)
    assessment, context, texts = pack.assessment, pack.context, pack.texts
    kind = assessment.profile.get("platform") or ""
    group_label = next(o.label for o in catalogue.index["profile.platform"].options if o.value == kind)
    if not context.flags.audit:
        # A published document names the kind plainly, without the questionnaire's examples (r13 SC 7).
        assert context.profile.platform_kind == (catalogue.presentation.kinds.get(kind) or group_label)
        return
    audit_label = catalogue.presentation.audit_kinds[kind]
    assert context.profile.platform_kind == audit_label, path.stem
    assert audit_label in texts["risk_report"], path.stem
    if group_label != audit_label:
        assert group_label not in texts["risk_report"], path.stem


# What an organisation that does not run the platform cannot be asked to do.
AUDIT_ACTION_FAULTS = (
    r"start of each activity",
    r"report accounts that break",
    r"without naming or promoting",
    r"sort out arguments",
    r"^Read the platform's published policies",
    r"make sure every member has agreed",
)


@pytest.mark.parametrize("path", AUDITS, ids=lambda p: p.stem)
def test_audit_actions_ask_only_what_the_organisation_can_do(path):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    for action in context.actions:
        for fault in AUDIT_ACTION_FAULTS:
            assert not re.search(fault, action.text), (path.stem, action.number, action.text)
    plan = texts["risk_report"]
    for fault in AUDIT_ACTION_FAULTS:
        assert not re.search(fault.lstrip("^"), plan), (path.stem, fault)


@pytest.mark.parametrize("path", AUDITS, ids=lambda p: p.stem)
def test_an_audit_is_for_our_members_who_use_the_platform(path):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    space = context.profile.platform_short
    assert f"everyone who takes part in {space}" not in texts["policy_statement"], path.stem
    assert f"our members who use {space}" in texts["policy_statement"], path.stem
    if context.flags.audit_concern:
        for name in ("policy_statement", "house_rules"):
            assert "in connection with our activities" not in texts[name], (path.stem, name)
            assert "in connection with " + context.org.name not in texts[name], (path.stem, name)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_statement_never_follows_a_procedure_it_adopts_later_without_saying_so(path):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    later = [a for a in context.actions if a.supplies and a.supplies[0].startswith("procedure#")]
    sentence = re.search(r"We respond to every concern by following the [^.]*\.", texts["policy_statement"])
    assert sentence, path.stem
    if later:
        assert "until we adopt it in full" in sentence.group(0), (path.stem, sentence.group(0))
    else:
        assert "until we adopt" not in sentence.group(0), path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_pack_says_nobody_needs_an_account(path):
    texts = rendered(path).texts
    for name, text in texts.items():
        assert "Nobody needs an account" not in text, (path.stem, name)


@pytest.mark.parametrize("path", AUDITS, ids=lambda p: p.stem)
def test_the_young_peoples_leaflet_names_the_kind_of_app_not_the_platform(path, catalogue):
    pack = rendered(path)
    assessment, context, texts = pack.assessment, pack.context, pack.texts
    if "house_rules_young" not in texts:
        return
    expected = catalogue.presentation.apps_words(
        assessment.profile.get("platform") or "", set(assessment.profile.get("features") or [])
    )
    assert expected and context.profile.audit_apps == expected, path.stem
    assert f"Staying safe on {expected}" in texts["house_rules_young"], path.stem
    assert context.profile.platform_short not in texts["house_rules_young"], path.stem


def test_the_anonymous_app_leaflet_is_about_anonymous_messaging_apps():
    path = next(p for p in AUDITS if p.stem == "anon-qa-app-audit")
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    assert context.profile.audit_apps == "anonymous messaging apps"
    assert "chat and video apps" not in texts["house_rules_young"]


@pytest.mark.parametrize("path", AUDITS, ids=lambda p: p.stem)
def test_an_audit_has_no_moderators_or_removals_and_puts_the_police_first(path):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    assert "who moderates or hosts has their own" not in texts["staff_code"], path.stem
    procedure = texts["procedure"]
    assert "People who are removed" not in procedure, path.stem
    rule = re.search(r"If something is, or may be, a sexual image or video of a child:[^\n]*", procedure)
    assert rule, path.stem
    text = rule.group(0)
    assert "remove access" not in text and "so that it is taken down" not in text, (path.stem, text)
    # Reading r11 (AQ 7): the lead is phoned and refers to the police, before the member's own report.
    phone = text.find("phone ")
    police = text.find(" reports it to ")
    platform = text.find(f"report it to {context.profile.platform_product}")
    assert 0 <= phone < police < platform, (path.stem, text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_procedure_says_what_follows_for_the_person_harmed(path):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    step = re.search(r"Once nobody is in immediate danger[^\n]*", texts["procedure"])
    assert step, path.stem
    text = step.group(0)
    assert "wellbeing of the person who was harmed" in text and "plan to keep them safe" in text
    police = context.contacts.police_non_emergency
    assert police is not None and police.short in text, (path.stem, text)
    assert ("young people at the same school" in text) == context.flags.under_18, path.stem
    if "behaviour" in context.profile.incidents:
        assert "reporting to the police on 101 where it may be a crime" in texts["risk_report"], path.stem


@pytest.mark.parametrize("path", AUDITS, ids=lambda p: p.stem)
def test_anonymous_messages_get_link_and_screenshot_advice(path):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    f = context.flags
    anonymous = f.pseudonyms and f.stranger_discovery and f.member_messages and not f.random_pairing
    rules = texts["house_rules"]
    assert ("Do not post your link or username" in rules) == anonymous, path.stem
    if anonymous:
        assert "never screenshot or keep it" in rules
        assert ("you cannot block the person who sent it" in rules) == (not f.blocking)
        if "house_rules_young" in texts:
            assert "Don’t post your link or username" in texts["house_rules_young"], path.stem


@pytest.mark.parametrize("path", AUDITS, ids=lambda p: p.stem)
def test_an_audit_is_not_told_to_check_a_group_is_the_right_format(path):
    texts = rendered(path).texts
    assert "right way to offer this service" not in texts["risk_report"], path.stem


def test_the_anonymous_app_audit_gets_the_anonymous_message_advice():
    path = next(p for p in AUDITS if p.stem == "anon-qa-app-audit")
    texts = rendered(path).texts
    assert "Do not post your link or username for AskAnon" in texts["house_rules"]


@pytest.mark.parametrize("path", AUDITS, ids=lambda p: p.stem)
def test_an_audit_trains_and_routes_no_moderators_or_hosts(path):
    pack = rendered(path)
    context, texts = pack.context, pack.texts
    for action in context.actions:
        assert not re.search(r"who moderates|moderates, hosts", action.text), (path.stem, action.text)
    for name, text in texts.items():
        if name != "risk_report":  # its appendix quotes the questions asked, as asked
            assert "a moderator or host" not in text, (path.stem, name)
