"""What the organisational documents must contain for every organisation, from the content data.

Each check is a small function over rendered HTML, so that a test can show it failing: the same
check is run once on a pack with the data removed (or the fact reversed) and must then fail.
Statutory routes, retention periods and helplines are read from questionnaires/contacts.yaml and
helplines.yaml, never written into these tests.
"""

from __future__ import annotations

import html as htmllib
import io
import re
from pathlib import Path

import pytest
from conftest import EXAMPLES
from pypdf import PdfReader

from assessor.assessment import Answer, load_assessment
from assessor.documents.context import build_context
from assessor.documents.html import SOFT_BREAK
from assessor.documents.pack import _convert, _html, _specs

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
NATIONS = ("england", "wales", "scotland", "northern_ireland")
GUIDANCE_CODE = re.compile(r"\b00\d\.[A-Z]+\d+[a-z]?\b")
# The parts of the NSPCC's example online safety policy statement, as the issue lists them, and
# the legal framework part that contacts.yaml (nspcc_policy_template.parts) confirms from
# reproductions of the example; every id there must be among them.
NSPCC_PARTS = (
    "purpose", "scope", "legal", "beliefs", "recognition", "keep-safe", "responding", "related", "contacts",
)  # fmt: skip


def _pages(assessment, catalogue) -> dict[str, str]:
    ctx = build_context(assessment, catalogue)
    specs = _specs(ctx)
    return {spec.id: _html(spec, ctx, specs) for spec in specs}


def _text(html: str) -> str:
    """The visible text of rendered HTML, in one line (tags, soft breaks and entities removed)."""
    body = re.sub(r"<(head|style|script)\b.*?</\1>", " ", html, flags=re.S)
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", body)).replace(SOFT_BREAK, "")
    return " ".join(text.split())


def _variant(catalogue, base: str = "youth-forum", answers: dict | None = None, **profile):
    a = load_assessment(EXAMPLES / f"{base}.yaml", catalogue).model_copy(deep=True)
    for key, value in profile.items():
        if value is None:
            a.profile.pop(key, None)
        else:
            a.profile[key] = value
    for qid, value in (answers or {}).items():
        if value is None:
            a.answers.pop(qid, None)
        else:
            a.answers[qid] = Answer(value=value)
    return a


def _without_contacts(catalogue):
    return catalogue.model_copy(update={"contacts": None})


def _corpus(catalogue):
    paths = sorted(EXAMPLES.glob("*.yaml")) + sorted(SCENARIOS.glob("*.yaml"))
    out = []
    for path in paths:
        if path.name == "expectations.yaml":
            continue
        try:
            out.append((path.stem, load_assessment(path, catalogue)))
        except Exception:  # a scenario written for questions not yet in the questionnaire
            continue
    return out


# -- the checks ----------------------------------------------------------------------------


def allegations_problems(pages: dict[str, str], catalogue, nation: str) -> list[str]:
    """The procedure names the nation's allegations route and barring body; policy and staff code summarise them."""
    contacts = catalogue.contacts
    if contacts is None:
        return ["no contacts.yaml data"]
    route, barring = contacts.allegations[nation], contacts.barring[nation]
    problems = []
    procedure = _text(pages["procedure"])
    for needle in (route.name, route.how, barring.name, "chair of trustees"):
        if needle not in procedure:
            problems.append(f"procedure lacks {needle[:60]!r}")
    for doc in ("policy_statement", "staff_code"):
        text = _text(pages[doc])
        for needle in (route.short or route.name, barring.short or barring.name):
            if needle not in text:
                problems.append(f"{doc} lacks {needle!r}")
    return problems


def retention_problems(pages: dict[str, str], catalogue) -> list[str]:
    """The procedure states each retention period with its source; the policy points to it."""
    if catalogue.contacts is None or not catalogue.contacts.retention:
        return ["no retention data"]
    procedure = _text(pages["procedure"])
    problems = []
    for kind, r in catalogue.contacts.retention.items():
        if r.applies_to:
            continue
        if r.period not in procedure:
            problems.append(f"no period for {kind}")
        # Reading r10 SC 13: source notes ("Checked against ico.org.uk") are working notes, not
        # procedure text; the risk assessment's appendix keeps the full address of every source.
        if r.source.split("/")[2].removeprefix("www.") in procedure:
            problems.append(f"a source note for {kind} in the procedure")
        if r.source not in _text(pages["risk_report"]):
            problems.append(f"no full source for {kind} in the risk assessment")
    if "periods set out in the" not in _text(pages["policy_statement"]):
        problems.append("the policy statement does not point to the retention periods")
    return problems


def no_lead_problems(pages: dict[str, str]) -> list[str]:
    problems = []
    for doc, html in pages.items():
        text = _text(html)
        if (
            doc in ("procedure", "policy_statement", "risk_report", "staff_code")
            and "chair of trustees" not in text
        ):
            problems.append(f"{doc}: nobody acts for the missing lead")
    if "To be appointed" not in _text(pages["procedure"]):
        problems.append("procedure: the lead is not shown as to be appointed")
    return problems


