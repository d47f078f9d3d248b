"""Print retries (attempts, reprint flag), pending-notice index, applicant lookups.

The printing queue needs to count failed attempts and to tell a reprint from
the first print; the search screen finds cases by applicant name and phone.
Existing notices get ``attempts = 1`` when already printed or failed, else 0.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("is_reprint", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE notices SET attempts = 1 WHERE status IN ('printed', 'failed')")
    with op.batch_alter_table("notices") as batch:
        batch.alter_column("attempts", server_default=None)
        batch.alter_column("is_reprint", server_default=None)
    op.create_index("ix_notices_status_created", "notices", ["status", "created_at"])
    op.create_index("ix_cases_applicant_phone", "cases", ["applicant_phone"])
    op.create_index("ix_cases_applicant_name", "cases", ["applicant_name"])


def downgrade() -> None:
    op.drop_index("ix_cases_applicant_name", "cases")
    op.drop_index("ix_cases_applicant_phone", "cases")
    op.drop_index("ix_notices_status_created", "notices")
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("is_reprint")
        batch.drop_column("attempts")
