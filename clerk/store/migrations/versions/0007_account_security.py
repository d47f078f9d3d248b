"""Account security: failed sign-ins, lock-out, must-change-password.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    with op.batch_alter_table("clerk_accounts") as batch:
        batch.add_column(sa.Column("failed_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", tz, nullable=True))
        batch.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("password_changed_at", tz, nullable=True))
    with op.batch_alter_table("clerk_accounts") as batch:
        batch.alter_column("failed_count", server_default=None)
        batch.alter_column("must_change_password", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("clerk_accounts") as batch:
        batch.drop_column("password_changed_at")
        batch.drop_column("must_change_password")
        batch.drop_column("locked_until")
        batch.drop_column("failed_count")
