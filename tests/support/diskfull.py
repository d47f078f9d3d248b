"""A database whose disk is full, as the database itself reports it.

SQLite: every new connection may not grow the file (``PRAGMA max_page_count`` at the
file's size after a ``VACUUM``), so the next write fails with SQLite's own
``database or disk is full`` (SQLITE_FULL).  PostgreSQL: a trigger raises SQLSTATE
53100 (``disk_full``, what the server says when it cannot extend a file) on every
write of the given tables.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from sqlalchemy import event, text
from sqlalchemy.engine import Engine


@contextlib.contextmanager
def disk_full(store, tables: tuple[str, ...] = ("audit_events",)) -> Iterator[None]:
    """While inside, every write of ``store`` that needs space fails as on a full disk."""
    if store.is_sqlite:
        path = store.url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("VACUUM")
        store.dispose()

        def cap(dbapi_connection, _record) -> None:
            if isinstance(dbapi_connection, sqlite3.Connection):
                pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
                dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        event.listen(Engine, "connect", cap)
        try:
            yield
        finally:
            event.remove(Engine, "connect", cap)
            store.dispose()
        return
    with store.connection() as conn:
        conn.execute(text("CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                          " RAISE EXCEPTION 'could not extend file: No space left on device'"
                          " USING ERRCODE = 'disk_full'; END $$"))
        for table in tables:
            conn.execute(text(f"CREATE TRIGGER test_disk_full BEFORE INSERT OR UPDATE ON {table}"
                              " FOR EACH ROW EXECUTE FUNCTION test_disk_full()"))
    try:
        yield
    finally:
        with store.connection() as conn:
            conn.execute(text("DROP FUNCTION test_disk_full() CASCADE"))
