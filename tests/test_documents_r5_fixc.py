"""Reading r5, over the whole corpus (tests/scenarios and examples):

* "People outside the community can see members and what is shared" (and its rating factor) is
  never printed for a private or closed group (profile.who_sees_posts, platforms.yaml closed_group);
* where moderators do not cover the week (profile.moderation_cover some_days or no_set_times), the
  procedure never promises that every report is read within the response times, says when reports
  are read, signposts the emergency number and the platform's report tool, and never promises a
  reply within 24 hours; the reading-times sentence never says "between sessions".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.assessment import load_assessment
from assessor.documents.claims import parse, render_pages
from assessor.platforms import all_responses
from tests.corpus import CORPUS, IDS, rendered

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
SEE = "People outside the community can see members and what is shared"
STRANGERS_SEE = "Strangers can see children and what is shared about them"


def _private(assessment, catalogue) -> bool:
    responses = all_responses(assessment, catalogue)
    return (
        responses.get("profile.who_sees_posts") == "members_only"
        or responses.get("derived.closed_group") is True
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_outsiders_see_posts_only_where_the_group_is_not_private(path, catalogue):
    pack = rendered(path)
    assessment, pages = pack.assessment, pack.pages
    text = parse(pages["risk_report"]).text
    if _private(assessment, catalogue):
        for claim in (SEE, STRANGERS_SEE):
            assert claim not in text, (path.stem, claim)


def test_the_refugee_group_is_private_and_its_rating_drops(catalogue):
    assessment = load_assessment(SCENARIOS / "refugee-community-facebook.yaml", catalogue)
    assert _private(assessment, catalogue)
    text = parse(render_pages(assessment, catalogue)["risk_report"]).text
    assert SEE not in text
    # The same answers with a public group bring the sentence back.
    assessment.profile["who_sees_posts"] = "anyone"
    text = parse(render_pages(assessment, catalogue)["risk_report"]).text
    assert SEE in text


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_reading_times_follow_the_moderation_cover(path, catalogue):
    pack = rendered(path)
    assessment, pages = pack.assessment, pack.pages
    text = " ".join(parse(pages[d]).text for d in ("procedure", "policy_statement") if d in pages)
    assert "read between sessions" not in text
    cover = assessment.profile.get("moderation_cover")
    if assessment.profile.get("relationship") != "runs" or cover not in ("some_days", "no_set_times"):
        return
    proc = parse(pages["procedure"]).text
    assert "Every report is read and triaged within the response times" not in proc
    assert "later than 24 hours" not in proc.replace(
        "Straight after the session, and never later than 24 hours", ""
    )
    if assessment.profile.get("moderation") == "reactive":
        assert "Reports are read only" in proc
        assert "report tool in" in proc
