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


def test_none_of_these_clears_the_other_ticks_and_is_recorded_as_an_answer(db):
    at = new_assessment()
    box = lambda v: at.checkbox(key=key(at, "profile.incidents", v))  # noqa: E731
    box("grooming").check().run()
    box("behaviour").check().run()
    assert at.session_state["assessment"].profile["incidents"] == ["behaviour", "grooming"]
    box("none").check().run()
    assert not at.exception
    assert box("grooming").value is False and box("behaviour").value is False
    draft = at.session_state["draft_id"]
    assert Store(db).load(draft, default_catalogue()).profile["incidents"] == ["none"]
    # Ticking a kind of incident after "None of these" clears it.
    box("oversharing").check().run()
    assert box("none").value is False
    assert Store(db).load(draft, default_catalogue()).profile["incidents"] == ["oversharing"]


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
    (register,) = [h.proto.body for h in at.get("html") if "Risk register" in h.proto.body]
    assert "Grooming and inappropriate contact" in register
    ratings = set(re.findall(r"font-weight:600\">(\w+)</td>", register))
    assert ratings and ratings <= {"High", "Medium", "Low"}


def test_action_plan_on_a_narrow_screen_is_a_list_with_the_same_edits(db, monkeypatch):
    """At 390 px or 200% zoom (the page reports it: ui/components/page.js) the action plan is one
    card per action, with the owner and due date editable, instead of the data grid."""
    import datetime as dt

    import ui.results

    at = new_assessment()
    at.radio(key=key(at, "profile.relationship")).set_value("runs").run()
    at.checkbox(key=key(at, "profile.audience", "age_13_17")).check().run()
    goto(at, "results")
    assert at.get("dataframe"), "the wide layout keeps the table"
    monkeypatch.setattr(ui.results, "narrow", lambda: True)
    at.run()
    assert not at.exception
    assert not at.get("dataframe")
    result = ui.results.score(at.session_state["assessment"], default_catalogue())
    first = result.actions[0]
    shown = texts(at)
    assert shown.count(" priority**") == len(result.actions)
    assert f"**1. {first.priority_label} priority**" in shown
    due = at.date_input(key=key(at, "plan", f"{first.id}|due"))
    assert due.value == first.due_date
    due.set_value(dt.date(2027, 3, 1)).run()
    assert not at.exception
    stored = Store(db).load(at.session_state["draft_id"], default_catalogue())
    assert stored.plan[first.id].due == dt.date(2027, 3, 1)
    owners = [c for c in at.get("bidi_component") if "plan-7C" in str(c.proto) or "|owner" in str(c.proto)]
    assert len(owners) == len(result.actions), "an owner box per action"


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


def test_documents_download_in_one_click_written_in_the_background(db):
    import time

    from assessor.assessment import load_assessment
    from ui import background, documents

    cat = default_catalogue()
    draft = Store(db).create(load_assessment(ROOT / "examples" / "adult-peer-support.yaml", cat))
    at = fresh(draft=draft)
    goto(at, "documents")
    assert not at.exception
    assert "Preview" in texts(at)
    assert not any(b.label.startswith("Prepare") for b in at.button)  # no separate step
    labels = [b.label for b in at.get("download_button")]
    assert "Download the policy pack (ZIP)" in labels and "PDF" in labels and "Word" in labels
    # Opening the page started writing the chosen documents in the background.
    a = at.session_state["assessment"]
    specs = documents.available_documents(a, cat)
    key = background.job_key(a.to_yaml(), ["pdf", "docx"], [s.id for s in specs])
    deadline = time.monotonic() + 300
    while not (p := background.progress(key)).finished:
        assert time.monotonic() < deadline, p
        time.sleep(0.5)
    assert p.error is None and p.done == p.total == len(specs)
    # A click then only reads the render cache: the whole ZIP in well under the time to write it.
    started = time.perf_counter()
    data = documents._zip(a.to_yaml(), specs, ["pdf", "docx"])
    assert time.perf_counter() - started < 2.0
    assert data[:2] == b"PK"
    at.run()
    assert "Your documents are ready" in texts(at)


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
        # The message is Markdown-escaped, and a word that could become a link is a code span.
        shown = re.sub(r"`([^`]*)`", r"\1", re.sub(r"\\(.)", r"\1", error.value))
        assert phrase in shown and shown.count("\n- ") == 1, (case, shown)
        assert at.session_state["draft_id"] == draft, case
    assert Store(db).load_text(draft) == before
    assert [s.id for s in Store(db).list()] == [draft]


# -- several tabs, conflicts, lock-outs --------------------------------------------------------


def two_tabs(db):
    a = new_assessment("Two Tabs")
    draft = a.session_state["draft_id"]
    b = fresh(draft=draft)
    goto(b, "profile")
    return a, b, draft


