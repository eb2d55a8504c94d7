"""Sign-in, organisations and roles in Debian's Chromium, through a real local OpenID Connect provider.

The test starts ``oidc-provider-mock`` on a loopback port (users: an owner, an editor and a
trustee of Alpha, the owner of Beta, and a person invited later), writes its own secrets file in a
temporary folder (passed with ``--secrets.files``, so no secrets are committed or read from the
repository), and signs each person in through the provider's own authorisation page.

- Not signed in: only the sign-in page, whatever the URL names.
- An editor of Alpha answers; the answer is stored under their email and in the audit log.
- A trustee of Alpha reads every answer and downloads, but gets no control to change an
  answer, and the stored assessment does not change; they approve a reviewed version on the
  Sign-off page (stored, and in the audit log under their email).
- The owner of Beta gets 0 reads of Alpha's data: on every page of the app, by Alpha's draft id
  in the URL, by its return code, in the list; and Alpha's audit log shows nothing by them.
- An owner invites a person by a link, who joins with the role given.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assessor import lifecycle as lc
from assessor.assessment import Answer, parse_assessment
from assessor.catalogue import default_catalogue
from assessor.store import SQLiteStore
from assessor.visibility import Visibility
from tests.browser import ROOT, Server, chromium, free_port, wait_idle
from tests.test_browser import axe_serious, shot

NAME = "Alpha Marker Trust QZX"  # Alpha's organisation name: must never reach Beta's browser
NOTE = "ALPHA-NOTE-7731 rota kept by the chair"  # an Alpha note, likewise
USERS = {
    "owner": "owner@alpha.org",
    "editor": "editor@alpha.org",
    "trustee": "trustee@alpha.org",
    "outsider": "owner@beta.org",
    "newcomer": "new.person@alpha.org",
}


class Provider:
    """``python -m oidc_provider_mock`` on a free loopback port, with the test's users."""

    def __init__(self, folder) -> None:
        self.port = free_port()
        self.log = folder / "oidc.log"
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        claims = [
            arg
            for sub, email in USERS.items()
            for arg in ("--user-claims", json.dumps({"sub": sub, "email": email, "email_verified": True}))
        ]
        self.proc = subprocess.Popen(
            [sys.executable, "-W", "ignore", "-m", "oidc_provider_mock", "-p", str(self.port), *claims],
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the OIDC provider exited: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/.well-known/openid-configuration", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(self.log.read_text())

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    """Alpha (owner, editor, trustee; one assessment) and Beta (its owner; one assessment), an
    OIDC provider, and the app signed in through it."""
    folder = tmp_path_factory.mktemp("hosted")
    db = folder / "db.sqlite3"
    cat = default_catalogue()
    store = SQLiteStore(db)
    alpha = store.create_org("Alpha", owner=USERS["owner"])
    store.set_member(alpha, USERS["editor"], "editor", by=USERS["owner"])
    store.set_member(alpha, USERS["trustee"], "trustee", by=USERS["owner"])
    beta = store.create_org("Beta", owner=USERS["outsider"])
    example = (ROOT / "examples" / "youth-forum.yaml").read_bytes()
    a = parse_assessment(example, cat, "youth-forum.yaml")
    a.organisation.name = NAME
    grooming = next(x for x in cat.areas if x.id == "grooming")
    shown = Visibility(cat, a.responses()).sections(grooming.sections)
    first = next(q for _, questions in shown for q in questions)  # the first question on its page
    a.answers[first.id] = (a.answers.get(first.id) or Answer()).model_copy(update={"note": NOTE})
    alpha_draft = store.create(a, 0.9, author=USERS["owner"], org=alpha)
    ready = lc.review(
        lc.submit(a, by="Eddie Editor", role=lc.EDITOR, on=dt.date.today()),
        by="Lee Lead",
        role=lc.LEAD,
        on=dt.date.today(),
    )  # submitted and reviewed: for the trustees to approve
    to_approve = store.create(ready, 0.9, author=USERS["owner"], org=alpha)
    b = parse_assessment(example, cat, "youth-forum.yaml")
    b.organisation.name = "Beta Own Club"
    beta_draft = store.create(b, 0.9, author=USERS["outsider"], org=beta)

    provider = Provider(folder)
    provider.start()
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{os.urandom(16).hex()}"\n'
        'client_id = "assessor-test"\n'
        'client_secret = "assessor-test-secret"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n'
    )
    server = Server(db, port=port, args=(f"--secrets.files={secrets}",))
    server.start()
    try:
        with chromium() as browser:
            yield {
                "store": store,
                "server": server,
                "browser": browser,
                "alpha": alpha,
                "beta": beta,
                "alpha_draft": alpha_draft,
                "to_approve": to_approve,
                "beta_draft": beta_draft,
                "first": first,
                "catalogue": cat,
            }
    finally:
        server.stop()
        provider.stop()
        store.close()


