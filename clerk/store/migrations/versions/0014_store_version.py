"""The store says which app versions may write to it (clerk.store.versioning).

``clerk_store_info`` holds ``min_app_version``: the oldest clerk that may write to
the store.  0.4.0 is the first release that checks it; the releases before (which
all called themselves 0.1.0) do not, so on PostgreSQL a statement trigger on every
table (``clerk_version_gate``) refuses a write from a session that does not send
``clerk.app_version`` of at least ``min_app_version`` — every clerk from 0.4.0 on
sends it with each connection.  ``psql`` and ``pg_restore`` sessions (the
administrator's restores and repairs) are let through.  The refusal is SQLSTATE
42501 with a message worded for the way releases before 0.4.0 show a refusal
(``数据库拒绝了这项操作：本机的数据库账号无权操作 …，请由系统管理员执行``).

A later migration that adds a table gates it with ``gate_table`` below, and raises
``min_app_version`` only when older windows could not keep writing safely.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: The first release that checks the store's version itself.
MIN_APP_VERSION = "0.4.0"


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def gate_function_sql(schema: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {schema}.clerk_version_gate() RETURNS trigger LANGUAGE plpgsql
        SET search_path = pg_catalog, pg_temp AS $$
    DECLARE
        have text := coalesce(current_setting('clerk.app_version', true), '');
        need text;
    BEGIN
        IF have = '' AND current_setting('application_name') IN ('psql', 'pg_restore') THEN
            RETURN NULL;
        END IF;
        SELECT value INTO need FROM {schema}.clerk_store_info WHERE key = 'min_app_version';
        IF need IS NULL OR (have ~ '^[0-9]+(\\.[0-9]+)*$'
                            AND string_to_array(have, '.')::int[] >= string_to_array(need, '.')::int[]) THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'permission denied for （本机clerk版本过旧：数据库已升级，需要clerk'
            || need || '或更高版本，请为本机安装新版本）';
    END $$"""


def gate_table(name: str) -> None:
    """Refuse writes to ``name`` from clerk older than the store's ``min_app_version`` (PostgreSQL)."""
    if not _postgres():
        return
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
    op.get_bind().exec_driver_sql(
        f"CREATE TRIGGER clerk_version_gate BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {schema}.{name}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {schema}.clerk_version_gate()")


def upgrade() -> None:
    op.create_table(
        "clerk_store_info",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_clerk_store_info")),
    )
    op.get_bind().execute(sa.text("INSERT INTO clerk_store_info (key, value) VALUES ('min_app_version', :v)"),
                          {"v": MIN_APP_VERSION})
    if not _postgres():
        return
    conn = op.get_bind()
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    conn.exec_driver_sql(gate_function_sql(schema))
    conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {schema}.clerk_version_gate() FROM PUBLIC")
    tables = conn.execute(sa.text(
        "SELECT tablename FROM pg_tables WHERE schemaname = :s AND tablename <> 'alembic_version' ORDER BY 1"),
        {"s": schema}).scalars().all()
    for name in tables:
        gate_table(name)


def downgrade() -> None:
    if _postgres():
        conn = op.get_bind()
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        tables = conn.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY 1"), {"s": schema}).scalars().all()
        for name in tables:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS clerk_version_gate ON {schema}.{name}")
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {schema}.clerk_version_gate()")
    op.drop_table("clerk_store_info")
