"""Versions and the schema gate (clerk.store.versioning): every release has its own version,
and an app and a store of different schemas say so in one line instead of writing."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from clerk import __version__
from clerk.domain.errors import StoreRefused
from clerk.store.migrate import head_revision, upgrade
from clerk.store.signin import SignIn
from clerk.store.versioning import RELEASES, StoreVersionMismatch, parse_version
from tests.support.accounts import PASSWORD

FIXTURES = Path(__file__).parent.parent / "fixtures"
#: The release before 0.4.0 (schema 0013), its sources as they were (git archive of 7f94bcb).
PREVIOUS_RELEASE = FIXTURES / "releases" / "clerk-0.3.0-7f94bcb.tar.xz"


def _now():
    from clerk.domain.clock import now_utc

    return now_utc()


def test_clerk_version_names_this_release_and_the_schema_it_writes(capsys):
    from clerk.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"clerk {__version__}（数据库版本 {head_revision()}）"
    assert __version__ != "0.1.0"  # what every release before this one called itself


def test_the_version_moves_with_the_schema():
    """A release that adds a migration must add its line to RELEASES with a new version."""
    assert RELEASES[__version__] == head_revision()
    versions = sorted(RELEASES, key=parse_version)
    assert [RELEASES[v] for v in versions] == sorted(RELEASES.values())


def test_the_installed_package_metadata_carries_the_same_version():
    from importlib.metadata import version

    assert version("clerk") == __version__


def _events(store) -> int:
    from clerk.store.tables import AuditEvent

    with store.session(write=False) as session:
        return session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def test_an_app_newer_than_its_store_refuses_until_the_store_is_upgraded(empty_store, catalog, calendar, clock,
                                                                         cheap_password_hashing):
    from clerk.services.cases import CaseService

    upgrade(empty_store, "0013")
    with pytest.raises(StoreVersionMismatch) as refused:
        SignIn(empty_store, _now).authenticate("admin", "clerk123")
    assert str(refused.value) == (f"数据库版本 0013 旧于本机 clerk {__version__}（数据库版本 {head_revision()}）："
                                  "请系统管理员先运行 clerk db upgrade，再使用本窗口")
    upgrade(empty_store)
    service = CaseService(empty_store, catalog, calendar, clock, hall_code="SF", timezone="Asia/Shanghai")
    service.add_user(None, "w01", "张三", _window_role(), PASSWORD)
    assert SignIn(empty_store, _now).authenticate("w01", PASSWORD).id == "w01"


def _window_role():
    from clerk.domain.accounts import Role

    return Role.WINDOW


def _pretend_upgraded_by_a_later_release(store, revision: str, min_app_version: str) -> None:
    with store.connection(write=True) as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
        conn.execute(text("UPDATE clerk_store_info SET value = :v WHERE key = 'min_app_version'"),
                     {"v": min_app_version})


def test_an_app_older_than_its_store_refuses_to_sign_in_or_write_and_says_what_to_install(service, users):
    store = service.store
    before = _events(store)
    _pretend_upgraded_by_a_later_release(store, "0099", "9.1.0")
    store.forget_version_check()
    with pytest.raises(StoreVersionMismatch) as refused:
        SignIn(store, _now).authenticate("w01", PASSWORD)
    assert str(refused.value) == (f"数据库已升级到版本 0099，需要 clerk 9.1.0 或更高版本；本机 clerk 为 {__version__}："
                                  "请系统管理员为本机安装clerk 9.1.0 或更高版本（clerk --version 可查看本机版本）")
    with pytest.raises(StoreVersionMismatch):
        service.add_user(None, "w09", "王五", _window_role(), PASSWORD)
    assert _events(store) == before


def test_a_later_schema_that_still_admits_this_version_lets_both_write(service, users):
    store = service.store
    _pretend_upgraded_by_a_later_release(store, "0099", __version__)
    store.forget_version_check()
    assert SignIn(store, _now).authenticate("w01", PASSWORD).id == "w01"


def _min_version(store) -> str:
    """The oldest clerk the store lets write (raised by the migrations that need it: 0.5.0 by 0015)."""
    from sqlalchemy import text

    with store.connection(write=False) as conn:
        return conn.execute(text("SELECT value FROM clerk_store_info WHERE key = 'min_app_version'")).scalar_one()


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_postgres_refuses_writes_from_a_session_that_does_not_say_its_version(service, users):
    """What a release before 0.4.0 sends: no clerk.app_version."""
    import psycopg

    url = service.store.engine.url
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database,
                         autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
            conn.execute("UPDATE clerk_accounts SET failed_count = 0")
        assert f"需要clerk{_min_version(service.store)}或更高版本" in refused.value.diag.message_primary
        conn.execute("SET clerk.app_version = '0.3.9'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM signin_attempts")
        conn.execute(f"SET clerk.app_version = '{__version__}'")
        conn.execute("DELETE FROM signin_attempts")


def test_the_line_this_release_shows_when_the_database_refuses_an_old_version():
    class Diag:
        message_primary = "permission denied for （本机clerk版本过旧：数据库已升级，需要clerk0.9.0或更高版本，请为本机安装新版本）"

    class Error:
        diag = Diag()

    assert str(StoreRefused.of(Error())) == ("数据库拒绝了这项操作：本机clerk版本过旧：数据库已升级，"
                                             "需要clerk0.9.0或更高版本，请为本机安装新版本")


_OLD_SIGN_IN = """
import sys
from datetime import UTC, datetime
from clerk.store.engine import Store
from clerk.store.signin import SignIn
import clerk
assert clerk.__file__.startswith(sys.argv[2]), clerk.__file__
try:
    SignIn(Store(sys.argv[1]), lambda: datetime.now(UTC)).authenticate("w01", sys.argv[3])
