"""Complaint desk tables; indexes for the supervisor's dashboard and reports.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("summary", sa.String(length=2000), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("applicant_phone", sa.String(length=32), nullable=False),
        sa.Column("case_number", sa.String(length=24), nullable=True),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("owner_name", sa.String(length=64), nullable=False),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("logged_at", tz, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("answered_at", tz, nullable=True),
        sa.Column("reply", sa.String(length=2000), nullable=False),
        sa.Column("visit_note", sa.String(length=1000), nullable=False),
        sa.Column("visit_satisfied", sa.Boolean(), nullable=True),
        sa.Column("closed_at", tz, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", tz, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("number", name=op.f("uq_complaints_number")),
    )
    op.create_index("ix_complaints_state_due", "complaints", ["state", "due_on"])
    op.create_table(
        "complaint_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", tz, nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaints.id"],
                                name=op.f("fk_complaint_steps_complaint_id_complaints")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_steps")),
    )
    op.create_index("ix_complaint_steps_complaint_id", "complaint_steps", ["complaint_id"])
    op.create_index("ix_cases_received", "cases", ["received_at", "parent_id", "state", "rating"])
    op.create_index("ix_deadlines_kind_met_due", "deadlines", ["kind", "met_at", "due_on"])


def downgrade() -> None:
    op.drop_index("ix_deadlines_kind_met_due", "deadlines")
    op.drop_index("ix_cases_received", "cases")
    op.drop_index("ix_complaint_steps_complaint_id", "complaint_steps")
    op.drop_table("complaint_steps")
    op.drop_index("ix_complaints_state_due", "complaints")
    op.drop_table("complaints")
