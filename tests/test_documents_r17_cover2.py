"""Who covers when the lead is away is said the same way in every document (reading r16 RF 2, YC 1).

- The contacts table names the cover: the deputy, or until one is named the chair of trustees. Where
  cover for the lead is not yet agreed (a cover gap), no document says a concern or the lead's reply
  "waits until the lead is back" without first trying that cover: every such sentence names the lead
  and the cover ("neither the lead nor the chair of trustees is working ... until one of them is back").
- The procedure's triage table keeps the same rule for a live video session: a medium concern goes to
  the lead or the cover the same day whenever one of them is working, otherwise when one of them is
  back; there is no flat "the same day" or "never later than 24 hours" beside a cover gap.
"""

from __future__ import annotations

import re

import pytest

from tests.corpus import CORPUS, IDS, rendered, squash


def _gap(c) -> bool:
    return bool(
        not c.flags.no_lead
        and not c.in_place("responding.lead_cover")
        and c.commitment_for("responding.lead_cover")
    )


def _cover(c) -> str:
    return "the deputy" if c.profile.deputy.named else "the chair of trustees"


def _medium_row(html: str) -> str:
    found = re.search(r'<tr data-guidance="002\.M4".*?</tr>', html, re.S)
    assert found, "no medium row in the triage table"
    return squash(re.sub(r"<[^>]+>", " ", found[0]).replace(" ,", ",").replace(" .", "."))


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_every_document_tries_the_cover_before_anything_waits(path):
    pack = rendered(path)
    c = pack.context
    cover = _cover(c)
    for doc, raw in pack.texts.items():
        text = squash(raw)
        assert "until the lead is back" not in text, (path.stem, doc)
        assert "the lead is not working" not in text, (path.stem, doc)
        if _gap(c):
            for found in re.finditer(r"neither the lead nor ([a-z ]+?) is working", text):
                assert found[1] == cover, (path.stem, doc, found[0])
            for found in re.finditer(r"When the lead or ([a-z ]+?) is working", text):
                assert found[1] == cover, (path.stem, doc, found[0])
    if _gap(c) and not c.flags.no_lead:
        # the contacts table names the cover, and the policy's route names the same person
        policy = squash(pack.texts["policy_statement"])
        assert f"or {cover} if the lead is away" in policy, path.stem
        assert f"neither the lead nor {cover} is working" in policy, path.stem


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_the_triage_tables_medium_row_follows_the_cover_gap(path):
    pack = rendered(path)
    c = pack.context
    if "procedure" not in pack.pages:
        return
    row = _medium_row(pack.pages["procedure"])
    if c.flags.no_lead:
        return
    if c.profile.deputy.named or _gap(c):
        assert f"or {_cover(c)}" in row, (path.stem, row)
    if c.flags.video and c.flags.runs:
        if _gap(c):
            assert "whenever one of them is working" in row, (path.stem, row)
            assert "otherwise when one of them is back" in row, (path.stem, row)
            assert "never later than 24 hours" not in row, (path.stem, row)
        else:
            assert "the same day." in row, (path.stem, row)
