"""Telling live screens that the store changed (docs/store.md, "Live screens").

Two cheap signals, one per database:

- PostgreSQL: every write transaction of ``Store.session`` sends
  ``NOTIFY clerk_changes`` (delivered at commit only); the watcher holds its
  own autocommit connection that ``LISTEN``\\ s on it.
- SQLite: ``PRAGMA data_version`` on the watcher's own connection changes
  whenever another connection (another process, or another connection of this
  one) committed — a counter SQLite keeps anyway, read every ``interval``.

``ChangeWatcher.run`` blocks (run it in a thread) and calls ``on_poll(changed,
ok)`` about every ``interval`` seconds: ``changed`` when something was
committed since the last poll, ``ok`` whether the store answered.  After an
outage the first answering poll reports ``changed`` too (the screens reload).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from sqlalchemy.engine import make_url

from clerk.store.engine import CHANGES_CHANNEL, libpq_conninfo, postgres_connect_args

if TYPE_CHECKING:
    from clerk.store.engine import Store

Poll = Callable[[bool, bool], None]


class ChangeWatcher:
    def __init__(self, store: Store, *, interval: float = 1.0) -> None:
        self.store = store
        self.interval = interval

    def run(self, stop: threading.Event, on_poll: Poll) -> None:
        """Poll until ``stop`` is set; never raises (an unreachable store is ``ok=False``)."""
        run = self._run_sqlite if self.store.is_sqlite else self._run_postgres
        run(stop, on_poll)

    # -- SQLite ----------------------------------------------------------------
    def _sqlite_path(self) -> str:
        database = make_url(self.store.url).database or ""
        # the same file the engine opens: it expands "~" too (clerk.store.engine)
        return database if database in ("", ":memory:") else str(Path(database).expanduser())

    def _run_sqlite(self, stop: threading.Event, on_poll: Poll) -> None:
        path = self._sqlite_path()
        conn: sqlite3.Connection | None = None
        last: int | None = None
        while not stop.is_set():
            try:
                if conn is None:
                    conn = sqlite3.connect(path, timeout=self.interval, check_same_thread=False)
                version = conn.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                if conn is not None:
                    conn.close()
                conn, last = None, None
                on_poll(False, False)
            else:
                on_poll(last is not None and version != last, True)
                last = version
            stop.wait(self.interval)
        if conn is not None:
            conn.close()

    # -- PostgreSQL --------------------------------------------------------------
    def _conninfo(self) -> dict[str, Any]:
        info = libpq_conninfo(self.store.url)
        info.update(postgres_connect_args(self.store.statement_timeout or 5.0))
        return {k: v for k, v in info.items() if v is not None}

    def _run_postgres(self, stop: threading.Event, on_poll: Poll) -> None:
        conn: Any = None
        was_ok = True
        while not stop.is_set():
            try:
                if conn is None:
                    conn = psycopg.connect(autocommit=True, **self._conninfo())
                    conn.execute(f"LISTEN {CHANGES_CHANNEL}")
                    changed = not was_ok  # back after an outage: whatever happened meanwhile
                else:
                    changed = False
                if list(conn.notifies(timeout=self.interval, stop_after=1)):
                    changed = True
                    list(conn.notifies(timeout=0.05))  # the rest of a burst: one refresh for all
                conn.execute("SELECT 1")  # the store answers (notifies() alone would not notice)
            except psycopg.Error:
                if conn is not None:
                    try:
                        conn.close()
                    except psycopg.Error:
                        pass
                conn, was_ok = None, False
                on_poll(False, False)
                stop.wait(self.interval)
                continue
            was_ok = True
            on_poll(changed, True)
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:
                pass
