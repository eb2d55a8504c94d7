"""Helpers for the real-browser tests: a Streamlit server on loopback and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run`` on a free loopback port; start() waits on /_stcore/health.

    ``db`` is an SQLite file or a ``postgresql://`` address (then give ``log_dir``); ``env`` adds
    to the server's environment, ``args`` to its command line."""

    def __init__(
        self,
        db: Path | str,
        port: int | None = None,
        script: str = "streamlit_app.py",
        *,
        log_dir: Path | None = None,
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.db, self.port, self.script, self.args = db, port or free_port(), script, args
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self.log = (log_dir or Path(db).parent) / f"streamlit-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> float:
        env = {
            **os.environ,
            "ASSESSOR_DB": str(self.db),
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            **self.extra_env,
        }
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", self.script,
                "--server.headless=true", f"--server.port={self.port}", "--server.address=127.0.0.1",
                "--server.fileWatcherType=none", *self.args,
            ],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"streamlit did not become healthy: {self.log.read_text()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script for the last interaction."""
    page.wait_for_timeout(150)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=timeout,
    )
    # Elements from before the run are greyed out ("stale") until it has drawn their replacements.
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=timeout)
    page.wait_for_timeout(150)
