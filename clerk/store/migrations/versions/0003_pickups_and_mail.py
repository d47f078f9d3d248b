"""EMS mailings (results out, pickups of missing materials in), the supplement
log of the fallback desk, and the comments of ratings (clerk.store.tables_mail).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "mail_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("contents", sa.String(200), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=True),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("address", sa.String(400), nullable=False),
        sa.Column("postcode", sa.String(8), nullable=False),
        sa.Column("pickup_on", sa.Date(), nullable=True),
        sa.Column("pickup_from", sa.String(5), nullable=False),
        sa.Column("pickup_to", sa.String(5), nullable=False),
        sa.Column("waybill", sa.String(32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("return_reason", sa.String(400), nullable=False),
        sa.Column("follow_up", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("handed_at", tz, nullable=True),
        sa.Column("delivered_at", tz, nullable=True),
        sa.Column("returned_at", tz, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_mail_items_case_id_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_mail_items"),
    )
    op.create_index("ix_mail_items_case_id", "mail_items", ["case_id"])
    op.create_index("ix_mail_items_waybill", "mail_items", ["waybill"])
    op.create_index("ix_mail_items_status_direction", "mail_items", ["status", "direction"])
    op.create_index("ix_mail_items_pickup_on", "mail_items", ["pickup_on"])
    op.create_table(
        "supplement_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("arrived_at", tz, nullable=False),
        sa.Column("logged_at", tz, nullable=False),
        sa.Column("logged_by", sa.String(32), nullable=False),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_supplement_log_case_id_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_supplement_log"),
    )
    op.create_index("ix_supplement_log_case_id", "supplement_log", ["case_id"])
    op.create_table(
        "rating_notes",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(8), nullable=False),
        sa.Column("comment", sa.String(1000), nullable=False),
        sa.Column("rated_by", sa.String(32), nullable=False),
        sa.Column("rated_at", tz, nullable=False),
        sa.Column("follow_up_note", sa.String(1000), nullable=False),
        sa.Column("resolved_by", sa.String(32), nullable=True),
        sa.Column("resolved_at", tz, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_rating_notes_case_id_cases"),
        sa.PrimaryKeyConstraint("case_id", name="pk_rating_notes"),
    )


def downgrade() -> None:
    for table in ("rating_notes", "supplement_log", "mail_items"):
        op.drop_table(table)
