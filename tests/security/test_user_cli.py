"""``clerk user list | add | passwd | disable | enable | unlock`` and the demo accounts of ``clerk setup``."""

from __future__ import annotations

import os
import io

import pytest

from clerk.cli import main
from tests.conftest import FIXTURES


@pytest.fixture
def cli_env(empty_store, monkeypatch, tmp_path, cheap_password_hashing, capsys):
    from clerk.config import get_settings

    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_DATABASE_URL", empty_store.url)
    monkeypatch.setenv("CLERK_CATALOG_DIR", str(FIXTURES / "catalog"))
    monkeypatch.setenv("CLERK_LOCKOUT_ATTEMPTS", "3")
    get_settings.cache_clear()
    assert main(["setup"]) == 0
    assert "首次登录时须设置新密码" in capsys.readouterr().out
    yield empty_store
    get_settings.cache_clear()


def service(store):
    from clerk.calendar import WorkCalendar
    from clerk.services.cases import CaseService

    return CaseService(store, None, WorkCalendar({}))


def user(monkeypatch, *args, stdin: str | None = None) -> int:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin + "\n"))
    return main(["user", *args])


def test_demo_accounts_must_set_a_new_password_first(cli_env, capsys):
    from clerk.domain.errors import PasswordChangeRequired

    with pytest.raises(PasswordChangeRequired):
        service(cli_env).authenticate("1001", "clerk123")
    assert main(["user", "list"]) == 0
    listing = capsys.readouterr().out
    assert "1001\t王芳\t综合受理窗口\t正常\t须修改" in listing


def test_disable_enable_unlock_and_passwd(cli_env, monkeypatch, capsys):
    from clerk.domain.errors import AccountLocked, AuthenticationFailed

    cases = service(cli_env)
    cases.sign_in_policy = None  # from the settings (CLERK_LOCKOUT_ATTEMPTS=3)
    assert user(monkeypatch, "passwd", "1002", "--password-stdin", "--no-change-required", stdin="weak") == 1
    assert "至少需要8个字符" in capsys.readouterr().err
    assert user(monkeypatch, "passwd", "1002", "--password-stdin", "--no-change-required", stdin="Window#02") == 0
    assert cases.authenticate("1002", "Window#02").id == "1002"

    assert user(monkeypatch, "disable", "1002") == 0
    assert "已停用账号 1002" in capsys.readouterr().out
    with pytest.raises(AuthenticationFailed, match="工号或密码不正确"):
        cases.authenticate("1002", "Window#02")
    assert main(["user", "list"]) == 0
    assert "1002\t李明\t综合受理窗口\t停用" in capsys.readouterr().out
    assert user(monkeypatch, "enable", "1002") == 0
    assert cases.authenticate("1002", "Window#02").id == "1002"

    from clerk.config import get_settings

    get_settings.cache_clear()
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            cases.authenticate("1002", "nope")
    with pytest.raises(AccountLocked):
        cases.authenticate("1002", "nope")
    assert main(["user", "list"]) == 0
    assert "1002\t李明\t综合受理窗口\t锁定至" in capsys.readouterr().out
    assert user(monkeypatch, "unlock", "1002") == 0
    assert cases.authenticate("1002", "Window#02").id == "1002"

    assert user(monkeypatch, "passwd", "1002", "--password-stdin", stdin="Reset#2026") == 0
    assert "下次登录时须修改" in capsys.readouterr().out
    from clerk.domain.errors import PasswordChangeRequired

    with pytest.raises(PasswordChangeRequired):
        cases.authenticate("1002", "Reset#2026")
    assert user(monkeypatch, "disable", "nobody") == 1
    assert "没有工号为 nobody 的账号" in capsys.readouterr().err

    assert main(["audit", "verify"]) == 0
    from sqlalchemy import select

    from clerk.store.tables import AuditEvent

    with cli_env.session(write=False) as session:
        done = [e.action for e in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()]
    for action in ("password_reset", "account_disabled", "account_enabled", "account_unlocked", "account_locked"):
        assert action in done


def test_a_cli_command_that_asks_for_a_password_is_locked_out_too(cli_env, monkeypatch, capsys):
    """`clerk print … --clerk ID` signs in through the same lock-out (CLERK_LOCKOUT_ATTEMPTS=3)."""
    from clerk.domain.errors import AccountLocked

    assert user(monkeypatch, "passwd", "1001", "--password-stdin", "--no-change-required", stdin="Window#01") == 0
    for n in range(3):
        monkeypatch.setattr("sys.stdin", io.StringIO(f"guess{n}\n"))
        assert main(["print", "20260310-SF-0001", "--kind", "promised", "--clerk", "1001", "--window", "5",
                     "--password-stdin"]) == 1
    err = capsys.readouterr().err
    assert err.count("工号或密码不正确") == 2 and "账号已锁定至" in err
    with pytest.raises(AccountLocked):
        service(cli_env).authenticate("1001", "Window#01")
