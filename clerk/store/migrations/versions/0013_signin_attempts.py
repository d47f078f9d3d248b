"""Failed sign-ins of ids that have no account, counted in the store.

Before, the count lived in the process, so an unknown id never locked across
``clerk`` command-line processes while a real one locked on the 5th try:
the difference told which ids exist.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "signin_attempts",
        sa.Column("clerk_id", sa.String(length=64), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", tz, nullable=True),
        sa.Column("last_failed_at", tz, nullable=False),
        sa.PrimaryKeyConstraint("clerk_id", name=op.f("pk_signin_attempts")),
    )
    op.create_index(op.f("ix_signin_attempts_last_failed_at"), "signin_attempts", ["last_failed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_signin_attempts_last_failed_at"), table_name="signin_attempts")
    op.drop_table("signin_attempts")
