"""The newborn's name (新生儿姓名) of a bundle that asks for it, on the case and each item's case.

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for every older case (and every case without a newborn): a nullable column
    # leaves the audit digests of existing rows as they were (clerk.store.tracked)
    op.add_column("cases", sa.Column("child_name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("child_name")
