"""What a user sees in the app, measured in Debian's Chromium (Playwright): round r7, visual.

1. A tick-all-that-apply question reads like a radio question: its question line is bold, its
   options are in the text's own weight (not bold, as every option was), and they sit about as
   close together as a radio group's options (they stood 40 px apart, against 22 px).
2. The Review page is a summary list: each question in bold, its answer beside it starting at the
   same height (the question was centred on a long answer), and below it on a phone.
3. The Documents page puts "Documents" and "Formats" over its two lists of check boxes, so that PDF
   and Word do not read as two more documents.
4. axe finds no moderate, serious or critical violation on the profile page of a video session
   (the newer questions: session recording, one-to-one channels, national body, languages) and on
   the Review and Sign-off pages, at 1280 px and at 390 px.

Skipped only when Chromium is not installed; `.ci/setup` installs it, so CI runs these.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import CHROMIUM, ROOT, Server, chromium, wait_idle
from test_browser import axe_serious

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")

VIDEO = ROOT / "tests" / "scenarios" / "young-carers-zoom.yaml"

# The first tick-all-that-apply question and the first radio question of the profile page: weight
# of an option's label, and the distance from one option's top to the next one's.
_OPTIONS = """() => {
  const box = document.querySelector('[class*="st-key-group-"]');
  const ticks = [...box.querySelectorAll('[data-testid="stCheckbox"] label')];
  const radios = [...document.querySelector('[data-testid="stRadio"] [role="radiogroup"]').querySelectorAll('label')];
  const weight = (l) => getComputedStyle(l.querySelector('p') || l).fontWeight;
  const pitch = (ls) => ls[1].getBoundingClientRect().top - ls[0].getBoundingClientRect().top;
  return {tick: weight(ticks[0]), radio: weight(radios[0]), tick_pitch: pitch(ticks), radio_pitch: pitch(radios)};
}"""

# Each Review row's question and answer: the question's weight, and the tops of both.
_ROWS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stHorizontalBlock"]')]
  .map((row) => [...row.querySelectorAll(':scope > [data-testid="stColumn"]')])
  .filter((cols) => cols.length === 3 && cols[0].innerText.trim() && cols[1].innerText.trim())
  .map((cols) => {
    const q = cols[0].querySelector('p'), a = cols[1].querySelector('p, pre, div[data-testid="stText"]');
    return {q: q.innerText.slice(0, 60), weight: getComputedStyle(q.querySelector('strong') || q).fontWeight,
            dq: q.getBoundingClientRect().top, da: a.getBoundingClientRect().top,
            qx: q.getBoundingClientRect().left, ax: a.getBoundingClientRect().left};
  })"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _open(page, url: str, ready: str) -> None:
    page.goto(url)
    page.locator(ready).first.wait_for(timeout=60_000)
    wait_idle(page)
    page.wait_for_timeout(500)


def test_options_questions_and_lists_read_as_what_they_are(browser, tmp_path):
    from assessor.assessment import load_assessment
    from assessor.catalogue import default_catalogue
    from assessor.store import Store

    db = tmp_path / "db.sqlite3"
    draft = Store(db).create(load_assessment(VIDEO, default_catalogue()))
    server = Server(db)
    server.start()
    violations: dict[str, list[str]] = {}
    try:
        for width, height in ((1280, 800), (390, 844)):
            context = browser.new_context(
                viewport={"width": width, "height": height}, is_mobile=width < 500, has_touch=width < 500
            )
            page = context.new_page()
            _open(page, f"{server.url}/profile?draft={draft}", '[data-testid="stCheckbox"]')
            assert page.get_by_text("Do you record your live sessions?").count() == 1
            options = page.evaluate(_OPTIONS)
            assert options["tick"] == options["radio"] == "400", options
            assert options["tick_pitch"] <= 1.5 * options["radio_pitch"], options
            violations[f"profile {width}"] = axe_serious(page)

            _open(page, f"{server.url}/review?draft={draft}", '[data-testid="stHorizontalBlock"]')
            rows = page.evaluate(_ROWS)
            assert len(rows) > 50, len(rows)
            for row in rows:
                assert int(row["weight"]) >= 600, row
                if width >= 1000:  # side by side, from the same top
                    assert abs(row["dq"] - row["da"]) <= 4 and row["ax"] > row["qx"], row
                else:  # stacked: the answer under its question
                    assert row["da"] > row["dq"], row
            violations[f"review {width}"] = axe_serious(page)

            _open(page, f"{server.url}/signoff?draft={draft}", "h1")
            violations[f"signoff {width}"] = axe_serious(page)
            context.close()

        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        _open(page, f"{server.url}/documents?draft={draft}", '[data-testid="stCheckbox"]')
        tops = page.evaluate(
            """() => {
              const top = (e) => (e ? e.getBoundingClientRect().top : null);
              const text = (t) => [...document.querySelectorAll('[data-testid="stMain"] p')].find((p) => p.innerText.trim() === t);
              const box = (t) => [...document.querySelectorAll('[data-testid="stCheckbox"]')].find((c) => c.innerText.trim() === t);
              return {documents: top(text('Documents')), first: top(box('Online safety risk assessment')),
                      formats: top(text('Formats')), pdf: top(box('PDF'))};
            }"""
        )
        assert None not in tops.values(), tops
        assert tops["documents"] < tops["first"] < tops["formats"] < tops["pdf"], tops
        context.close()
    finally:
        server.stop()
    bad = {k: v for k, v in violations.items() if v}
    assert not bad, "\n".join(f"{k}: {x}" for k, v in bad.items() for x in v)
