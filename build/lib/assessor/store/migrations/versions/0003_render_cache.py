"""Rendered documents shared by every app server: content key -> bytes (see documents/cache.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "render_cache",
        sa.Column("key", sa.Text, primary_key=True),  # SHA-256 of answers, document, format, code
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("stored", TIME, nullable=False),
        sa.Column("used", TIME, nullable=False),
        sa.Column("puts", sa.Integer, nullable=False, server_default="1"),  # renders stored under this key
    )
    op.create_index("render_cache_used", "render_cache", ["used"])


def downgrade() -> None:
    op.drop_table("render_cache")
