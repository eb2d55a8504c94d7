"""Linked key controls (issue 11, survivors-forum band): an area is only as safe as who can read it.

catalogue.yaml `key_controls.linked` lets an area name key controls of another area. While one of
them is missing or only partly in place (and key for the profile), the area takes that control's
cap, and the "why" names the control and its area. Checked on every scenario and example.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.assessment import Answer
from assessor.catalogue import default_catalogue
from assessor.scoring import _cap_at, score
from tests.corpus import CORPUS, IDS, scored

ROOT = Path(__file__).resolve().parent.parent


def test_oversharing_is_linked_to_who_gets_in():
    linked = default_catalogue().meta.scoring.key_controls.linked
    assert {"fake_profiles.join_checks", "fake_profiles.returning_users"} <= set(
        linked.get("oversharing", [])
    )


@pytest.mark.parametrize("path", CORPUS, ids=IDS)
def test_a_linked_key_control_not_in_place_holds_the_area_up(path):
    catalogue, _, result = scored(path)
    rules = catalogue.meta.scoring.key_controls
    areas = {a.id: a for a in result.areas}
    for area_id, qids in rules.linked.items():
        if area_id not in areas:
            continue
        area = areas[area_id]
        for qid in qids:
            owner = areas.get(catalogue.area_by_question[qid].id)
            status = next((k.status for k in owner.key_controls if k.id == qid), None) if owner else None
            if status in (None, "in_place"):
                assert all(c.source != qid for c in area.caps), (path.stem, area_id, qid)
                continue
            # the cap of the control's own area, wherever it applies to this area's inherent risk
            q = catalogue.index[qid]
            rule = q.partly_cap or rules.partly_cap
            if status == "missing":
                rule = q.cap or catalogue.area_by_question[qid].cap or rules.cap
            applies, fl, fi, _, _ = _cap_at(catalogue, rule, area.inherent.likelihood, area.inherent.impact)
            cap = next((c for c in area.caps if c.source == qid), None)
            assert (cap is not None) == applies, (path.stem, area_id, qid, status)
            if cap is not None:
                assert f"(in area {owner.title})" in cap.because, cap.because
                assert area.residual.likelihood >= fl and area.residual.impact >= fi, (path.stem, area_id)


def test_survivors_forum_oversharing_stays_medium_through_the_linked_control():
    catalogue, assessment, result = scored(ROOT / "tests" / "scenarios" / "survivors-forum.yaml")
    area = next(a for a in result.areas if a.id == "oversharing")
    assert area.control_strength == 1.0
    assert area.residual.band.value == "amber"
    assert area.cap is not None and area.cap.source == "fake_profiles.returning_users"
    assert (
        "only partly in place: Moderators watch for removed members coming back"
        " (in area Fake profiles and catfishing)" in area.cap.because
    )
    assert "cannot fall below Medium" in area.cap.because
    # putting the linked control in place lifts the floor: the area falls to Low (never raised)
    better = assessment.model_copy(deep=True)
    better.answers["fake_profiles.returning_users"] = Answer(value="in_place")
    after = next(a for a in score(better, catalogue).areas if a.id == "oversharing")
    assert after.residual.band.value == "green"
    assert all(c.source != "fake_profiles.returning_users" for c in after.caps)


def test_the_checker_refuses_a_link_to_a_control_that_is_not_key(tmp_path):
    import shutil

    from assessor.catalogue import load_catalogue

    src = ROOT / "questionnaires"
    dst = tmp_path / "q"
    shutil.copytree(src, dst)
    meta = dst / "catalogue.yaml"
    text = meta.read_text(encoding="utf-8")
    assert "fake_profiles.returning_users]" in text
    meta.write_text(text.replace("fake_profiles.returning_users]", "fake_profiles.identity_check]"), "utf-8")
    with pytest.raises(Exception, match="not a key control of another risk area"):
        load_catalogue(dst)
