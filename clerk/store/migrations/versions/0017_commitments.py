"""告知承诺制: verifications of commitments and the dishonesty list (issue 28).

``verifications`` (one row per commitment of a case, with its due date and result) and
``dishonest_records`` (失信记录).  Both are created empty, covered by the audit chain,
and get 0014's version gate; on PostgreSQL also 0012's row-write trigger.

Cases gain a state, 已撤销 (a false commitment revokes the approval): a 0.6.0 window
would not know it, nor write the verifications of a case taken on commitment, so
``min_app_version`` becomes 0.7.0.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

MIN_APP_VERSION = "0.7.0"
PREVIOUS = "0.6.0"


def _gate_table(name: str) -> None:
    importlib.import_module("clerk.store.migrations.versions.0014_store_version").gate_table(name)


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("material_key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("replaces", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("basis", sa.String(length=500), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("sample_percent", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("decided_at", tz, nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_verifications_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verifications")),
    )
    op.create_index(op.f("ix_verifications_case_id"), "verifications", ["case_id"])
    op.create_index("ix_verifications_state_due", "verifications", ["state", "due_on"])
    op.create_table(
        "dishonest_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_kind", sa.String(length=8), nullable=False),
        sa.Column("applicant_id_number", sa.String(length=32), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("verification_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("recorded_at", tz, nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_dishonest_records_case_id_cases")),
        sa.ForeignKeyConstraint(["verification_id"], ["verifications.id"],
                                name=op.f("fk_dishonest_records_verification_id_verifications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dishonest_records")),
    )
    op.create_index(op.f("ix_dishonest_records_applicant_id_number"), "dishonest_records", ["applicant_id_number"])
    op.create_index(op.f("ix_dishonest_records_case_id"), "dishonest_records", ["case_id"])
    _gate_table("verifications")
    _gate_table("dishonest_records")
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        from clerk.store.roles import row_write_trigger
        from clerk.store.tracked import tracked_table

        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        for name in ("verifications", "dishonest_records"):
            conn.exec_driver_sql(row_write_trigger(schema, tracked_table(name)))
    conn.execute(sa.text("UPDATE clerk_store_info SET value = :v WHERE key = 'min_app_version'"),
                 {"v": MIN_APP_VERSION})


def downgrade() -> None:
    op.get_bind().execute(sa.text("UPDATE clerk_store_info SET value = :v WHERE key = 'min_app_version'"),
                          {"v": PREVIOUS})
    op.drop_index(op.f("ix_dishonest_records_case_id"), table_name="dishonest_records")
    op.drop_index(op.f("ix_dishonest_records_applicant_id_number"), table_name="dishonest_records")
    op.drop_table("dishonest_records")
    op.drop_index("ix_verifications_state_due", table_name="verifications")
    op.drop_index(op.f("ix_verifications_case_id"), table_name="verifications")
    op.drop_table("verifications")
