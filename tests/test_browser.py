"""Real-browser journey in Debian's Chromium (Playwright), with axe-core on every page.

Skipped only when Chromium is not installed; `.ci/setup` installs it, so CI runs these.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from browser import CHROMIUM, ROOT, Server, chromium, wait_idle

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")

SHOTS = ROOT / "docs" / "screenshots"
BAD_FILE = b"schema_version: 1\norganisation: {name: Bad}\nanswers:\n  no.such.question: {value: in_place}\n"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def heading(page, name: str, timeout: float = 30_000) -> None:
    page.get_by_role("heading", name=name).first.wait_for(timeout=timeout)
    wait_idle(page)


def nav(page, title_part: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=title_part).first.click()
    wait_idle(page)


MAIN = '[data-testid="stMain"]'  # the element that scrolls

# Streamlit's own markup, excluded by rule and place only. Its multipage sidebar nav puts <div>s
# between <ul> and <li> (axe "list" and "listitem", serious): the navigation is st.navigation's,
# with no option to change it, so those two rules are not failed on inside it. Everything else
# there, and every rule elsewhere, is.
FRAMEWORK = {"list": '[data-testid="stSidebarNav"]', "listitem": '[data-testid="stSidebarNav"]'}


def axe_serious(page) -> list[str]:
    """Moderate, serious and critical axe violations in the app's own content, as 'rule: element'."""
    from axe_playwright_python.sync_playwright import Axe

    # While a run is in progress Streamlit greys out ("stale") what it is redrawing, and axe then
    # finds the greyed text too faint. Run axe on an idle page; if it finds anything, wait for idle
    # and run it again: a real violation is found both times.
    found: list[str] = []
    for _ in range(2):
        page.wait_for_function(_IDLE, timeout=60_000)
        results = Axe().run(page)
        found = []
        for v in results.response["violations"]:
            if v["impact"] not in ("moderate", "critical", "serious"):
                continue
            for node in v["nodes"]:
                selector = node["target"][0]
                chrome = FRAMEWORK.get(v["id"])
                inside = chrome is not None and page.evaluate(
                    "([sel, chrome]) => { const e = document.querySelector(sel); return !!(e && e.closest(chrome)); }",
                    [selector, chrome],
                )
                if not inside:
                    found.append(f"{v['id']}: {node['html'][:160]}")
        if not found:
            break
        wait_idle(page, timeout=60_000)
    return found


def shot(page, name: str) -> None:
    if os.environ.get("SAVE_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


class Outside:
    """Every request a browser context makes to a host other than the app's own."""

    def __init__(self, server: Server) -> None:
        self.own = f"{server.url}/"
        self.requests: list[str] = []
        self.seen = 0

    def watch(self, context) -> None:
        context.on("request", self.record)

    def record(self, request) -> None:
        self.seen += 1
        url = request.url
        if not url.startswith((self.own, "data:", "blob:", "about:")):
            self.requests.append(url)


def check(page, browser, name: str, found: dict, outside: Outside, title: str) -> None:
    """axe at 1280 px on ``page``, then the same address in a 390 px phone-sized browser."""
    found[f"{name} 1280"] = axe_serious(page)
    shot(page, name)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    outside.watch(phone)
    small = phone.new_page()
    small.goto(page.url)
    small.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=60_000)
    wait_idle(small)
    found[f"{name} 390"] = axe_serious(small)
    shot(small, f"{name}-mobile")
    phone.close()


