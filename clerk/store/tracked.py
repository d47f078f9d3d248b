"""Tables whose rows the audit chain covers, and the keyed digest of a row.

Every change event records, for each row of a tracked table that its
transaction wrote or deleted, ``[table, key, digest]``: the key is the primary
key (values joined with ``|``), the digest an HMAC with the hall key of the
row's canonical content after the change, ``None`` (a tombstone) when the row
is gone.  ``clerk audit verify`` recomputes the digest of every current row.

Register a table added later with one line (its module must be imported
before the first write, like every table module)::

    from clerk.store.tracked import track
    track("seats")

Canonical content: every column whose value is not NULL, by name, datetimes
as UTC ISO text, dates ISO, JSON as parsed; so a migration that adds a
nullable column leaves every digest as it was.

The digest covers the parsed value, so on SQLite (which stores dates,
datetimes and booleans as text or plain integers) ``misspelt_rows`` checks
that each such column holds the one spelling the application writes:
``2026W495`` parses to the same date as ``2026-12-04`` but no longer compares
equal in SQL.  PostgreSQL stores these columns as typed values: there is no
other spelling to store.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Column, Select, Table
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, and_, bindparam, func, inspect, or_, select, tuple_
from sqlalchemy import type_coerce as _type_coerce
from sqlalchemy.types import NullType, TypeDecorator
from sqlmodel import SQLModel

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

TRACKED: list[str] = []


def track(table_name: str) -> None:
    """Cover ``table_name`` by the audit chain (idempotent)."""
    if table_name not in TRACKED:
        TRACKED.append(table_name)


for _name in ("clerk_accounts", "cases", "deadlines", "notices", "mail_items", "supplement_log",
              "rating_notes", "complaints", "complaint_steps"):
    track(_name)


@cache
def hash_algorithm() -> str:
    """SM3 (GB/T 32905) where the platform's OpenSSL offers it, SHA-256 otherwise."""
    try:
        hashlib.new("sm3")
    except ValueError:
        return "sha256"
    return "sm3"


#: Events sealed by the database (clerk.store.keybinding): their row digests are plain SHA-256,
#: the event's seal (made in the database with its key) covers them.
DB_ALG = "db-sha256"


def mac(key: bytes | None, alg: str, text: str) -> str:
    """The keyed digest of ``text`` (``alg`` ``sm3``/``sha256``); plain SHA-256 under ``db-sha256``."""
    if alg == DB_ALG:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    if key is None:
        raise ValueError(f"a {alg} digest needs the hall key")
    return hmac.new(key, text.encode("utf-8"), alg).hexdigest()


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def utc_text(at: datetime) -> str:
    if at.tzinfo is None:  # SQLite hands back UTC without an offset
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def row_key(values: Iterable[object]) -> str:
    return "|".join(str(v) for v in values)


def row_digest(key: bytes | None, alg: str, table: str, row_id: str, content: dict[str, object]) -> str:
    return mac(key, alg, canonical_json([table, row_id, content]))


def tracked_tables(connection: Connection | None = None) -> list[Table]:
    """The SQLAlchemy ``Table`` of every tracked table (only those that exist, given a connection)."""
    import clerk.store.tables  # noqa: F401
    import clerk.store.tables_complaints  # noqa: F401
    import clerk.store.tables_mail  # noqa: F401
    import clerk.store.tables_materials  # noqa: F401
    import clerk.store.tables_tickets  # noqa: F401
    import clerk.store.tables_verification  # noqa: F401

    tables = [SQLModel.metadata.tables[name] for name in TRACKED if name in SQLModel.metadata.tables]
    if connection is None:
        return tables

    inspector = inspect(connection)
    return [t for t in tables if inspector.has_table(t.name)]


_TABLES: dict[str, Table] = {}


def tracked_table(name: str) -> Table:
    """The ``Table`` of one tracked table (cached)."""
    table = _TABLES.get(name)
    if table is None:
        table = _TABLES[name] = next(t for t in tracked_tables() if t.name == name)
    return table


def _columns(table: Table, connection: Session | Connection, live: bool) -> list[Column[Any]]:
    if not live:
        return list(table.columns)

    present = {c["name"] for c in inspect(connection).get_columns(table.name)}
    return [c for c in table.columns if c.name in present]


def _content(columns: list[Column[Any]], values: Iterable[object]) -> dict[str, object]:
    return {c.name: _plain(v) for c, v in zip(columns, values, strict=True) if v is not None}


_BY_KEYS: dict[str, Select[Any]] = {}  # table name -> SELECT of its rows by primary key (built once)


def _by_keys(table: Table) -> Select[Any]:
    query = _BY_KEYS.get(table.name)
    if query is None:
        pk = list(table.primary_key.columns)
        target = pk[0] if len(pk) == 1 else tuple_(*pk)
        query = _BY_KEYS[table.name] = select(*table.columns).where(target.in_(bindparam("keys", expanding=True)))
    return query


