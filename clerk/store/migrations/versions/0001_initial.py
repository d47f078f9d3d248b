"""Initial schema: accounts, counters, cases, deadlines, audit chain, notices.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "clerk_accounts",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clerk_accounts"),
    )
    op.create_table(
        "case_counters",
        sa.Column("day", sa.String(8), nullable=False),
        sa.Column("hall", sa.String(8), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "hall", name="pk_case_counters"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("is_bundle", sa.Boolean(), nullable=False),
        sa.Column("item_kind", sa.String(8), nullable=False),
        sa.Column("catalog_version", sa.String(64), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("applicant_kind", sa.String(8), nullable=False),
        sa.Column("applicant_name", sa.String(200), nullable=False),
        sa.Column("applicant_id_number", sa.String(32), nullable=False),
        sa.Column("applicant_phone", sa.String(32), nullable=False),
        sa.Column("applicant_address", sa.String(400), nullable=False),
        sa.Column("applicant_postcode", sa.String(8), nullable=False),
        sa.Column("delivery", sa.String(16), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("clerk_id", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("received_at", tz, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("due_kind", sa.String(24), nullable=True),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("one_time_notice", sa.JSON(), nullable=True),
        sa.Column("notice_issued_at", tz, nullable=True),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("rating", sa.String(8), nullable=True),
        sa.Column("waybill", sa.String(32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", tz, nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["cases.id"], name="fk_cases_parent_id_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("number", name="uq_cases_number"),
    )
    op.create_index("ix_cases_window_state_received", "cases", ["window", "state", "received_at"])
    op.create_index("ix_cases_due_state", "cases", ["due_on", "state"])
    op.create_index("ix_cases_applicant_id", "cases", ["applicant_id_number"])
    op.create_index("ix_cases_parent", "cases", ["parent_id"])
    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("missing_years", sa.String(64), nullable=False),
        sa.Column("met_at", tz, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_deadlines_case_id_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_deadlines"),
        sa.UniqueConstraint("case_id", "kind", name="uq_deadlines_case_kind"),
    )
    op.create_index("ix_deadlines_provisional", "deadlines", ["provisional"])
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", tz, nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.Column("case_number", sa.String(24), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_case_number", "audit_events", ["case_number"])
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS_HASH}])
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("paper", sa.String(8), nullable=False),
        sa.Column("path", sa.String(400), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("reason", sa.String(400), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("printed_at", tz, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_notices_case_id_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_notices"),
    )
    op.create_index("ix_notices_case_id", "notices", ["case_id"])


def downgrade() -> None:
    for table in ("notices", "audit_head", "audit_events", "deadlines", "cases", "case_counters", "clerk_accounts"):
        op.drop_table(table)