def test_two_tabs_answering_in_turn_keep_every_answer(db):
    a, b, draft = two_tabs(db)
    a.radio(key=key(a, "profile.relationship")).set_value("runs").run()
    b.checkbox(key=key(b, "profile.audience", "adults")).check().run()  # b had not seen a's answer
    a.checkbox(key=key(a, "profile.features", "member_messages")).check().run()
    b.radio(key=key(b, "profile.nation")).set_value("wales").run()
    stored = Store(db).load(draft, default_catalogue()).profile
    assert stored["relationship"] == "runs" and stored["audience"] == ["adults"]
    assert stored["features"] == ["member_messages"] and stored["nation"] == "wales"
    # Each tab shows the other's answers at its next interaction, with a short notice.
    assert b.radio(key=key(b, "profile.relationship")).value == "runs"
    assert any("another tab" in i.value for i in b.info)
    a.run()
    assert a.radio(key=key(a, "profile.nation")).value == "wales"
    assert a.checkbox(key=key(a, "profile.audience", "adults")).value is True


def test_both_tabs_changing_one_answer_offer_both(db):
    first, second = default_catalogue().index["profile.relationship"].options[:2]
    a, b, draft = two_tabs(db)
    a.radio(key=key(a, "profile.relationship")).set_value(first.value).run()
    b.radio(key=key(b, "profile.relationship")).set_value(second.value).run()
    assert Store(db).load(draft, default_catalogue()).profile["relationship"] == first.value
    shown = texts(b) + "\n".join(t.value for t in b.text)
    assert "Two edits changed" in shown and first.label in shown and second.label in shown
    assert b.radio(key=key(b, "profile.relationship")).value == first.value  # the saved answer, shown
    next(x for x in b.button if x.label == "Use the other edit").click().run()
    assert Store(db).load(draft, default_catalogue()).profile["relationship"] == second.value
    assert b.radio(key=key(b, "profile.relationship")).value == second.value
    assert not Store(db).conflicts(draft)
    a.run()
    assert a.radio(key=key(a, "profile.relationship")).value == second.value


def test_a_value_a_page_showed_before_a_newer_save_is_not_saved_over_it(db):
    """A page still showing an older revision sends its old choice and ticks with its next click,
    after the tab's session has taken another tab's newer answers: they are not saved over them.
    A choice really changed on that page is a conflict; the newer answer stays."""
    a, b, draft = two_tabs(db)
    nation, audience = key(a, "profile.nation"), key(a, "profile.audience", "adults")
    a.radio(key=nation).set_value("wales")
    a.checkbox(key=audience).check().run()
    b.run()
    shown = b.text_input(key=f"{draft}|rev|").value  # the revision with wales and the tick
    assert b.radio(key=nation).value == "wales" and int(shown) == Store(db).head(draft)
    a.radio(key=nation).set_value("scotland")
    a.checkbox(key=audience).uncheck().run()  # newer answers
    b.run()  # b's session draws them ...
    # ... and the browser, still showing the older revision, sends its values with a click.
    b.radio(key=nation).set_value("wales")
    b.checkbox(key=audience).check()
    b.text_input(key=f"{draft}|rev|").set_value(shown)
    b.radio(key=key(b, "profile.relationship")).set_value("runs").run()
    stored = Store(db).load(draft, default_catalogue()).profile
    assert (stored["nation"], stored.get("audience"), stored["relationship"]) == ("scotland", None, "runs")
    assert not Store(db).conflicts(draft)
    assert b.radio(key=nation).value == "scotland" and b.checkbox(key=audience).value is False
    # A choice changed on that page: both kept to choose from, the newer one saved.
    b.radio(key=nation).set_value("england")
    b.text_input(key=f"{draft}|rev|").set_value(shown)
    b.run()
    assert Store(db).load(draft, default_catalogue()).profile["nation"] == "scotland"
    assert [(c.mine, c.theirs) for c in Store(db).conflicts(draft)] == [("england", "scotland")]


LONG_OWNER = """
import streamlit as st
from ui import state
from assessor.assessment import PlanEntry

state.sync_from_url()
if st.button("Edit"):  # what the plan table's callback does with an owner the browser did not cap
    state.assessment().plan["some-action"] = entry = PlanEntry()
    entry.owner = "x" * 400
    state.save()
state.show_flash()
"""


def test_a_value_loading_would_refuse_is_not_saved_and_the_draft_still_opens(db):
    """Issue 15 class 1: the plan's owner had no limit in the app, and loading allows 300."""
    from assessor.assessment import Assessment

    draft = Store(db).create(Assessment(organisation={"name": "Club"}))
    at = AppTest.from_string(LONG_OWNER, default_timeout=60)
    at.query_params["draft"] = draft
    at.run()
    at.button[0].click().run()
    assert not at.exception
    assert any("was not saved" in e.value and "300" in e.value for e in at.error)
    assert at.session_state["assessment"].plan == {}
    again = fresh(draft=draft)
    assert not again.exception and again.session_state["draft_id"] == draft
    assert again.session_state["assessment"].plan == {}


