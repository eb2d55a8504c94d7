"""Debian's Chromium and the flags it is launched with, shared by the browser tests and the
cold-start benchmark. Nothing is downloaded: Playwright drives the system binary."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
