"""Reading r13, the lead's items: the risk assessment's guidance appendix lists every code the risks
cite (r13 LG 3, GC 6)."""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered

CODE = re.compile(r"\b\d{3}\.[A-Z]+\d+[a-z]?\b")


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_every_guidance_code_the_risks_cite_is_listed_in_the_appendix(path):
    text = rendered(path).texts["risk_report"]
    head = "Appendix: guidance the risks rest on"
    body, _, appendix = text.partition(head)
    appendix = appendix.split("Appendix: sources")[0]
    cited = set(CODE.findall(body))
    if cited:
        assert appendix, (path.stem, "codes cited but no guidance appendix")
    missing = cited - set(CODE.findall(appendix))
    assert not missing, (path.stem, sorted(missing))


# -- r13 AQ 2, YC 2, LG 6, GC 5: a period for every kind of safeguarding record -----------------------

PERIOD = re.compile(
    r"\buntil\b|\bfor \d+ (?:years|months)\b|\b\d+ months\b|\bsame period\b|\bas long as needed\b", re.I
)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_record_table_sets_a_period_for_every_kind_of_record(path):
    pack = rendered(path)
    for kind, r in pack.context.contacts.retention:
        for part in re.split(r"(?<=\.) (?=Records of)", r.period):
            if part.startswith("Records of") or part == r.period:
                assert PERIOD.search(part), (kind, part)
    text = " ".join(pack.texts["procedure"].split())
    assert "no statutory period" not in text, path.stem
    if "Records of concerns about a child" in text:
        assert "Records of concerns about a child: until the child’s 25th birthday" in text.replace("'", "’")


# -- r13 SC 14, RF 9: the risk assessment's lists of safeguards name each one whole -----------------


def test_every_safeguard_has_a_short_name_of_at_most_14_words():
    catalogue = rendered(CORPUS[0]).catalogue
    for qid, q in catalogue.index.items():
        if str(getattr(q.kind, "value", q.kind)) == "control":
            assert q.short, qid
            assert len(q.short.split()) <= 14, (qid, q.short)


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_no_safeguard_in_the_risk_lists_is_cut_off(path):
    text = rendered(path).texts["risk_report"]
    section = text[text.find("4. Each risk explained") : text.find("5. Action plan")]
    assert "…" not in section, (path.stem, section[max(0, section.find("…") - 80) : section.find("…") + 5])


# -- r13 SC 1: a regional page cited for a national body's route says so --------------------------


def test_a_county_page_cited_for_a_national_route_is_marked_as_one():
    from assessor.catalogue import default_catalogue

    for sector, nations in default_catalogue().contacts.sector_routes.items():
        for nation, route in nations.items():
            if "County FA" in route.how and "thefa.com" not in (route.source or ""):
                assert route.source_scope and "your own county" in route.source_scope, (sector, nation)
    sports = next(p for p in CORPUS if p.stem == "sports-club-whatsapp")
    text = " ".join(rendered(sports).texts["risk_report"].split())
    assert "Oxfordshire FA’s page setting out The FA’s national route" in text.replace("'", "’")


# -- r14 AQ 1-3: a recorded incident says what happened to a member, not who did it ------------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_an_incident_never_says_a_member_did_it(path):
    """The answers say a member was bullied; whether the sender was a member is often unknown (an
    anonymous app), so no document states it."""
    for doc, text in rendered(path).texts.items():
        assert "abuse between members" not in " ".join(text.split()), (path.stem, doc)


# -- r14 SC 2, RF 6: a private signal is the safeguarding lead's to agree and to hold ----------------


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_private_signal_is_owned_and_held_by_the_lead(path):
    from tests.corpus import scored

    for action in scored(path)[2].actions:
        if action.id == "disclosure.safe_signal" or "disclosure.safe_signal" in action.merged_from:
            assert action.owner in ("safeguarding_lead", "trustees"), (
                path.stem,
                action.owner,
            )  # trustees: no lead yet
            assert "hosts can see it" not in action.text, path.stem
            assert (
                "only the lead and deputy can see it" in action.text
                or "agree it with that person" in action.text
            )