def digests_of(session: Session | Connection, key: bytes | None, alg: str, table: Table,
               ids: Iterable[tuple[object, ...]]) -> dict[str, str | None]:
    """Digest (or tombstone ``None``) of each given row of ``table``, read in the caller's transaction."""
    columns = list(table.columns)
    positions = [columns.index(c) for c in table.primary_key.columns]
    single = len(positions) == 1
    keys = list(dict.fromkeys(tuple(i) for i in ids))
    found: dict[str, str | None] = {row_key(k): None for k in keys}
    query = _by_keys(table)
    for start in range(0, len(keys), 500):
        chunk = [k[0] for k in keys[start:start + 500]] if single else keys[start:start + 500]
        for values in session.execute(query, {"keys": chunk}):
            row_id = row_key(values[p] for p in positions)
            found[row_id] = row_digest(key, alg, table.name, row_id, _content(columns, values))
    return found


def all_digests(session: Session | Connection, key: bytes | None, alg: str, table: Table, *,
                live: bool = False) -> Iterator[tuple[str, str]]:
    """(key, digest) of every current row of ``table``.

    ``live=True`` reads only the columns the database has (during a migration,
    when the table classes may be ahead of the schema).
    """
    for row_id, payload in all_payloads(session, table, live=live):
        yield row_id, mac(key, alg, payload)


def all_payloads(session: Session | Connection, table: Table, *, live: bool = False) -> Iterator[tuple[str, str]]:
    """(key, canonical text that is digested) of every current row of ``table``."""
    columns = _columns(table, session, live)
    positions = [columns.index(c) for c in table.primary_key.columns]
    result = session.execute(select(*columns).execution_options(yield_per=2000))
    for values in result:
        row_id = row_key(values[p] for p in positions)
        yield row_id, canonical_json([table.name, row_id, _content(columns, values)])


# -- the stored spelling (SQLite) ---------------------------------------------------------

_D = "[0-9]"
_DATE_GLOB = f"{_D * 4}-{_D * 2}-{_D * 2}"
_DATETIME_GLOB = f"{_DATE_GLOB} {_D * 2}:{_D * 2}:{_D * 2}.{_D * 6}"  # SQLAlchemy's SQLite DATETIME
_SHOWN = 40  # characters of a misspelt value quoted in a report


def _misspelt(column: Column[Any]) -> ColumnElement[bool] | None:
    """SQLite: true where ``column`` holds another spelling than the one SQLAlchemy writes (None: unchecked type)."""
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    raw = _type_coerce(column, NullType())
    stored = func.typeof(raw)
    if isinstance(kind, Boolean):
        return and_(raw.is_not(None), or_(stored != "integer", raw.not_in([0, 1])))
    if isinstance(kind, Integer):
        return and_(raw.is_not(None), stored != "integer")
    if isinstance(kind, Numeric):
        return and_(raw.is_not(None), stored.not_in(["integer", "real"]))
    if isinstance(kind, DateTime):
        return and_(raw.is_not(None), or_(stored != "text", raw.op("NOT GLOB")(_DATETIME_GLOB),
                                          func.datetime(raw).is_distinct_from(func.substr(raw, 1, 19))))
    if isinstance(kind, Date):
        return and_(raw.is_not(None), or_(stored != "text", raw.op("NOT GLOB")(_DATE_GLOB),
                                          func.date(raw).is_distinct_from(raw)))
    return None


def misspelt_rows(session: Session | Connection, table: Table) -> Iterator[tuple[str, list[str]]]:
    """(key, ``column 存为 'value'`` for each misspelt column) of every row of ``table`` whose stored
    date, datetime, boolean or number is not in the application's own spelling.

    SQLite only (PostgreSQL's typed columns have one stored form): a direct edit
    that stores ``2026W495`` for ``2026-12-04`` keeps the row's digest (the same
    parsed value) but changes what SQL compares.  One scan in the database,
    only the offending rows come back.
    """
    dialect = session.get_bind().dialect if hasattr(session, "get_bind") else session.dialect
    if dialect.name != "sqlite":
        return
    checked = [(c, test) for c in table.columns if (test := _misspelt(c)) is not None]
    if not checked:
        return
    pk = list(table.primary_key.columns)
    raw = [_type_coerce(c, NullType()) for c, _ in checked]
    flags = [test for _, test in checked]
    query = select(*pk, *raw, *flags).where(or_(*flags))
    n = len(checked)
    for values in session.execute(query):
        row_id = row_key(values[:len(pk)])
        stored, misspelt = values[len(pk):len(pk) + n], values[len(pk) + n:]
        yield row_id, [f"{c.name} 存为 {_quoted(v)}" for (c, _), v, m in zip(checked, stored, misspelt, strict=True) if m]


def _quoted(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"
