"""Alembic environment: migrations run on the connection the store hands over.

``PostgresStore`` runs ``upgrade`` when it opens (under an advisory lock). By hand, with the
``alembic`` command (``sqlalchemy.url`` is read from ASSESSOR_DB):

    ASSESSOR_DB=postgresql://... alembic -c assessor/store/migrations/alembic.ini upgrade head
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from assessor.store.postgres import engine_url

connection = context.config.attributes.get("connection")


def run(conn) -> None:
    context.configure(connection=conn, target_metadata=None, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=engine_url(os.environ["ASSESSOR_DB"]), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif connection is not None:
    run(connection)
else:
    engine = create_engine(engine_url(os.environ["ASSESSOR_DB"]))
    with engine.begin() as conn:
        run(conn)
    engine.dispose()
