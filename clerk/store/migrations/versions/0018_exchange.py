"""跨域通办: cases handed between halls and the packets that carried them (issue 29).

``exchange_cases`` (a case's 收件地 and 办理地, its reference between the two halls and
its number at the other one) and ``exchange_packets`` (every packet made or applied:
the replay and order checks of an import read it).  Both are created empty, covered
by the audit chain, and get 0014's version gate; on PostgreSQL also 0012's row-write
trigger.

A window of an older release would neither record the packets it applies nor know a
case's other hall, so ``min_app_version`` becomes 0.7.0 (the release of 0017 and 0018).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

MIN_APP_VERSION = "0.7.0"
PREVIOUS = "0.7.0"  # 0017's: 0018 ships in the same release


def _gate_table(name: str) -> None:
    importlib.import_module("clerk.store.migrations.versions.0014_store_version").gate_table(name)


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "exchange_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("taken_in_hall", sa.String(length=48), nullable=False),
        sa.Column("deciding_hall", sa.String(length=48), nullable=False),
        sa.Column("ref_number", sa.String(length=24), nullable=False),
        sa.Column("remote_number", sa.String(length=24), nullable=True),
        sa.Column("created_at", tz, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_exchange_cases_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_cases")),
        sa.UniqueConstraint("case_id", name=op.f("uq_exchange_cases_case_id")),
        sa.UniqueConstraint("taken_in_hall", "ref_number", name="uq_exchange_cases_ref"),
    )
    op.create_table(
        "exchange_packets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("packet_id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("sender", sa.String(length=48), nullable=False),
        sa.Column("receiver", sa.String(length=48), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=True),
        sa.Column("manifest_sm3", sa.String(length=64), nullable=False),
        sa.Column("at", tz, nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_exchange_packets_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_packets")),
        sa.UniqueConstraint("packet_id", name=op.f("uq_exchange_packets_packet_id")),
        sa.UniqueConstraint("case_id", "direction", "sender", "sequence", name="uq_exchange_packets_sequence"),
    )
    op.create_index(op.f("ix_exchange_packets_case_id"), "exchange_packets", ["case_id"])
    _gate_table("exchange_cases")
    _gate_table("exchange_packets")
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        from clerk.store.roles import row_write_trigger
        from clerk.store.tracked import tracked_table

        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        conn.exec_driver_sql(row_write_trigger(schema, tracked_table("exchange_cases")))
        conn.exec_driver_sql(row_write_trigger(schema, tracked_table("exchange_packets")))
    conn.execute(sa.text("UPDATE clerk_store_info SET value = :v WHERE key = 'min_app_version'"),
                 {"v": MIN_APP_VERSION})


def downgrade() -> None:
    op.get_bind().execute(sa.text("UPDATE clerk_store_info SET value = :v WHERE key = 'min_app_version'"),
                          {"v": PREVIOUS})
    op.drop_index(op.f("ix_exchange_packets_case_id"), table_name="exchange_packets")
    op.drop_table("exchange_packets")
    op.drop_table("exchange_cases")
