"""Issue 14, point 5: two app servers on one PostgreSQL database, in Debian's Chromium.

Two Streamlit processes on different ports share the database (ASSESSOR_DB=postgresql://...).
Ten browser contexts, five on each server, answer five assessments at once, each assessment
opened on both servers. Counted in the store at the end: 0 answers lost, 0 crossed; and every
context shows the other server's saves after its next interaction. A document one server
rendered is served by the other from the shared render cache, not rendered again.

PostgreSQL comes from ASSESSOR_TEST_PG (``.ci/run`` starts one); without it these tests skip,
except under CI=true, where they fail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pg
import pytest
from browser import CHROMIUM, ROOT, Server, chromium, wait_idle
from test_browser_many import CHOICES, area, question_id

from assessor.assessment import Assessment
from assessor.catalogue import default_catalogue
from assessor.store import flatten, open_store
from ui.state import question_anchor

NOTE = "Notes or evidence (optional)"


@pytest.fixture(scope="module")
def database():
    url = pg.fresh_database()
    yield url
    pg.drop_database(url)


# -- the shared render cache, without a browser ---------------------------------------------------


def test_a_document_rendered_in_one_process_is_served_to_another(database, monkeypatch, mini):
    """Process A renders (and stores the result in PostgreSQL); this process then serves it
    without rendering: rendering here is made to fail."""
    from assessor.documents import cache as cache_module
    from assessor.documents import pack

    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from assessor.assessment import Assessment
        from assessor.catalogue import load_catalogue
        from assessor.documents.pack import available_documents, render_document
        cat = load_catalogue({str(ROOT / "tests" / "fixtures" / "mini")!r})
        a = Assessment(organisation={{"name": "Shared Cache Club"}}, profile={{"relationship": "runs"}})
        doc = available_documents(a, cat)[0]
        sys.stdout.buffer.write(render_document(doc.id, a, cat, "md", workers=0))
        """
    )
    env = {**os.environ, "ASSESSOR_DB": database, "ASSESSOR_RENDER_CACHE_DIR": ""}
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, check=True).stdout
    assert first.strip()

    monkeypatch.setenv("ASSESSOR_DB", database)
    monkeypatch.delenv("ASSESSOR_RENDER_CACHE_DIR", raising=False)
    monkeypatch.setattr(cache_module, "_default", None)  # a fresh process's empty memory layer

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered again: the shared cache was not used")

    monkeypatch.setattr(pack, "_render_all", no_rendering)
    a = Assessment(organisation={"name": "Shared Cache Club"}, profile={"relationship": "runs"})
    doc = pack.available_documents(a, mini)[0]
    assert pack.render_document(doc.id, a, mini, "md", workers=0) == first
    # Different answers are a different key: that one is rendered (and here, refused).
    b = Assessment(organisation={"name": "Another Club"}, profile={"relationship": "runs"})
    with pytest.raises(AssertionError, match="rendered again"):
        pack.render_document(doc.id, b, mini, "md", workers=0)
    cache_module.default_cache().shared.close()
    monkeypatch.setattr(cache_module, "_default", None)
    monkeypatch.setattr(cache_module, "_shared", None)


def test_the_database_cache_keeps_within_its_size(database):
    from assessor.store.postgres import PostgresRenderCache

    one = PostgresRenderCache(database, max_bytes=10_000)
    two = PostgresRenderCache(database, max_bytes=10_000)  # another server
    keys = [f"{i:064x}" for i in range(120)]
    for key in keys:
        one.put(key, key.encode() * 30)  # 1,920 bytes each
    assert two.get(keys[-1]) == keys[-1].encode() * 30
    with one._db()._transaction() as conn:
        total = one._db()._one(conn, "SELECT coalesce(sum(size), 0), count(*) FROM render_cache", {})
    # Pruned every 50 puts to at most 10,000 bytes; at most 49 entries added since.
    assert total[0] <= 10_000 + 49 * 1920 and total[1] < 120
    assert two.get(keys[0]) is None  # the oldest went first
    one.close()
    two.close()


# -- two servers, ten browser contexts ------------------------------------------------------------


