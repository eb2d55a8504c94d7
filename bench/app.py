"""App benchmarks: a rerun after answering one question, and cold start to the first page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.common import ROOT, Row, log, median, ratio_of_pairs
from bench.floor import floor_script

HELLO = 'import streamlit as st\n\nst.title("Hello, world")\n'
ONE_WIDGET = 'import streamlit as st\n\nst.radio("Pick one", ["a", "b"], key="x")\n'


# -- 4. rerun ------------------------------------------------------------------------------


def _census(at) -> Counter[str]:
    """How many elements of each type a run drew, in the main area and the sidebar."""
    seen: Counter[str] = Counter()

    def walk(node) -> None:
        seen[node.type] += 1
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return seen


def rerun_scenario(db: Path):
    """Two callables, each one rerun: answer a question on a risk-area page, and the trivial app."""
    os.environ["ASSESSOR_DB"] = str(db)
    from streamlit.testing.v1 import AppTest

    from assessor.catalogue import default_catalogue

    default_catalogue()  # loaded once per process; here, so a profile of the reruns leaves it out
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.text_input[0].input("Riverside Youth Forum")
    at.text_input[1].input("Sam")
    at.button[0].click().run()
    draft = at.session_state["draft_id"]
    at.radio(key=f"{draft}|profile.relationship|").set_value("runs").run()
    at.checkbox(key=f"{draft}|profile.audience|age_13_17").check().run()
    area = next(a for a in default_catalogue().areas if a.id == "grooming")
    at.session_state["go_to"] = area.id
    at.run()
    key = next(r.key for r in at.radio if r.key and r.key.startswith(f"{draft}|{area.id}."))
    # Radios hold option values; their ``options`` are the display labels.
    values = ("in_place", "not_in_place")
    state = {"n": 0}

    def answer() -> None:
        at.radio(key=key).set_value(values[state["n"] % 2]).run()
        state["n"] += 1
        assert not at.exception, at.exception

    script = db.parent / "one_widget.py"
    script.write_text(ONE_WIDGET)
    trivial = AppTest.from_file(str(script)).run()

    def trivial_rerun() -> None:
        trivial.radio(key="x").set_value("ab"[state["n"] % 2]).run()
        state["n"] += 1

    static = db.parent / "floor.py"
    static.write_text(floor_script(at.session_state["assessment"], default_catalogue(), area.id))
    floor_app = AppTest.from_file(str(static), default_timeout=60).run()
    first = next(r for r in floor_app.radio if r.key and r.key.startswith(f"{area.id}."))
    assert first.key == key.split("|")[1], (first.key, key)  # the same question on both pages
    answer()  # the measured rerun: the first run after a page change also draws a scroll-to-top script
    app_census, floor_census = _census(at), _census(floor_app)
    # The gate is twice the floor, so a floor that draws fewer or cheaper elements than the app (as
    # when the app's notes became components and the floor still drew text areas) makes the app
    # look slow: a difference fails the run, so bench/floor.py is kept in step with the page.
    differs = (app_census - floor_census) + (floor_census - app_census)
    mismatch = []
    if differs:
        mismatch.append(
            f"the floor page (bench/floor.py) differs from the app page by {sum(differs.values())} "
            f"elements: {dict(differs)}"
        )
        log("  rerun: " + mismatch[0])

    def floor_rerun() -> None:
        radio = floor_app.radio(key=first.key)
        radio.set_value(radio.options[state["n"] % 2]).run()
        state["n"] += 1

    return answer, trivial_rerun, floor_rerun, sum(_census(at).values()), mismatch


def rerun(repeats: int) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-rerun-") as tmp:
        answer, trivial, floor, elements, mismatch = rerun_scenario(Path(tmp) / "app.sqlite3")
        for _ in range(3):  # warm up all three
            answer()
            trivial()
            floor()
        times: dict[str, list[float]] = {"app": [], "trivial": [], "floor": []}
        runs = [("app", answer), ("trivial", trivial), ("floor", floor)]
        for n in range(repeats):
            for name, fn in runs[n % 3 :] + runs[: n % 3]:  # rotate the order each round
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
    ta, tt, tf = times["app"], times["trivial"], times["floor"]
    r = ratio_of_pairs(ta, tt)
    f = ratio_of_pairs(tf, tt)
    over = ratio_of_pairs(ta, tf)
    ms = {k: median(v) * 1000 for k, v in times.items()}
    log(f"  rerun: app {ms['app']:.1f} ms, floor {ms['floor']:.1f} ms, trivial {ms['trivial']:.1f} ms; "
        f"app/trivial {r:.2f}, floor/trivial {f:.2f}, app/floor {over:.2f}")  # fmt: skip
    return [
        Row(
            "4",
            "App rerun: answer one question on a risk-area page ÷ rerun of a one-widget app (AppTest)",
            r,
            "x",
            "≤ 1.5×",
            1.5,
            f"{ms['app']:.1f} ms vs {ms['trivial']:.1f} ms (median of {repeats} rounds); Streamlit's own "
            f"floor for the same page is {f:.2f}× the one-widget app ({ms['floor']:.1f} ms)",
            floor=f,
            elements=elements,
        ),
        Row(
            "4b",
            "App rerun ÷ Streamlit's floor: the same page's elements drawn by a static script",
            over,
            "x",
            "(report)",
            None,
            f"{ms['app']:.1f} ms vs {ms['floor']:.1f} ms: what the app's own code adds to a rerun "
            "(router, progress, visibility, saving a revision)",
            checks=mismatch,
        ),
    ]


# -- 5. cold start -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cold_start(browser, script: Path, heading: str, db: Path) -> tuple[float, float]:
    """Seconds from ``streamlit run`` to health OK, and to ``heading`` shown in Chromium."""
    port = _free_port()
    env = {**os.environ, "ASSESSOR_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
            f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        while True:
            if proc.poll() is not None or time.perf_counter() - started > 60:
                raise RuntimeError(f"streamlit did not start for {script}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.02)
        healthy = time.perf_counter() - started
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(url)
            page.get_by_role("heading", name=heading).first.wait_for(state="visible", timeout=60_000)
            shown = time.perf_counter() - started
        finally:
            context.close()
        return healthy, shown
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def cold_start(repeats: int) -> Row:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO)
        app = ROOT / "streamlit_app.py"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                _cold_start(browser, hello, "Hello, world", Path(tmp) / "warm.sqlite3")  # warm the disk cache
                _cold_start(browser, app, "Online safety risk assessment", Path(tmp) / "warm.sqlite3")
                ta, th, health_a, health_h = [], [], [], []
                for n in range(repeats):
                    runs = [("app", app), ("hello", hello)]
                    for which, script in runs if n % 2 == 0 else runs[::-1]:
                        db = Path(tmp) / f"{which}-{n}.sqlite3"
                        if which == "app":
                            h, s = _cold_start(browser, script, "Online safety risk assessment", db)
                            ta.append(s)
                            health_a.append(h)
                        else:
                            h, s = _cold_start(browser, script, "Hello, world", db)
                            th.append(s)
                            health_h.append(h)
            finally:
                browser.close()
    r = ratio_of_pairs(ta, th)
    log(f"  cold start: app {median(ta):.2f} s, hello {median(th):.2f} s, ratio {r:.2f}")
    return Row(
        "5",
        "App cold start: `streamlit run` to first page shown in Chromium ÷ hello-world app",
        r,
        "x",
        "≤ 1.3×",
        1.3,
        f"{median(ta):.2f} s vs {median(th):.2f} s (health OK after {median(health_a):.2f} s vs "
        f"{median(health_h):.2f} s; median of {repeats} paired starts)",
    )
