"""Reading r8, the escalation procedure (issue 10), over the whole scenario corpus (tests/corpus.py).
Each rule is driven by the answers, the registry or the contacts data, never by a scenario:

* the lead decides on a police report, having listened to the person harmed, and never outs a
  member; no document makes a police report automatic (LG 2, GC 1);
* the shared concerns log (and the handover or session record) holds only that a concern was passed
  on: no names, profiles, numbers or kind of concern (SC 15, RF 10);
* a live video session is never screenshotted, even as evidence (YC 2);
* in an audit, staff do not go onto the platform: the member or a parent reports there (AQ 8);
* no two sentences are glued together ("posted it.We", AQ 9);
* a national body's role that nobody holds yet has an interim: the chair of trustees (SC 14);
* a young person's disclosure is answered by one route, the staff code's, that works on every
  platform and names the second adult: never a conversation the platform or the code may not allow
  (RF 9, LG 8).
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered


def _pack(path):
    """(context, pages, parsed pages) of the shared corpus render (tests/corpus.py)."""
    pack = rendered(path)
    return pack.context, pack.pages, pack.parsed


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z“])", text)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_lead_decides_on_a_police_report(path):
    context, pages, parsed = _pack(path)
    for doc, page in parsed.items():
        for sentence in _sentences(page.text):
            assert not re.search(
                r"\bit is reported to [^.]*(police|101)|even when the platform has been told", sentence
            ), (
                doc,
                sentence,
            )
    if "procedure" not in pages:
        return
    step = re.search(r'<li data-addresses="after-harm"[^>]*>(.*?)</li>', pages["procedure"], re.S)
    assert step, "no after-harm step"
    text = _text(step.group(1))
    assert "police-report:lead-decides" in step.group(0)
    assert re.search(
        r"decides whether to report it to [^,]+, having listened to the views of the person harmed", text
    ), text
    if context.flags.lgbtq:
        assert "sexual orientation or gender identity unless they agree" in text, text


SHARED_RECORD_ASKS = re.compile(
    r"who was involved|names?\b(?! or details)|profile|phone number|kind of concern|what they said|username",
    re.I,
)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_shared_log_holds_only_that_a_concern_was_passed_on(path):
    _, pages, _ = _pack(path)
    html = pages.get("procedure", "")
    found = re.search(r'data-rule="shared-log:no-details">(.*?)</p>\s*<table[^>]*>(.*?)</table>', html, re.S)
    if not found:
        return
    intro, table = _text(found.group(1)), found.group(2)
    assert "who was involved" not in intro, intro
    for header in re.findall(r'<th scope="row">(.*?)</th>', table, re.S):
        assert not SHARED_RECORD_ASKS.search(_text(header)) or "no names" in header, header


NEGATED = re.compile(r"\b(never|not|no|don’t|nobody|without)\b", re.I)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_live_video_session_is_never_screenshotted(path):
    context, _, parsed = _pack(path)
    if not (context.flags.video and context.flags.runs):
        return
    for doc in ("procedure", "staff_code"):
        if doc not in parsed:
            continue
        for sentence in _sentences(parsed[doc].text):
            for hit in re.finditer("screenshot", sentence, re.I):  # a negation before each one
                assert NEGATED.search(sentence[: hit.start()]), (doc, sentence)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_in_an_audit_the_member_reports_on_the_platform(path):
    context, _, parsed = _pack(path)
    if not context.flags.audit or "procedure" not in parsed:
        return
    for sentence in _sentences(parsed["procedure"].text):
        if re.search(r"report(ing)? tools?\b", sentence) and "has no report" not in sentence:
            assert re.search(r"\bmember\b", sentence), sentence
            assert not sentence.startswith(("Use the platform", "Report it to")), sentence


GLUED = re.compile(r"\b[a-z]{2,}[.!?;:][A-Z][a-z]")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_sentences_are_glued_together(path):
    _, pages, _ = _pack(path)
    for doc, html in pages.items():
        text = _text(html)
        for word in re.findall(r"\S+", text):
            if re.search(r"[/@]|www\.|\.(org|uk|com|net|gov|io)\b", word):
                continue  # a web or email address
            assert not GLUED.search(word), (doc, word)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_national_body_role_nobody_holds_has_an_interim(path):
    context, pages, _ = _pack(path)
    sector = context.contacts.sector
    if "procedure" not in pages or not sector or not sector.role:
        return
    text = _text(pages["procedure"])
    interim = f"Until {context.org.name} appoints a {sector.role}, the chair of trustees makes this referral."
    assert (interim in text) == context.flags.no_lead, (interim, context.flags.no_lead)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_young_persons_disclosure_has_one_reply_route_naming_the_second_adult(path):
    context, pages, parsed = _pack(path)
    if not (context.flags.under_18 and context.flags.runs) or "procedure" not in pages:
        return
    proc = parsed["procedure"].text
    assert "second named member of staff" not in proc
    step = re.search(r"<li [^>]*data-reply-route[^>]*>(.*?)</li>", pages["procedure"], re.S)
    assert step, "no reply step"
    text = _text(step.group(1))
    rule = "ever discuss a worry about their safety in a group"
    # reading r12 SC 6: "or pass it to their family yourself" only where the reply is never the parent
    assert text.startswith("Reply to the young person: n" + rule), text
    assert "N" + rule in parsed["staff_code"].text  # the staff code says the same
    routes = set(context.profile.reply_routes)
    if context.flags.one_to_one:
        assert re.search(r"replies the same day through [^,]+", text), text
    elif "parent" in routes and routes <= {"parent", "in_person"}:
        # reading r10 SC 6: the prompt reply goes through a safe parent, and a word in person at a
        # session is with a checked adult who is there anyway, never a named trustee who comes in for it
        assert "replies the same day through their parent or carer" in text, text
    else:
        who = (
            "another trustee"
            if context.flags.no_lead
            else "the deputy"
            if context.profile.deputy.named
            else "a trustee"
        )
        # by a route the organisation has (profile.reply_routes, reading r9 LG 2, GC 7), always naming
        # the second adult
        assert re.search(rf"replies [^.]*a second adult (present )?\({who}", text), text
