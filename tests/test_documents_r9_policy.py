"""Reading r8, the risk assessment's first section and the policy statement (issue 10), over the whole
corpus (tests/corpus.py).

Each rule is driven by the answers, the profile or the plan, never by a scenario:

* a lead or deputy who is not yet named is never a precondition for adopting the pack: the risk
  assessment says who acts until they are named, as every other document does (SC 1, RF 1);
* an audit describes the platform's moderation as the platform's, never as the organisation's own
  "we look when someone reports something" (AQ 1);
* the public documents print only the purpose's first sentence, what the space is for: anything
  after it (who actually uses it, what has gone wrong) stays in the risk assessment (SC 9);
* with no set moderation hours and nothing published, the members' rules say so in their own words
  and never print the hours and reply-time answers as if they were a standard (SC 9, SC 22, SC 23);
* the post-moderation clause of the policy statement reads as a sentence (LG 6);
* a related policy the plan says is missing or out of date is marked with the action that writes or
  updates it, never listed as if it existed (SC 11, RF 6).
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered


def _pack(path):
    """(context, parsed pages): the shared corpus render (tests/corpus.py)."""
    pack = rendered(path)
    return pack.context, pack.parsed


def _blocks(parsed, doc, pattern):
    return [b.text for b in parsed[doc].blocks if re.search(pattern, b.text)] if doc in parsed else []


def _squash(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_missing_lead_or_deputy_never_blocks_adoption(path):
    context, parsed = _pack(path)
    report = parsed["risk_report"].text
    assert "before this document is adopted" not in report, path.stem
    if context.flags.no_lead:
        (row,) = _blocks(parsed, "risk_report", r"^Not yet named\. Until appointed")
        assert "the trustees act, through their chair" in row, row
        action = context.commitment_for("appoint_lead")
        assert action and f"(action {action.number})" in row, row
    elif not context.profile.deputy.named:
        (row,) = _blocks(parsed, "risk_report", r"^Not yet named\. Until named")
        assert "the chair of trustees covers" in row, row


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_audit_describes_the_platforms_moderation_as_the_platforms(path):
    context, parsed = _pack(path)
    if not context.flags.audit:
        return
    rows = _blocks(parsed, "risk_report", r"does not moderate")
    assert rows, path.stem
    assert context.org.name in rows[0], rows[0]
    report = parsed["risk_report"].text
    if context.profile.moderation_label:
        assert context.profile.moderation_label not in report, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_public_documents_print_only_what_the_space_is_for(path):
    context, parsed = _pack(path)
    purpose = _squash(context.profile.purpose)
    first = context.profile.purpose_public
    assert first and purpose.startswith(first), path.stem
    rest = purpose[len(first) :].lstrip(". ")
    for doc in ("policy_statement", "house_rules"):
        if doc not in parsed or not parsed[doc].text:
            continue
        text = _squash(parsed[doc].text)
        if doc == "policy_statement" or not context.flags.audit:
            assert first[:60] in text, (path.stem, doc)
        if rest:
            # no later sentence of the answer reaches a public document
            for sentence in re.split(r"(?<=[.!?])\s+", rest):
                assert sentence[:40] not in text, (path.stem, doc, sentence)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_members_are_not_given_unagreed_hours_as_a_standard(path):
    context, parsed = _pack(path)
    moderated = context.flags.runs and context.flags.moderation in ("pre", "post", "reactive")
    if not (moderated and context.flags.no_set_hours) or context.in_place("moderation.published_hours"):
        return
    for doc in ("house_rules", "house_rules_young"):
        if doc not in parsed:
            continue
        text = _squash(parsed[doc].text)
        assert "at set times" in text, (path.stem, doc)
        for answer in (context.profile.moderation_hours, context.profile.response_time):
            if answer:
                assert _squash(answer).rstrip(".") not in text, (path.stem, doc, answer)
        assert "How quickly they reply" not in text, (path.stem, doc)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_post_moderation_clause_reads_as_a_sentence(path):
    _, parsed = _pack(path)
    for text in _blocks(parsed, "policy_statement", r"checking posts after they appear"):
        assert "reports and posts that may signal a risk first" not in text, text
        assert "starting with reports and posts that may signal a risk" in text, text


RELATED = {
    "behaviour.anti_bullying": "Anti-bullying policy",
    "privacy_data.image_consent": "Policy on taking, sharing and storing images and video",
    "responding.whistleblowing": "Whistleblowing policy",
}


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_related_policies_that_do_not_exist_yet_are_marked(path):
    context, parsed = _pack(path)
    for question, title in RELATED.items():
        (line,) = _blocks(parsed, "policy_statement", "^" + re.escape(title))
        action = context.commitment_for(question)
        if action and not context.in_place(question):
            assert f"action {action.number})" in line, (path.stem, line)
        else:
            assert "action" not in line, (path.stem, line)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_two_adults_rule_is_about_calls_on_the_platform(path):
    # YC 1: the rule covers the platform's calls and breakout rooms; the sanctioned one-to-one
    # channels (a work phone, a call back) are named, never forbidden by "never alone on a call".
    context, parsed = _pack(path)
    everything = " ".join(p.text for p in parsed.values())
    assert "alone on a call" not in everything, path.stem
    for text in _blocks(parsed, "risk_report", r"bring it into line: two adults"):
        assert f"every {context.profile.platform_product} call or breakout room" in text, text
        assert ("One-to-one contact happens only through" in text) == bool(context.flags.one_to_one), text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_statement_applies_to_who_actually_takes_part(path):
    # SC 10: children below the platform's minimum age do not take part; their parents and carers do.
    context, parsed = _pack(path)
    if not context.flags.runs:
        return
    (line,) = _blocks(parsed, "policy_statement", r"^everyone who takes part in")
    below = context.profile.under_age_groups if context.flags.under_age and context.platform else ()
    if below and context.platform.minimum_age:
        members, _, parents = line.partition("the parents and carers of our")
        assert parents, (path.stem, line)
        for group in below:
            assert group.lower() not in members, (path.stem, line)
            assert group.lower() in parents, (path.stem, line)
    else:
        assert "parents and carers" not in line, (path.stem, line)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_members_are_told_when_their_private_messages_are_kept(path):
    # GC 4: where the organisation's server or forum keeps private messages, the statement says so.
    context, parsed = _pack(path)
    if not (context.flags.runs and context.flags.member_messages) or "policy_statement" not in parsed:
        return
    kept = context.flags.messages_logged or (
        context.flags.messages_logged is None
        and context.platform is not None
        and context.platform.admins_see_private_messages is True
    )
    text = parsed["policy_statement"].text
    unseen = "can see private messages between members" in text or "do not moderate private messages" in text
    assert unseen != bool(kept), path.stem
    assert ("keeps their private messages" in text) == bool(kept), path.stem


def test_the_corpus_has_a_server_that_logs_private_messages():
    assert any(_pack(p)[0].flags.messages_logged for p in CORPUS)