def test_journey_refresh_restart_upload_and_accessibility(browser, tmp_path):
    server = Server(tmp_path / "db.sqlite3")
    server.start()
    violations: dict[str, list[str]] = {}
    outside = Outside(server)
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        outside.watch(context)
        page = context.new_page()
        page.goto(server.url)
        heading(page, "Start a new assessment")
        check(page, browser, "start", violations, outside, "Start a new assessment")

        page.get_by_label("Organisation name").fill("Riverside Youth Forum")
        page.get_by_label("Your name (the person completing the assessment)").fill("Sam Patel")
        page.get_by_role("button", name="Start").click()
        heading(page, "Your organisation and platform")
        assert "draft=" in page.url
        page.get_by_text("We run it (or are about to set it up)").click()
        wait_idle(page)
        page.get_by_text("Young people aged 13 to 17").first.click()  # the audience question
        wait_idle(page)
        page.get_by_text("Private messages between members", exact=True).click()
        wait_idle(page)
        page.get_by_text("Forum or message board").click()
        wait_idle(page)
        check(page, browser, "profile", violations, outside, "Your organisation and platform")

        # Halfway: a browser refresh comes back to the same answers.
        page.reload()
        heading(page, "Your organisation and platform")
        assert page.get_by_label("Young people aged 13 to 17").first.is_checked()
        assert page.get_by_role("radio", name="Forum or message board").is_checked()

        nav(page, "Grooming")
        heading(page, "Grooming and inappropriate contact")
        first = page.get_by_role("radiogroup").first
        first.get_by_text("Partly in place").click()
        wait_idle(page)
        check(page, browser, "area", violations, outside, "Grooming and inappropriate contact")
        draft_url = page.url

        # Stop and restart the server: the link still resumes the same answers.
        server.stop()
        server.start()
        page.goto(draft_url)
        heading(page, "Grooming and inappropriate contact")
        assert page.get_by_role("radiogroup").first.get_by_role("radio", name="Partly in place").is_checked()

        # "Next" opens the following page at its top, not scrolled to where the last one was.
        page.evaluate(f"() => document.querySelector('{MAIN}').scrollTo(0, 1e6)")
        page.get_by_role("button", name="Next:").click()
        wait_idle(page)
        page.wait_for_function(f"() => document.querySelector('{MAIN}').scrollTop === 0", timeout=10_000)

        nav(page, "Review answers")
        heading(page, "Review your answers")
        check(page, browser, "review", violations, outside, "Review your answers")

        # "Edit" opens the question's page with that question in view.
        edit = page.get_by_role("link", name="Edit").and_(page.locator('[href*="q=grooming."]')).last
        question = edit.get_attribute("href").split("q=")[1].split("&")[0]
        edit.scroll_into_view_if_needed()
        edit.click()
        heading(page, "Grooming and inappropriate contact")
        box = f".st-key-q-{question.replace('.', '-')}"
        page.wait_for_function(
            f"() => {{ const e = document.querySelector('{box}'); if (!e) return false;"
            " const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight / 2; }",
            timeout=10_000,
        )
        assert page.evaluate(f"() => document.querySelector('{MAIN}').scrollTop") > 0
        nav(page, "Review answers")
        heading(page, "Review your answers")

        nav(page, "Results")
        heading(page, "Results")
        page.get_by_text("Overall rating").first.wait_for()
        check(page, browser, "results", violations, outside, "Results")

        nav(page, "Documents")
        heading(page, "Documents")
        # No "Prepare" step: the pack is written in the background, and one click downloads it.
        assert page.get_by_role("button", name="Prepare").count() == 0
        page.get_by_text("Your documents are ready").wait_for(timeout=300_000)
        wait_idle(page)
        check(page, browser, "documents", violations, outside, "Documents")
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="Download the policy pack (ZIP)").click()
        assert re.fullmatch(
            r"riverside-youth-forum-\d{4}-\d\d-\d\d-policy-pack\.zip", download.value.suggested_filename
        )
        data = Path(download.value.path()).read_bytes()
        pdfs = check_zip_pdfs(data)
        assert len(pdfs) >= 6
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert any(n.endswith("/index.txt") for n in names) and any(
            n.endswith("-assessment.yaml") for n in names
        )

        nav(page, "History")
        heading(page, "History")
        check(page, browser, "history", violations, outside, "History")

        # A bad upload gets a clear message and leaves the open assessment alone.
        nav(page, "Start")
        heading(page, "Open an assessment file")
        page.locator('input[type="file"]').set_input_files(
            {"name": "bad.yaml", "mimeType": "application/x-yaml", "buffer": BAD_FILE}
        )
        wait_idle(page)
        page.get_by_role("button", name="Open this file").click()
        wait_idle(page)
        alert = page.get_by_text("That file could not be opened")
        alert.wait_for()
        told = page.locator('[data-testid="stAlert"]', has_text="That file could not be opened").inner_text()
        assert "unknown question id" in told and "no.such.question" in told
        assert "Riverside Youth Forum" in page.get_by_text("You have").inner_text()

        # The Start page's list is this browser's (a cookie): a new visit lists the assessment,
        # another browser lists none.
        page.goto(server.url)
        heading(page, "Your saved assessments")
        mine = page.locator('[data-testid="stMain"]').inner_text()
        assert "Riverside Youth Forum" in mine and "None yet." not in mine
        page.reload()
        heading(page, "Your saved assessments")
        assert "Riverside Youth Forum" in page.locator('[data-testid="stMain"]').inner_text()
        stranger = browser.new_context(viewport={"width": 1280, "height": 900})
        outside.watch(stranger)
        other = stranger.new_page()
        other.goto(server.url)
        heading(other, "Your saved assessments")
        theirs = other.locator('[data-testid="stMain"]').inner_text()
        assert "None yet." in theirs and "Riverside Youth Forum" not in theirs
        stranger.close()
        context.close()
    finally:
        server.stop()
    assert outside.seen > 50 and outside.requests == [], outside.requests
    bad = {k: v for k, v in violations.items() if v}
    assert not bad, "\n".join(f"{k}: {x}" for k, v in bad.items() for x in v)