def test_a_stored_revision_that_no_longer_loads_opens_the_last_good_one(db):
    import sqlite3

    from assessor.assessment import Answer, Assessment

    store = Store(db)
    first, second = (o.value for o in default_catalogue().index["profile.relationship"].options[:2])
    draft = store.create(Assessment(organisation={"name": "Club"}, profile={"relationship": first}))
    store.save(draft, Assessment(organisation={"name": "Club"}, profile={"relationship": second}))
    with sqlite3.connect(db) as con:  # as an older, laxer version might have written it
        con.execute(
            f"UPDATE revisions SET body = replace(body, '\"{second}\"', '\"sometimes\"') WHERE rev = 2"
        )
    at = fresh(draft=draft)
    assert not at.exception and at.session_state["draft_id"] == draft
    assert at.session_state["assessment"].profile["relationship"] == first
    assert any("could not be opened" in w.value and "sometimes" in w.value for w in at.warning)
    assert Answer  # imported for symmetry with the store tests


def test_a_damaged_database_gives_a_message_not_a_traceback(db):
    db.write_bytes(b"not a database" * 100)
    at = fresh()
    assert not at.exception
    assert any("damaged" in e.value and "backup" in e.value for e in at.error)
    assert db.read_bytes() == b"not a database" * 100


def test_delete_is_undoable(db):
    at = new_assessment("Deleted Club")
    draft = at.session_state["draft_id"]
    goto(at, "start")
    next(b for b in at.button if b.label == "Delete").click().run()
    assert "undo this from this page for 30 days" in texts(at)
    next(b for b in at.button if b.label == "Yes, delete it").click().run()
    assert not Store(db).exists(draft) and "Recently deleted" in texts(at)
    next(b for b in at.button if b.label == "Undo delete").click().run()
    assert Store(db).exists(draft) and "Recently deleted" not in texts(at)


# -- autosaving text boxes (ui/autosave.py): the server side of each edit the box sends ----------

EDIT = """
import streamlit as st
from ui import autosave, state

state.sync_from_url()
for key, edit, path in st.session_state.pop("edits", []):
    autosave.take_edit(key, edit, lambda text, path=path: {path: text.strip() or None})
"""


def first_question() -> str:
    return default_catalogue().areas[0].sections[0].questions[0].id


def edit_app(draft: str) -> AppTest:
    at = AppTest.from_string(EDIT, default_timeout=60)
    at.query_params["draft"] = draft
    return at.run()


def send(at: AppTest, *edits) -> AppTest:
    at.session_state["edits"] = list(edits)
    return at.run()


def test_a_typed_edit_is_saved_once_against_the_version_it_was_typed_on(db):
    from assessor.assessment import Assessment

    store = Store(db)
    draft = store.create(Assessment(organisation={"name": "Club"}))
    at = edit_app(draft)
    qid = first_question()
    note = f"answers/{qid}/note"
    send(at, ("k1", {"text": "First draft", "seq": 10, "rev": 1}, note))
    assert store.head(draft) == 2
    assert store.load(draft, default_catalogue()).answers[qid].note == "First draft"
    send(at, ("k1", {"text": "First draft", "seq": 10, "rev": 1}, note))  # sent again: saved once
    assert store.head(draft) == 2
    # Another tab saves the website; this box's next edit, typed on version 2, merges with it.
    store.apply(draft, 2, {"organisation/website": "https://example.org"}, default_catalogue())
    send(at, ("k1", {"text": "Second draft", "seq": 11, "rev": 2}, note))
    stored = store.load(draft, default_catalogue())
    assert stored.answers[qid].note == "Second draft"
    assert stored.organisation.website == "https://example.org"
    assert at.session_state["autosave_acks"]["k1"] == 11


def test_two_boxes_typing_the_same_note_from_one_version_keep_both(db):
    from assessor.assessment import Assessment

    store = Store(db)
    draft = store.create(Assessment(organisation={"name": "Club"}))
    one, two = edit_app(draft), edit_app(draft)
    qid = first_question()
    note = f"answers/{qid}/note"
    send(one, ("k", {"text": "Mine", "seq": 5, "rev": 1}, note))
    send(two, ("k", {"text": "Theirs", "seq": 6, "rev": 1}, note))
    assert store.load(draft, default_catalogue()).answers[qid].note == "Mine"
    (conflict,) = store.conflicts(draft)
    assert (conflict.mine, conflict.theirs) == ("Theirs", "Mine")


