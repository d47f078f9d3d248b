"""The store's sub-commands through ``clerk.cli.main``."""

from __future__ import annotations

import io
import os

import pytest

from clerk.cli import main
from tests.conftest import FIXTURES
from tests.support.accounts import as_admin, ready_admin


@pytest.fixture
def cli_env(cli_store):
    return cli_store


def test_setup_is_idempotent_and_says_what_it_did(cli_env, capsys, monkeypatch):
    assert main(["setup"]) == 0
    first = capsys.readouterr().out
    from clerk.store.migrate import head_revision

    assert f"空库 → {head_revision()}" in first and "已创建演示账号" in first and "3 个事项，1 个一件事" in first
    assert main(["setup"]) == 0
    second = capsys.readouterr().out
    assert f"已是最新版本（{head_revision()}）" in second and "未创建演示账号" in second
    assert main(["db", "current"]) == 0
    assert main(["audit", "verify"]) == 0
    assert "共 7 条事件" in capsys.readouterr().out  # one per demo account
    assert "后台审批/出件" not in first  # the demo hall has its back office (4001)
    ready_admin(cli_env)
    assert as_admin(monkeypatch, ["user", "disable", "4001"]) == 0
    capsys.readouterr()
    assert main(["setup"]) == 0
    assert "尚无“后台审批/出件”账号" in capsys.readouterr().out


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
    from clerk.domain.accounts import Role
    from clerk.services.cases import CaseService

    assert main(["db", "upgrade"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("窗口密码888\n"))
    assert main(["user", "add", "7001", "孙七", "兜底窗口", "--password-stdin"]) == 1
    assert "至少3类" in capsys.readouterr().err  # digits and Chinese only: two classes
    monkeypatch.setattr("sys.stdin", io.StringIO("窗口Pass888\n"))
    # No administrator yet (only `db upgrade`): the first setup adds accounts without a sign-in.
    assert main(["user", "add", "7001", "孙七", "兜底窗口", "--password-stdin"]) == 0
    assert "已新增账号 7001" in capsys.readouterr().out
    service = CaseService(cli_env, None, WorkCalendar({}))
    assert service.authenticate("7001", "窗口Pass888", new_password="窗口Pass999").role is Role.FALLBACK
    monkeypatch.setattr("sys.stdin", io.StringIO("窗口Pass888\n"))
    assert main(["user", "add", "7001", "孙七", "fallback", "--password-stdin"]) == 1
    assert "已存在" in capsys.readouterr().err
    assert main(["user", "add", "7002", "周八", "boss", "--password-stdin"]) == 1
    capsys.readouterr()
    assert main(["user", "disable", "7001"]) == 0
    assert "已停用账号 7001" in capsys.readouterr().out
    from clerk.domain.errors import AuthenticationFailed

    with pytest.raises(AuthenticationFailed):
        service.authenticate("7001", "窗口Pass999")
    main(["user", "disable", "7001"])  # disabling twice is harmless
    capsys.readouterr()
    assert main(["db", "recompute-deadlines"]) == 0


def test_setup_says_which_font_the_notices_use(cli_env, monkeypatch, tmp_path, capsys):
    from clerk.config import get_settings

    monkeypatch.delenv("CLERK_FONT", raising=False)
    get_settings.cache_clear()
    assert main(["setup"]) == 0
    assert "通知书字体：clerk-notice-song.ttf（随程序发布，嵌入PDF）" in capsys.readouterr().out
    monkeypatch.setenv("CLERK_FONT", str(tmp_path / "gone.ttf"))
    get_settings.cache_clear()
    assert main(["setup"]) == 2  # a bad setting: nothing is written
    assert "设置 font_path" in capsys.readouterr().err
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
    ready_admin(cli_env)
    assert main(["setup"]) == 0
    assert f"大厅密钥 {key_file} 已存在" in capsys.readouterr().out and key_file.read_text() == key
    assert main(["audit", "verify"]) == 0

    key_file.rename(tmp_path / "moved.key")
    if cli_env.dialect == "postgresql":  # the database seals with its own copy: no key file needed
        assert main(["audit", "verify"]) == 0
        assert as_admin(monkeypatch, ["user", "add", "7002", "周八", "window", "--password-stdin"], "窗口Pass888") == 0
        return
    # SQLite: the key is lost: said clearly, nothing passes
    assert main(["audit", "verify"]) == 1
    assert "找不到大厅密钥文件" in capsys.readouterr().err
    assert as_admin(monkeypatch, ["user", "add", "7002", "周八", "window", "--password-stdin"], "窗口Pass888") == 1
    assert "找不到大厅密钥文件" in capsys.readouterr().err


def test_recompute_deadlines_needs_an_administrator_once_there_is_one(cli_env, monkeypatch, capsys):
    """It rewrites promised dates in history: the same sign-in as the account commands."""
    assert main(["setup"]) == 0
    ready_admin(cli_env)
    capsys.readouterr()
    assert main(["db", "recompute-deadlines"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "须由系统管理员登录" in err[0]
    assert as_admin(monkeypatch, ["db", "recompute-deadlines"], password="Wrong#Pass1") == 1
    assert "工号或密码不正确" in capsys.readouterr().err
    assert as_admin(monkeypatch, ["db", "recompute-deadlines"]) == 0
    assert "没有需要重算的期限" in capsys.readouterr().out
