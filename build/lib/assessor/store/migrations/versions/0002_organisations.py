"""Hosted mode: organisations, their members and invitations, drafts belonging to one, an audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "orgs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created", TIME, nullable=False),
    )
    op.create_table(
        "members",
        sa.Column("org_id", sa.Text, sa.ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("added", TIME, nullable=False),
        sa.PrimaryKeyConstraint("org_id", "email"),
    )
    op.create_index("members_email", "members", ["email"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("org_id", sa.Text, sa.ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("token", sa.Text, nullable=False, unique=True),  # a hash of the token, never the token
        sa.Column("created", TIME, nullable=False),
        sa.Column("by", sa.Text),
        sa.Column("accepted", TIME),
        sa.Column("cancelled", TIME),
    )
    # The audit log outlives drafts (and is never pruned with revisions): no foreign keys.
    op.create_table(
        "audit",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("actor", sa.Text),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("draft_id", sa.Text),
        sa.Column("fields", sa.Text, nullable=False, server_default="[]"),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("audit_org", "audit", ["org_id", "id"])
    op.add_column("drafts", sa.Column("org_id", sa.Text, sa.ForeignKey("orgs.id")))
    op.create_index("drafts_org", "drafts", ["org_id"])


def downgrade() -> None:
    op.drop_index("drafts_org", "drafts")
    op.drop_column("drafts", "org_id")
    op.drop_table("audit")
    op.drop_table("invitations")
    op.drop_table("members")
    op.drop_table("orgs")
