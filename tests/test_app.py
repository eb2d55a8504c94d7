"""Streamlit AppTest: each page, autosave, refresh, show_if, upload errors, and a full journey."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from assessor.catalogue import default_catalogue
from assessor.questionnaire import Kind
from assessor.store import Store

APP = str(ROOT / "streamlit_app.py")


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "app.sqlite3"
    monkeypatch.setenv("ASSESSOR_DB", str(path))
    return path


def fresh(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def new_assessment(name: str = "Riverside Youth Forum") -> AppTest:
    at = fresh()
    at.text_input[0].input(name)
    at.text_input[1].input("Sam Assessor")
    at.button[0].click().run()
    assert not at.exception
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.session_state["go_to"] = page
    return at.run()


def key(at: AppTest, qid: str, part: str = "") -> str:
    return f"{at.session_state['draft_id']}|{qid}|{part}"


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title] + [h.value for h in at.header]
    parts += [s.value for s in at.subheader] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def test_start_page(db):
    at = fresh()
    assert not at.exception
    assert at.title[0].value == "Online safety risk assessment"
    assert "Your data stays here" in texts(at)
    assert "None yet." in texts(at)


def test_new_assessment_is_saved_and_in_the_url(db):
    at = new_assessment()
    assert at.title[0].value == "Your organisation and platform"
    draft = at.session_state["draft_id"]
    assert at.query_params["draft"] == [draft] or at.query_params["draft"] == draft
    (summary,) = Store(db).list()
    assert summary.id == draft and summary.organisation == "Riverside Youth Forum"


def test_answers_survive_a_refresh(db):
    at = new_assessment()
    at.radio(key=key(at, "profile.relationship")).set_value("runs").run()
    at.checkbox(key=key(at, "profile.audience", "age_13_17")).check().run()
    draft = at.session_state["draft_id"]
    # A browser refresh is a new session with only the URL to go on.
    again = fresh(draft=draft)
    assert not again.exception
    assert again.session_state["assessment"].profile["relationship"] == "runs"
    assert again.session_state["assessment"].profile["audience"] == ["age_13_17"]
    goto(again, "profile")
    assert again.radio(key=key(again, "profile.relationship")).value == "runs"
    assert again.checkbox(key=key(again, "profile.audience", "age_13_17")).value is True


def test_unknown_draft_link_is_explained(db):
    at = fresh(draft="A" * 32)
    assert "does not match a saved assessment" in texts(at)


def test_show_if_questions_appear_and_disappear(db):
    cat = default_catalogue()
    at = new_assessment()
    gated = [
        q
        for area in cat.areas
        for s in area.sections
        for q in s.questions
        if q.show_if is not None
        and "member_messages" in q.show_if.model_dump_json()
        and area.show_if is None
        and s.show_if is None
    ]
    assert gated, "the questionnaire has questions about private messages between members"
    q = gated[0]
    area = next(a for a in cat.areas if any(x.id == q.id for s in a.sections for x in s.questions))
    at.radio(key=key(at, "profile.relationship")).set_value("runs").run()
    at.checkbox(key=key(at, "profile.audience", "age_13_17")).check().run()
    goto(at, area.id)
    assert q.text not in texts(at) + "".join(r.label for r in at.radio)
    goto(at, "profile")
    at.checkbox(key=key(at, "profile.features", "member_messages")).check().run()
    goto(at, area.id)
    assert any(q.text in r.label for r in at.radio)


def test_results_page_shows_rating_register_and_plan(db):
    at = new_assessment()
    at.radio(key=key(at, "profile.relationship")).set_value("runs").run()
    at.checkbox(key=key(at, "profile.audience", "age_13_17")).check().run()
    goto(at, "results")
    assert not at.exception
    shown = texts(at)
    # Nothing is answered yet, so every control is a gap and a youth community rates High.
    assert "Overall rating: High" in shown
    assert "Action plan" in shown
    register = at.dataframe[0].value
    assert "Grooming and inappropriate contact" in list(register["Area"])
    assert set(register["Rating"]) <= {"High", "Medium", "Low"}


def test_full_journey(db):
    cat = default_catalogue()
    at = new_assessment("Journey Club")
    at.radio(key=key(at, "profile.relationship")).set_value("runs").run()
    at.radio(key=key(at, "profile.nation")).set_value("wales").run()
    at.checkbox(key=key(at, "profile.audience", "adults")).check().run()
    at.radio(key=key(at, "profile.platform")).set_value("forum").run()
    at.radio(key=key(at, "profile.moderation")).set_value("pre").run()
    order = at.session_state["page_order"]
    areas = [p for p in order if p not in ("profile", "review", "results", "documents")]
    assert len(areas) >= 10
    for area in areas:
        goto(at, area)
        assert not at.exception, area
        for radio in at.radio:
            q = cat.index.get(radio.key.split("|")[1]) if radio.key else None
            if q is not None and q.kind == Kind.control:
                radio.set_value("in_place")
        at.run()
    goto(at, "review")
    assert "Review your answers" in texts(at)
    goto(at, "results")
    assert "Overall rating" in texts(at)
    a = at.session_state["assessment"]
    controls = [x for x in a.answers.values() if x.value == "in_place"]
    assert len(controls) > 40


def test_documents_page_prepares_once_then_serves_from_cache(db):
    import time

    from assessor.assessment import load_assessment

    cat = default_catalogue()
    draft = Store(db).create(load_assessment(ROOT / "examples" / "adult-peer-support.yaml", cat))
    at = fresh(draft=draft)
    goto(at, "documents")
    assert not at.exception
    assert "Preview" in texts(at)
    name = next(t for t in at.text_input if t.label == "Name 2")
    name.input("Chris Chair")
    next(b for b in at.button if b.label == "Save sign-off").click().run()
    signed = at.session_state["assessment"].sign_off
    assert [(s.name, s.role) for s in signed][1] == ("Chris Chair", "Chair of trustees")
    assert "Chris Chair" in Store(db).load_text(draft)
    prepare = next(b for b in at.button if b.label.startswith("Prepare"))
    prepare.click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Download the policy pack (ZIP)" in labels and "PDF" in labels and "Word" in labels
    started = time.perf_counter()
    at.run()
    assert time.perf_counter() - started < 2.0  # served from the cache, nothing re-rendered
    assert not any(b.label.startswith("Prepare") for b in at.button)


def test_every_hostile_upload_gets_one_clear_error_and_changes_nothing(db):
    """The files of test_hostile_files, uploaded on the Start page with an assessment open."""
    from test_hostile_files import HOSTILE

    at = new_assessment("Work In Progress")
    draft = at.session_state["draft_id"]
    before = Store(db).load_text(draft)
    at = goto(at, "start")
    for case, (raw, phrase) in HOSTILE.items():
        at.file_uploader[0].set_value(("upload.yaml", raw, "application/x-yaml")).run()
        next(b for b in at.button if b.label == "Open this file").click().run()
        assert not at.exception, case
        (error,) = at.error
        assert "could not be opened, so nothing has changed" in error.value, case
        shown = re.sub(r"\\(.)", r"\1", error.value)  # the message is Markdown-escaped
        assert phrase in shown and shown.count("\n- ") == 1, (case, shown)
        assert at.session_state["draft_id"] == draft, case
    assert Store(db).load_text(draft) == before
    assert [s.id for s in Store(db).list()] == [draft]
