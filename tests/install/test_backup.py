"""``clerk db backup`` / ``clerk db restore`` on SQLite; pg_dump and restore on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest

from clerk.cli import main
from tests.support.accounts import as_admin, ready_admin


@pytest.fixture
def hall(tmp_path, monkeypatch, cheap_password_hashing):
    """A set-up SQLite home with a few audited accounts; the store."""
    from clerk.config import get_settings
    from clerk.store.engine import Store

    for var in [v for v in os.environ if v.startswith("CLERK_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLERK_LOG_DIR", str(tmp_path / "log"))
    get_settings.cache_clear()
    assert main(["setup"]) == 0
    store = Store.from_settings(get_settings())
    yield store
    store.dispose()
    get_settings.cache_clear()


def _accounts(store) -> list[str]:
    from sqlalchemy import text

    with store.connection(write=False) as conn:
        return sorted(row[0] for row in conn.execute(text("SELECT id FROM clerk_accounts")))


def test_backup_is_a_verified_copy_and_restore_brings_it_back(hall, tmp_path, capsys, monkeypatch):
    from sqlalchemy import text

    ready_admin(hall)
    copy = tmp_path / "backup.db"
    assert main(["db", "backup", str(copy)]) == 0
    out = capsys.readouterr().out
    assert str(copy) in out and "审计链完整" in out
    assert copy.stat().st_mode & 0o077 == 0
    before = _accounts(hall)

    with hall.connection() as conn:  # a change after the backup
        conn.execute(text("DELETE FROM clerk_accounts WHERE id = '1001'"))
    hall.dispose()
    assert "1001" not in _accounts(hall)
    hall.dispose()

    assert as_admin(monkeypatch, ["db", "restore", str(copy), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "已从" in out and "另存为" in out
    assert _accounts(hall) == before
    assert main(["audit", "verify"]) == 0
    assert _last_event(hall)[:2] == ("admin", "database_restored")


def _last_event(store):
    from sqlalchemy import select

    from clerk.store.tables import AuditEvent

    with store.session(write=False) as session:
        row = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()
        return row.actor, row.action, row.after


def test_restore_needs_an_administrator_of_the_store_it_replaces(hall, tmp_path, capsys, monkeypatch):
    """Issue 23: a shell on a window PC could put an older history back; now one line says no."""
    from sqlalchemy import text

    from tests.support.accounts import sign_in_first_time

    ready_admin(hall)
    sign_in_first_time(hall, "9001", "clerk123", "Boss#2026")
    copy = tmp_path / "backup.db"
    assert main(["db", "backup", str(copy)]) == 0
    with hall.connection() as conn:  # work done after the backup, which a restore would undo
        conn.execute(text("UPDATE clerk_accounts SET name = '新名字' WHERE id = '1002'"))
    hall.dispose()
    capsys.readouterr()
    for attempt in (lambda: main(["db", "restore", str(copy), "--yes"]),
                    lambda: as_admin(monkeypatch, ["db", "restore", str(copy), "--yes"], password="Wrong#Pass1"),
                    lambda: as_admin(monkeypatch, ["db", "restore", str(copy), "--yes"], admin="9001",
                                     password="Boss#2026")):
        assert attempt() == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and ("须由系统管理员登录" in err[0] or "工号或密码不正确" in err[0]), err
        hall.dispose()
        with hall.connection(write=False) as conn:
            assert conn.execute(text("SELECT name FROM clerk_accounts WHERE id = '1002'")).scalar_one() == "新名字"
        hall.dispose()
    assert not list((tmp_path / "home").glob("clerk.db.before-restore-*"))


def test_a_missing_database_is_restored_without_a_sign_in_and_says_so(hall, tmp_path, capsys):
    from clerk.store.backup import sqlite_file

    copy = tmp_path / "backup.db"
    assert main(["db", "backup", str(copy)]) == 0
    hall.dispose()
    sqlite_file(hall).unlink()
    capsys.readouterr()
    assert main(["db", "restore", str(copy), "--yes"]) == 0
    assert "当前数据库缺失或已损坏" in capsys.readouterr().err
    assert _last_event(hall)[:2] == ("(restore)", "database_restored")
    assert main(["audit", "verify"]) == 0


def test_backup_refuses_to_overwrite_and_names_the_file(hall, tmp_path, capsys):
    existing = tmp_path / "exists.db"
    existing.write_text("keep me")
    assert main(["db", "backup", str(existing)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(existing) in err[0]
    assert existing.read_text() == "keep me"


def test_a_copy_whose_audit_chain_does_not_verify_is_not_kept(hall, tmp_path, capsys):
    from sqlalchemy import text

    with hall.connection() as conn:  # tamper with the live database
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1"))
    hall.dispose()
    copy = tmp_path / "backup.db"
    assert main(["db", "backup", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "审计链校验失败" in err and "Traceback" not in err
    assert not copy.exists() and not list(tmp_path.glob("backup.db*"))


def test_restore_refuses_a_file_that_is_not_a_clerk_backup(hall, tmp_path, capsys, monkeypatch):
    ready_admin(hall)
    before = _accounts(hall)
    hall.dispose()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert as_admin(monkeypatch, ["db", "restore", str(junk), "--yes"]) == 1
    assert "junk.db" in capsys.readouterr().err
    assert _accounts(hall) == before


def _pg_tool(name: str) -> str:
    from tests.conftest import _pg_binary

    found = _pg_binary(name)
    if not found:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{name} not found; required under CI=true")
        pytest.skip(f"{name} not found")
    return found


@pytest.mark.postgres
def test_a_pg_dump_restores_into_a_new_database_with_a_verified_chain(pg_server, service, store):
    """docs/deploy.md's PostgreSQL backup, done for real: pg_dump -Fc, pg_restore, audit verify."""
    from clerk.domain.accounts import Role
    from clerk.store.audit import verify_chain
    from clerk.store.engine import Store

    if store.is_sqlite:
        pytest.skip("PostgreSQL half only")
    for number in range(3):
        service.add_user(None, f"70{number}", f"测试{number}", Role.WINDOW, "demo1234")
    with store.session(write=False) as session:
        original = verify_chain(session)
    assert original.ok and original.events >= 3

    source = store.url.rsplit("/", 1)[1]
    folder = tempfile.mkdtemp(prefix="clerk-dump-")
    dump = os.path.join(folder, "clerk.dump")
    try:
        base = ["-h", pg_server.host, "-p", str(pg_server.port), "-U", "postgres"]
        subprocess.run([_pg_tool("pg_dump"), *base, "-Fc", "-f", dump, source], check=True, capture_output=True)
        target = pg_server.create_database()
        subprocess.run([_pg_tool("pg_restore"), *base, "--no-owner", "-d", target, dump], check=True,
                       capture_output=True)
        restored = Store(pg_server.url(target))
        try:
            with restored.session(write=False) as session:
                report = verify_chain(session)
        finally:
            restored.dispose()
            pg_server.drop_database(target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert report.ok and report.events == original.events


def test_restore_without_yes_and_without_a_terminal_changes_nothing(hall, tmp_path, capsys, monkeypatch):
    ready_admin(hall)
    copy = tmp_path / "backup.db"
    assert main(["db", "backup", str(copy)]) == 0
    before = _accounts(hall)
    hall.dispose()
    assert as_admin(monkeypatch, ["db", "restore", str(copy)]) == 1  # stdin ends after the password
    assert "已取消" in capsys.readouterr().err
    assert _accounts(hall) == before
    assert not list((tmp_path / "home").glob("clerk.db.before-restore-*"))


def test_backup_of_a_postgresql_store_points_to_pg_dump(hall, monkeypatch, capsys):
    from clerk.config import get_settings

    monkeypatch.setenv("CLERK_DATABASE_URL", "postgresql+psycopg://clerk@db.invalid/clerk")
    get_settings.cache_clear()
    assert main(["db", "backup", "x.db"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pg_dump" in err[0] and "docs/deploy.md" in err[0]
