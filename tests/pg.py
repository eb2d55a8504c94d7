"""A fresh PostgreSQL database per test, on the server named by ASSESSOR_TEST_PG.

``.ci/run`` starts a throwaway cluster and exports ASSESSOR_TEST_PG (``postgresql://test@...``).
Without it, PostgreSQL cases skip, except under CI=true, where a missing server fails the run.
"""

from __future__ import annotations

import atexit
import os
import secrets

import pytest

ENV = "ASSESSOR_TEST_PG"


def server_url() -> str:
    """The test server's address; skips (or, under CI, fails) when none is configured."""
    url = os.environ.get(ENV, "")
    if not url:
        message = f"no PostgreSQL server for the tests: set {ENV}=postgresql://user@host:port/db"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + " (CI must run the PostgreSQL cases: .ci/run starts a server)")
        pytest.skip(message)
    return url


def _admin(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


_template: str | None = None


def _migrated_template(url: str) -> str:
    """A database with every migration applied, made once per test run, copied for each test."""
    global _template
    if _template is None:
        from assessor.store.postgres import PostgresStore

        name = f"tmpl_{secrets.token_hex(6)}"
        with _admin(url) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        PostgresStore(with_database(url, name)).close()  # runs the migrations
        atexit.register(drop_database, with_database(url, name))
        _template = name
    return _template


def fresh_database(*, migrated: bool = True) -> str:
    """A new database on the test server (with the schema, unless ``migrated=False``); its address."""
    url = server_url()
    name = f"t_{secrets.token_hex(6)}"
    template = f' TEMPLATE "{_migrated_template(url)}"' if migrated else ""
    with _admin(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{template}')
    return with_database(url, name)


def drop_database(url: str) -> None:
    name = url.rpartition("/")[2]
    with _admin(with_database(url, "postgres")) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
