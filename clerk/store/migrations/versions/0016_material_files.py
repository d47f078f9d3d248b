"""Material files: the captured pages of a case's materials (issue 26).

``material_files`` (tracked by the audit chain: its SHA-256 and SM3 are part of the
case's audited rows) and ``material_blobs`` (the bytes by SHA-256; used on
PostgreSQL, where a hall's one database holds them: one backup, one set of
permissions; an SQLite file store keeps them in a folder beside the file).  Both are
created empty, so nothing needs attesting.  Both get 0014's version gate; on
PostgreSQL ``material_files`` also gets 0012's row-write trigger.

A 0.5.0 window would save a visit without its pages (it knows no files), so
``min_app_version`` becomes 0.6.0.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

MIN_APP_VERSION = "0.6.0"
PREVIOUS = "0.5.0"


def _gate_table(name: str) -> None:
    importlib.import_module("clerk.store.migrations.versions.0014_store_version").gate_table(name)


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "material_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("material_key", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("sm3", sa.String(length=64), nullable=False),
        sa.Column("saved_at", tz, nullable=False),
        sa.Column("saved_by", sa.String(length=32), nullable=False),
        sa.Column("purged_at", tz, nullable=True),
        sa.Column("purged_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_material_files_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_files")),
    )
    op.create_index(op.f("ix_material_files_case_id"), "material_files", ["case_id"])
    op.create_index(op.f("ix_material_files_sha256"), "material_files", ["sha256"])
    op.create_table(
        "material_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_material_blobs")),
    )
    _gate_table("material_files")
    _gate_table("material_blobs")
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        from clerk.store.roles import row_write_trigger
        from clerk.store.tracked import tracked_table

        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        conn.exec_driver_sql(row_write_trigger(schema, tracked_table("material_files")))
        # the bytes are stored as they come (PDFs of JPEGs): no compression attempt
        conn.exec_driver_sql("ALTER TABLE material_blobs ALTER COLUMN data SET STORAGE EXTERNAL")
    conn.execute(sa.text("UPDATE clerk_store_info SET value = :v WHERE key = 'min_app_version'"),
                 {"v": MIN_APP_VERSION})


def downgrade() -> None:
    op.get_bind().execute(sa.text("UPDATE clerk_store_info SET value = :v WHERE key = 'min_app_version'"),
                          {"v": PREVIOUS})
    op.drop_table("material_blobs")
    op.drop_index(op.f("ix_material_files_sha256"), table_name="material_files")
    op.drop_index(op.f("ix_material_files_case_id"), table_name="material_files")
    op.drop_table("material_files")