@pytest.fixture(scope="module")
def servers(database, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    logs = tmp_path_factory.mktemp("two-servers")
    env = {"ASSESSOR_RENDER_CACHE_DIR": "", "ASSESSOR_RENDER_WORKERS": "1"}
    both = [Server(database, log_dir=logs, env=env) for _ in range(2)]
    try:
        for s in both:
            s.start()
        yield both
    finally:
        for s in both:
            s.stop()


@pytest.fixture(scope="module")
def browser(servers):
    with chromium() as b:
        yield b


HOLDER = ".st-key-rev-holder input"  # the revision the page shows (ui/state.py: REV_HOLDER)


def revision(page) -> int:
    return int(page.locator(HOLDER).input_value() or 0)


def settled(page, before: int) -> None:
    """Wait until the page shows a revision after ``before`` (its save acknowledged) and has
    finished drawing: nothing stale, the script not running."""
    page.wait_for_function(
        """([holder, before]) => {
          const box = document.querySelector(holder);
          if (!box || Number(box.value) <= before) return false;
          if (document.querySelector('[data-stale="true"]')) return false;
          const status = document.querySelector('[data-testid="stStatusWidget"]');
          return !status || !status.innerText.includes('Running');
        }""",
        arg=[HOLDER, before],
    )
    wait_idle(page, timeout=90_000)


def rendered(database: str) -> list[tuple[str, int]]:
    import psycopg

    with psycopg.connect(database) as conn:
        return conn.execute("SELECT key, puts FROM render_cache ORDER BY key").fetchall()


@pytest.fixture
def shots(servers):
    """Pages to photograph into the servers' log folder if the test fails (it clears the list)."""
    pages: list = []
    yield pages
    for i, page in enumerate(pages):
        with contextlib.suppress(Exception):  # a closed page: nothing to show
            page.screenshot(path=str(servers[0].log.parent / f"context-{i}.png"))


def box_of(page, qid: str):
    """A question's box, by its id (state.question_anchor): not by position, which shifts while a
    rerun draws the page (a notice inserted at the top moves every element down one, and until
    the run reaches a question, the browser may show the one after it in its place)."""
    return page.locator(f".st-key-{question_anchor(qid)}")


def test_ten_contexts_on_two_servers_lose_nothing_and_see_each_other(browser, servers, database, shots):
    page_id, title = area(8)
    store = open_store(database)
    when = dt.date.today()
    drafts = [
        store.create(
            Assessment(organisation={"name": f"Org {n}"}, meta={"assessed_on": when}), 0.0, author="test"
        )
        for n in range(5)
    ]
    # Context i < 5 is on server A with draft i; context i >= 5 is on server B with draft i - 5.
    plan = [(servers[i // 5], drafts[i % 5], i // 5) for i in range(10)]
    contexts = [browser.new_context(viewport={"width": 1000, "height": 800}) for _ in plan]
    pages = [c.new_page() for c in contexts]
    shots += pages
    for page in pages:
        page.set_default_timeout(90_000)  # ten contexts and two servers on two shared CPUs
    for page, (server, draft, _) in zip(pages, plan, strict=True):
        page.goto(f"{server.url}/{page_id}?draft={draft}", wait_until="commit")
    for page in pages:
        page.get_by_role("heading", name=title).first.wait_for(timeout=90_000)
        wait_idle(page, timeout=90_000)
    # The questions, in page order, read once from a settled page before any answer.
    groups = pages[0].get_by_role("radiogroup")
    order = [question_id(groups.nth(k)) for k in range(8)]

    # Server A's contexts answer questions 0-2 of their assessment, server B's questions 3-5, in
    # rounds: each round clicks in all ten contexts without waiting, so ten saves (two to each
    # assessment, one from each server) are in flight at once; then each context waits for its own
    # save to be acknowledged before its next click, as a person would see it before moving on.
    # Then a note each (A: on question 0, B: on question 3).
    expected: list[dict[str, str]] = [{} for _ in drafts]
    by_context: list[dict[str, str]] = [{} for _ in plan]
    clicks: list[str] = []  # context, round, question, choice, revision shown before, after
    for rnd in range(3):
        shown = [revision(page) for page in pages]
        for i, (page, (_, _, side)) in enumerate(zip(pages, plan, strict=True)):
            qid = order[rnd + 3 * side]
            label, value = CHOICES[(i + rnd) % 3]
            box_of(page, qid).get_by_role("radiogroup").get_by_text(label, exact=True).click()
            expected[i % 5][qid] = value
            by_context[i][qid] = label
        for i, (page, before) in enumerate(zip(pages, shown, strict=True)):
            settled(page, before)
            qid = order[rnd + 3 * plan[i][2]]
            clicks.append(f"{i} r{rnd} {qid}={by_context[i][qid]} rev {before}->{revision(page)}")
    (servers[0].log.parent / "clicks.log").write_text("\n".join(clicks) + "\n")
    notes: dict[int, str] = {}
    for i, (page, (_, _, side)) in enumerate(zip(pages, plan, strict=True)):
        notes[i] = f"Checked on server {'AB'[side]}, browser {i}"
        box_of(page, order[3 * side]).get_by_label(NOTE).fill(notes[i])
    for i, page in enumerate(pages):
        box = box_of(page, order[3 * plan[i][2]]).get_by_label(NOTE)
        page.locator(f"#{box.get_attribute('aria-describedby')}").filter(has_text="Saved").wait_for(
            timeout=90_000
        )
        wait_idle(page, timeout=90_000)

    lost: list[str] = []
    crossed: list[str] = []
    cat = default_catalogue()
    for n, draft in enumerate(drafts):
        a = store.load(draft, cat)
        got = {qid: ans.value for qid, ans in a.answers.items() if ans.value}
        lost += [
            f"Org {n} {qid}={value} (got {got.get(qid)})"
            for qid, value in expected[n].items()
            if got.get(qid) != value
        ]
        crossed += [f"Org {n} {qid}" for qid in got if qid not in expected[n]]
        written = {ans.note for ans in a.answers.values() if ans.note}
        want = {notes[i] for i in (n, n + 5)}
        lost += [f"Org {n} note {t!r}" for t in sorted(want - written)]
        crossed += [f"Org {n} note {t!r}" for t in sorted(written - want)]
    if lost or crossed:  # say which saves wrote what, and what each context clicked
        for n, draft in enumerate(drafts):
            for r in reversed(store.revisions(draft)):
                at = flatten(store.load(draft, cat, r.rev).to_data())
                changed = ", ".join(f"{f}={at.get(f)}" for f in r.changed)
                lost.append(f"Org {n} rev {r.rev} {r.kind} by {r.author}: {changed}")
        lost += clicks
    assert (lost, crossed) == ([], []), f"answers lost or crossed: {lost} {crossed}"

    # The next interaction on each context (a seventh answer: A question 6, B question 7) shows
    # the answers and the note given on the other server.
    shown = [revision(page) for page in pages]
    for page, (_, _, side) in zip(pages, plan, strict=True):
        box_of(page, order[6 + side]).get_by_role("radiogroup").get_by_text("In place", exact=True).click()
    unseen = []
    for i, page in enumerate(pages):
        settled(page, shown[i])
        partner = (i + 5) % 10
        for rnd in range(3):
            qid = order[rnd + 3 * plan[partner][2]]
            radio = box_of(page, qid).get_by_role("radio", name=by_context[partner][qid], exact=True)
            if not radio.is_checked():
                unseen.append((i, qid))
        note = box_of(page, order[3 * plan[partner][2]]).get_by_label(NOTE)
        if note.input_value() != notes[partner]:
            unseen.append((i, "note"))
    assert unseen == [], f"contexts that did not show the other server's saves: {unseen}"
    for a in (store.load(d, cat) for d in drafts):
        assert len([x for x in a.answers.values() if x.value]) == 8  # 6 + one more from each server

    shots.clear()
    for c in contexts:
        c.close()
    store.close()


def test_the_second_server_serves_the_first_servers_render(browser, servers, database, shots):
    """The Documents page on server A renders the preview and keeps it in PostgreSQL; server B
    then shows the same document from there: no entry is stored a second time."""
    store = open_store(database)
    when = dt.date.today()
    draft = store.create(Assessment(organisation={"name": "Render Once Club"}, meta={"assessed_on": when}))
    store.close()
    pages = [browser.new_page(viewport={"width": 1000, "height": 800}) for _ in servers]
    shots += pages
    for page, server in zip(pages, servers, strict=True):
        page.set_default_timeout(120_000)
        page.goto(f"{server.url}/documents?draft={draft}")
        page.get_by_role("heading", name="Documents").first.wait_for()
        wait_idle(page, timeout=120_000)
        preview = page.locator('[data-testid="stExpander"]').filter(has_text="Read ").first
        preview.locator("summary").click()
        preview.get_by_text("Render Once Club").first.wait_for()  # the document itself, shown
        if page is pages[0]:
            before = rendered(database)
            assert before and all(puts == 1 for _, puts in before)
    assert rendered(database) == before, "server B rendered the document again"
    shots.clear()
    for page in pages:
        page.close()
