"""Account security: failed sign-ins, lock-out, must-change-password.

Accounts that still have the demo password of ``clerk setup`` (``clerk123``)
are flagged: their owners set a new one at the next sign-in.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
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
    _flag_demo_passwords()


DEMO_PASSWORD = "clerk123"  # clerk.commands.store.DEMO_PASSWORD when this revision was written


def _flag_demo_passwords() -> None:
    from clerk.domain.accounts import verify_password

    accounts = sa.table("clerk_accounts", sa.column("id", sa.String), sa.column("password_hash", sa.String),
                        sa.column("must_change_password", sa.Boolean))
    conn = op.get_bind()
    rows = conn.execute(sa.select(accounts.c.id, accounts.c.password_hash)).all()
    demo = [row.id for row in rows if verify_password(DEMO_PASSWORD, row.password_hash)]
    if demo:
        conn.execute(accounts.update().where(accounts.c.id.in_(demo)).values(must_change_password=True))


def downgrade() -> None:
    with op.batch_alter_table("clerk_accounts") as batch:
        batch.drop_column("password_changed_at")
        batch.drop_column("must_change_password")
        batch.drop_column("locked_until")
        batch.drop_column("failed_count")