except Exception as exc:
    print(type(exc).__name__, exc)
else:
    print("signed in")
"""


def test_the_previous_release_cannot_write_into_an_upgraded_store_and_says_why(service, users, tmp_path):
    """The released code of 0.3.0 (schema 0013), run as it was, against this release's store."""
    with tarfile.open(PREVIOUS_RELEASE) as archive:
        archive.extractall(tmp_path, filter="data")
    old = tmp_path / "clerk-0.3.0"
    store = service.store
    before = _events(store)
    url = store.engine.url.render_as_string(hide_password=False)
    done = subprocess.run([sys.executable, "-c", _OLD_SIGN_IN, url, str(old), PASSWORD], cwd=old,
                          env={"PYTHONPATH": str(old), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                               "CLERK_CONFIG": "/dev/null", "CLERK_HOME": str(tmp_path / "home"),
                               **_key_env()},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    if store.is_sqlite:  # no gate for 0.3.0 on a one-PC file: its writes still verify
        assert done.stdout.strip() == "signed in"
        assert _events(store) > before
        _assert_verifies(store)
        return
    assert done.stdout.strip() == ("StoreRefused 数据库拒绝了这项操作：本机的数据库账号无权操作 （本机clerk版本过旧：数据库已升级，"
                                   f"需要clerk{_min_version(store)}或更高版本，请为本机安装新版本），请由系统管理员执行")
    assert _events(store) == before


def _assert_verifies(store) -> None:
    from clerk.store.audit import verify_chain

    with store.session(write=False, snapshot=True) as session:
        report = verify_chain(session, key=store.hall_key())
    assert report.ok, report


def _key_env() -> dict[str, str]:
    import os

    return {"CLERK_KEY_FILE": os.environ["CLERK_KEY_FILE"]}


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_every_table_but_alembics_has_the_version_gate(store):
    with store.connection(write=False) as conn:
        ungated = conn.execute(text(
            "SELECT tablename FROM pg_tables t WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
            " AND NOT EXISTS (SELECT 1 FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid"
            "                 WHERE c.relname = t.tablename AND g.tgname = 'clerk_version_gate')")).scalars().all()
    assert ungated == []


def test_db_current_and_upgrade_on_a_store_a_later_release_upgraded(cli_store, capsys):
    from tests.support.cli import one_clear_line, run

    upgrade(cli_store)
    _pretend_upgraded_by_a_later_release(cli_store, "0099", "9.1.0")
    status, errors, out = run(["db", "current"], capsys)
    assert status == 1
    assert out.splitlines() == [
        f"数据库版本：0099；本机 clerk {__version__} 使用的数据库版本：{head_revision()}",
        f"数据库已升级到版本 0099，需要 clerk 9.1.0 或更高版本；本机 clerk 为 {__version__}："
        "请系统管理员为本机安装clerk 9.1.0 或更高版本（clerk --version 可查看本机版本）"]
    status, errors, out = run(["db", "upgrade"], capsys)
    assert status != 0
    assert one_clear_line(errors).endswith(
        f"数据库版本 0099 新于本机 clerk {__version__}（数据库版本 {head_revision()}）："
        "不能用旧版本升级，请在已安装新版本的电脑上运行 clerk db upgrade")
    status, errors, out = run(["doctor"], capsys)
    assert status == 2
    assert any("✖ 数据库" in line and "需要 clerk 9.1.0 或更高版本" in line for line in out.splitlines() + errors)



@pytest.mark.parametrize(("old", "old_head"), [("0.4.0", "0014"), ("0.5.0", "0015"), ("0.6.0", "0016")])
def test_the_store_is_closed_to_clerk_0_4_0_to_0_6_0(service, monkeypatch, old, old_head):
    """0.5.0 stores notice statuses (saved, unknown) and deadline states 0.4.0 cannot read or
    would undo; 0.6.0 saves a visit's pages, which 0.5.0 would drop; 0.7.0 writes the
    verifications of 告知承诺 and revokes cases, which 0.6.0 knows nothing of: each old
    release's own check (its head, its version) refuses the upgraded store."""
    from clerk.store import migrate, versioning

    assert _min_version(service.store) == "0.7.0"
    monkeypatch.setattr(versioning, "app_version", lambda: old)
    monkeypatch.setattr(migrate, "head_revision", lambda: old_head)
    shipped = {r for r in migrate.known_revisions() if r <= old_head}
    monkeypatch.setattr(migrate, "known_revisions", lambda: shipped)
    with service.store.connection(write=False) as conn:
        said = versioning.refusal(conn)
    assert said is not None and "需要 clerk 0.7.0 或更高版本" in said and f"本机 clerk 为 {old}" in said
