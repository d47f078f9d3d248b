"""Least privilege where the hall shares PostgreSQL: the database seals the audit chain.

Both stores: columns of ``audit_events`` the client cannot forge (``db_login``,
``db_role``, ``client_addr``, ``txid``, ``server_at``; NULL on SQLite and in older
events), the key binding (``clerk_key_binding``, clerk.store.keybinding), and two
tables PostgreSQL fills (``clerk_hall_key``, ``clerk_row_writes``; empty on SQLite).

PostgreSQL only (pgcrypto):

- ``clerk_hall_key`` holds the hall key (the key file's, so events sealed before
  keep verifying; a random one for a store that never had a key).  Only its owner
  reads it (clerk db roles revokes everything else).
- ``clerk_audit_stamp`` (BEFORE INSERT, SECURITY INVOKER): fills the columns above
  from ``session_user``, ``current_user``, ``inet_client_addr()``, ``txid_current()``
  and ``clock_timestamp()``, whatever the client sent.
- ``clerk_audit_seal`` (BEFORE INSERT, SECURITY DEFINER, runs as the owner): takes
  the previous hash from ``audit_head``, seals the event (``db-sha256``: HMAC-SHA256
  with the key in the database over the previous hash, the client's body digest and
  the stamped columns, see clerk.store.audit) and moves the head.  Anything else
  than ``db-sha256`` is refused: nobody seals with a key of their own any more.
- ``clerk_audit_append_only``: UPDATE, DELETE and TRUNCATE of ``audit_events`` and
  ``clerk_row_writes`` are refused to every role but the tables' owner.
- ``clerk_note_row_write`` (AFTER INSERT/UPDATE/DELETE of every tracked table,
  SECURITY DEFINER): records the login, address, transaction and time of each
  write in ``clerk_row_writes``; a write whose transaction has no audit event was
  made behind the services' back, and the database names who made it.
- ``clerk_seal_ok(algs, messages, macs)``: booleans only (a check, never a MAC),
  so a verifier without the key can check events sealed by either key.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

def _file_key() -> bytes | None:
    from clerk.store.hallkey import HallKeyError

    source = context.config.attributes.get("hall_key")
    try:
        if source is not None:
            key: bytes = source()
            return key
        from clerk.config import get_settings
        from clerk.store.hallkey import load_hall_key

        return load_hall_key(get_settings())
    except HallKeyError:
        return None


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("db_login", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("db_role", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("client_addr", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("txid", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("server_at", tz, nullable=True))
        batch.create_index("ix_audit_events_txid", ["txid"])
    op.create_table(
        "clerk_hall_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clerk_hall_key")),
    )
    op.create_table(
        "clerk_key_binding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("sealed_by", sa.String(length=16), nullable=False),
        sa.Column("bound_at", tz, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clerk_key_binding")),
    )
    op.create_table(
        "clerk_row_writes",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_key", sa.String(length=200), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("db_login", sa.String(length=64), nullable=False),
        sa.Column("client_addr", sa.String(length=64), nullable=True),
        sa.Column("server_at", tz, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clerk_row_writes")),
    )
    op.create_index("ix_clerk_row_writes_txid", "clerk_row_writes", ["txid"])
    if _postgres():
        _postgres_upgrade()
    else:
        _bind_file_key()


def _postgres() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def _bind_file_key() -> None:
    """SQLite: bind the key now when the store already holds keyed events (else at the first write)."""
    from clerk.store.keybinding import SEALED_BY_FILE, bind, store_has_key

    conn = op.get_bind()
    key = _file_key()
    if key is not None and store_has_key(conn):
        bind(conn, key, SEALED_BY_FILE)


def _postgres_upgrade() -> None:
    from clerk.store.hallkey import HallKeyError
    from clerk.store.keybinding import SEALED_BY_DATABASE, fingerprint, store_has_key
    from clerk.store.roles import row_write_trigger
    from clerk.store.tracked import tracked_tables

    conn = op.get_bind()
    schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    ext = conn.execute(sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension"
                               " WHERE extname = 'pgcrypto'")).scalar_one()
    key = _file_key()
    if key is None:
        if store_has_key(conn):  # events sealed by a key this upgrade cannot read: it must not invent another
            raise HallKeyError("数据库中已有用大厅密钥封存的审计记录，升级需要同一密钥文件（设置 key_file）")
        key = conn.execute(sa.text(f"SELECT {ext}.gen_random_bytes(32)")).scalar_one()
    conn.execute(sa.text("INSERT INTO clerk_hall_key (id, key) VALUES (1, :k)"), {"k": key})
    conn.execute(sa.text("INSERT INTO clerk_key_binding (id, fingerprint, sealed_by, bound_at)"
                         " VALUES (1, :f, :s, now())"), {"f": fingerprint(bytes(key)), "s": SEALED_BY_DATABASE})
    for statement in _functions(schema, ext):
        conn.exec_driver_sql(statement.replace("%", "%%"))  # the driver's paramstyle: RAISE's % escaped
    for table in tracked_tables(conn):  # a table tracked later adds its trigger in its own migration
        conn.exec_driver_sql(row_write_trigger(schema, table))
    for statement in (
        "CREATE TRIGGER clerk_a_stamp BEFORE INSERT ON audit_events FOR EACH ROW"
        f" EXECUTE FUNCTION {schema}.clerk_audit_stamp()",
        "CREATE TRIGGER clerk_b_seal BEFORE INSERT ON audit_events FOR EACH ROW"
        f" EXECUTE FUNCTION {schema}.clerk_audit_seal()",
    ):
        conn.exec_driver_sql(statement)
    for name in ("audit_events", "clerk_row_writes"):
        conn.exec_driver_sql(f"CREATE TRIGGER clerk_append_only BEFORE UPDATE OR DELETE ON {name} FOR EACH ROW"
                             f" EXECUTE FUNCTION {schema}.clerk_audit_append_only()")
        conn.exec_driver_sql(f"CREATE TRIGGER clerk_no_truncate BEFORE TRUNCATE ON {name} FOR EACH STATEMENT"
                             f" EXECUTE FUNCTION {schema}.clerk_audit_append_only()")
    conn.exec_driver_sql("REVOKE ALL ON clerk_hall_key FROM PUBLIC")
    for function in ("clerk_audit_seal()", "clerk_note_row_write()", "clerk_seal_ok(text[], text[], text[])"):
        conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {schema}.{function} FROM PUBLIC")


def _functions(schema: str, ext: str) -> list[str]:
    s = schema
    return [
        # Who wrote the event, as the server sees it (invoker: current_user is the caller's role).
        f"""CREATE OR REPLACE FUNCTION {s}.clerk_audit_stamp() RETURNS trigger LANGUAGE plpgsql
            SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            NEW.db_login := session_user;
            NEW.db_role := current_user;
            NEW.client_addr := host(inet_client_addr());
            NEW.txid := txid_current();
            NEW.server_at := clock_timestamp();
            RETURN NEW;
        END $$""",
        # The seal: the client's body digest arrives in NEW.hash (clerk.store.audit).
        f"""CREATE OR REPLACE FUNCTION {s}.clerk_audit_seal() RETURNS trigger LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            k bytea;
            prev text;
        BEGIN
            IF NEW.alg IS DISTINCT FROM 'db-sha256' THEN
                RAISE EXCEPTION 'audit events are sealed by the database (alg db-sha256), not %', NEW.alg
                    USING ERRCODE = '42501';
            END IF;
            SELECT key INTO k FROM {s}.clerk_hall_key WHERE id = 1;
            IF k IS NULL THEN
                RAISE EXCEPTION 'no hall key in clerk_hall_key' USING ERRCODE = '42501';
            END IF;
            SELECT hash INTO prev FROM {s}.audit_head WHERE id = 1 FOR UPDATE;
            NEW.prev_hash := prev;
            NEW.hash := encode({ext}.hmac(convert_to(
                prev || NEW.hash || '|' || NEW.db_login || '|' || NEW.db_role || '|'
                || coalesce(NEW.client_addr, '') || '|' || NEW.txid::text || '|'
                || to_char(NEW.server_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00',
                'UTF8'), k, 'sha256'), 'hex');
            UPDATE {s}.audit_head SET hash = NEW.hash WHERE id = 1;
            RETURN NEW;
        END $$""",
        # Append-only: nobody but the owner (who could drop the trigger anyway) alters history.
        f"""CREATE OR REPLACE FUNCTION {s}.clerk_audit_append_only() RETURNS trigger LANGUAGE plpgsql
            SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '% of % refused: the audit trail is append-only', TG_OP, TG_TABLE_NAME
                USING ERRCODE = '42501';
        END $$""",
        f"""CREATE OR REPLACE FUNCTION {s}.clerk_note_row_write() RETURNS trigger LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            r jsonb;
            k text := '';
            i int;
        BEGIN
            IF TG_OP = 'DELETE' THEN r := to_jsonb(OLD); ELSE r := to_jsonb(NEW); END IF;
            FOR i IN 0 .. TG_NARGS - 1 LOOP
                k := k || CASE WHEN i > 0 THEN '|' ELSE '' END || coalesce(r ->> TG_ARGV[i], '');
            END LOOP;
            INSERT INTO {s}.clerk_row_writes (txid, table_name, row_key, op, db_login, client_addr, server_at)
            VALUES (txid_current(), TG_TABLE_NAME, k, lower(TG_OP), session_user, host(inet_client_addr()),
                    clock_timestamp());
            RETURN NULL;
        END $$""",
        # A check, never a MAC: whoever may run it learns only true or false.
        f"""CREATE OR REPLACE FUNCTION {s}.clerk_seal_ok(algs text[], messages text[], macs text[])
            RETURNS boolean[] LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT coalesce(array_agg(
                       encode({ext}.hmac(convert_to(m.msg, 'UTF8'), k.key,
                                         CASE m.alg WHEN 'db-sha256' THEN 'sha256' ELSE m.alg END), 'hex') = m.mac
                       ORDER BY m.n), '{{}}')
            FROM unnest(algs, messages, macs) WITH ORDINALITY AS m(alg, msg, mac, n)
            CROSS JOIN {s}.clerk_hall_key k WHERE k.id = 1
        $$""",
    ]


def downgrade() -> None:
    conn = op.get_bind()
    if _postgres():
        for name in ("audit_events", "clerk_row_writes"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS clerk_append_only ON {name}")
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS clerk_no_truncate ON {name}")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS clerk_a_stamp ON audit_events")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS clerk_b_seal ON audit_events")
        from clerk.store.tracked import tracked_tables

        for table in tracked_tables(conn):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS clerk_row_write ON {table.name}")
        for function in ("clerk_audit_stamp()", "clerk_audit_seal()", "clerk_audit_append_only()",
                         "clerk_note_row_write()", "clerk_seal_ok(text[], text[], text[])"):
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_index("ix_clerk_row_writes_txid", table_name="clerk_row_writes")
    op.drop_table("clerk_row_writes")
    op.drop_table("clerk_key_binding")
    op.drop_table("clerk_hall_key")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_txid")
        for column in ("server_at", "txid", "client_addr", "db_role", "db_login"):
            batch.drop_column(column)
