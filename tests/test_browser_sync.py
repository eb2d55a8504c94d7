"""Issue 12 in Debian's Chromium: no answer lost across tabs, conflicts and a server restart.

Each test counts the answers it gave and the answers stored at the end; the count lost must be 0.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import CHROMIUM, Server, chromium, wait_idle

from assessor.catalogue import default_catalogue
from assessor.store import Store

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path / "db.sqlite3")
    s.start()
    yield s
    s.stop()


def heading(page, name: str) -> None:
    page.get_by_role("heading", name=name).first.wait_for(timeout=30_000)
    wait_idle(page)


def start(page, server, name: str = "Sync Club") -> str:
    page.goto(server.url)
    heading(page, "Start a new assessment")
    page.get_by_label("Organisation name").fill(name)
    page.get_by_role("button", name="Start").click()
    heading(page, "Your organisation and platform")
    return page.url.split("draft=")[1].split("&")[0]


def first_area(page, groups: int = 7) -> str:
    """Open the first risk-area page with at least ``groups`` questions; return its title."""
    links = page.locator('[data-testid="stSidebarNav"] a')
    for i in range(links.count()):
        text = links.nth(i).inner_text()
        title = text.split(" (")[0].strip().splitlines()[-1].strip()
        # Risk areas show "(answered/total)"; Start, Portfolio and the profile page are not areas.
        if " (" not in text or title == "Your organisation and platform":
            continue
        links.nth(i).click()
        heading(page, title)
        if page.get_by_role("radiogroup").count() >= groups:
            return title
    raise AssertionError("no area page with enough questions")


def stored(server, draft):
    return Store(server.db).load(draft, default_catalogue())


def saved(page, box, timeout: float = 30_000) -> None:
    """Wait until an autosaving box says its text is stored."""
    status = page.locator(f"#{box.get_attribute('aria-describedby')}")
    status.filter(has_text="Saved").wait_for(timeout=timeout)


def answer(page, group: int, label: str) -> None:
    page.get_by_role("radiogroup").nth(group).get_by_text(label, exact=True).click()
    wait_idle(page)


def test_two_tabs_answering_in_turn_keep_everything(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    one = context.new_page()
    draft = start(one, server)
    url = one.url
    first_area(one)
    two = context.new_page()
    two.goto(url)
    heading(two, "Your organisation and platform")
    first_area(two)
    given = 0
    for i in range(3):  # each tab answers a different question, in turn, never reloading
        answer(one, 2 * i, "In place")
        answer(two, 2 * i + 1, "Partly in place")
        given += 2
    kept = [a for a in stored(server, draft).answers.values() if a.value in ("in_place", "partly")]
    assert given - len(kept) == 0, f"{given - len(kept)} answers lost"
    # Each tab shows the other's answers after its next interaction.
    answer(one, 6, "Not in place")
    assert one.get_by_role("radiogroup").nth(1).get_by_role("radio", name="Partly in place").is_checked()
    one.get_by_text("another tab").first.wait_for(timeout=5_000)
    context.close()


def test_both_tabs_changing_one_answer_offer_both(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    one = context.new_page()
    draft = start(one, server)
    url = one.url
    first_area(one)
    two = context.new_page()
    two.goto(url)
    heading(two, "Your organisation and platform")
    first_area(two)
    answer(one, 0, "In place")
    answer(two, 0, "Not in place")
    two.get_by_text("Two edits changed").wait_for(timeout=5_000)
    assert two.get_by_text("Saved now: In place").is_visible()
    assert two.get_by_text("Not in place").first.is_visible()
    two.get_by_role("button", name="Use the other edit").click()
    wait_idle(two)
    qid = next(iter(stored(server, draft).answers))
    assert stored(server, draft).answers[qid].value == "not_in_place"
    assert not Store(server.db).conflicts(draft)
    context.close()


def test_server_restart_then_three_clicks_and_a_note(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    draft = start(page, server)
    title = first_area(page)
    answer(page, 0, "In place")
    server.stop()
    server.start()
    page.wait_for_timeout(3000)  # the page reconnects by itself
    answer(page, 1, "In place")
    answer(page, 2, "Partly in place")
    answer(page, 3, "Not in place")
    note = page.get_by_label("Notes or evidence (optional)").nth(1)
    note.fill("Checked by the chair in March")
    page.keyboard.press("Tab")
    # The box says when its text is stored. Right after a restart the server may still be loading
    # the questionnaire for a few seconds; the box waits (and retries), it does not lose the text.
    saved(page, note)
    wait_idle(page)
    a = stored(server, draft)
    values = sorted(x.value for x in a.answers.values() if x.value)
    notes = [x.note for x in a.answers.values() if x.note]
    lost = 4 - len(values) + (1 - len(notes))
    assert lost == 0, f"{lost} lost: {values} {notes}"
    assert values == ["in_place", "in_place", "not_in_place", "partly"]
    # What the page shows and what is stored agree, now and after a reload.
    for p in (page, None):
        if p is None:
            page.reload()
            heading(page, title)
        groups = page.get_by_role("radiogroup")
        assert groups.nth(1).get_by_role("radio", name="In place", exact=True).is_checked()
        assert groups.nth(3).get_by_role("radio", name="Not in place").is_checked()
        box = page.get_by_label("Notes or evidence (optional)").nth(1)
        assert box.input_value() == notes[0], "after reload" if p is None else "before reload"
    page.close()


def test_sign_off_typed_then_reloaded_without_leaving_the_field_is_kept(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    draft = start(page, server)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Documents").first.click()
    heading(page, "Documents")
    page.get_by_label("Name 1").fill("Sam Patel")
    page.get_by_label("Name 1").press("Tab")
    page.get_by_label("Role 1").fill("Designated safeguarding lead")  # focus stays in the box
    page.wait_for_timeout(1500)
    page.reload()
    heading(page, "Documents")
    assert page.get_by_label("Name 1").input_value() == "Sam Patel"
    assert page.get_by_label("Role 1").input_value() == "Designated safeguarding lead"
    assert [(s.name, s.role) for s in stored(server, draft).sign_off] == [
        ("Sam Patel", "Designated safeguarding lead")
    ]
    page.close()


def test_typing_is_saved_while_typing_and_a_reload_keeps_it(browser, server):
    """A reload 1.5 s after the last key, focus still in the box: the text is kept (0 lost).

    The box says "Saving…" then "Saved"; leaving with text not yet saved asks first."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    draft = start(page, server)
    title = first_area(page)
    box = page.get_by_label("Notes or evidence (optional)").first
    box.press_sequentially("Policy on the shared drive", delay=20)
    status = page.locator(f"#{box.get_attribute('aria-describedby')}")
    assert status.inner_text() == "Saving…"
    page.wait_for_timeout(1500)
    assert status.inner_text() == "Saved"
    page.reload()
    heading(page, title)
    assert (
        page.get_by_label("Notes or evidence (optional)").first.input_value() == "Policy on the shared drive"
    )
    notes = [a.note for a in stored(server, draft).answers.values() if a.note]
    assert notes == ["Policy on the shared drive"]
    # Typing and leaving at once: the page asks before it goes.
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.accept()))
    page.get_by_label("Notes or evidence (optional)").nth(1).press_sequentially("Half a thought")
    page.reload()
    heading(page, title)
    assert dialogs == ["beforeunload"]
    page.close()
