"""PostgreSQL roles of a hall that shares one store (``clerk db roles``).

- The **owner** (``clerk_owner``) owns every table, sequence and function: it runs the
  migrations, manages accounts, holds the chain key (``clerk_hall_key``, readable by it
  alone) and is the role the sealing functions run as (SECURITY DEFINER).
- The **window** role (``clerk_window``) is what every window's ``database_url`` logs in
  as.  It gets exactly :data:`WINDOW_GRANTS` — what the windows' services need and no
  more: no UPDATE, DELETE or TRUNCATE of the audit trail, no DDL, no reading of the key,
  no new accounts (only the sign-in columns of ``clerk_accounts`` may change).
- An optional **reader** (``clerk_reader``, dashboards and reports): SELECT on every
  table but the key, and the seal check.

Every table of the metadata must have an entry in :data:`WINDOW_GRANTS` (a test
checks it): a new table cannot be forgotten, it needs a decision.  Running
:func:`apply_roles` again revokes what the table no longer grants and grants the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection

OWNER, WINDOW, READER = "clerk_owner", "clerk_window", "clerk_reader"

#: The sign-in columns a window changes (failures, lock-out, the forced password change).
SIGN_IN_COLUMNS = ("password_hash", "must_change_password", "password_changed_at", "failed_count", "locked_until")

_WORK = ("SELECT", "INSERT", "UPDATE")
#: table -> privileges of the window role.  ``UPDATE(col, …)`` limits an UPDATE to columns.
WINDOW_GRANTS: dict[str, tuple[str, ...]] = {
    # the audit trail: append only (and a trigger refuses UPDATE/DELETE/TRUNCATE to all but the owner)
    "audit_events": ("SELECT", "INSERT"),
    "audit_head": ("SELECT", "UPDATE(seq)"),  # the database moves the hash (clerk_audit_seal)
    "clerk_row_writes": ("SELECT",),  # written by a trigger only
    "clerk_key_binding": ("SELECT",),
    "clerk_store_info": ("SELECT",),  # which app versions may write (clerk.store.versioning)
    "clerk_hall_key": (),  # the chain key: the owner's alone
    # accounts: made and changed by administrators (owner role); a window signs in
    "clerk_accounts": ("SELECT", f"UPDATE({', '.join(SIGN_IN_COLUMNS)})"),
    # failed sign-ins of ids that have no account (counted so they lock like real ids; old ones forgotten)
    "signin_attempts": (*_WORK, "DELETE"),
    # the windows' work
    "cases": _WORK,
    "case_counters": _WORK,
    "deadlines": _WORK,
    "notices": _WORK,
    "mail_items": _WORK,
    "supplement_log": _WORK,
    "rating_notes": _WORK,
    "complaints": _WORK,
    "complaint_steps": _WORK,
    "appointments": _WORK,
    "tickets": _WORK,
    "ticket_counters": _WORK,
    "window_states": _WORK,
    "ticket_holders": (*_WORK, "DELETE"),  # a finished ticket lets go of its holder's data
    "seats": (*_WORK, "DELETE"),  # a window signs out
    "seat_releases": (*_WORK, "DELETE"),
    # captured pages (issue 26): a window adds them with the case; it never changes or removes one.
    # A purge (retention) is the administrator's, as the owner (clerk db purge-materials).
    "material_files": ("SELECT", "INSERT"),
    "material_blobs": ("SELECT", "INSERT"),
    # 告知承诺 (issue 28): intake writes a case's verifications, the back office records their results
    # and the dishonesty list; nothing is ever removed.
    "verifications": _WORK,
    "dishonest_records": ("SELECT", "INSERT"),
}
#: Tables the reader may not read.
READER_HIDDEN = frozenset({"clerk_hall_key"})
#: Functions the window and reader roles may run (the seal check returns booleans only).
CHECK_FUNCTIONS = ("clerk_seal_ok(text[], text[], text[])",)


def row_write_trigger(schema: str, table: Table) -> str:
    """The trigger that logs each write of a tracked table in ``clerk_row_writes`` (revision 0012)."""
    args = ", ".join(f"'{c.name}'" for c in table.primary_key.columns)
    return (f"CREATE TRIGGER clerk_row_write AFTER INSERT OR UPDATE OR DELETE ON {table.name}"
            f" FOR EACH ROW EXECUTE FUNCTION {schema}.clerk_note_row_write({args})")


@dataclass
class RolesReport:
    """What :func:`apply_roles` did, one line each (Chinese, printed by the command)."""

    lines: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _role_exists(conn: Connection, role: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() is not None


def _ensure_role(conn: Connection, role: str, login: bool, report: RolesReport, what: str) -> None:
    options = "LOGIN" if login else "NOLOGIN"
    if _role_exists(conn, role):
        conn.exec_driver_sql(f"ALTER ROLE {_quote(role)} {options} NOSUPERUSER NOCREATEDB NOCREATEROLE")
        report.say(f"角色 {role}（{what}）已存在，已核对其属性")
    else:
        conn.exec_driver_sql(f"CREATE ROLE {_quote(role)} {options} NOSUPERUSER NOCREATEDB NOCREATEROLE")
        report.say(f"已创建角色 {role}（{what}）；请用 psql 的 \\password {role} 设置口令")


def schema_tables(conn: Connection, schema: str) -> list[str]:
    return list(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
                             {"s": schema}).scalars())


def apply_roles(conn: Connection, *, owner: str = OWNER, window: str = WINDOW, reader: str | None = None) -> RolesReport:
    """Create or update the roles and their grants (idempotent).  Run by a superuser or the
    database's owner with CREATEROLE, after the migrations (``clerk db upgrade``)."""
    report = RolesReport()
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    tables = schema_tables(conn, schema)
    unknown = [t for t in tables if t not in WINDOW_GRANTS and t != "alembic_version"]
    if unknown:  # a table this release does not know: decide about it before granting anything
        raise ValueError(f"以下数据表没有登记窗口权限（clerk.store.roles.WINDOW_GRANTS）：{'、'.join(unknown)}")
    _ensure_role(conn, owner, True, report, "属主：迁移、账号、密钥")
    _ensure_role(conn, window, True, report, "窗口")
    if reader:
        _ensure_role(conn, reader, True, report, "只读：看板与报表")
    q_owner, q_window, q_schema = _quote(owner), _quote(window), _quote(schema)

    # The owner owns everything: tables, their sequences (owned with them), the sealing functions.
    conn.exec_driver_sql(f"GRANT CONNECT, TEMPORARY ON DATABASE {_quote(database)} TO {q_owner}")
    conn.exec_driver_sql(f"GRANT USAGE, CREATE ON SCHEMA {q_schema} TO {q_owner}")
    for table in tables:
        conn.exec_driver_sql(f"ALTER TABLE {q_schema}.{_quote(table)} OWNER TO {q_owner}")
    functions = conn.execute(text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = CAST(:s AS regnamespace)"
        " AND p.proname LIKE 'clerk\\_%'"), {"s": schema}).scalars().all()
    for function in functions:
        conn.exec_driver_sql(f"ALTER FUNCTION {function} OWNER TO {q_owner}")
        conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
    report.say(f"属主 {owner} 拥有 {len(tables)} 张表和 {len(functions)} 个函数（含审计封存函数）")

    # Nobody else gets anything by default; then exactly the grants of the table.
    conn.exec_driver_sql(f"REVOKE CREATE ON SCHEMA {q_schema} FROM PUBLIC")
    conn.exec_driver_sql(f"REVOKE TEMPORARY ON DATABASE {_quote(database)} FROM PUBLIC")  # no temp tables either
    conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_quote(database)} TO {q_window}")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {q_schema} TO {q_window}")
    conn.exec_driver_sql(f"REVOKE CREATE ON SCHEMA {q_schema} FROM {q_window}")
    for table in tables:
        target = f"{q_schema}.{_quote(table)}"
        conn.exec_driver_sql(f"REVOKE ALL ON {target} FROM PUBLIC")
        conn.exec_driver_sql(f"REVOKE ALL ON {target} FROM {q_window}")
        privileges = ("SELECT",) if table == "alembic_version" else WINDOW_GRANTS[table]
        if privileges:
            conn.exec_driver_sql(f"GRANT {', '.join(privileges)} ON {target} TO {q_window}")
    for sequence in _sequences(conn, schema):
        granted = WINDOW_GRANTS.get(sequence[1], ())
        conn.exec_driver_sql(f"REVOKE ALL ON SEQUENCE {sequence[0]} FROM PUBLIC, {q_window}")
        if "INSERT" in granted:
            conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {sequence[0]} TO {q_window}")
    for function in CHECK_FUNCTIONS:
        conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {q_schema}.{function} TO {q_window}")
    report.say(f"窗口角色 {window}：按 clerk.store.roles.WINDOW_GRANTS 授权 {len(tables)} 张表"
               "（审计记录只可追加，不能读取密钥，不能新建账号，不能改表结构）")

    if reader:
        q_reader = _quote(reader)
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_quote(database)} TO {q_reader}")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {q_schema} TO {q_reader}")
        for table in tables:
            target = f"{q_schema}.{_quote(table)}"
            conn.exec_driver_sql(f"REVOKE ALL ON {target} FROM {q_reader}")
            if table not in READER_HIDDEN:
                conn.exec_driver_sql(f"GRANT SELECT ON {target} TO {q_reader}")
        for function in CHECK_FUNCTIONS:
            conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {q_schema}.{function} TO {q_reader}")
        report.say(f"只读角色 {reader}：可读除密钥外的所有表，不能写入")
    return report


def _sequences(conn: Connection, schema: str) -> list[tuple[str, str]]:
    """(qualified sequence, table it belongs to) of every serial/identity column."""
    rows = conn.execute(text(
        "SELECT s.oid::regclass::text, t.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid"
        " JOIN pg_class t ON t.oid = d.refobjid WHERE s.relkind = 'S' AND d.deptype IN ('a', 'i')"
        " AND s.relnamespace = CAST(:s AS regnamespace)"), {"s": schema})
    return [(r[0], r[1]) for r in rows]


def roles_applied(conn: Connection) -> bool:
    """``clerk db roles`` has run on this database: a role other than the audit table's owner may append to it."""
    return conn.execute(text(
        "SELECT 1 FROM information_schema.role_table_grants g JOIN pg_tables t"
        " ON t.tablename = g.table_name AND t.schemaname = g.table_schema"
        " WHERE g.table_name = 'audit_events' AND g.table_schema = current_schema()"
        " AND g.privilege_type = 'INSERT' AND g.grantee <> t.tableowner LIMIT 1")).first() is not None