def draft_problems(pages: dict[str, str]) -> list[str]:
    return [doc for doc, html in pages.items() if 'class="draft-mark"' not in html or " draft" not in html]


def nspcc_problems(pages: dict[str, str], catalogue) -> list[str]:
    html = pages["policy_statement"]
    text = _text(html)
    found = set(re.findall(r'data-nspcc="([^"]+)"', html))
    wanted = set(NSPCC_PARTS) | {p.id for p in catalogue.contacts.nspcc_policy_template.parts}
    problems = [f"part {p} not covered" for p in sorted(wanted - found)]
    for needle in (
        "gender reassignment",
        "religion or belief",
        "sexual orientation",
        "NSPCC Helpline",
        "bystander",
    ):
        if needle.lower() not in text.lower() and not (
            needle == "bystander" and "anyone who saw or heard" in text
        ):
            problems.append(f"no {needle!r}")
    return problems


# -- tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("nation", NATIONS)
def test_every_child_facing_pack_has_the_nations_allegations_route(catalogue, nation):
    a = _variant(catalogue, nation=nation, audience=["age_13_17"])
    assert allegations_problems(_pages(a, catalogue), catalogue, nation) == []


def test_the_allegations_check_fails_without_the_route(catalogue):
    a = _variant(catalogue, nation="wales")
    bare = _without_contacts(catalogue)
    pages = _pages(a, bare)
    assert allegations_problems(pages, catalogue, "wales")
    assert "not yet recorded" in _text(pages["procedure"])
    # The wrong nation's route is a failure too.
    assert allegations_problems(_pages(a, catalogue), catalogue, "scotland")


def test_adults_at_risk_get_the_adult_safeguarding_route_not_child_protection(catalogue):
    a = _variant(catalogue, nation="scotland", audience=["adults_at_risk"])
    procedure = _text(_pages(a, catalogue)["procedure"])
    route = catalogue.contacts.adult_safeguarding["scotland"]
    assert route.name in procedure and (route.short or route.name) in procedure
    assert "children’s services" not in procedure and "Childline" not in procedure


def test_every_pack_states_retention_with_its_source(catalogue):
    corpus = _corpus(catalogue)
    assert len(corpus) >= 3
    for name, a in corpus:
        assert retention_problems(_pages(a, catalogue), catalogue) == [], name


def test_the_retention_check_fails_without_the_data(catalogue):
    pages = _pages(_variant(catalogue), _without_contacts(catalogue))
    assert retention_problems(pages, catalogue)
    assert "Retention periods are not yet set" in _text(pages["procedure"])


def test_no_lead_names_nobody_and_the_trustees_act(catalogue):
    a = _variant(catalogue, safeguarding_lead=None)
    pages = _pages(a, catalogue)
    assert no_lead_problems(pages) == []
    named = load_assessment(EXAMPLES / "youth-forum.yaml", catalogue).profile["safeguarding_lead"].name
    for doc, html in pages.items():
        assert named not in _text(html).replace(f"Assessed by {named}", ""), doc  # she assessed, not leads
    ctx = build_context(a, catalogue)
    assert ctx.flags.no_lead
    assert all(c.owner != "Designated safeguarding lead" for c in ctx.actions)
    # With a lead named, the same check fails: nothing is "to be appointed".
    assert no_lead_problems(_pages(_variant(catalogue), catalogue))


def _helpline_names(a, catalogue) -> set[str]:
    return {h.name for h in build_context(a, catalogue).helplines}


def test_helplines_follow_community_audience_and_nation(catalogue):
    nations = catalogue.nations
    for nation in NATIONS:
        survivors = _variant(
            catalogue, nation=nation, audience=["adults"], community_focus=["abuse_survivors"]
        )
        general = _variant(catalogue, nation=nation, audience=["adults"], community_focus=["general"])
        names, plain = _helpline_names(survivors, catalogue), _helpline_names(general, catalogue)
        for line in nations[nation].helplines:
            adults_ok = line.audience != "children"
            if line.communities and "abuse_survivors" in line.communities and adults_ok:
                assert line.name in names and line.name not in plain, (nation, line.name)
            if line.audience == "children":
                assert line.name not in names, (nation, line.name)
        other = next(n for n in NATIONS if n != nation)
        only_other = {h.name for h in nations[other].helplines} - {h.name for h in nations[nation].helplines}
        assert not names & only_other, nation
    # A community-specific line is printed in the procedure for its community only.
    lgbtq = _variant(catalogue, community_focus=["lgbtq"])
    lines = [h for h in catalogue.nations["england"].helplines if "lgbtq" in h.communities]
    assert lines
    text = _text(_pages(lgbtq, catalogue)["procedure"])
    assert all(h.name in text for h in lines)
    assert not any(h.name in _text(_pages(_variant(catalogue), catalogue)["procedure"]) for h in lines)


