"""Drafts, their revisions and their conflicts (the SQLite store's tables, with PostgreSQL types).

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("created", TIME, nullable=False),
        sa.Column("updated", TIME, nullable=False),
        sa.Column("organisation", sa.Text, nullable=False),
        sa.Column("progress", sa.Float, nullable=False, server_default="0"),
        sa.Column("head", sa.Integer, nullable=False),
        sa.Column("deleted", TIME),
        sa.Column("code", sa.Text, unique=True),
        sa.Column("owner", sa.Text),
    )
    op.create_index("drafts_updated", "drafts", ["updated"])
    op.create_table(
        "revisions",
        sa.Column("draft_id", sa.Text, sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rev", sa.Integer, nullable=False),
        sa.Column("saved", TIME, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author", sa.Text),
        sa.Column("kind", sa.Text, nullable=False, server_default="edit"),
        sa.Column("changed", sa.Text),
        sa.PrimaryKeyConstraint("draft_id", "rev"),
    )
    op.create_table(
        "conflicts",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("draft_id", sa.Text, sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("mine", sa.Text, nullable=False),
        sa.Column("theirs", sa.Text, nullable=False),
        sa.Column("author", sa.Text),
        sa.Column("created", TIME, nullable=False),
        sa.Column("resolved", TIME),
    )
    op.create_index("conflicts_open", "conflicts", ["draft_id"], postgresql_where=sa.text("resolved IS NULL"))


def downgrade() -> None:
    op.drop_table("conflicts")
    op.drop_table("revisions")
    op.drop_table("drafts")
