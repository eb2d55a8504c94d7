"""Issue 15, classes 1 and 8 (SQLite): no edit can lock a draft, and a bad database file is explained.

Each test here failed on the store before its fix (see the commit messages)."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from assessor.assessment import Answer, Assessment, PlanEntry
from assessor.store import Store, is_draft_id


def org(name: str = "Org", **answers: str) -> Assessment:
    return Assessment(
        organisation={"name": name},
        profile={"relationship": "runs"},
        answers={k.replace("__", "."): Answer(value=v) for k, v in answers.items()},
    )


# -- class 1: an ordinary edit can lock a draft for ever ----------------------------------------


def test_a_value_loading_would_refuse_is_never_stored(tmp_path, mini):
    """The action plan's owner had no length limit in the app; loading allows 300 characters."""
    store = Store(tmp_path / "db.sqlite3")
    draft = store.create(org())
    a = store.load(draft, mini)
    a.plan["fix-contact"] = PlanEntry()
    a.plan["fix-contact"].owner = "x" * 400  # assignment is not validated by the model
    with pytest.raises(Exception) as caught:
        store.save(draft, a)
    assert "300" in str(caught.value)
    assert store.load(draft, mini).plan == {}  # the draft still opens, unchanged


def test_a_revision_that_no_longer_loads_is_recovered_from_the_last_good_one(tmp_path, mini):
    store = Store(tmp_path / "db.sqlite3")
    draft = store.create(org(contact__c1="partly"))
    store.save(draft, org(contact__c1="in_place"))
    with sqlite3.connect(store.path) as db:  # a revision written by an older, laxer version
        body = db.execute("SELECT body FROM revisions WHERE draft_id = ? AND rev = 2", (draft,)).fetchone()[0]
        db.execute(
            "UPDATE revisions SET body = ? WHERE draft_id = ? AND rev = 2",
            (body.replace('"in_place"', '"maybe"'), draft),
        )
    opened = store.open(draft, mini)
    assert opened.assessment.answers["contact.c1"].value == "partly"
    assert opened.recovered_from == 2 and "maybe" in opened.problem
    # The bad revision is still in the history; the good one is the head again, as a new revision.
    assert [r.rev for r in store.revisions(draft)] == [3, 2, 1]
    assert store.load(draft, mini).answers["contact.c1"].value == "partly"


# -- class 8: the SQLite file ------------------------------------------------------------------


def test_database_file_is_private(tmp_path):
    folder = tmp_path / "data"
    store = Store(folder / "db.sqlite3")
    store.create(org())
    assert stat.S_IMODE(os.stat(folder / "db.sqlite3").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for extra in ("-wal", "-shm"):
        side = folder / f"db.sqlite3{extra}"
        if side.exists():
            assert stat.S_IMODE(os.stat(side).st_mode) == 0o600


def _explained(exc: BaseException) -> str:
    assert not isinstance(exc, sqlite3.Error), f"raw sqlite error: {exc!r}"
    return str(exc)


@pytest.mark.parametrize("content", [b"this is not a database" * 100, b"SQLite format 3\x00" + b"\x00" * 50])
def test_corrupt_or_truncated_database_is_explained_and_left_alone(tmp_path, content):
    path = tmp_path / "db.sqlite3"
    path.write_bytes(content)
    with pytest.raises(Exception) as caught:
        Store(path).list()
    message = _explained(caught.value)
    assert str(path) in message and "backup" in message
    assert path.read_bytes() == content  # never overwritten


def test_read_only_database_is_explained(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write a read-only file")
    path = tmp_path / "db.sqlite3"
    store = Store(path)
    draft = store.create(org())
    store.close()
    os.chmod(path, 0o400)
    with pytest.raises(Exception) as caught:
        Store(path).save(draft, org("Changed"))
    assert "read-only" in _explained(caught.value) or "cannot be written" in str(caught.value)


def test_locked_database_is_explained(tmp_path):
    path = tmp_path / "db.sqlite3"
    store = Store(path, timeout=0.2)
    draft = store.create(org())
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(Exception) as caught:
            store.save(draft, org("Changed"))
        assert "busy" in _explained(caught.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_draft_ids_match_their_exact_format():
    good = "A" * 32
    assert is_draft_id(good)
    for bad in (good + "\n", good + "\r\n", "\n" + good, good + " "):
        assert not is_draft_id(bad), repr(bad)


def test_every_sqlite_failure_message_says_what_to_do(tmp_path):
    """The read-only case cannot be made as root (root writes read-only files), so check the words."""
    store = Store(tmp_path / "db.sqlite3")
    for raw, words in (
        ("attempt to write a readonly database", "read-only"),
        ("database is locked", "busy"),
        ("database or disk is full", "disk is full"),
        ("file is not a database", "backup"),
        ("database disk image is malformed", "backup"),
    ):
        message = store._explain(sqlite3.OperationalError(raw), "save")
        assert words in message and str(store.path) in message, raw
