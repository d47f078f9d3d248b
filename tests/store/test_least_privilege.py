"""Least privilege where the hall shares PostgreSQL: the windows' role, tried against the
real database roles ``clerk db roles`` creates, cannot alter history, read the chain key,
make accounts or change the schema; its ordinary work still goes through, and the events
and the row log name its database login."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from clerk.store.errors import StoreRefused
from tests.support.drafts import hygiene
from tests.support.pgroles import HallRoles, as_role, run_db_roles

PASSWORD = "secret1"
#: The ``store``/``empty_store`` fixtures on PostgreSQL only (roles and triggers are PostgreSQL's).
ON_POSTGRES = pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])


def test_every_table_has_a_decision_for_the_windows_role():
    """A new table cannot be forgotten: it needs an entry in WINDOW_GRANTS (even an empty one)."""
    from sqlmodel import SQLModel

    import clerk.store.tables_complaints  # noqa: F401
    import clerk.store.tables_mail  # noqa: F401
    import clerk.store.tables_seats  # noqa: F401
    import clerk.store.tables_tickets  # noqa: F401
    import clerk.store.tables_verification  # noqa: F401
    from clerk.store.roles import WINDOW_GRANTS

    assert sorted(SQLModel.metadata.tables) == sorted(WINDOW_GRANTS)
    assert WINDOW_GRANTS["clerk_hall_key"] == ()
    assert not {"UPDATE", "DELETE", "TRUNCATE"} & set(WINDOW_GRANTS["audit_events"])
    assert "INSERT" not in WINDOW_GRANTS["clerk_accounts"]


@dataclass
class Desk:
    """What a service needs besides its store."""

    catalog: object
    calendar: object
    clock: object

    def service(self, store):
        from clerk.services.cases import CaseService

        return CaseService(store, self.catalog, self.calendar, self.clock, hall_code="SF", timezone="Asia/Shanghai")


@pytest.fixture
def desk(catalog, calendar, clock, cheap_password_hashing) -> Desk:
    return Desk(catalog, calendar, clock)


@pytest.fixture
def hall(pg_server, store_templates, desk, monkeypatch, capsys) -> HallRoles:
    """A migrated store with accounts made by the owner, then ``clerk db roles --reader``."""
    from clerk.domain.accounts import Role
    from clerk.store.engine import Store

    owner, name = store_templates.postgres_store(pg_server)
    admin = desk.service(owner)  # the administrator's service: accounts are the owner's job
    admin.add_user(None, "w01", "张三", Role.WINDOW, PASSWORD)
    admin.add_user(None, "s01", "刘洋", Role.SUPERVISOR, PASSWORD)
    code, out, err = run_db_roles(owner.url, monkeypatch, capsys)
    assert code == 0, err
    roles = HallRoles(owner, Store(as_role(owner.url, "clerk_window")), Store(as_role(owner.url, "clerk_reader")),
                      name, out)
    try:
        yield roles
    finally:
        roles.dispose()
        pg_server.drop_database(name)


def _refused(store, sql: str, **params) -> str:
    with pytest.raises(StoreRefused) as refused:
        with store.connection() as conn:
            conn.execute(text(sql), params)
    message = str(refused.value)
    assert "\n" not in message and message.startswith("数据库拒绝了这项操作")
    return message


def _window_service(hall, desk):
    return desk.service(hall.window)


def _one_case(hall, desk) -> str:
    from clerk.domain.intake import Outcome

    window = _window_service(hall, desk)
    clerk = window.authenticate("w01", PASSWORD, window=3)
    return window.submit(clerk, 3, hygiene(), Outcome.ACCEPT).number


@pytest.mark.postgres
def test_db_roles_says_what_it_did_and_is_idempotent(hall, monkeypatch, capsys):
    assert "clerk_window" in hall.roles_output and "clerk_reader" in hall.roles_output
    assert "已创建角色" in hall.roles_output or "已存在" in hall.roles_output
    # a grant added by hand is taken back by the next run
    with hall.owner.connection() as conn:
        conn.execute(text("GRANT UPDATE, DELETE ON audit_events TO clerk_window"))
    code, out, _ = run_db_roles(hall.owner.url, monkeypatch, capsys)
    assert code == 0 and "角色 clerk_window（窗口）已存在" in out
    with hall.owner.connection(write=False) as conn:
        granted = set(conn.execute(text(
            "SELECT privilege_type FROM information_schema.role_table_grants"
            " WHERE grantee = 'clerk_window' AND table_name = 'audit_events'")).scalars())
    assert granted == {"SELECT", "INSERT"}


@pytest.mark.postgres
def test_window_role_cannot_update_delete_or_truncate_audit_rows(hall, desk):
    _one_case(hall, desk)
    _refused(hall.window, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 1")
    _refused(hall.window, "DELETE FROM audit_events WHERE seq = 1")
    _refused(hall.window, "TRUNCATE audit_events")
    _refused(hall.window, "UPDATE audit_head SET hash = :h WHERE id = 1", h="0" * 64)  # the head's hash too
    _refused(hall.window, "DELETE FROM clerk_row_writes")


@pytest.mark.postgres
def test_the_trigger_refuses_even_a_role_granted_too_much(hall, desk):
    """Privileges plus a trigger: a grant given by mistake still does not alter history."""
    _one_case(hall, desk)
    with hall.owner.connection() as conn:
        conn.execute(text("GRANT UPDATE, DELETE, TRUNCATE ON audit_events TO clerk_window"))
        first = conn.execute(text("SELECT actor FROM audit_events WHERE seq = 1")).scalar_one()
    assert "只能追加" in _refused(hall.window, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 1")
    assert "只能追加" in _refused(hall.window, "DELETE FROM audit_events WHERE seq = 1")
    assert "只能追加" in _refused(hall.window, "TRUNCATE audit_events")
    with hall.owner.connection(write=False) as conn:
        assert conn.execute(text("SELECT actor FROM audit_events WHERE seq = 1")).scalar_one() == first != "mallory"


@pytest.mark.postgres
def test_window_role_cannot_read_the_key_or_seal_an_event_itself(hall, desk):
    _one_case(hall, desk)
    assert "clerk_hall_key" in _refused(hall.window, "SELECT key FROM clerk_hall_key")
    _refused(hall.reader, "SELECT key FROM clerk_hall_key")
    _refused(hall.window, "SELECT clerk_audit_seal()")
    # an event sealed with a key of the window's own is refused by the database
    _refused(hall.window, "INSERT INTO audit_events (seq, at, actor, action, prev_hash, hash, alg)"
                          " VALUES (999, now(), 'admin', 'forged', '', :h, 'sha256')", h="0" * 64)


@pytest.mark.postgres
def test_window_role_cannot_create_an_account_directly_or_through_the_service(hall, desk):
    from clerk.domain.accounts import Role

    _refused(hall.window, "INSERT INTO clerk_accounts (id, name, role, password_hash, active, created_at,"
                          " failed_count, must_change_password) VALUES ('evil', '坏人', 'admin', 'x', true, now(),"
                          " 0, false)")
    _refused(hall.window, "UPDATE clerk_accounts SET role = 'admin' WHERE id = 'w01'")
    window = _window_service(hall, desk)
    with pytest.raises(StoreRefused, match="clerk_accounts"):
        window.add_user(None, "evil", "坏人", Role.ADMIN, "Secret-123")
    with hall.owner.connection(write=False) as conn:
        assert conn.execute(text("SELECT count(*) FROM clerk_accounts WHERE id = 'evil'")).scalar_one() == 0


@pytest.mark.postgres
@pytest.mark.parametrize("ddl", [
    "CREATE TABLE loot (x text)",
    "CREATE TEMPORARY TABLE loot (x text)",
    "ALTER TABLE cases ADD COLUMN loot text",
    "DROP TRIGGER clerk_append_only ON audit_events",
    "ALTER TABLE audit_events DISABLE TRIGGER USER",
    "CREATE OR REPLACE FUNCTION clerk_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
])
def test_window_role_cannot_change_the_schema(hall, ddl):
    _refused(hall.window, ddl)


@pytest.mark.postgres
def test_a_windows_ordinary_work_goes_through_and_names_its_login(hall, desk):
    from clerk.domain.errors import SignInFailed
    from clerk.domain.intake import Outcome
    from clerk.store.audit import verify_chain

    window = _window_service(hall, desk)
    with pytest.raises(SignInFailed):
        window.authenticate("w01", "wrong-password", window=3)  # a failure is counted: an UPDATE of the account
    clerk = window.authenticate("w01", PASSWORD, window=3)
    number = window.submit(clerk, 3, hygiene(), Outcome.ACCEPT).number
    notice = window.pending_notices()[0]
    window.mark_printed(notice.id, path="/tmp/a.pdf", sha256="a" * 64, user=clerk, window=3)
    assert window.get(number).applicant.name

    with hall.window.session(write=False) as session:  # the window verifies without any key of its own
        report = verify_chain(session)
    assert report.ok, (report.message, report.rows)
    with hall.owner.connection(write=False) as conn:
        stamped = conn.execute(text(
            "SELECT DISTINCT db_login, db_role, client_addr, alg FROM audit_events WHERE case_number = :n"),
            {"n": number}).all()
    assert stamped == [("clerk_window", "clerk_window", "127.0.0.1", "db-sha256")]
    with hall.reader.session(write=False) as session:  # the read-only role verifies too
        assert verify_chain(session).ok
    _refused(hall.reader, "UPDATE cases SET applicant_name = '李四'")


@pytest.mark.postgres
def test_an_edit_behind_the_services_back_is_named_by_the_database(hall, desk):
    from clerk.store.audit import verify_chain

    number = _one_case(hall, desk)
    with hall.window.connection() as conn:  # a shell on the window PC, with the window's own login
        conn.execute(text("UPDATE cases SET applicant_name = '李四' WHERE number = :n"), {"n": number})
    with hall.owner.session(write=False) as session:
        report = verify_chain(session)
    assert not report.ok and report.bad_seq is None
    (line,) = report.rows
    assert "cases#" in line and "被改动" in line
    assert "数据库账号 clerk_window（地址 127.0.0.1" in line and "没有审计事件" in line


@pytest.mark.postgres
def test_a_forged_event_is_stamped_with_the_login_that_wrote_it(hall, desk):
    """The window can append an event (its work needs it) but not choose who the database says wrote it."""
    from clerk.domain.clock import now_utc
    from clerk.store.audit import append_event

    _one_case(hall, desk)
    with hall.window.session() as session:
        seq = append_event(session, at=now_utc(), actor="admin", window=None, action="user_add")
    with hall.owner.connection(write=False) as conn:
        row = conn.execute(text("SELECT actor, db_login, client_addr FROM audit_events WHERE seq = :s"),
                           {"s": seq}).one()
    assert tuple(row) == ("admin", "clerk_window", "127.0.0.1")


@ON_POSTGRES
def test_every_tracked_table_logs_its_writes(store):
    """A table tracked later needs the row-write trigger of revision 0012 (clerk.store.roles.row_write_trigger)."""
    from clerk.store.tracked import tracked_tables

    with store.connection(write=False) as conn:
        logged = set(conn.execute(text(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = 'clerk_row_write'")).scalars())
    assert logged == {t.name for t in tracked_tables()}


@ON_POSTGRES
def test_db_roles_on_an_old_revision_asks_for_the_upgrade_first(empty_store, monkeypatch, capsys):
    from clerk.store.migrate import upgrade

    upgrade(empty_store, "0011")
    code, _, err = run_db_roles(empty_store.url, monkeypatch, capsys)
    assert code == 1 and "clerk db upgrade" in err


def test_db_roles_on_sqlite_explains_there_are_none(tmp_path, monkeypatch, capsys):
    code, _, err = run_db_roles(f"sqlite:///{tmp_path / 'clerk.db'}", monkeypatch, capsys)
    assert code == 1 and "SQLite" in err


@ON_POSTGRES
def test_setup_points_to_db_roles_until_they_are_applied(empty_store, monkeypatch, capsys, cheap_password_hashing):
    from clerk.config import get_settings
    from tests.conftest import FIXTURES

    monkeypatch.setenv("CLERK_CATALOG_DIR", str(FIXTURES / "catalog"))
    monkeypatch.setenv("CLERK_DATABASE_URL", empty_store.url)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    get_settings.cache_clear()
    from clerk.cli import main

    assert main(["setup"]) == 0
    assert "clerk db roles" in capsys.readouterr().out
    code, _, err = run_db_roles(empty_store.url, monkeypatch, capsys)
    assert code == 0, err
    monkeypatch.setenv("CLERK_CATALOG_DIR", str(FIXTURES / "catalog"))
    get_settings.cache_clear()
    assert main(["setup"]) == 0
    assert "clerk db roles" not in capsys.readouterr().out
    get_settings.cache_clear()


@pytest.mark.postgres
def test_window_role_adds_pages_with_a_case_but_never_changes_or_removes_them(hall, desk):
    """Issue 26: a window saves a case with its pages (INSERT); an UPDATE or DELETE of a material
    file or its bytes is refused to it — a purge is the administrator's, as the owner."""
    from clerk.domain.intake import Outcome
    from tests.support.scans import with_files

    window = _window_service(hall, desk)
    clerk = window.authenticate("w01", PASSWORD, window=3)
    case = window.submit(clerk, 3, with_files(hygiene(), id_card=2), Outcome.ACCEPT)
    assert [f.pages for f in case.files] == [2]
    _refused(hall.window, "UPDATE material_files SET pages = 1")
    _refused(hall.window, "UPDATE material_files SET purged_at = now()")
    _refused(hall.window, "DELETE FROM material_files")
    _refused(hall.window, "UPDATE material_blobs SET data = '\\x00'::bytea")
    _refused(hall.window, "DELETE FROM material_blobs")
    _refused(hall.window, "TRUNCATE material_blobs")
    with hall.window.session(write=False) as session:
        from clerk.store.audit import verify_chain

        assert verify_chain(session).ok
