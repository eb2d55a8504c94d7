"""The app: follow-up of actions on the Results page, overdue items on Start, downloads and the
portfolio page with three communities."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import EXAMPLES
from test_app import fresh, goto, texts

from assessor.assessment import PlanEntry, load_assessment
from assessor.catalogue import default_catalogue
from assessor.scoring import score
from assessor.store import Store

COMMUNITIES = EXAMPLES / "communities"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "app.sqlite3"
    monkeypatch.setenv("ASSESSOR_DB", str(path))
    monkeypatch.setenv("ASSESSOR_SINGLE_USER", "1")  # the Start page and portfolio list every draft
    return path


def late_forum():
    """The example forum with its review and its first open action long overdue."""
    cat = default_catalogue()
    a = load_assessment(COMMUNITIES / "forum.yaml", cat)
    a.meta.next_review = dt.date(2020, 1, 1)
    first = score(a, cat).actions[0]
    a.plan[first.id] = PlanEntry(owner="Sam Okafor", due=dt.date(2020, 2, 1))
    return a, first, cat


def test_start_page_shows_the_overdue_review_and_action(db):
    a, _, _ = late_forum()
    draft = Store(db).create(a)
    at = fresh(draft=draft)
    assert not at.exception
    (box,) = [w.value for w in at.warning if "overdue in this assessment" in w.value]
    assert "**The yearly review** was due 01 January 2020" in box
    assert "**Action 1** (Sam Okafor, due 01 February 2020" in box
    assert any("Follow up the actions" in link.label for link in at.get("page_link"))


def test_marking_an_action_done_saves_it_and_links_to_its_question(db):
    a, first, cat = late_forum()
    draft = Store(db).create(a)
    at = goto(fresh(draft=draft), "results")
    assert not at.exception
    assert at.selectbox(key=f"{draft}|followup|action").value == first.id  # the first is chosen
    k = f"{draft}|{first.id}|"
    at.selectbox(key=k + "fu-status").set_value("done")
    at.text_input(key=k + "fu-evidence").input("Trustee minutes 3/2026, item 2")
    at.button(key=f"{draft}|followup|save").click().run()
    assert not at.exception, at.exception
    saved = Store(db).load(draft, cat).plan[first.id]
    assert (saved.status, saved.completed, saved.owner) == ("done", dt.date.today(), "Sam Okafor")
    assert saved.evidence == "Trustee minutes 3/2026, item 2"
    assert any("Now update the answer it came from" in s.value for s in at.success)
    question = cat.index[first.sources[0]]
    links = [link for link in at.get("page_link") if link.label.startswith("Update the answer")]
    assert links and links[0].label == f"Update the answer: {question.text}"
    assert links[0].proto.query_string.endswith(f"q={first.sources[0]}")
    # No longer overdue on the Start page: only the review is.
    start = goto(at, "start")
    (box,) = [w.value for w in start.warning if "overdue in this assessment" in w.value]
    assert "1 overdue" in box and "Action 1" not in box


def test_wont_do_without_a_reason_is_not_saved(db):
    a, first, cat = late_forum()
    draft = Store(db).create(a)
    at = goto(fresh(draft=draft), "results")
    k = f"{draft}|{first.id}|"
    at.selectbox(key=k + "fu-status").set_value("wont_do")
    at.button(key=f"{draft}|followup|save").click().run()
    assert any("needs the reason" in e.value for e in at.error)
    assert Store(db).load(draft, cat).plan[first.id].state() == "not_started"
    at.text_input(key=k + "fu-reason").input("The group closes in March.")
    at.button(key=f"{draft}|followup|save").click().run()
    assert Store(db).load(draft, cat).plan[first.id].reason == "The group closes in March."


def test_choosing_another_action_shows_its_own_follow_up(db):
    a, _, _ = late_forum()
    draft = Store(db).create(a)
    at = goto(fresh(draft=draft), "results")
    at.selectbox(key=f"{draft}|followup|action").set_value("keep_member_contact").run()
    k = f"{draft}|keep_member_contact|"
    assert at.selectbox(key=k + "fu-status").value == "done"  # done in the example file
    assert at.text_input(key=k + "fu-evidence").value.startswith("https://")
    assert "what you will do if someone stops taking part" in texts(at)


def test_results_page_offers_the_exports_and_the_calendar(db):
    a, _, _ = late_forum()
    at = goto(fresh(draft=Store(db).create(a)), "results")
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Action plan (Excel)", "Action plan (CSV)", "Risk register (CSV)", "Dates (calendar)"} <= set(
        labels
    )


def test_portfolio_page_shows_three_communities_side_by_side(db):
    cat = default_catalogue()
    store = Store(db)
    for path in sorted(COMMUNITIES.glob("*.yaml")):
        store.create(load_assessment(path, cat))
    at = fresh()
    at = goto(at, "portfolio")
    assert not at.exception, at.exception
    assert "Portfolio: all your communities" in texts(at)
    (table,) = [h.proto.body for h in at.get("html") if "Communities side by side" in h.proto.body]
    for name in ("Youth forum (13 to 17)", "WhatsApp group: 11 to 13s club", "Discord server: youth council"):
        assert name in table
    assert "Overdue since 31 October 2026" in table and "Grooming and inappropriate contact" in table
    assert "**3** communities" in texts(at)
    assert "Download the trustee summary (PDF)" in [b.proto.label for b in at.get("download_button")]


def test_the_exports_are_built_once_per_saved_revision_not_per_download():
    from ui.results import memoised

    built = []

    def build():
        built.append(1)
        return {"action-plan.csv": b"%d" % len(built)}

    memo: dict = {}
    # Three downloads of one revision: one build. A new revision (or day) builds again.
    assert [memoised(memo, ("d", 3, "day"), build)["action-plan.csv"] for _ in range(3)] == [b"1"] * 3
    assert memoised(memo, ("d", 4, "day"), build)["action-plan.csv"] == b"2"
    assert memoised(memo, ("d", 4, "day"), build)["action-plan.csv"] == b"2"
    # Without a saved revision there is nothing to name the answers by: never kept.
    assert memoised(memo, None, build) is not memoised(memo, None, build)
    assert len(built) == 4


def test_the_start_page_scores_once_per_saved_revision_not_per_draw(db, monkeypatch):
    import assessor.scoring

    a, _, _ = late_forum()
    draft = Store(db).create(a)
    calls = []
    real = assessor.scoring.score
    monkeypatch.setattr(assessor.scoring, "score", lambda *args, **kw: calls.append(1) or real(*args, **kw))
    at = fresh(draft=draft)
    assert any("overdue in this assessment" in w.value for w in at.warning)
    first = len(calls)
    assert first >= 1
    at.run()
    at.run()
    assert len(calls) == first  # two more draws, same revision: no scoring
    assert any("overdue in this assessment" in w.value for w in at.warning)
    # Another tab saves: this tab takes the new revision on its next draw, and scores it once.
    store = Store(db)
    changed = store.load(draft, default_catalogue())
    changed.meta.next_review = dt.date(2020, 3, 1)
    store.save(draft, changed)
    at.run()
    at.run()
    assert len(calls) == first + 1
    assert any("due 01 March 2020" in w.value for w in at.warning)


def test_the_results_page_asks_for_the_background_documents_once_per_saved_revision(db, monkeypatch):
    from ui import background, documents

    a, _, _ = late_forum()
    draft = Store(db).create(a)
    asked = []
    monkeypatch.setattr(background, "want", lambda *args: asked.append(args[0]) or "key")
    worked_out = []
    real = documents.available_documents
    monkeypatch.setattr(documents, "available_documents", lambda *args: worked_out.append(1) or real(*args))
    at = goto(fresh(draft=draft), "results")
    assert not at.exception, at.exception
    at.run()
    at.run()
    # Asked on every draw (so a request another session's newer one replaced is asked again), but
    # the answers' text and the documents that apply are worked out once for the revision.
    assert len(asked) == 3 and len(set(asked)) == 1
    assert len(worked_out) == 1
