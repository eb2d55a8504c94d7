"""The store contract: every backend passes the same tests (``BACKENDS``; a new backend adds a line).

Revisions, restore, merging changes to different answers, conflicts kept with both values,
soft delete and undo, return codes, separation by id, concurrent writers, and a kill mid-save.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import time

import pg
import pytest

from assessor.assessment import Answer, Assessment
from assessor.store import (
    KEEP_REVISIONS,
    DraftNotFound,
    DraftStore,
    InvalidChange,
    SQLiteStore,
    Store,
    is_draft_id,
    new_draft_id,
    normalise_code,
    open_store,
)


# Each backend: a factory from a fresh temporary folder to an empty store (tests/test_access.py
# runs on these too). PostgreSQL: a fresh database per test, dropped when the store is closed.
def _postgres(tmp) -> DraftStore:
    url = pg.fresh_database()
    s = open_store(url)
    close = s.close

    def close_and_drop() -> None:
        close()
        pg.drop_database(url)

    s.close = close_and_drop
    return s


BACKENDS = {"sqlite": lambda tmp: SQLiteStore(tmp / "db.sqlite3"), "postgres": _postgres}


@pytest.fixture(params=sorted(BACKENDS))
def store(request, tmp_path) -> DraftStore:
    s = BACKENDS[request.param](tmp_path)
    yield s
    s.close()


def where(store: DraftStore) -> str:
    """What another process passes to ``open_store`` to open the same store."""
    return getattr(store, "url", None) or str(store.path)


def org(name: str, **answers: str) -> Assessment:
    return Assessment(
        organisation={"name": name},
        profile={"relationship": "runs"},
        answers={k.replace("__", "."): Answer(value=v) for k, v in answers.items()},
    )


def test_bodies_are_json_and_older_yaml_revisions_still_open(tmp_path, mini):
    import sqlite3

    store = Store(tmp_path / "db.sqlite3")
    draft = store.create(org("Two", contact__c1="partly"))
    assert store.load_text(draft).startswith('{"schema_version":1,')
    assert store.load(draft, mini).answers["contact.c1"].value == "partly"
    # A revision written before the store switched to JSON holds YAML.
    older = org("Two", contact__c1="in_place").to_yaml()
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE revisions SET body = ? WHERE draft_id = ?", (older, draft))
    assert store.load(draft, mini).answers["contact.c1"].value == "in_place"


def test_ids_are_long_and_random():
    ids = {new_draft_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(is_draft_id(i) and len(i) == 32 for i in ids)  # 192 bits
    assert not is_draft_id("../../etc/passwd")


def test_save_load_revisions_restore(store, mini):
    draft = store.create(org("One"), 0.1)
    assert store.save(draft, org("One", contact__c1="partly"), 0.5) == 2
    assert store.save(draft, org("One", contact__c1="in_place"), 0.6) == 3
    assert store.load(draft, mini).answers["contact.c1"].value == "in_place"
    assert [r.rev for r in store.revisions(draft)] == [3, 2, 1]
    assert store.restore(draft, 2, mini) == 4
    assert store.load(draft, mini).answers["contact.c1"].value == "partly"
    (summary,) = store.list()
    assert (summary.organisation, summary.progress, summary.revision) == ("One", 0.6, 4)
    store.purge(draft)  # "Delete now"
    assert store.list() == [] and store.list(deleted=True) == []
    with pytest.raises(DraftNotFound):
        store.load_text(draft)


def test_sessions_cannot_reach_each_other_without_the_id(store, mini):
    a = store.create(org("Alpha"))
    b = store.create(org("Beta"))
    assert store.load(a, mini).organisation.name == "Alpha"
    assert store.load(b, mini).organisation.name == "Beta"
    for guess in ("", "x", a[:-1], a + "A", a + "\n", "' OR 1=1 --"):
        with pytest.raises(DraftNotFound):
            store.load_text(guess)


def _writer(location: str, draft: str, worker: int, n: int) -> None:
    store = open_store(location)
    for i in range(n):
        store.save(draft, org(f"w{worker}-{i}"), i / n)


def test_concurrent_processes_lose_nothing(store):
    draft = store.create(org("start"))
    workers, each = 4, 25
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(where(store), draft, w, each)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    revs = store.revisions(draft)
    assert len(revs) == 1 + workers * each
    assert sorted(r.rev for r in revs) == list(range(1, 2 + workers * each))


def test_kill_mid_save_keeps_previous_revision(store, mini):
    draft = store.create(org("Before"))
    # A child process saves in a tight loop; we SIGKILL it while it is writing.
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(os.getcwd())!r})
        from assessor.assessment import Assessment
        from assessor.store import open_store
        s = open_store({where(store)!r})
        big = "x" * 90_000
        i = 0
        print("ready", flush=True)
        while True:
            i += 1
            s.save({draft!r}, Assessment(organisation={{"name": "During " + str(i)}},
                   answers={{"contact.c1": {{"value": "partly", "note": big}}}}))
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    time.sleep(0.8)
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    # Every revision that exists is complete and loads; the head is the last committed one.
    heads = store.list()
    assert len(heads) == 1 and heads[0].revision >= 2
    latest = store.load(draft, mini)
    assert latest.organisation.name == f"During {heads[0].revision - 1}"
    # Saves are fast enough that old revisions may already be pruned; every one kept loads.
    kept = [r.rev for r in store.revisions(draft)]
    assert kept == list(range(heads[0].revision, heads[0].revision - len(kept), -1))
    assert len(kept) <= KEEP_REVISIONS
    for rev in kept:
        name = store.load(draft, mini, rev=rev).organisation.name
        assert name == ("Before" if rev == 1 else f"During {rev - 1}")
    if isinstance(store, SQLiteStore):
        with store._connect() as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_threads_sharing_one_store_lose_nothing(store, mini):
    """Streamlit serves every session from threads of one process, through one Store."""
    import threading

    drafts = [store.create(org(f"Org {n}")) for n in range(4)]

    def writer(draft: str, n: int) -> None:
        for i in range(25):
            store.save(draft, org(f"Org {n} save {i}"))

    threads = [threading.Thread(target=writer, args=(d, n)) for n, d in enumerate(drafts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n, draft in enumerate(drafts):
        assert [r.rev for r in store.revisions(draft)] == list(range(26, 0, -1))
        assert store.load(draft, mini).organisation.name == f"Org {n} save 24"


# -- saves as changes: merging, conflicts --------------------------------------------------------


def test_changes_to_different_answers_from_an_older_base_merge(store, mini):
    draft = store.create(org("One"))
    # Two tabs opened revision 1. Tab A answers c1, then tab B (still on revision 1) answers c2.
    a = store.apply(draft, 1, {"answers/contact.c1/value": "partly"}, mini, author="tab A")
    assert (a.rev, a.applied, a.merged, a.conflicts) == (2, ("answers/contact.c1/value",), (), ())
    b = store.apply(draft, 1, {"answers/contact.c2/value": "in_place"}, mini, author="tab B")
    assert b.rev == 3 and b.merged == ("answers/contact.c1/value",) and not b.conflicts
    head = store.load(draft, mini)
    assert head.answers["contact.c1"].value == "partly" and head.answers["contact.c2"].value == "in_place"
    assert b.assessment == head  # the tab gets the merged answers back, to show
    # A value and a note of the same question are separate fields.
    c = store.apply(draft, 2, {"answers/contact.c1/note": "Checked by the chair"}, mini)
    assert not c.conflicts and store.load(draft, mini).answers["contact.c1"].value == "partly"


def test_two_edits_of_the_same_answer_keep_both(store, mini):
    draft = store.create(org("One", contact__c1="partly"))
    store.apply(draft, 1, {"answers/contact.c1/value": "in_place"}, mini, author="tab A")
    late = store.apply(draft, 1, {"answers/contact.c1/value": "not_in_place"}, mini, author="tab B")
    (conflict,) = late.conflicts
    assert (conflict.field, conflict.mine, conflict.theirs) == (
        "answers/contact.c1/value",
        "not_in_place",
        "in_place",
    )
    assert late.rev == 2  # nothing new was stored: the head keeps the first value ...
    assert store.load(draft, mini).answers["contact.c1"].value == "in_place"
    assert [(c.id, c.mine) for c in store.conflicts(draft)] == [
        (conflict.id, "not_in_place")
    ]  # ... and the other
    done = store.resolve(draft, conflict.id, "not_in_place", mini, author="tab B")
    assert done.rev == 3 and done.assessment.answers["contact.c1"].value == "not_in_place"
    assert store.conflicts(draft) == []
    # The same value from both sides is no conflict.
    assert not store.apply(draft, 2, {"answers/contact.c1/value": "not_in_place"}, mini).conflicts


def test_a_stale_value_sent_back_never_overwrites_a_newer_answer(store, mini):
    """A page still showing an older revision sends back the values it showed (a radio's old
    choice, tick boxes) after newer saves it has not drawn yet: no change, and no conflict to
    settle. A value it really changed, based on an older revision of an answer changed since, is
    a conflict, and the head keeps the newer answer."""
    draft = store.create(org("One", contact__c1="partly"))
    store.apply(draft, 1, {"answers/contact.c1/value": "in_place"}, mini, author="tab A")  # rev 2
    store.apply(draft, 2, {"profile/audience": ["adult"]}, mini, author="tab A")  # rev 3
    store.apply(draft, 3, {"profile/audience": ["child", "adult"]}, mini, author="tab A")  # rev 4
    # Tab B's page shows revision 3: it sends back its ticks with a change of its own.
    stale = store.apply(
        draft,
        3,
        {"profile/audience": ["adult"], "answers/contact.choice/value": "some"},
        mini,
        author="tab B",
    )
    assert (stale.rev, stale.applied, stale.conflicts) == (5, ("answers/contact.choice/value",), ())
    assert store.load(draft, mini).profile["audience"] == ["child", "adult"]
    # Revision 1's choice of an answer changed since, sent back alone: nothing stored.
    old = store.apply(draft, 1, {"answers/contact.c1/value": "partly"}, mini, author="tab C")
    assert (old.rev, old.applied, old.conflicts) == (5, (), ())
    assert store.load(draft, mini).answers["contact.c1"].value == "in_place"
    assert store.conflicts(draft) == []
    # A real change based on revision 1 of that answer: a conflict, the newer answer kept.
    late = store.apply(draft, 1, {"answers/contact.c1/value": "not_in_place"}, mini, author="tab C")
    assert [(c.field, c.mine, c.theirs) for c in late.conflicts] == [
        ("answers/contact.c1/value", "not_in_place", "in_place")
    ]
    assert late.rev == 5 and store.load(draft, mini).answers["contact.c1"].value == "in_place"


def test_removing_an_answer_is_a_change(store, mini):
    draft = store.create(org("One", contact__c1="partly"))
    r = store.apply(draft, 1, {"answers/contact.c1/value": None}, mini)
    assert "contact.c1" not in store.load(draft, mini).answers and r.rev == 2


def test_a_change_loading_would_refuse_is_not_stored(store, mini):
    draft = store.create(org("One"))
    for change in (
        {"plan/fix/owner": "x" * 400},
        {"answers/contact.c1/value": "maybe"},
        {"answers/no.such/value": "partly"},
        {"organisation/name": ""},
    ):
        with pytest.raises(InvalidChange):
            store.apply(draft, 1, change, mini)
    assert store.head(draft) == 1 and store.conflicts(draft) == []


# -- history ---------------------------------------------------------------------------------


def test_history_says_who_changed_what_and_restore_is_undoable(store, mini):
    draft = store.create(org("One"), author="tab A")
    store.apply(
        draft,
        1,
        {"answers/contact.c1/value": "partly", "answers/contact.c2/value": "partly"},
        mini,
        author="tab A",
    )
    store.apply(draft, 2, {"answers/contact.c1/value": "in_place"}, mini, author="Sam")
    revs = store.revisions(draft)
    assert [(r.rev, r.kind, r.author, len(r.changed)) for r in revs][:2] == [
        (3, "edit", "Sam", 1),
        (2, "edit", "tab A", 2),
    ]
    assert store.changes_in(draft, 3) == {"answers/contact.c1/value": ("partly", "in_place")}
    assert store.restore(draft, 1, mini, author="Sam") == 4
    assert store.load(draft, mini).answers == {}
    assert store.revisions(draft)[0].kind == "restore" and len(store.revisions(draft)[0].changed) == 2
    assert store.restore(draft, 3, mini) == 5  # undo the restore
    assert store.load(draft, mini).answers["contact.c1"].value == "in_place"


# -- listing, codes, soft delete ----------------------------------------------------------------


def test_soft_delete_hides_and_undo_brings_back(store, mini):
    keep, gone = store.create(org("Keep")), store.create(org("Gone"))
    store.delete(gone)
    assert [d.id for d in store.list()] == [keep]
    assert [d.id for d in store.list(deleted=True)] == [gone] and not store.exists(gone)
    assert store.load(gone, mini).organisation.name == "Gone"  # still there, for undo
    assert store.purge() == 0  # deleted today: kept for the undo window
    store.undelete(gone)
    assert {d.id for d in store.list()} == {keep, gone}
    assert store.purge(gone) == 1 and not store.exists(gone)


def test_list_only_the_drafts_asked_for(store):
    ids = [store.create(org(f"Org {i}")) for i in range(3)]
    assert {d.id for d in store.list(ids[:2])} == set(ids[:2])
    assert store.list([]) == [] and store.list(["nonsense", ids[2] + "\n"]) == []


def test_every_draft_has_a_short_return_code(store):
    ids = [store.create(org(f"Org {i}")) for i in range(20)]
    codes = [store.summary(i).code for i in ids]
    assert len(set(codes)) == 20 and all(len(c) == 9 and c[4] == "-" for c in codes)
    assert store.find_code(codes[3].lower().replace("-", " ")) == ids[3]
    assert store.find_code("ABCD-EFG") is None and normalise_code("0O1I-LLLL") is None


def test_only_the_creating_browser_is_the_owner(store):
    draft = store.create(org("Owned"), owner="browser-secret")
    assert store.is_owner(draft, "browser-secret")
    assert not store.is_owner(draft, "another-browser") and not store.is_owner(draft, None)
    assert not store.is_owner(store.create(org("Nobody's")), "browser-secret")


# -- organisations, members, invitations and the audit log (hosted mode) -----------------------


def test_organisations_members_and_roles(store):
    from assessor.store import OrgNotFound

    a = store.create_org("Alpha Youth", owner=" Owner@Alpha.org ")
    b = store.create_org("Beta Club", owner="owner@beta.org")
    assert a != b and store.org(a).name == "Alpha Youth"
    assert store.role_of(a, "owner@alpha.org") == "owner"  # addresses compare trimmed, lower-case
    assert store.role_of(a, "owner@beta.org") is None and store.role_of(None, "x@y.org") is None
    store.set_member(a, "Ed@Alpha.org", "editor", by="owner@alpha.org")
    store.set_member(a, "tru@alpha.org", "trustee", by="owner@alpha.org")
    assert [(m.email, m.role) for m in store.members(a)] == [
        ("ed@alpha.org", "editor"),
        ("owner@alpha.org", "owner"),
        ("tru@alpha.org", "trustee"),
    ]
    store.set_member(a, "ed@alpha.org", "viewer", by="owner@alpha.org")  # a change of role
    assert store.role_of(a, "ed@alpha.org") == "viewer" and len(store.members(a)) == 3
    store.set_member(b, "ed@alpha.org", "editor", by="owner@beta.org")
    assert [(m.org_name, m.role) for m in store.orgs_for("ED@alpha.org")] == [
        ("Alpha Youth", "viewer"),
        ("Beta Club", "editor"),
    ]
    store.remove_member(a, "ed@alpha.org", by="owner@alpha.org")
    assert store.role_of(a, "ed@alpha.org") is None and store.role_of(b, "ed@alpha.org") == "editor"
    with pytest.raises(ValueError):
        store.set_member(a, "x@alpha.org", "admin", by="owner@alpha.org")
    with pytest.raises(OrgNotFound):
        store.org("no-such-org")
    with pytest.raises(OrgNotFound):
        store.set_member("no-such-org", "x@alpha.org", "viewer", by=None)


def test_invitations_are_for_one_address_and_used_once(store):
    from assessor.store import InvalidInvite

    a = store.create_org("Alpha", owner="owner@alpha.org")
    token = store.invite(a, "New@Alpha.org", "trustee", by="owner@alpha.org")
    other = store.invite(a, "later@alpha.org", "editor", by="owner@alpha.org")
    assert len(token) >= 32 and token != other
    assert [(i.email, i.role, i.by) for i in store.invitations(a)] == [
        ("new@alpha.org", "trustee", "owner@alpha.org"),
        ("later@alpha.org", "editor", "owner@alpha.org"),
    ]
    with pytest.raises(InvalidInvite):
        store.accept_invite(token, "someone.else@beta.org")  # a forwarded link does not let others in
    assert store.role_of(a, "someone.else@beta.org") is None
    with pytest.raises(InvalidInvite):
        store.accept_invite("not-a-token", "new@alpha.org")
    joined = store.accept_invite(token, "new@alpha.org")
    assert (joined.org_id, joined.role, joined.org_name) == (a, "trustee", "Alpha")
    assert store.role_of(a, "new@alpha.org") == "trustee"
    with pytest.raises(InvalidInvite):
        store.accept_invite(token, "new@alpha.org")  # used once
    assert [i.email for i in store.invitations(a)] == ["later@alpha.org"]
    store.cancel_invite(a, store.invitations(a)[0].id, by="owner@alpha.org")
    assert store.invitations(a) == []
    with pytest.raises(InvalidInvite):
        store.accept_invite(other, "later@alpha.org")
    with pytest.raises(ValueError):
        store.invite(a, "x@alpha.org", "superuser", by="owner@alpha.org")


def test_drafts_belong_to_one_organisation(store):
    a = store.create_org("Alpha", owner="o@alpha.org")
    b = store.create_org("Beta", owner="o@beta.org")
    da = store.create(org("Alpha's assessment"), author="o@alpha.org", org=a)
    db = store.create(org("Beta's assessment"), author="o@beta.org", org=b)
    loose = store.create(org("Cookie mode"))
    assert (store.draft_org(da), store.draft_org(db), store.draft_org(loose)) == (a, b, None)
    assert store.draft_org("not an id") is None and store.draft_org(new_draft_id()) is None
    assert [d.id for d in store.list(org=a)] == [da]
    assert [d.id for d in store.list(org=b)] == [db]
    assert store.list([db], org=a) == []
    store.delete(da)
    assert store.list(org=a) == [] and [d.id for d in store.list(org=a, deleted=True)] == [da]
    assert store.draft_org(da) == a  # still known while it can be brought back


def test_audit_log_says_who_when_and_which_answers(store, mini):
    a = store.create_org("Alpha", owner="o@alpha.org")
    b = store.create_org("Beta", owner="o@beta.org")
    draft = store.create(org("Alpha"), author="ed@alpha.org", org=a)
    other = store.create(org("Beta"), author="o@beta.org", org=b)
    store.apply(draft, 1, {"answers/contact.c1/value": "partly"}, mini, author="ed@alpha.org")
    store.apply(
        draft,
        2,
        {"answers/contact.c2/value": "in_place", "answers/contact.c2/note": "Rota on the wall"},
        mini,
        author="lead@alpha.org",
    )
    store.restore(draft, 2, mini, author="ed@alpha.org")
    store.apply(other, 1, {"answers/contact.c1/value": "in_place"}, mini, author="o@beta.org")
    store.set_member(a, "tru@alpha.org", "trustee", by="o@alpha.org")
    store.log(a, "tru@alpha.org", "download", draft_id=draft, detail="pdf")

    log = store.audit(a)
    assert [e.action for e in log] == [
        "download",
        "member",
        "restore",
        "edit",
        "edit",
        "create",
        "member",
        "create organisation",
    ]
    assert all(e.org_id == a for e in log)  # nothing from Beta
    by_action = [(e.actor, e.fields) for e in log if e.action == "edit"]
    assert by_action == [
        ("lead@alpha.org", ("answers/contact.c2/note", "answers/contact.c2/value")),
        ("ed@alpha.org", ("answers/contact.c1/value",)),
    ]
    assert log[2].fields == ("answers/contact.c2/note", "answers/contact.c2/value")  # restore undid them
    assert log[1].detail == "tru@alpha.org: trustee" and log[1].actor == "o@alpha.org"
    assert all(e.at is not None for e in log) and log[0].at >= log[-1].at
    assert [e.action for e in store.audit(a, draft_id=draft)] == [
        "download",
        "restore",
        "edit",
        "edit",
        "create",
    ]
    assert [e.action for e in store.audit(b, draft_id=other)] == ["edit", "create"]
    assert len(store.audit(a, limit=2)) == 2
    # A draft without an organisation (single machine) writes no audit entries anywhere.
    loose = store.create(org("Loose"))
    store.apply(loose, 1, {"answers/contact.c1/value": "partly"}, mini)
    assert len(store.audit(a)) == len(log) and store.audit("no-such-org") == []


def test_simultaneous_changes_to_one_draft_all_merge(store, mini):
    """Tabs on several app servers saving one draft at once: every change lands, none is lost.

    Each writer saves against the revision it last saw, so nearly every save races another."""
    import threading

    draft = store.create(org("Shared"))
    writers, each = 6, 15
    failures: list[BaseException] = []
    start = threading.Barrier(writers)

    def writer(w: int) -> None:
        seen = 1
        start.wait()
        try:
            for i in range(each):
                seen = store.apply(draft, seen, {f"plan/w{w}-{i}/owner": f"writer {w}"}, mini).rev
        except BaseException as exc:  # reported below, with the others
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    plan = store.load(draft, mini).plan
    assert {k for k in plan} == {f"w{w}-{i}" for w in range(writers) for i in range(each)}
    assert [r.rev for r in store.revisions(draft)] == list(range(1 + writers * each, 0, -1))
    assert store.conflicts(draft) == []


# -- sign-off: the store keeps the lifecycle rules (assessor/lifecycle.py) on every backend -----------


def _approved(store, mini):
    """A draft taken through submit, review and approval; returns (draft, approved rev)."""
    import datetime as dt

    from assessor import lifecycle as lc
    from assessor.store import diff, flatten

    draft = store.create(org("Signed", contact__c1="partly"))
    store.apply(draft, 1, {"answers/contact.c1/value": "in_place"}, mini)
    day = dt.date(2026, 11, 30)
    a = store.load(draft, mini)
    for step in (
        lambda a: lc.submit(a, by="Sam Preparer", role=lc.EDITOR, on=day),
        lambda a: lc.review(a, by="Lee Lead", role=lc.LEAD, on=day),
        lambda a: lc.approve(
            a, approvers=[("Chris Chair", "Chair of trustees")], minute="TM 2026/14", role=lc.TRUSTEE, on=day
        ),
    ):
        b = step(a)
        result = store.apply(draft, store.head(draft), diff(flatten(a.to_data()), flatten(b.to_data())), mini)
        a = result.assessment
    assert lc.is_approved(a)
    return draft, result.rev


def test_an_edit_after_approval_starts_a_new_draft_version_and_keeps_the_approved_one(store, mini):
    from assessor import lifecycle as lc

    draft, approved = _approved(store, mini)
    body = store.load_text(draft, approved)
    result = store.apply(draft, approved, {"answers/contact.c1/value": "partly"}, mini)
    assert result.rev == approved + 1
    a = result.assessment
    assert lc.status(a).value == "draft" and a.lifecycle.current.version == 2
    assert [v.version for v in lc.versions(a)] == [1, 2]
    assert a.lifecycle.earlier[0].minute == "TM 2026/14"
    assert store.load_text(draft, approved) == body  # the approved revision is untouched
    assert [rev for rev, _ in store.approved_revisions(draft)] == [approved]
    # A second edit stays in version 2.
    again = store.apply(draft, result.rev, {"answers/contact.c1/note": "checked"}, mini).assessment
    assert again.lifecycle.current.version == 2 and len(again.lifecycle.earlier) == 1


def test_a_change_of_sign_off_state_is_refused_when_the_answers_moved_on(store, mini):
    import datetime as dt

    from assessor import lifecycle as lc
    from assessor.store import diff, flatten

    draft = store.create(org("Stale"))
    seen = store.head(draft)
    a = store.load(draft, mini)
    store.apply(draft, seen, {"answers/contact.c1/value": "partly"}, mini)  # a colleague's edit
    b = lc.submit(a, by="Sam", role=lc.EDITOR, on=dt.date(2026, 11, 30))
    with pytest.raises(InvalidChange):
        store.apply(draft, seen, diff(flatten(a.to_data()), flatten(b.to_data())), mini)
    # Skipping a step (draft straight to approved) is refused too, as is a forged hash.
    head = store.head(draft)
    with pytest.raises(InvalidChange):
        store.apply(draft, head, {"lifecycle/current/status": "approved"}, mini)


def test_an_edit_under_review_sends_it_back_to_draft(store, mini):
    import datetime as dt

    from assessor import lifecycle as lc
    from assessor.store import diff, flatten

    draft = store.create(org("Back"))
    a = store.load(draft, mini)
    b = lc.submit(a, by="Sam", role=lc.EDITOR, on=dt.date(2026, 11, 30))
    rev = store.apply(draft, store.head(draft), diff(flatten(a.to_data()), flatten(b.to_data())), mini).rev
    after = store.apply(draft, rev, {"answers/contact.c1/value": "partly"}, mini).assessment
    assert lc.status(after).value == "draft" and after.lifecycle.current.prepared_by == "Sam"
    assert after.lifecycle.current.submitted_on is None


def test_restore_never_undoes_an_approval(store, mini):
    from assessor import lifecycle as lc

    draft, approved = _approved(store, mini)
    assert store.restore(draft, 1, mini) == approved + 1  # the answers of an earlier draft
    a = store.load(draft, mini)
    assert a.answers["contact.c1"].value == "partly"
    assert a.lifecycle.current.version == 2 and a.lifecycle.earlier[0].status.value == "approved"
    assert lc.status(store.load(draft, mini, approved)).value == "approved"


def test_approved_revisions_are_never_pruned(store, mini):
    draft, approved = _approved(store, mini)
    rev = approved
    for i in range(KEEP_REVISIONS + 2):
        rev = store.apply(draft, rev, {"answers/contact.c1/note": f"edit {i}"}, mini).rev
    kept = [r.rev for r in store.revisions(draft)]
    assert approved in kept and 1 not in kept
    assert [r for r, _ in store.approved_revisions(draft)] == [approved]