def sign_in(h, who: str, width: int = 1280):
    """A new browser context signed in as ``who`` through the provider's authorisation page."""
    context = h["browser"].new_context(
        viewport={"width": width, "height": 900 if width > 500 else 844}, accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{h['server'].url}/")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.get_by_role("button", name=who, exact=True).click()
    page.get_by_text(f"Signed in as {USERS[who]}").first.wait_for(timeout=60_000)
    wait_idle(page)
    return context, page


def open_page(h, page, path: str, draft: str) -> None:
    page.goto(f"{h['server'].url}/{path}?draft={draft}")
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
    wait_idle(page)


def test_not_signed_in_sees_only_the_sign_in_page(hosted):
    h = hosted
    context = h["browser"].new_context()
    page = context.new_page()
    for path in ("", "grooming", "results", "documents", "history", "signoff", "members"):
        page.goto(f"{h['server'].url}/{path}?draft={h['alpha_draft']}")
        page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
        wait_idle(page)
        html = page.content()
        assert NAME not in html and "ALPHA-NOTE" not in html, path
        assert page.get_by_role("heading", name="Sign in").count() == 1
        assert page.get_by_role("textbox").count() == 0  # nothing to type into but the sign-in
    assert axe_serious(page) == []
    shot(page, "sign-in")
    context.close()
    phone = h["browser"].new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    small = phone.new_page()
    small.goto(f"{h['server'].url}/")
    small.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    wait_idle(small)
    assert axe_serious(small) == []
    shot(small, "sign-in-mobile")
    # Keyboard: Tab reaches the sign-in button and Enter goes to the provider.
    for _ in range(12):
        small.keyboard.press("Tab")
        if small.evaluate("() => document.activeElement && document.activeElement.innerText") == "Sign in":
            break
    small.keyboard.press("Enter")
    small.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    phone.close()


def test_an_editor_answers(hosted):
    h = hosted
    store, draft = h["store"], h["alpha_draft"]
    before = store.head(draft)
    context, page = sign_in(h, "editor")
    assert NAME in page.inner_text('[data-testid="stMain"]')  # Alpha's assessment is listed
    was = store.load(draft, h["catalogue"]).answers[h["first"].id].value
    new, label = ("partly", "Partly in place") if was != "partly" else ("not_in_place", "Not in place")
    open_page(h, page, "grooming", draft)
    group = page.get_by_role("radiogroup").first
    group.wait_for(timeout=60_000)
    group.get_by_text(label, exact=True).click()
    wait_idle(page, timeout=60_000)
    deadline = time.monotonic() + 60  # a loaded CI machine (load 15 on 2 cores) took over 20 s
    while store.head(draft) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert store.head(draft) == before + 1
    assert store.load(draft, h["catalogue"]).answers[h["first"].id].value == new
    latest = store.revisions(draft)[0]
    assert latest.author == USERS["editor"] and latest.changed == (f"answers/{h['first'].id}/value",)
    entry = store.audit(h["alpha"], draft_id=draft)[0]
    assert (entry.actor, entry.action, entry.fields) == (
        USERS["editor"],
        "edit",
        (f"answers/{h['first'].id}/value",),
    )
    assert page.get_by_role("link", name="Members", exact=True).count() == 0  # not an owner
    context.close()


def test_a_trustee_reads_and_downloads_but_cannot_edit(hosted):
    h = hosted
    store, draft = h["store"], h["alpha_draft"]
    context, page = sign_in(h, "trustee")
    before = store.head(draft)
    for path in ("profile", "grooming"):
        open_page(h, page, path, draft)
        main = page.inner_text('[data-testid="stMain"]')
        assert "You can read these answers but not change them: your role here is trustee" in main
        assert page.get_by_role("radio").count() == 0 and page.get_by_role("checkbox").count() == 0
        assert page.locator("main textarea:visible, main input[type=text]:visible").count() == 0
    assert NOTE in page.inner_text('[data-testid="stMain"]')  # reads everything
    open_page(h, page, "history", draft)
    assert page.get_by_role("button", name="Restore version").count() == 0
    assert page.get_by_role("button", name="Delete now").count() == 0
    open_page(h, page, "results", draft)
    assert page.get_by_role("button", name="Save follow-up").count() == 0
    open_page(h, page, "documents", draft)
    assert page.get_by_role("textbox", name="Name 1").count() == 0  # who signs: read, not edited
    with page.expect_download() as got:
        page.get_by_role("button", name="Download the assessment file (YAML)").click()
    assert NAME in Path(got.value.path()).read_text(encoding="utf-8")
    wait_idle(page)
    assert store.head(draft) == before  # nothing the trustee did changed the assessment
    assert all(e.actor != USERS["trustee"] for e in store.audit(h["alpha"]))

    # Approving the version the safeguarding lead has reviewed: the trustee's step.
    ready = h["to_approve"]
    open_page(h, page, "signoff", ready)
    page.get_by_role("textbox", name="Trustee 1: name").fill("Chris Chair")
    page.get_by_role("textbox", name="Trustee 1: role").fill("Chair of trustees")
    page.get_by_role("textbox", name="Minute reference").fill("TM 2026/14")
    page.get_by_role("button", name="Record the approval").click()
    page.get_by_text("is now approved by the trustees").wait_for(timeout=60_000)
    approved = store.load(ready, h["catalogue"])
    assert lc.is_approved(approved) and approved.lifecycle.current.minute == "TM 2026/14"
    entry = store.audit(h["alpha"], draft_id=ready)[0]
    assert (entry.actor, entry.action) == (USERS["trustee"], "edit")
    assert all(f.startswith("lifecycle/") for f in entry.fields)
    context.close()


def test_another_organisation_reads_nothing(hosted):
    """The owner of Beta: Alpha's data on no page, by id in the URL, by code or in the list."""
    h = hosted
    store, draft = h["store"], h["alpha_draft"]
    before = store.head(draft)
    context, page = sign_in(h, "outsider")
    start = page.inner_text('[data-testid="stMain"]')
    assert "Beta Own Club" in start and NAME not in start
    pages = ["", "start", "profile", *(a.id for a in h["catalogue"].areas)]
    pages += ["review", "results", "documents", "history", "signoff", "members"]
    checked = 0
    # With nothing open, then with Beta's own assessment open: every page, asked for Alpha's id.
    for own in (None, h["beta_draft"]):
        if own:
            open_page(h, page, "profile", own)
        for path in pages:
            page.goto(f"{h['server'].url}/{path}?draft={draft}")
            page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
            wait_idle(page)
            html = page.content()
            assert NAME not in html and "ALPHA-NOTE" not in html, path
            assert draft not in page.url  # the id is dropped, not kept to retry
            checked += 1
    assert checked == 2 * len(pages)
    # The return code, typed on the Start page.
    page.goto(f"{h['server'].url}/")
    page.get_by_role("heading", name="Open an assessment from its return code").wait_for(timeout=60_000)
    wait_idle(page)
    page.get_by_role("textbox", name="Return code").fill(store.summary(draft).code)
    page.get_by_test_id("stBaseButton-secondaryFormSubmit").click()
    wait_idle(page)
    assert page.get_by_text("No assessment has that code").count() == 1
    assert NAME not in page.content()
    assert store.head(draft) == before and store.exists(draft)  # not changed, not deleted
    assert all(e.actor != USERS["outsider"] for e in store.audit(h["alpha"]))
    context.close()


def test_an_owner_invites_and_the_invited_person_joins(hosted):
    h = hosted
    store = h["store"]
    context, page = sign_in(h, "owner")
    page.goto(f"{h['server'].url}/members")
    page.get_by_role("heading", name="Members").first.wait_for(timeout=60_000)
    wait_idle(page)
    page.get_by_label("Their email address").fill(USERS["newcomer"])
    page.get_by_role("button", name="Make an invitation link").click()
    wait_idle(page)
    code = page.locator('[data-testid="stCode"] code').first
    code.wait_for(timeout=60_000)
    link = code.inner_text().strip()
    assert link.startswith(h["server"].url) and "invite=" in link
    assert [i.email for i in store.invitations(h["alpha"])] == [USERS["newcomer"]]
    assert "Audit log" in page.inner_text('[data-testid="stMain"]')
    assert axe_serious(page) == []
    shot(page, "members")
    phone = h["browser"].new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.add_cookies(context.cookies())
    small = phone.new_page()
    small.goto(f"{h['server'].url}/members")
    small.get_by_role("heading", name="Members").first.wait_for(timeout=60_000)
    wait_idle(small)
    assert axe_serious(small) == []
    shot(small, "members-mobile")
    phone.close()
    context.close()

    # The newcomer signs in, then opens the link: they join Alpha as an editor (the default).
    context, page = sign_in(h, "newcomer")
    assert "belong to no organisation yet" in page.inner_text('[data-testid="stMain"]')
    page.goto(link)
    page.get_by_text("You have joined Alpha as editor").wait_for(timeout=60_000)
    wait_idle(page)
    assert store.role_of(h["alpha"], USERS["newcomer"]) == "editor"
    assert NAME in page.inner_text('[data-testid="stMain"]')
    page.goto(link)  # used once
    page.get_by_text("not valid, or has been used").wait_for(timeout=60_000)
    context.close()
