"""Engine and sessions: one ``Store`` per process, one session per service call.

SQLite runs in WAL mode with a busy timeout.  A deferred SQLite transaction
that later writes fails at once with "database is locked" when another writer
holds the lock, whatever the busy timeout, so write sessions start with
``BEGIN IMMEDIATE``.  This follows SQLAlchemy's pysqlite recipe: the driver's
own transaction handling is switched off (``isolation_level = None``) and the
engine's ``begin`` event emits the BEGIN itself.

SQLAlchemy is imported lazily: importing this module is cheap.
"""

from __future__ import annotations

import select
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, exc, inspect
from sqlalchemy.engine import URL, make_url

import clerk.store.tables
from clerk.config import get_settings
from clerk.filemodes import private_sqlite
from clerk.incidents import log_to_file
from clerk.store.audit import KEY_SOURCE, SEALING
from clerk.store.audited import AuditedSession
from clerk.store.errors import StoreError, StoreFull, StoreRefused, StoreUnavailable
from clerk.store.hallkey import load_hall_key
from clerk.store.keybinding import SealingSource
from clerk.store.materials import FOLDER, folder_beside
from clerk.store.writelock import writer_lock

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

    from clerk.config import Settings

SQLITE_BUSY_TIMEOUT_MS = 30_000
#: how many of the latest statements ``Store.round_trip`` looks at
ROUND_TRIP_SAMPLES = 32
_WRITE_OPTION = "clerk_write"
#: PostgreSQL channel every write transaction notifies on commit (clerk.store.changes listens).
CHANGES_CHANNEL = "clerk_changes"
#: ``session.info`` key: the transaction already sent ``pg_notify`` on CHANGES_CHANNEL in one of its
#: own statements (``TicketService.call_next``): the session sends no separate ``NOTIFY``.
NOTIFIED = "clerk_notified"


