"""Exactly-once visits and seats: each case remembers the visit it came from
(``cases.visit_key``, unique), and ``seats`` says which clerk sits at which window.

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("visit_key", sa.String(length=32), nullable=True))
    # NULLs are distinct on both databases: older cases and bundle children carry none.
    op.create_index("uq_cases_visit_key", "cases", ["visit_key"], unique=True)
    op.create_table(
        "seats",
        sa.Column("clerk_id", sa.String(length=32), nullable=False),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.Column("machine", sa.String(length=128), nullable=False),
        sa.Column("app", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("clerk_id", name=op.f("pk_seats")),
    )
    op.create_table(
        "seat_releases",
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("clerk_id", sa.String(length=32), nullable=False),
        sa.Column("by_window", sa.Integer(), nullable=True),
        sa.Column("by_machine", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_seat_releases")),
    )


def downgrade() -> None:
    op.drop_table("seat_releases")
    op.drop_table("seats")
    op.drop_index("uq_cases_visit_key", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("visit_key")
