from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from clerk.domain.accounts import Role, hash_password, parse_role, verify_password
from clerk.store.engine import Store
from clerk.store.errors import StoreUnavailable


def test_sqlite_runs_in_wal_mode_with_busy_timeout(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'deep' / 'clerk.db'}")
    with store.connection(write=False) as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_sqlite_writers_wait_instead_of_failing(tmp_path):
    """Two read-then-write transactions: with BEGIN IMMEDIATE the second waits its turn."""
    store = Store(f"sqlite:///{tmp_path / 'clerk.db'}")
    with store.connection() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (0)")
    errors: list[BaseException] = []

    def bump():
        try:
            with store.connection(write=True) as conn:
                n = conn.execute(text("SELECT n FROM t")).scalar()
                time.sleep(0.2)  # hold the lock while the other writer starts
                conn.execute(text("UPDATE t SET n = :n"), {"n": n + 1})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with store.connection(write=False) as conn:
        assert conn.execute(text("SELECT n FROM t")).scalar() == 3  # no lost update


def test_unreachable_postgresql_is_store_unavailable():
    store = Store("postgresql+psycopg://clerk@127.0.0.1:1/clerk")
    with pytest.raises(StoreUnavailable, match="数据库暂时无法连接"):
        with store.session(write=False) as session:
            session.execute(text("SELECT 1"))


def test_password_hash_with_default_cost():
    stored = hash_password("窗口密码123")
    assert stored.startswith("scrypt$16384$8$1$")
    assert verify_password("窗口密码123", stored)
    assert not verify_password("窗口密码124", stored)
    assert not verify_password("x", "garbage")
    assert hash_password("same") != hash_password("same")  # salted


def test_roles_parse_from_id_or_chinese_label():
    assert parse_role("fallback") is Role.FALLBACK
    assert parse_role("EMS工作站") is Role.MAILROOM
    with pytest.raises(ValueError, match="未知角色"):
        parse_role("boss")


def test_writer_lock_times_out_then_cleans_up(tmp_path):
    import fcntl
    import os

    from clerk.store.writelock import writer_lock

    path = str(tmp_path / "db-writer.lock")
    holder = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    began = time.monotonic()
    with writer_lock(path, timeout=0.2) as got:
        assert got is False
    assert 0.15 < time.monotonic() - began < 2
    fcntl.flock(holder, fcntl.LOCK_UN)  # the abandoned waiter takes and drops it
    time.sleep(0.1)
    with writer_lock(path, timeout=1) as got:
        assert got is True
    os.close(holder)


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://clerk:pw@/clerk?host=db1:5432,db2:5433&target_session_attrs=read-write",
    "postgresql+psycopg://clerk:pw@/clerk?host=db1:5432&host=db2:5433&target_session_attrs=read-write",
    "postgresql+psycopg://clerk:pw@/clerk?host=db1,db2&port=5432,5433&target_session_attrs=read-write",
])
def test_a_multi_host_url_reaches_libpq_as_a_host_list(url):
    """The three spellings of a primary-and-standby URL (docs/deploy.md) give libpq the same
    host and port lists, for the windows' pool and the live screens' listener alike."""
    from sqlalchemy.engine import make_url

    from clerk.store.engine import libpq_conninfo, multi_host_url

    expected = {"host": "db1,db2", "port": "5432,5433", "user": "clerk", "password": "pw", "dbname": "clerk",
                "target_session_attrs": "read-write"}
    assert libpq_conninfo(url) == expected
    engine_url = multi_host_url(make_url(url))
    _, connect = Store(url).engine.dialect.create_connect_args(engine_url)
    assert {key: connect[key] for key in ("host", "port", "target_session_attrs")} == {
        "host": "db1,db2", "port": "5432,5433", "target_session_attrs": "read-write"}

