"""Documents fit the organisation's format, and a trustee can read them (issue 10, final readings).

1. Length. The risk assessment sets out each question once: a gap or safeguard is named by its
   opening clause, with its answer and the action that closes it (the full wording of what to do is
   the action, in the plan); a question that counts towards several risks is set out under the first
   and referred back to after that (a list of what staff never ask for is never cut); guidance is cited by code under each risk and listed once, by
   source, in an appendix. Ceilings over the whole corpus (tests/scenarios and examples).

2. Format. Nouns and duties come from the community's format (context.Words and the flags): a
   pack never uses a word for a format it does not have (``FORMAT_WORDS``): no "in the group" on a
   forum, a server, a workspace or an audited app; no waiting room, camera or breakout room outside
   a video session; in an audit no chat to end, no moderators, hosts, shifts or moderation hours of
   the organisation's own; with no set moderation times no "moderation hours" or "the hours set";
   without shifts no shift. The risk assessment quotes the questionnaire's own questions (which ask
   whether there are set hours or shift handovers), so the hours and shift lists are checked in the
   other documents.

Each rule runs over every pack in the corpus and is shown to fail on the text it forbids.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor.assessment import load_assessment
from assessor.catalogue import default_catalogue
from assessor.documents.claims import NEVER_ASK, parse, render_pages
from assessor.documents.html import gist
from tests.corpus import CORPUS, IDS, rendered

ROOT = Path(__file__).resolve().parent.parent

# Words a trustee reads in the risk assessment: the whole document, and everything but the action
# plan (whose length follows the number of gaps). Before this change the corpus ran to 5,349-10,122
# words per risk assessment; after it, 4,075-8,835 (see the commit message for every pack).
RISK_REPORT_CEILING = 9000
OUTSIDE_PLAN_CEILING = 6000


def _text(path: Path, doc: str) -> str:
    return rendered(path).texts[doc]


def _outside_plan(text: str) -> str:
    start, end = text.find("5. Action plan"), text.find("Appendix:")
    assert start > 0
    return text[:start] + (text[end:] if end > start else "")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_risk_assessment_stays_readable(path):
    text = _text(path, "risk_report")
    words = len(text.split())
    assert words <= RISK_REPORT_CEILING, f"{path.stem}: {words} words"
    outside = len(_outside_plan(text).split())
    assert outside <= OUTSIDE_PLAN_CEILING, f"{path.stem}: {outside} words outside the action plan"


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_each_question_and_guidance_source_is_set_out_once(path):
    """No question's full wording appears twice in 'Each risk explained', no guidance source is
    printed under each risk, and every gap with an action names it."""
    catalogue = default_catalogue()
    from assessor.documents.context import build_context

    ctx = build_context(load_assessment(path, catalogue), catalogue)
    text = _text(path, "risk_report")
    section = text[text.find("4. Each risk explained") : text.find("5. Action plan")]
    for risk in ctx.risks:
        for finding in (*risk.lowered_by, *risk.gaps):
            if len(finding.text.split()) > 14 and not NEVER_ASK.search(finding.text):
                assert finding.text not in section, finding.question_id
        for finding in risk.gaps:
            action = ctx.commitment_for(finding.question_id)
            if action:
                assert f"action {action.number}" in section
    sources = {g.source for r in ctx.risks for g in r.citations}
    for source in sources:
        assert section.count(source) == 0, source
        assert source in text  # listed once in the appendix


# -- 2. format words ------------------------------------------------------------------------------

FORMAT_WORDS = {
    # the space is not a group: a forum, a server, a workspace, a video session, an audited app
    "not_group": r"\b(?:in|on) the group\b(?! agreement| chat)|\bthe group's\b",
    "not_video": r"\bwaiting room\b|\bon camera\b|\bbreakout rooms?\b|\bend the call\b",
    "audit": (
        r"\b(?:end|close|leave) the chat\b|\bchats in the group\b|\bour moderators\b|"
        r"\bmoderation hours\b|\bshifts?\b|\bmoderators and hosts\b"
    ),
    "no_set_hours": r"\bduring the hours\b|\bmoderation hours\b|\bthe times above\b|\bat the published times\b",
    "no_shifts": r"\bshifts?\b",
}
QUOTES_QUESTIONS = {"no_set_hours", "no_shifts"}  # checked outside the risk assessment


def _format_keys(ctx) -> list[str]:
    f = ctx.flags
    keys = []
    if not ctx.words.group and not f.video:
        keys.append("not_group")
    if not f.video:
        keys.append("not_video")
    if f.audit:
        keys.append("audit")
    if f.no_set_hours:
        keys.append("no_set_hours")
    if f.runs and not f.shifts:
        keys.append("no_shifts")
    return keys


def format_problems(ctx, pages: dict[str, str]) -> list[tuple[str, str, str]]:
    """(rule, document, words) for each word of a format the pack does not have."""
    found = []
    for key in _format_keys(ctx):
        for doc, html in pages.items():
            if key in QUOTES_QUESTIONS and doc == "risk_report":
                continue
            for m in re.finditer(FORMAT_WORDS[key], parse(html, doc).text, re.I):
                found.append((key, doc, m[0]))
    return found


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_pack_uses_a_word_for_a_format_it_does_not_have(path):
    assert format_problems(rendered(path).context, rendered(path).pages) == []


def test_the_words_follow_the_format():
    from assessor.documents.context import format_words

    assert format_words("messaging_group", "whatsapp", False, "WhatsApp").space == "the group"
    assert format_words("chat_room", "discord", False, "Discord").in_space == "on the server"
    assert format_words("forum", "self_hosted_forum", False, "x").fit("posts in the group") == (
        "posts on the forum"
    )
    audit = format_words("social_media_group", "other", True, "AskAnon")
    assert audit.fit("The group's settings; the group agreement") == "AskAnon's settings; the group agreement"


@pytest.mark.parametrize(
    "stem, sentence, rule",
    [
        ("anon-qa-app-audit", "Keep chats in the group. End the chat at once.", "not_group"),
        ("anon-qa-app-audit", "If someone makes you uncomfortable, end the chat at once.", "audit"),
        ("survivors-forum", "Admit people from the waiting room.", "not_video"),
        ("sports-club-whatsapp", "Reply only during the hours the organisation has set.", "no_set_hours"),
        ("sports-club-whatsapp", "Hand over at the end of every shift.", "no_shifts"),
    ],
)
def test_a_word_for_another_format_is_caught(stem, sentence, rule):
    """Shown failing: the sentences the readers found, put back into a pack of that format."""
    path = ROOT / "tests" / "scenarios" / f"{stem}.yaml"
    pages = dict(rendered(path).pages)
    pages["house_rules"] = pages["house_rules"].replace("</body>", f"<p>{sentence}</p></body>")
    assert rule in {key for key, _, _ in format_problems(rendered(path).context, pages)}


def test_the_gist_keeps_the_opening_clause_and_marks_the_cut():
    assert gist("Members know how to report.") == "Members know how to report."
    long = (
        "Everyone who moderates, hosts or contacts members knows to take every concern to the "
        "designated safeguarding lead, and how to reach them."
    )
    short = gist(long)
    assert short.endswith("…") and long.startswith(short[:-1])
    assert 6 <= len(short.split()) <= 14


def test_the_ceiling_fails_on_a_report_that_sets_every_question_out_in_full(monkeypatch):
    """Shown failing: with every question's full wording (as before), the largest pack goes over."""
    from assessor.documents import html

    monkeypatch.setitem(html.environment().filters, "gist", lambda text, *a, **k: text)
    catalogue = default_catalogue().model_copy(deep=True)
    for q in catalogue.index.values():  # no short names: the lists print each question in full
        object.__setattr__(q, "short", None)
    path = ROOT / "tests" / "scenarios" / "sports-club-whatsapp.yaml"
    pages = render_pages(load_assessment(path, catalogue), catalogue)
    assert len(parse(pages["risk_report"], "risk_report").text.split()) > RISK_REPORT_CEILING


