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