def test_survivors_get_safety_advice_signal_and_a_high_level_that_means_danger_now(catalogue):
    a = _variant(
        catalogue,
        audience=["adults"],
        community_focus=["abuse_survivors"],
        answers={"disclosure.safe_signal": "in_place"},
    )
    procedure = _text(_pages(a, catalogue)["procedure"])
    assert "quick-exit" in procedure and "Danger now" in procedure
    assert "I can’t talk safely right now" in procedure
    assert "is not high risk on its own" in procedure
    without = _variant(
        catalogue,
        audience=["adults"],
        community_focus=["abuse_survivors"],
        answers={"disclosure.safe_signal": "partly"},
    )
    assert "I can’t talk safely right now" not in _text(_pages(without, catalogue)["procedure"])


def test_video_sessions_get_video_procedures(catalogue):
    a = _variant(catalogue, platform="video", platform_id="zoom", platform_name=None, moderation=None)
    procedure = _text(_pages(a, catalogue)["procedure"])
    for needle in ("How sessions are run", "waiting room", "Two adults", "on camera", "Session record"):
        assert needle in procedure, needle
    for needle in (
        "Shift handover",
        "moderation hours",
        "Pre-moderation",
        "Post-moderation",
        "Hide or hold the post",
    ):
        assert needle not in procedure, needle
    forum = _text(_pages(_variant(catalogue), catalogue)["procedure"])
    assert "Shift handover" in forum and "How sessions are run" not in forum


def _with_keyword_filter(catalogue, pid: str, value):
    entry = catalogue.platforms[pid]
    tools = entry.tools.model_copy(update={"keyword_filter": value})
    return catalogue.model_copy(
        update={"platforms": {**catalogue.platforms, pid: entry.model_copy(update={"tools": tools})}}
    )


def test_a_platform_without_a_keyword_filter_is_never_told_to_use_one(catalogue):
    """The registry records no confirmed 'no filter' yet, so the fact is set here, both ways."""
    a = _variant(catalogue, platform_id="whatsapp", platform="messaging_group")

    def advises_filter(cat) -> bool:
        text = _text(_pages(a, cat)["procedure"])
        return "keyword filter" in text or "flag words, phrases or patterns automatically" in text

    assert not advises_filter(_with_keyword_filter(catalogue, "whatsapp", False))
    assert advises_filter(_with_keyword_filter(catalogue, "whatsapp", True))
    assert advises_filter(
        _with_keyword_filter(catalogue, "whatsapp", None)
    )  # unconfirmed: "where the platform can"


def test_an_undecided_audit_is_a_draft_on_every_page(catalogue):
    a = load_assessment(EXAMPLES / "random-video-chat-audit.yaml", catalogue).model_copy(deep=True)
    del a.answers["platform_features.decision"]
    pages = _pages(a, catalogue)
    assert draft_problems(pages) == []
    pdf = _convert(pages["policy_statement"], "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 1
    for n, page in enumerate(reader.pages):
        assert "awaiting the trustees" in " ".join((page.extract_text() or "").split()).lower(), n
    decided = load_assessment(EXAMPLES / "random-video-chat-audit.yaml", catalogue)
    assert draft_problems(_pages(decided, catalogue)) == []  # a decision, not yet approved: still a draft
    assert draft_problems(_pages(_approve(decided), catalogue))  # the check fails once approved


def _approve(a):
    import datetime as dt

    from assessor import lifecycle as lc

    day = dt.date(2026, 11, 30)
    a = lc.review(lc.submit(a, by="Sam", role=lc.EDITOR, on=day), by="Lee", role=lc.LEAD, on=day)
    return lc.approve(a, approvers=[("Chris", "Chair of trustees")], minute="M1", role=lc.TRUSTEE, on=day)


def test_the_policy_statement_covers_every_part_of_the_nspcc_example(catalogue):
    for name, a in _corpus(catalogue):
        pages = _pages(a, catalogue)
        assert nspcc_problems(pages, catalogue) == [], name
        text = _text(pages["policy_statement"])
        assert not GUIDANCE_CODE.search(text), name
        assert not re.search(r"further \d+ commitment|\d+ actions? in the risk assessment", text), name
    # The check fails when a part is missing.
    pages = _pages(_variant(catalogue), catalogue)
    pages["policy_statement"] = pages["policy_statement"].replace('data-nspcc="recognition"', "")
    assert nspcc_problems(pages, catalogue) == ["part recognition not covered"]
    pages["policy_statement"] = pages["policy_statement"].replace('data-nspcc="legal"', "")
    assert nspcc_problems(pages, catalogue) == ["part legal not covered", "part recognition not covered"]


def test_the_nspcc_parts_in_contacts_are_the_parts_the_statement_marks(catalogue):
    assert {p.id for p in catalogue.contacts.nspcc_policy_template.parts} <= set(NSPCC_PARTS)
