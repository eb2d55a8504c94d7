"""Issue 12 in Debian's Chromium: many browsers at once, and a section answered by keyboard only.

One server for the module. Answers are counted in the store at the end: the count lost must be 0,
and no assessment may hold an answer or note given in another.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from browser import CHROMIUM, Server, chromium, wait_idle

from assessor.assessment import Assessment
from assessor.catalogue import default_catalogue
from assessor.platforms import all_responses
from assessor.questionnaire import Kind
from assessor.store import Store
from assessor.visibility import Visibility

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")

CHOICES = (("In place", "in_place"), ("Partly in place", "partly"), ("Not in place", "not_in_place"))


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("many") / "db.sqlite3")
    s.start()
    yield s
    s.stop()


def area(minimum: int) -> tuple[str, str]:
    """The first risk area (id, title) showing at least ``minimum`` radio groups before any answer.

    Found from the questionnaire, not fixed here: questions are added and moved."""
    cat = default_catalogue()
    vis = Visibility(cat, all_responses(Assessment(organisation={"name": "x"}), cat))
    for a in vis.areas():
        shown = [q for _, qs in vis.sections(a.sections) for q in qs]
        if sum(q.kind in (Kind.control, Kind.single) for q in shown) >= minimum:
            return a.id, a.title
    raise AssertionError("no area with enough questions")


def create(server: Server, name: str) -> str:
    a = Assessment(organisation={"name": name}, meta={"assessed_on": dt.date.today()})
    return Store(server.db).create(a, 0.0, author="test")


def question_id(group) -> str:
    """The question a radio group answers, from the CSS class of its box (state.question_anchor)."""
    classes = group.evaluate("e => e.closest('[class*=\"st-key-q-\"]').className")
    anchor = re.search(r"st-key-q-(\S+)", classes).group(1)
    by_anchor = {re.sub(r"[^A-Za-z0-9_-]", "-", q): q for q in default_catalogue().index}
    return by_anchor[anchor]


def test_eight_browsers_on_eight_assessments_and_two_sharing_a_ninth(browser, server):
    """10 contexts at once, clicks sent without waiting for each other: 0 lost, 0 crossed."""
    page_id, title = area(6)
    drafts = [create(server, f"Org {n}") for n in range(9)]
    owners = [*range(9), 8]  # context 9 shares the ninth assessment with context 8
    contexts = [browser.new_context(viewport={"width": 1000, "height": 800}) for _ in owners]
    pages = [c.new_page() for c in contexts]
    for page, n in zip(pages, owners, strict=True):
        page.goto(f"{server.url}/{page_id}?draft={drafts[n]}", wait_until="commit")
    for page in pages:
        page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
        wait_idle(page, timeout=60_000)

    # Context i answers three questions (the second sharer the next three) with its own choices.
    expected: list[dict[str, str]] = [{} for _ in drafts]
    for rnd in range(3):
        for i, (page, n) in enumerate(zip(pages, owners, strict=True)):
            group = page.get_by_role("radiogroup").nth(rnd + 3 * (i == 9))
            label, value = CHOICES[(i + rnd) % 3]
            group.get_by_text(label, exact=True).click()
            expected[n][question_id(group)] = value
    notes = {}
    for i, (page, n) in enumerate(zip(pages, owners, strict=True)):
        box = page.get_by_label("Notes or evidence (optional)").nth(3 * (i == 9))
        box.fill(f"Checked by Org {n}, browser {i}")
        notes[i] = box
    for i, page in enumerate(pages):
        status = page.locator(f"#{notes[i].get_attribute('aria-describedby')}")
        status.filter(has_text="Saved").wait_for(timeout=60_000)
        wait_idle(page, timeout=60_000)

    lost = crossed = 0
    store = Store(server.db)
    for n, draft in enumerate(drafts):
        a = store.load(draft, default_catalogue())
        got = {qid: ans.value for qid, ans in a.answers.items() if ans.value}
        lost += sum(got.get(qid) != value for qid, value in expected[n].items())
        crossed += sum(qid not in expected[n] for qid in got)
        written = sorted(ans.note for ans in a.answers.values() if ans.note)
        want = sorted(f"Checked by Org {n}, browser {i}" for i, m in enumerate(owners) if m == n)
        lost += len(set(want) - set(written))
        crossed += len(set(written) - set(want))
    assert (lost, crossed) == (0, 0), f"{lost} answers lost, {crossed} crossed between assessments"
    for c in contexts:
        c.close()


def test_keyboard_only_walk_through_one_section(browser, server):
    """Tab to each question, Space to answer, Enter on Next: every answer saved, focus moves on."""
    page_id, title = area(3)
    draft = create(server, "Keyboard Club")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server.url}/{page_id}?draft={draft}")
    page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
    # Under load the heading can be drawn before the questions: count them once they are there.
    page.get_by_role("radiogroup").first.wait_for(timeout=60_000)
    wait_idle(page)
    groups = page.get_by_role("radiogroup").count()
    assert groups >= 3, groups
    answered: set[str] = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        focus = page.evaluate(
            """() => { const e = document.activeElement;
              return {tag: e.tagName, type: e.type || '', name: e.name || '', text: (e.innerText || '').trim(),
                      checked: !!e.checked}; }"""
        )
        if focus["type"] == "radio" and focus["name"] not in answered:
            page.keyboard.press("Space")
            wait_idle(page)
            answered.add(focus["name"])
        if focus["tag"] == "BUTTON" and focus["text"].startswith("Next:"):
            break
    else:
        raise AssertionError("Tab never reached the Next button")
    assert len(answered) == groups
    a = Store(server.db).load(draft, default_catalogue())
    assert len([x for x in a.answers.values() if x.value]) == groups, "answers lost"
    page.keyboard.press("Enter")
    wait_idle(page)
    # The next page's heading has the focus, so the next Tab starts on that page's content.
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'H1'")
    page.close()