def test_an_empty_organisation_name_is_not_saved_and_the_box_says_why(db):
    from assessor.assessment import Assessment

    store = Store(db)
    draft = store.create(Assessment(organisation={"name": "Club"}))
    at = send(edit_app(draft), ("name", {"text": "  ", "seq": 3, "rev": 1}, "organisation/name"))
    assert store.head(draft) == 1
    assert at.session_state["autosave_problems"]["name"]


# -- safe defaults, return codes, history ---------------------------------------------------------


def test_a_new_browser_sees_no_other_organisations_assessment(db, monkeypatch):
    mine = new_assessment("Our Club")
    goto(mine, "start")
    assert "Our Club" in texts(mine)  # the browser that started it lists it
    stranger = fresh()  # another browser: no cookies, nothing opened
    assert "Our Club" not in texts(stranger) and "None yet." in texts(stranger)
    assert not any(b.label == "Delete" for b in stranger.button)
    monkeypatch.setenv("ASSESSOR_SINGLE_USER", "1")  # the operator's local single-user mode
    assert "Our Club" in texts(fresh())


def test_return_code_is_shown_and_opens_the_assessment(db):
    at = new_assessment("Coded Club")
    draft = at.session_state["draft_id"]
    code = Store(db).summary(draft).code
    assert code in texts(at)
    other = fresh()
    next(t for t in other.text_input if t.label.startswith("Return code")).input(code.lower())
    next(b for b in other.button if b.label == "Open").click().run()
    assert other.session_state["draft_id"] == draft


def test_opening_another_assessment_asks_first(db):
    first = new_assessment("First Club")
    second_code = Store(db).summary(new_assessment("Second Club").session_state["draft_id"]).code
    goto(first, "start")
    next(t for t in first.text_input if t.label.startswith("Return code")).input(second_code)
    next(b for b in first.button if b.label == "Open").click().run()
    assert "It replaces" in texts(first) and "First Club" in texts(first)
    assert first.session_state["assessment"].organisation.name == "First Club"
    next(b for b in first.button if b.label == "Yes, continue").click().run()
    assert first.session_state["assessment"].organisation.name == "Second Club"


def test_history_lists_versions_and_a_restore_can_be_undone(db):
    at = new_assessment("History Club")
    draft = at.session_state["draft_id"]
    at.radio(key=key(at, "profile.relationship")).set_value("runs").run()
    goto(at, "history")
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any(lab.startswith("Version 2 (current)") and "1 item changed" in lab for lab in labels)
    next(b for b in at.button if b.label == "Restore version 1").click().run()
    store = Store(db)
    assert "relationship" not in store.load(draft, default_catalogue()).profile
    assert store.revisions(draft)[0].kind == "restore"
    next(b for b in at.button if b.label.startswith("Undo: go back to version 2")).click().run()
    assert store.load(draft, default_catalogue()).profile["relationship"] == "runs"
    assert at.session_state["assessment"].profile["relationship"] == "runs"


def test_delete_now_is_for_the_browser_that_started_it(db):
    at = new_assessment("Owned Club")
    draft = at.session_state["draft_id"]
    other = fresh(draft=draft)  # a colleague with the link
    goto(other, "history")
    assert not any(b.label == "Delete now" for b in other.button)
    goto(at, "history")
    next(b for b in at.button if b.label == "Delete now").click().run()
    next(b for b in at.button if b.label == "Yes, delete it now").click().run()
    assert not Store(db).exists(draft) and Store(db).list(deleted=True) == []


def test_file_names_keep_accented_letters_and_the_preview_adds_no_headings():
    from ui.documents import _no_headings, _slug

    assert _slug("Cwmni Tŷ Ŵyl Côr Bach") == "cwmni-ty-wyl-cor-bach"
    assert _slug("Straße Øya Łódź") == "strasse-oya-lodz"
    assert _slug("!!!") == "assessment"
    text = _no_headings("# Policy\n\nBody # not a heading\n## Who we are ##\n")
    assert text == "**Policy**\n\nBody # not a heading\n**Who we are**\n"


def test_a_draft_id_with_a_double_underscore_opens_every_text_box(db, monkeypatch):
    """Draft ids are URL-safe base64, so some contain "__", which Streamlit refuses in a
    bidirectional component's key (the autosaving boxes): the boxes' keys escape it."""
    import assessor.store.base as store_base  # where SQLStore.create makes the id

    monkeypatch.setattr(store_base, "new_draft_id", lambda: "ab__cd_" + "x" * 25)
    at = new_assessment()
    assert at.session_state["draft_id"].startswith("ab__cd_")
    for page in ("profile", "documents"):
        goto(at, page)
        assert not at.exception, page
