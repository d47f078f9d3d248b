"""Shared fixtures: a store on SQLite and on a throw-away PostgreSQL server.

The PostgreSQL cluster is started once per session from the server binaries
(initdb/pg_ctl, PATH or /usr/local/bin).  PostgreSQL refuses to run as root, so
as root the cluster runs as ``nobody`` (runuser) from a temp dir it owns, with
its unix socket in that dir and TCP on a free 127.0.0.1 port.  Without the
binaries the PostgreSQL half is skipped, except under CI=true where that is a
failure.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytest_plugins = ["tests.support.accounts", "tests.support.cli"]

FIXTURES = Path(__file__).parent / "fixtures"
_PG_DIRS = ("/usr/local/bin", "/usr/lib/postgresql/15/bin")


def _pg_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for folder in _PG_DIRS:
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    host: str
    port: int
    _counter = itertools.count(1)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, template: str | None = None) -> str:
        name = f"clerk_test_{os.getpid()}_{next(self._counter)}"
        self.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_server():
    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    if not (initdb and pg_ctl):
        reason = "PostgreSQL server binaries (initdb, pg_ctl) not found"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; they are required under CI=true")
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="clerk-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "nobody")
        as_user = ["runuser", "-u", "nobody", "--"]
    data, log, port = root / "data", root / "server.log", _free_port()
    subprocess.run([*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
                    "-E", "UTF8", "--locale=C"], check=True, capture_output=True)
    options = f"-k {root} -p {port} -h 127.0.0.1 -F -c max_connections=200 -c fsync=off"
    started = subprocess.run([*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w",
                              "-t", "60", "start"], capture_output=True, text=True)
    if started.returncode != 0:
        text = log.read_text(errors="replace") if log.exists() else started.stderr
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start:\n{text}")
    try:
        yield PostgresServer("127.0.0.1", port)
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def hall_key_file():
    """A hall key in a temp dir for the whole run: ``CLERK_KEY_FILE`` reaches every
    ``Store(url)`` (through ``get_settings()``) and every child process."""
    from clerk.config import Settings, get_settings
    from clerk.store.hallkey import ensure_hall_key

    folder = Path(tempfile.mkdtemp(prefix="clerk-key-"))
    path, _ = ensure_hall_key(Settings.defaults(key_file=folder / "hall.key"))
    previous = os.environ.get("CLERK_KEY_FILE")
    os.environ["CLERK_KEY_FILE"] = str(path)
    get_settings.cache_clear()
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop("CLERK_KEY_FILE", None)
        else:
            os.environ["CLERK_KEY_FILE"] = previous
        get_settings.cache_clear()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request):
    return request.param


@pytest.fixture
def empty_store(backend, request, tmp_path):
    """A store with no schema yet (for migration tests)."""
    from clerk.store.engine import Store

    if backend == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 'clerk.db'}")
        yield store
        store.dispose()
        return
    server = request.getfixturevalue("pg_server")
    name = server.create_database()
    store = Store(server.url(name))
    try:
        yield store
    finally:
        store.dispose()
        server.drop_database(name)


class StoreTemplates:
    """Stores migrated to the head revision once per session (each xdist worker has its own),
    copied for every test: a SQLite file copy or ``CREATE DATABASE ... TEMPLATE`` instead of
    running every migration again (about a second each).

    A template is kept per hall key: the migrations append a keyed audit baseline, so a store
    whose key differs from the template's gets its own template.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._sqlite: dict[bytes, Path] = {}
        self._postgres: dict[bytes, str] = {}

    def sqlite_store(self, path: Path):
        """A store on a new SQLite file ``path``, at the head revision."""
        import sqlite3

        from clerk.store.engine import Store
        from clerk.store.migrate import upgrade

        store = Store(f"sqlite:///{path}")
        key = store.hall_key()
        template = self._sqlite.get(key)
        if template is None:
            template = self.root / f"template-{len(self._sqlite)}.db"
            made = Store(f"sqlite:///{template}", hall_key=key)
            upgrade(made)
            made.dispose()
            with contextlib.closing(sqlite3.connect(template)) as conn:  # everything in the main file
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._sqlite[key] = template
        shutil.copyfile(template, path)
        return store

    def postgres_store(self, server: PostgresServer):
        """A store on a new database of ``server`` at the head revision, and the database's
        name (the caller drops it)."""
        from clerk.store.engine import Store
        from clerk.store.migrate import upgrade

        key = Store(server.url("postgres")).hall_key()
        template = self._postgres.get(key)
        if template is None:
            template = server.create_database()
            made = Store(server.url(template), hall_key=key)
            upgrade(made)
            made.dispose()  # a template database must have no connections
            self._postgres[key] = template
        name = server.create_database(template=template)
        return Store(server.url(name)), name


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory):
    return StoreTemplates(tmp_path_factory.mktemp("store-templates"))


@pytest.fixture
def store(backend, request, tmp_path, store_templates):
    """A store at the head revision, on SQLite and on PostgreSQL."""
    if backend == "sqlite":
        store = store_templates.sqlite_store(tmp_path / "clerk.db")
        yield store
        store.dispose()
        return
    server = request.getfixturevalue("pg_server")
    store, name = store_templates.postgres_store(server)
    try:
        yield store
    finally:
        store.dispose()
        server.drop_database(name)


@pytest.fixture(scope="session")
def catalog():
    from clerk.catalog import load_catalog

    return load_catalog(FIXTURES / "catalog")


@pytest.fixture(scope="session")
def calendar():
    from clerk.calendar import WorkCalendar

    return WorkCalendar.load(None)


class FakeClock:
    """A settable clock; starts on Wednesday 2026-11-25 10:00 Beijing time."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 25, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def cheap_password_hashing(monkeypatch):
    """Fast scrypt in tests (the stored hash records its own cost; one test checks the default)."""
    import clerk.domain.accounts as accounts

    monkeypatch.setattr(accounts, "_N", 2**10)


@pytest.fixture
def service(store, catalog, calendar, clock, cheap_password_hashing):
    from clerk.services.cases import CaseService

    return CaseService(store, catalog, calendar, clock, hall_code="SF", timezone="Asia/Shanghai")


# -- every test on its own HOME, XDG folders and CLERK_* environment ----------------------------
# Nothing a test does may read or write the real user's folders or pick up this machine's
# configuration (a clerk.toml, a CLERK_* variable, a hall key from `clerk setup`).  Child
# processes inherit the environment set here.

_XDG = {"XDG_CONFIG_HOME": ".config", "XDG_DATA_HOME": ".local/share", "XDG_CACHE_HOME": ".cache",
        "XDG_STATE_HOME": ".local/state"}
# What the suite sets on purpose and every test keeps: the session's hall key (``hall_key_file``).
_KEPT_CLERK = frozenset({"CLERK_KEY_FILE"})


@pytest.fixture(autouse=True)
def own_home(tmp_path_factory, monkeypatch, hall_key_file) -> Path:
    """A fresh, empty HOME with its XDG folders, and no ``CLERK_*`` but the suite's own;
    ``get_settings()`` is read afresh before and after the test."""
    from clerk.config import get_settings

    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for variable, folder in _XDG.items():
        monkeypatch.setenv(variable, str(home / folder))
    for variable in list(os.environ):
        if variable.startswith("CLERK_") and variable not in _KEPT_CLERK:
            monkeypatch.delenv(variable)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` run first (otherwise in collection order): pytest-xdist then starts the
    long ones early and the short ones fill the end, so no worker waits alone on a long test."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
