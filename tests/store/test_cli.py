"""The store's sub-commands through ``clerk.cli.main``."""

from __future__ import annotations

import io

import pytest

from clerk.cli import main
from tests.conftest import FIXTURES


@pytest.fixture
def cli_env(empty_store, monkeypatch, tmp_path, cheap_password_hashing):
    from clerk.config import get_settings

    monkeypatch.setenv("CLERK_CONFIG", str(tmp_path / "missing.toml"))
    monkeypatch.setenv("CLERK_DATABASE_URL", empty_store.url)
    monkeypatch.setenv("CLERK_CATALOG_DIR", str(FIXTURES / "catalog"))
    get_settings.cache_clear()
    yield empty_store
    get_settings.cache_clear()


def test_setup_is_idempotent_and_says_what_it_did(cli_env, capsys):
    assert main(["setup"]) == 0
    first = capsys.readouterr().out
    from clerk.store.migrate import head_revision

    assert f"空库 → {head_revision()}" in first and "已创建演示账号" in first and "3 个事项，1 个一件事" in first
    assert main(["setup"]) == 0
    second = capsys.readouterr().out
    assert f"已是最新版本（{head_revision()}）" in second and "未创建演示账号" in second
    assert main(["db", "current"]) == 0
    assert main(["audit", "verify"]) == 0
    assert "共 6 条事件" in capsys.readouterr().out


def test_setup_fails_on_a_broken_catalog(cli_env, monkeypatch, tmp_path, capsys):
    from clerk.config import get_settings

    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "bad.yaml").write_text("items:\n  - code: X\n", encoding="utf-8")
    monkeypatch.setenv("CLERK_CATALOG_DIR", str(tmp_path / "cat"))
    get_settings.cache_clear()
    assert main(["setup"]) == 1
    assert "事项目录" in capsys.readouterr().err


def test_user_add_then_login(cli_env, monkeypatch, capsys):
    from clerk.calendar import WorkCalendar
    from clerk.cases.service import CaseService
    from clerk.store.accounts import Role

    assert main(["db", "upgrade"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("窗口密码888\n"))
    assert main(["user", "add", "7001", "孙七", "兜底窗口", "--password-stdin"]) == 0
    assert "已新增账号 7001" in capsys.readouterr().out
    service = CaseService(cli_env, None, WorkCalendar({}))
    assert service.authenticate("7001", "窗口密码888").role is Role.FALLBACK
    monkeypatch.setattr("sys.stdin", io.StringIO("窗口密码888\n"))
    assert main(["user", "add", "7001", "孙七", "fallback", "--password-stdin"]) == 1
    assert "已存在" in capsys.readouterr().err
    assert main(["user", "add", "7002", "周八", "boss", "--password-stdin"]) == 1
    assert main(["db", "recompute-deadlines"]) == 0


def test_setup_creates_the_hall_key_once_and_the_chain_uses_it(cli_env, monkeypatch, tmp_path, capsys):
    import stat

    from clerk.config import get_settings

    key_file = tmp_path / "keys" / "hall.key"
    monkeypatch.setenv("CLERK_KEY_FILE", str(key_file))
    get_settings.cache_clear()
    assert main(["setup"]) == 0
    out = capsys.readouterr().out
    assert f"已创建大厅密钥 {key_file}" in out
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()
    assert main(["setup"]) == 0
    assert f"大厅密钥 {key_file} 已存在" in capsys.readouterr().out and key_file.read_text() == key
    assert main(["audit", "verify"]) == 0

    key_file.rename(tmp_path / "moved.key")  # the key is lost: said clearly, nothing passes
    assert main(["audit", "verify"]) == 1
    assert "找不到大厅密钥文件" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("窗口密码888\n"))
    assert main(["user", "add", "7002", "周八", "window", "--password-stdin"]) == 1
    assert "找不到大厅密钥文件" in capsys.readouterr().err