def check_zip_pdfs(data: bytes) -> list[str]:
    from pypdf import PdfReader

    names = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith(".pdf"):
                reader = PdfReader(io.BytesIO(z.read(name)))
                assert len(reader.pages) >= 1
                assert "Riverside Youth Forum" in reader.pages[0].extract_text()
                names.append(name)
    return names


# -- focus rings (WCAG 2.4.7 focus visible, 1.4.11 non-text contrast) ---------------------------

# Every element that takes keyboard focus, shown and enabled. A check box or radio button's input
# is a 1-pixel hidden box: what shows its focus is the label around it.
_FOCUSABLE = """() => {
  const sel = 'a[href], button, input, textarea, select, summary, [tabindex]';
  window.__stops = [...document.querySelectorAll(sel)].filter((e) => {
    if (e.tabIndex < 0 || e.disabled || e.closest('[aria-hidden="true"], [inert]')) return false;
    if (e.matches('input[type=hidden], input[type=file]')) return false;
    const holder = e.matches('input[type=checkbox], input[type=radio]') ? e.closest('label') || e : e;
    const r = holder.getBoundingClientRect();
    return r.width > 2 && r.height > 2 && holder.checkVisibility({visibilityProperty: true});
  });
  return window.__stops.length;
}"""
_FOCUS = """(i) => {
  const e = window.__stops[i];
  if (!e.isConnected) return null;
  const holder = e.matches('input[type=checkbox], input[type=radio]') ? e.closest('label') || e : e;
  holder.scrollIntoView({block: 'center', inline: 'nearest'});
  e.focus({preventScroll: true});
  // The ring may be drawn by a box around the element (a text field's frame): measure round the
  // nearest one, itself included, that draws an outline now.
  let ring = e;
  for (let x = e, k = 0; x && k < 5; x = x.parentElement, k++) {
    const cs = getComputedStyle(x);
    if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) { ring = x; break; }
  }
  const r = (ring === e ? holder : ring).getBoundingClientRect();
  const name = (e.getAttribute('aria-label') || e.innerText || e.getAttribute('placeholder') || e.value || '')
    .trim().replace(/\\s+/g, ' ').slice(0, 50);
  return {x: r.x, y: r.y, w: r.width, h: r.height, what: `${e.tagName.toLowerCase()} "${name}"`,
          focused: document.activeElement === e, visible: e.matches(':focus-visible')};
}"""


