"""Draft storage: revisions, restore, separation by id, concurrent writers, and a kill mid-save."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from assessor.assessment import Answer, Assessment
from assessor.store import KEEP_REVISIONS, DraftNotFound, Store, is_draft_id, new_draft_id


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


def test_save_load_revisions_restore(tmp_path, mini):
    store = Store(tmp_path / "db.sqlite3")
    draft = store.create(org("One"), 0.1)
    assert store.save(draft, org("One", contact__c1="partly"), 0.5) == 2
    assert store.save(draft, org("One", contact__c1="in_place"), 0.6) == 3
    assert store.load(draft, mini).answers["contact.c1"].value == "in_place"
    assert [r.rev for r in store.revisions(draft)] == [3, 2, 1]
    assert store.restore(draft, 2, mini) == 4
    assert store.load(draft, mini).answers["contact.c1"].value == "partly"
    (summary,) = store.list()
    assert (summary.organisation, summary.progress, summary.revision) == ("One", 0.6, 4)
    store.delete(draft)
    assert store.list() == []
    with pytest.raises(DraftNotFound):
        store.load_text(draft)


def test_sessions_cannot_reach_each_other_without_the_id(tmp_path, mini):
    store = Store(tmp_path / "db.sqlite3")
    a = store.create(org("Alpha"))
    b = store.create(org("Beta"))
    assert store.load(a, mini).organisation.name == "Alpha"
    assert store.load(b, mini).organisation.name == "Beta"
    for guess in ("", "x", a[:-1], a + "A", "' OR 1=1 --"):
        with pytest.raises(DraftNotFound):
            store.load_text(guess)


def _writer(path: str, draft: str, worker: int, n: int) -> None:
    store = Store(path)
    for i in range(n):
        store.save(draft, org(f"w{worker}-{i}"), i / n)


def test_concurrent_processes_lose_nothing(tmp_path):
    path = tmp_path / "db.sqlite3"
    store = Store(path)
    draft = store.create(org("start"))
    workers, each = 4, 25
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), draft, w, each)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    revs = store.revisions(draft)
    assert len(revs) == 1 + workers * each
    assert sorted(r.rev for r in revs) == list(range(1, 2 + workers * each))


def test_kill_mid_save_keeps_previous_revision(tmp_path, mini):
    path = tmp_path / "db.sqlite3"
    store = Store(path)
    draft = store.create(org("Before"))
    # A child process saves in a tight loop; we SIGKILL it while it is writing.
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(os.getcwd())!r})
        from assessor.assessment import Assessment
        from assessor.store import Store
        s = Store({str(path)!r})
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
    with store._connect() as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_threads_sharing_one_store_lose_nothing(tmp_path, mini):
    """Streamlit serves every session from threads of one process, through one Store."""
    import threading

    store = Store(tmp_path / "db.sqlite3")
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
