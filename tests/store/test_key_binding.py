"""The hall key is bound to the store: its fingerprint is stored, ``clerk setup`` never makes
a new key for a store that has one, and a window holding another key refuses to write."""

from __future__ import annotations

import os
import secrets

import pytest
from sqlalchemy import text

from clerk.cli import main
from clerk.domain.accounts import Role
from clerk.store.keybinding import HallKeyMismatch, fingerprint, short
from tests.conftest import FIXTURES


def _accounts(store) -> int:
    with store.connection(write=False) as conn:
        return conn.execute(text("SELECT count(*) FROM clerk_accounts")).scalar_one()


def _binding(store):
    with store.connection(write=False) as conn:
        return conn.execute(text("SELECT fingerprint, sealed_by FROM clerk_key_binding")).one_or_none()


def _other_key(tmp_path):
    from clerk.config import Settings

    path = tmp_path / "other.key"
    path.write_text(secrets.token_hex(32) + "\n")
    os.chmod(path, 0o600)
    return Settings.defaults(key_file=path)


def test_the_store_records_its_keys_fingerprint(service, store, hall_key_file):
    service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")  # SQLite binds at the first keyed write
    key = bytes.fromhex(hall_key_file.read_text().strip())
    expected = (fingerprint(key), "database" if store.dialect == "postgresql" else "file")
    assert tuple(_binding(store)) == expected


def test_a_window_with_another_key_refuses_to_write_in_one_line(service, store, tmp_path):
    from clerk.services.cases import CaseService
    from clerk.store.engine import Store

    service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    before = _accounts(store)
    stranger = Store(store.url, settings=_other_key(tmp_path))
    try:
        other = CaseService(stranger, service.catalog, service.calendar, service.clock)
        with pytest.raises(HallKeyMismatch) as refused:
            other.add_user(None, "w02", "李四", Role.WINDOW, "secret2")
    finally:
        stranger.dispose()
    message = str(refused.value)
    assert "\n" not in message and "不是本数据库登记的密钥" in message
    assert short(_binding(store)[0]) in message
    assert _accounts(store) == before


@pytest.fixture
def setup_env(cli_store):
    return cli_store


def _use_key_file(monkeypatch, path) -> None:
    from clerk.config import get_settings

    monkeypatch.setenv("CLERK_KEY_FILE", str(path))
    get_settings.cache_clear()


def test_setup_never_makes_a_new_key_for_a_store_that_has_one(setup_env, monkeypatch, tmp_path, capsys):
    first = tmp_path / "first.key"
    _use_key_file(monkeypatch, first)
    assert main(["setup"]) == 0
    capsys.readouterr()

    second = tmp_path / "second" / "hall.key"  # another window PC, no key copied yet
    _use_key_file(monkeypatch, second)
    code = main(["setup"])
    out, err = capsys.readouterr()
    assert not second.exists()
    if setup_env.dialect == "postgresql":  # the database seals: this machine needs no key
        assert code == 0 and "本机不需要大厅密钥文件" in out
        assert main(["audit", "verify"]) == 0
    else:
        assert code == 1 and "不会新建" in err and str(second) in err


def test_setup_refuses_a_key_file_that_is_not_the_stores(setup_env, monkeypatch, tmp_path, capsys):
    _use_key_file(monkeypatch, tmp_path / "first.key")
    assert main(["setup"]) == 0
    capsys.readouterr()
    stranger = _other_key(tmp_path).key_file
    _use_key_file(monkeypatch, stranger)
    assert main(["setup"]) == 1
    err = capsys.readouterr().err
    assert "不是本数据库登记的密钥" in err and len(err.strip().splitlines()) == 1


def test_doctor_names_a_key_that_is_not_the_stores(service, store, tmp_path):
    from clerk.commands.doctor import Level, check_hall_key
    from clerk.config import Settings

    service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    stranger = _other_key(tmp_path).key_file
    check = check_hall_key(Settings.defaults(database_url=store.url, key_file=stranger))
    assert check.level == Level.FAIL and "不是本数据库登记的密钥" in check.detail
    keyless = check_hall_key(Settings.defaults(database_url=store.url, key_file=tmp_path / "none.key"))
    if store.dialect == "postgresql":
        assert keyless.level == Level.OK and "数据库封存" in keyless.detail
    else:
        assert keyless.level == Level.FAIL and "找不到大厅密钥文件" in keyless.detail


def test_a_wrong_key_file_on_a_database_sealed_window_does_not_fail_a_sound_chain(service, store, tmp_path):
    """PostgreSQL: the database checks every seal with its own key (also those of the key file
    before 0012); SQLite: the key file is the authority, and another one fails every event."""
    from clerk.store.audit import verify_chain
    from clerk.store.engine import Store

    service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    stranger = Store(store.url, settings=_other_key(tmp_path))
    try:
        with stranger.session(write=False) as session:
            report = verify_chain(session)
    finally:
        stranger.dispose()
    if store.dialect == "postgresql":
        assert report.ok, report.message
    else:
        assert not report.ok and report.bad_seq == 1
