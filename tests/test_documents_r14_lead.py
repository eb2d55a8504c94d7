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
