"""App benchmarks: a rerun after answering one question, and cold start to the first page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT, Row, log, median, ratio_of_pairs

HELLO = 'import streamlit as st\n\nst.title("Hello, world")\n'
ONE_WIDGET = 'import streamlit as st\n\nst.radio("Pick one", ["a", "b"], key="x")\n'
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# -- 4. rerun ------------------------------------------------------------------------------


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

    return answer, trivial_rerun


def rerun(repeats: int) -> Row:
    with tempfile.TemporaryDirectory(prefix="bench-rerun-") as tmp:
        answer, trivial = rerun_scenario(Path(tmp) / "app.sqlite3")
        for _ in range(3):  # warm up both
            answer()
            trivial()
        ta, tt = [], []
        for n in range(repeats):
            first, second = (answer, trivial) if n % 2 == 0 else (trivial, answer)
            t0 = time.perf_counter()
            first()
            t1 = time.perf_counter()
            second()
            t2 = time.perf_counter()
            (ta if first is answer else tt).append(t1 - t0)
            (tt if first is answer else ta).append(t2 - t1)
    r = ratio_of_pairs(ta, tt)
    log(f"  rerun: app {median(ta) * 1000:.1f} ms, trivial {median(tt) * 1000:.1f} ms, ratio {r:.2f}")
    return Row(
        "4",
        "App rerun: answer one question on a risk-area page ÷ rerun of a one-widget app (AppTest)",
        r,
        "x",
        "≤ 1.5×",
        1.5,
        f"{median(ta) * 1000:.1f} ms vs {median(tt) * 1000:.1f} ms (median of {repeats} paired reruns)",
    )


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