# -- 4. a keyword filter's scope ------------------------------------------------------------------


# Platforms whose keyword filter reads only part of what members see (sourced in platforms.yaml).
PARTIAL_FILTERS = {"Instagram", "TikTok", "Facebook Groups", "Discord"}


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_filter_that_reads_only_part_of_the_platform_is_never_advised_as_if_it_read_everything(path):
    """Instagram's Hidden Words reads comments and message requests, not accepted chats; TikTok's,
    comments on the account's own videos (platforms.yaml keyword_filter_covers, sourced): the
    procedure says what it covers, and no action asks simply to switch the filter on."""
    ctx = rendered(path).context
    name = ctx.platform.name if ctx.platform else ""
    covers = ctx.platform.keyword_filter_covers if ctx.platform else None
    if name not in PARTIAL_FILTERS and not covers:
        pytest.skip("no keyword filter with a partial scope")
    assert covers and ctx.platform.has("keyword_filter"), name
    pages = rendered(path).pages
    assert f"It covers only {covers}" in _text(path, "procedure")
    for doc in pages:
        assert "Switch on the platform's word filter or flagging tool" not in _text(path, doc), doc


def test_instagrams_filter_scope_is_sourced():
    platform = default_catalogue().platforms["instagram"]
    assert "comments and message requests" in platform.keyword_filter_covers
    assert any("idownloadblog" in s.url for s in platform.sources)
    assert str(platform.checked) == "2026-11-30"


# -- 3. owners the organisation has, fit for the task ----------------------------------------------

ADMIN_ROLES = {"Group admins", "Moderators", "Session hosts"}
ACCOUNT_TASK = re.compile(r"\borganisation (?:account|device)s?\b|\bdevices and Wi-Fi\b", re.I)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_organisations_own_accounts_and_devices_are_never_left_to_group_admins(path):
    """Admins of a group may be parents or members: accounts, phones and devices (who has one, what
    it costs, how it is secured) are the trustees' (catalogue owner accounts_lead, documents.yaml)."""
    for action in rendered(path).context.actions:
        if ACCOUNT_TASK.search(action.headline):
            assert action.owner not in ADMIN_ROLES, (action.number, action.headline, action.owner)


# -- 5. languages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_where_members_use_other_languages_the_rules_say_how_moderation_and_reporting_work(path):
    """profile.languages (a question of its own, not a note): the house rules say the rules are the
    same in every language and reports are taken in each; the policy statement and (in a space the
    organisation runs) the procedure say how posts in those languages are moderated."""
    ctx = rendered(path).context
    pages = rendered(path).pages
    marks = {doc: {r for b in parse(html, doc).blocks for r in b.rules} for doc, html in pages.items()}
    if not ctx.profile.languages:
        assert not any(r.startswith("language-") for rules in marks.values() for r in rules)
        return
    assert {"language-rules:same", "language-reports:any"} <= marks["house_rules"]
    assert "language-moderation:translated" in marks["policy_statement"]
    if ctx.flags.runs and not ctx.flags.video:
        assert "language-moderation:translated" in marks["procedure"]
    assert ctx.profile.languages in _text(path, "house_rules")


def test_the_refugee_group_answers_its_languages():
    ctx = rendered(ROOT / "tests" / "scenarios" / "refugee-community-facebook.yaml").context
    assert ctx.profile.languages == "Arabic, Tigrinya and Farsi"