def _luminance(rgb):
    import numpy as np

    v = rgb.astype(float) / 255
    v = np.where(v <= 0.03928, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return v @ np.array([0.2126, 0.7152, 0.0722])


def focus_rings(page, pad: int = 8) -> list[tuple[str, int, float]]:
    """Focus each interactive element in turn (after a key press, so focus is shown as for the
    keyboard) and photograph the box around it focused and not. The ring is the pixels whose
    colour focus changed by a contrast of 3:1 or more. Returns (element, ring pixels, perimeter).

    Streamlit greys out ("stale") what it is redrawing while a run is in progress, which dims a
    ring photographed then. Each photograph waits until the page is idle, and an element whose
    ring comes out short is measured again (up to three times) once the page is idle: a ring
    that is really missing or faint stays short every time."""
    page.keyboard.press("Tab")  # the last input is the keyboard: focus() now shows :focus-visible
    count = page.evaluate(_FOCUSABLE)
    out = []
    for i in range(count):
        measured = None
        for _ in range(3):
            measured = _ring(page, i, pad)
            if measured is None or measured[1] >= 2 * measured[2]:
                break
            wait_idle(page)
        if measured is not None:
            out.append(measured)
    return out


def _ring(page, i: int, pad: int) -> tuple[str, int, float] | None:
    """One measurement of element ``i``'s focus ring (see ``focus_rings``); None if it is gone or
    does not take focus."""
    import numpy as np
    from PIL import Image

    width, height = page.viewport_size["width"], page.viewport_size["height"]
    # A date field opens its calendar when focused. A real Tab out of the field closes it, but
    # blur() leaves it open over what lies below (the next fields and buttons): close it with
    # Escape, as a keyboard user can.
    for _ in range(3):
        if not page.locator('[data-testid="stDateInputCalendar"]').count():
            break
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
    for _ in range(3):  # again if a redraw (a rerun) took the focus away meanwhile
        box = page.evaluate(_FOCUS, i)
        if box is None or not box["focused"]:
            return None
        # Late drawing (an icon font, an element finishing its run) can still move the page: wait
        # until the element has kept its place for 100 ms, then measure where it is now.
        page.wait_for_function(_STILL, arg=i, polling=100, timeout=10_000)
        page.wait_for_function(_IDLE, timeout=30_000)
        box = page.evaluate(_FOCUS, i)
        if box is None or not box["focused"]:
            return None
        assert box["visible"], f"{box['what']} is focused without :focus-visible"
        x0, y0 = max(0, int(box["x"]) - pad), max(0, int(box["y"]) - pad)
        x1 = min(width, int(box["x"] + box["w"]) + pad + 1)
        y1 = min(height, int(box["y"] + box["h"]) + pad + 1)
        clip = {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}
        shot_on = page.screenshot(clip=clip, animations="disabled")
        if page.evaluate("(i) => document.activeElement === window.__stops[i]", i):
            break
    page.evaluate("(i) => window.__stops[i].blur()", i)
    page.wait_for_function(_IDLE, timeout=30_000)
    shot_off = page.screenshot(clip=clip, animations="disabled")
    on = np.asarray(Image.open(io.BytesIO(shot_on)).convert("RGB"))
    off = np.asarray(Image.open(io.BytesIO(shot_off)).convert("RGB"))
    a, b = _luminance(on), _luminance(off)
    ratio = (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)
    return box["what"], int((ratio >= 3).sum()), 2 * (box["w"] + box["h"])


# Element i is where it was at the last poll.
_STILL = """(i) => {
  const e = window.__stops[i];
  if (!e || !e.isConnected) return true;
  const r = e.getBoundingClientRect(), now = [r.x, r.y, r.width, r.height].join();
  const same = window.__still === now;
  window.__still = now;
  return same;
}"""
# Nothing greyed out as stale and no run in progress.
_IDLE = """() => !document.querySelector('[data-stale="true"]') && !((document.querySelector(
  '[data-testid="stStatusWidget"]') || {}).innerText || '').includes('Running')"""


def test_every_interactive_element_shows_a_focus_ring_of_3_to_1(browser, tmp_path):
    """On Start, the profile, an area, Results, Documents and History at 1280 px: every element
    that takes focus changes, when focused, at least twice its perimeter in pixels (a 2 px ring
    all round) by a contrast of 3:1 or more against what was there before."""
    from assessor.assessment import load_assessment
    from assessor.catalogue import default_catalogue
    from assessor.store import Store

    db = tmp_path / "db.sqlite3"
    draft = Store(db).create(load_assessment(ROOT / "examples" / "youth-forum.yaml", default_catalogue()))
    server = Server(db)
    server.start()
    weak: list[str] = []
    measured: dict[str, int] = {}
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for path, title in (
            ("", "Start a new assessment"),
            ("profile", "Your organisation and platform"),
            ("grooming", "Grooming and inappropriate contact"),
            ("results", "Results"),
            ("documents", "Documents"),
            ("history", "History"),
        ):
            page.goto(f"{server.url}/{path}" + (f"?draft={draft}" if path else ""))
            heading(page, title)
            if title == "Documents":  # the page redraws once the pack is written
                page.get_by_text("Your documents are ready").wait_for(timeout=300_000)
                wait_idle(page)
            rings = focus_rings(page)
            measured[title] = len(rings)
            weak += [f"{title}: {what} ({ring} px of 3:1 change, perimeter {perimeter:.0f})"
                     for what, ring, perimeter in rings if ring < 2 * perimeter]  # fmt: skip
        context.close()
    finally:
        server.stop()
    print("focus rings measured:", measured)
    assert all(n >= 5 for n in measured.values()), measured
    assert not weak, "\n".join(weak)


def test_connection_lost_says_answers_are_safe_and_clears_on_reconnect(browser, tmp_path):
    """Stop the server a moment after typing a note: a banner says the connection is lost and
    what happens to the answers. Start the server again: the banner clears, and the click made
    before and the note not yet saved when the connection went are both stored."""
    from assessor.catalogue import default_catalogue
    from assessor.store import Store

    server = Server(tmp_path / "db.sqlite3")
    server.start()
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server.url)
        heading(page, "Start a new assessment")
        page.get_by_label("Organisation name").fill("Offline Club")
        page.get_by_role("button", name="Start").click()
        heading(page, "Your organisation and platform")
        draft = page.url.split("draft=")[1].split("&")[0]
        page.goto(f"{server.url}/grooming?draft={draft}")
        heading(page, "Grooming and inappropriate contact")
        page.get_by_role("radiogroup").first.get_by_text("In place", exact=True).click()
        wait_idle(page)
        banner = page.locator("#connection-banner")
        assert not banner.is_visible()

        note = page.get_by_label("Notes or evidence (optional)").first
        note.fill("Typed while the server was down")
        server.stop()  # within the box's one-second pause: the text is not saved yet
        assert not [
            x.note for x in Store(server.db).load(draft, default_catalogue()).answers.values() if x.note
        ]
        banner.filter(has_text="Connection to the server lost").wait_for(state="visible", timeout=30_000)
        assert banner.get_attribute("role") == "alert"
        told = banner.inner_text()
        assert "Your answers are safe if you keep this tab open" in told
        assert "text typed in a box that is not saved yet stays on this page" in told
        assert note.input_value() == "Typed while the server was down"

        server.start()
        banner.filter(has_text="Connected again").wait_for(state="visible", timeout=60_000)
        status = page.locator(f"#{note.get_attribute('aria-describedby')}")
        status.filter(has_text=re.compile(r"^Saved$")).wait_for(timeout=60_000)  # not "Not saved: …"
        banner.wait_for(state="hidden", timeout=10_000)
        wait_idle(page)
        a = Store(server.db).load(draft, default_catalogue())
        values = [x.value for x in a.answers.values()]
        notes = [x.note for x in a.answers.values() if x.note]
        assert values.count("in_place") == 1 and notes == ["Typed while the server was down"], (values, notes)
        page.close()
    finally:
        server.stop()