class Store:
    """A database holding the cases of one hall (SQLite file or PostgreSQL)."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 5, settings: Settings | None = None,
                 hall_key: bytes | None = None, statement_timeout: float | None = None) -> None:
        """``hall_key`` keys the audit chain; without it the key file of ``settings``
        (default: ``clerk.config.get_settings()``) is read on the first write.
        ``statement_timeout`` (seconds) bounds every statement and lock wait."""
        self.url = url
        self._settings = settings
        self._hall_key = hall_key
        self._echo = echo
        self._pool_size = pool_size
        #: seconds a statement or a lock wait may take (None: the drivers' defaults, SQLite 30 s)
        self.statement_timeout = statement_timeout
        self._engine: Engine | None = None
        self._write_engine: Engine | None = None
        self._lock_path: str | None = None  # SQLite file stores only
        #: who seals this store's audit events, decided on the first write (clerk.store.keybinding)
        self.sealing = SealingSource(self.hall_key)
        self._version_ok = False  # clerk.store.versioning: checked before the first write
        #: seconds the latest statements took, client side (``round_trip``)
        self._statement_times: deque[float] = deque(maxlen=ROUND_TRIP_SAMPLES)

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        return cls(settings.effective_database_url, settings=settings,
                   statement_timeout=getattr(settings, "statement_timeout_seconds", None) or None)

    def hall_key(self) -> bytes:
        """The hall key (``HallKeyError`` with a Chinese message when it is missing)."""
        if self._hall_key is None:
            if self._settings is None:
                self._settings = get_settings()
            self._hall_key = load_hall_key(self._settings)
        return self._hall_key

    def require_existing(self) -> Store:
        """Commands that only read a hall's store (``audit verify``, ``report``) call this first:
        a mistyped SQLite path is said instead of created empty, and so is a database with no schema."""
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            path = Path(url.database).expanduser()
            if not path.is_file():  # before self.engine, which would create it
                raise StoreError(f"数据库文件 {path} 不存在：请检查 database_url（或 CLERK_DATABASE_URL、CLERK_HOME）；"
                                 "新的大厅请先运行 clerk setup")
        with self.connection(write=False) as conn:
            if not inspect(conn).has_table("alembic_version"):
                raise StoreError(f"数据库 {self.redacted_url} 尚未初始化（没有任何版本记录）：请检查 database_url，"
                                 "新的大厅请先运行 clerk setup")
        return self

    def __repr__(self) -> str:
        return f"Store({self.redacted_url!r})"

    @property
    def redacted_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def materials_folder(self) -> Path | None:
        """Where an SQLite file store keeps material files (None: in ``material_blobs``, clerk.store.materials)."""
        url = make_url(self.url)
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        return folder_beside(Path(url.database).expanduser())

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def dialect(self) -> str:
        return "sqlite" if self.is_sqlite else self.engine.dialect.name

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._create_engine()
            self._write_engine = self._engine.execution_options(**{_WRITE_OPTION: True})
        return self._engine

    def _create_engine(self) -> Engine:
        url = make_url(self.url)
        if url.get_backend_name() != "sqlite":
            engine = create_engine(
                multi_host_url(url),
                echo=self._echo,
                pool_pre_ping=False,  # _ping_if_spoken: a ping only when the server has said something
                pool_size=self._pool_size,
                pool_timeout=self.statement_timeout or 30,
                # psycopg would prepare a statement on its fifth use: one more round trip for each
                # statement on each connection, which a station on the extranet pays in full (the
                # server's parse it saves is far below a millisecond for these statements).
                connect_args={**postgres_connect_args(self.statement_timeout), "prepare_threshold": None},
            )
            event.listen(engine, "handle_error", _drop_on_failover)
            event.listen(engine, "checkout", _ping_if_spoken(engine.dialect))
            event.listen(engine, "before_cursor_execute", _started)
            event.listen(engine, "after_cursor_execute", self._timed)
            return engine
        if url.database and url.database != ":memory:":
            database = Path(url.database).expanduser()
            private_sqlite(database)  # 0600 file (SQLite gives -wal/-shm the same mode), 0700 folders
            self._lock_path = f"{database}-writer.lock"
        engine = create_engine(
            url,
            echo=self._echo,
            connect_args={"timeout": self.busy_timeout_ms / 1000, "check_same_thread": False},
        )
        busy_ms = self.busy_timeout_ms

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's begin event own the transaction (pysqlite recipe).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get(_WRITE_OPTION, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    def _timed(self, conn: Connection, *_args: Any) -> None:
        started = conn.info.pop(_STARTED, None)
        if started is not None:
            self._statement_times.append(time.perf_counter() - started)

    @property
    def round_trip(self) -> float:
        """Seconds one round trip to the server takes, as measured: the quickest of the latest
        ``ROUND_TRIP_SAMPLES`` statements (each is one round trip; the quickest is the link, not
        the server's work).  0 before any statement, and for SQLite (no link).  A station on
        the extranet shows its link here (docs/deploy.md, "Stations on the extranet")."""
        times = list(self._statement_times)
        return min(times) if times else 0.0

    @property
    def busy_timeout_ms(self) -> int:
        """SQLite: how long a writer waits for the lock (the statement timeout when set)."""
        if self.statement_timeout:
            return max(1, int(self.statement_timeout * 1000))
        return SQLITE_BUSY_TIMEOUT_MS

    @property
    def answer_limit(self) -> float:
        """Seconds a caller waits for one short service call (sign-in, seat) before giving up
        on the store (``clerk.services.bounded.within``): the connect timeout, then the
        statement timeout, plus a second for the work around them."""
        if self.is_sqlite:
            return self.busy_timeout_ms / 1000 + 1.0
        connect = postgres_connect_args(self.statement_timeout)["connect_timeout"]
        return float(connect) + (self.statement_timeout or 30.0) + 1.0

    def check_version(self) -> None:
        """``StoreVersionMismatch`` (one Chinese line) when this app may not use the store:
        its schema is older than this app's (``clerk db upgrade``) or newer and closed to this
        version (clerk.store.versioning).  Checked once per store object, before its first write."""
        if self._version_ok:
            return
        from clerk.store import versioning

        with self.connection(write=False) as conn:
            versioning.check(conn)
        self._version_ok = True

    def forget_version_check(self) -> None:
        """The schema changed under this object (``clerk db upgrade``): check again before writing."""
        self._version_ok = False

    @contextmanager
    def session(self, *, write: bool = True, snapshot: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on error.

        ``snapshot`` (read sessions): every statement sees the same moment of the store —
        PostgreSQL's REPEATABLE READ; SQLite's read transaction already is one.  Checks that
        compare tables with each other (the audit chain and its head) need it while other
        windows write.  Connection failures surface as :class:`StoreUnavailable`.
        """
        self.engine  # noqa: B018  (create both engines)
        if write:
            self.check_version()
        bind = self._write_engine if write else self._engine
        with self._writer_turn(write), translate_errors():
            info = {KEY_SOURCE: self.hall_key, SEALING: self.sealing, FOLDER: self.materials_folder}
            with AuditedSession(bind, expire_on_commit=False, info=info) as session:
                with session.begin():
                    if snapshot and not self.is_sqlite:
                        session.connection().exec_driver_sql(
                            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    yield session
                    if write and not self.is_sqlite and session.wrote() and not session.info.get(NOTIFIED):
                        # Delivered at commit only (NOTIFY is transactional): live screens refresh.
                        # A write session that changed nothing (a refused action, a lookup) stays quiet.
                        session.connection().exec_driver_sql(f"NOTIFY {CHANGES_CHANNEL}")

    @contextmanager
    def connection(self, *, write: bool = True) -> Iterator[Connection]:
        """A Core connection inside one transaction (bulk loads, migrations)."""
        self.engine  # noqa: B018
        bind = self._write_engine if write else self._engine
        assert bind is not None  # made by self.engine
        with self._writer_turn(write), translate_errors():
            with bind.begin() as conn:
                yield conn

    @contextmanager
    def _writer_turn(self, write: bool) -> Iterator[None]:
        """SQLite writers queue on a file lock first (see clerk.store.writelock)."""
        if not (write and self._lock_path):
            yield
            return

        with writer_lock(self._lock_path, self.busy_timeout_ms / 1000):
            yield

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = self._write_engine = None


_STARTED = "clerk_statement_started"  # ``Connection.info``: when the statement under way was sent


def _started(conn: Connection, *_args: Any) -> None:
    conn.info[_STARTED] = time.perf_counter()


def postgres_connect_args(statement_timeout: float | None) -> dict[str, Any]:
    """libpq options: a connect timeout always; with ``statement_timeout`` also the server's
    statement and lock timeouts and TCP keepalives, so a call never waits without bound
    on the server (a frozen server is bounded by the caller: clerk.services.visits).

    Every connection also says which clerk it is (``clerk.app_version``, checked by the
    store's version gate, clerk.store.versioning; ``application_name`` for the server's logs)."""
    from clerk import __version__
    from clerk.store.versioning import APP_VERSION_SETTING

    who = {"application_name": f"clerk {__version__}"}
    version = f"-c {APP_VERSION_SETTING}={__version__}"
    if not statement_timeout:
        return {"connect_timeout": 5, "options": version, **who}
    ms = max(1, int(statement_timeout * 1000))
    return {
        "connect_timeout": max(2, int(statement_timeout + 0.999)),
        "options": f"-c statement_timeout={ms} -c lock_timeout={ms} {version}",
        **who,
        "keepalives": 1,
        "keepalives_idle": max(1, int(statement_timeout)),
        "keepalives_interval": 1,
        "keepalives_count": 3,
        "tcp_user_timeout": ms,
    }


def multi_host_url(url: URL) -> URL:
    """``url`` with its servers in libpq's own form, ``?host=a,b&port=5432,5433``.

    A district store lists its primary and its standby (docs/deploy.md, "Streaming
    replication"): ``?host=a:5432,b:5433`` or ``?host=a:5432&host=b:5433`` (SQLAlchemy's
    spelling) or ``?host=a,b&port=5432,5433``.  SQLAlchemy passes the first one to libpq as one
    host named ``a:5432,b:5433``; the listener of clerk.store.changes cannot pass a repeated
    ``host`` at all.  Both get the libpq form.  A URL with one server is returned as it is."""
    hosts = url.query.get("host")
    if hosts is None:
        return url
    items = [item.strip() for entry in ((hosts,) if isinstance(hosts, str) else hosts) for item in entry.split(",")]
    if not any(_split_port(item)[1] for item in items):
        return url.update_query_dict({"host": ",".join(items)})
    if url.query.get("port") is not None:
        raise StoreError("database_url 的 host 已带端口（host=主机:端口），请不要再写 port=")
    pairs = [_split_port(item) for item in items]
    return url.update_query_dict({"host": ",".join(h for h, _ in pairs), "port": ",".join(p for _, p in pairs)})


def _split_port(item: str) -> tuple[str, str]:
    """``a:5432`` -> ("a", "5432"); ``a`` -> ("a", "") (libpq: the default port); ``[::1]:5432`` too."""
    host, colon, port = item.rpartition(":")
    if colon and port.isdigit() and (not host.count(":") or host.endswith("]")):
        return host.removeprefix("[").removesuffix("]"), port
    return item.removeprefix("[").removesuffix("]"), ""


def libpq_conninfo(url: str) -> dict[str, Any]:
    """The libpq keywords of a PostgreSQL ``url`` (a multi-host URL as ``host=a,b port=p,q``)."""
    parsed = multi_host_url(make_url(url))
    info: dict[str, Any] = {"host": parsed.host, "port": parsed.port, "user": parsed.username,
                            "password": parsed.password, "dbname": parsed.database, **dict(parsed.query)}
    return {key: value for key, value in info.items() if value is not None}


#: SQLSTATE of a refusal by the database's privileges or clerk's triggers (PostgreSQL).
INSUFFICIENT_PRIVILEGE = "42501"
#: SQLSTATE of a write on a read-only server: a standby (hot standby) or ``default_transaction_read_only``.
READ_ONLY_TRANSACTION = "25006"
#: SQLSTATEs after which a connection is not used again: the server is shutting down or was
#: stopped (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now: starting up,
#: in recovery), the connection failed (class 08), or the server is a standby (25006).
_FAILOVER_STATES = ("57P01", "57P02", "57P03", READ_ONLY_TRANSACTION)


def _drop_on_failover(context: Any) -> None:
    """``handle_error`` of a PostgreSQL engine: after a failover the pool must not hand out a
    connection to the stopped primary or to a standby again.  Marked as a disconnect, the
    connection is discarded together with every pooled connection older than it, and the next
    checkout connects anew through the URL's host list (``target_session_attrs=read-write``:
    to the new primary)."""
    state = getattr(context.original_exception, "sqlstate", None) or ""
    if state in _FAILOVER_STATES or state.startswith("08"):
        context.is_disconnect = True


def _ping_if_spoken(dialect: Any) -> Callable[[Any, Any, Any], None]:
    """``checkout`` of a PostgreSQL pool: the pooled connection is pinged only when its socket
    has something to read, instead of on every checkout (``pool_pre_ping``: one round trip
    per transaction, a fifth of a second at a station on the extranet).

    An idle connection the server has nothing to say on has nothing to read.  One the server
    closed (a restart, a failover's ``pg_ctl stop``, ``pg_terminate_backend``, an idle timeout:
    a FATAL message, then end of file), one the kernel gave up on (TCP keepalives, set with the
    statement timeout: ``postgres_connect_args``), or one psycopg marked closed or broken is
    readable or fails the check; it is pinged as before, and a failed ping makes the pool
    connect anew (``DisconnectionError``).  A link cut silently (no FIN, keepalives not run
    out yet) is left to the first statement, as a cut in mid-transaction always was:
    ``_drop_on_failover`` drops the connection and the call says the store is unavailable."""

    def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if not _has_spoken(dbapi_connection):
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - any failure: not to be used again
            raise exc.DisconnectionError(str(error)) from error

    return checkout


def _has_spoken(dbapi_connection: Any) -> bool:
    """Whether a pooled psycopg connection has anything to read (or cannot say): then it is pinged."""
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        return True
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except Exception:  # noqa: BLE001 - closed under us, a descriptor select cannot take: ping
        return True
    return bool(readable)


# SQLite reports schema mistakes as OperationalError too; they are not outages.
_SCHEMA_ERRORS = ("no such table", "no such column", "has no column", "syntax error")


#: A write reached a standby: during a failover, or a database_url without ``target_session_attrs``.
READ_ONLY_MESSAGE = ("数据库服务器当前只读（主备切换中或连到了备用服务器），本次未保存；请稍后重试，"
                     "如持续出现请系统管理员检查 database_url 的 target_session_attrs=read-write")

_SQLITE_FULL = 13
_PG_DISK_FULL = "53100"


def disk_full(error: exc.DBAPIError) -> bool:
    """SQLite's ``database or disk is full`` or PostgreSQL's ``disk_full`` (53100)."""
    orig = error.orig
    return (getattr(orig, "sqlite_errorcode", None) == _SQLITE_FULL or getattr(orig, "sqlstate", None) == _PG_DISK_FULL
            or "database or disk is full" in str(orig))


@contextmanager
def translate_errors() -> Iterator[None]:
    """Map driver-level connection failures to :class:`StoreUnavailable`."""
    try:
        yield
    except exc.TimeoutError as error:  # no pooled connection came free in time
        raise StoreUnavailable() from error
    except (exc.OperationalError, exc.InterfaceError) as error:
        text = str(error.orig if getattr(error, "orig", None) is not None else error)
        if disk_full(error):
            raise StoreFull(log_to_file(error, "数据库所在磁盘已满")) from error
        if "locked" in text or "busy" in text:
            raise StoreUnavailable("数据库繁忙（其他窗口正在写入），请稍后重试。") from error
        if any(marker in text for marker in _SCHEMA_ERRORS):
            raise  # a wrong or unmigrated schema is a bug to see, not an outage to retry
        raise StoreUnavailable() from error
    except exc.DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == READ_ONLY_TRANSACTION:
            raise StoreUnavailable(READ_ONLY_MESSAGE) from error
        if error.connection_invalidated:
            raise StoreUnavailable() from error
        if getattr(error.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
            raise StoreRefused.of(error.orig) from error
        raise
