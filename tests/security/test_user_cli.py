"""``clerk user list | add | passwd | disable | enable | unlock``, the administrator's sign-in they
need, and the demo accounts of ``clerk setup``."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from clerk.cli import main
from tests.conftest import FIXTURES
from tests.support.accounts import ADMIN_ID, ADMIN_PASSWORD, as_admin, ready_admin, sign_in_first_time


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


def events(store, action: str | None = None):
    from sqlalchemy import select

    from clerk.store.tables import AuditEvent

    with store.session(write=False) as session:
        rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
        return [(e.actor, e.action, e.after) for e in rows if action is None or e.action == action]


def account(store, clerk_id: str):
    from clerk.store.tables import ClerkAccount

    with store.session(write=False) as session:
        row = session.get(ClerkAccount, clerk_id)
        return None if row is None else (row.active, row.must_change_password, row.failed_count)


def test_demo_accounts_must_set_a_new_password_first(cli_env, capsys):
    from clerk.domain.errors import PasswordChangeRequired

    with pytest.raises(PasswordChangeRequired):
        service(cli_env).authenticate("1001", "clerk123")
    assert main(["user", "list"]) == 0
    listing = capsys.readouterr().out
    assert "1001\t王芳\t综合受理窗口\t正常\t须修改" in listing


def test_every_account_command_refuses_without_an_administrator_sign_in(cli_env, monkeypatch, capsys):
    """The probe's commands, as typed on a window PC: nothing changes, one line says why."""
    ready_admin(cli_env)
    before = {clerk_id: account(cli_env, clerk_id) for clerk_id in ("9001", "1001")}
    for argv, stdin in ((["passwd", "9001", "--password-stdin"], "Evil#2026"),
                        (["add", "evil", "坏人", "admin", "--password-stdin"], "Evil#2026"),
                        (["unlock", "1001"], None), (["disable", "1001"], None), (["enable", "1001"], None)):
        assert user(monkeypatch, *argv, stdin=stdin) == 1, argv
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "须由系统管理员登录" in err[0] and "--admin" in err[0]
    assert account(cli_env, "evil") is None
    assert {clerk_id: account(cli_env, clerk_id) for clerk_id in ("9001", "1001")} == before
    assert not events(cli_env, "password_reset") and not events(cli_env, "account_add")[7:]


def test_no_change_required_is_refused_in_one_line(cli_env, monkeypatch, capsys):
    ready_admin(cli_env)
    for argv in (["passwd", "1002"], ["add", "7001", "孙七", "fallback"]):
        assert as_admin(monkeypatch, ["user", *argv, "--password-stdin", "--no-change-required"],
                        "Window#02") == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "--no-change-required 已取消" in err[0]
    assert account(cli_env, "7001") is None and not events(cli_env, "password_reset")


def test_wrong_password_and_a_non_admin_are_refused_and_count_towards_the_lock(cli_env, monkeypatch, capsys):
    """CLERK_LOCKOUT_ATTEMPTS=3, as at the window: the supervisor's own right password is no key."""
    from clerk.domain.errors import AccountLocked

    ready_admin(cli_env)
    sign_in_first_time(cli_env, "9001", "clerk123", "Boss#2026")
    for n in range(2):
        assert as_admin(monkeypatch, ["user", "unlock", "1001"], admin="9001", password="Boss#2026") == 1
        assert "工号或密码不正确" in capsys.readouterr().err
        assert account(cli_env, "9001")[2] == n + 1
    assert as_admin(monkeypatch, ["user", "unlock", "1001"], admin="9001", password="Boss#2026") == 1
    assert "账号已锁定至" in capsys.readouterr().err
    with pytest.raises(AccountLocked):  # the same lock as the window's
        service(cli_env).authenticate("9001", "Boss#2026")
    reasons = [after["reason"] for actor, action, after in events(cli_env, "sign_in_failed") if actor == "9001"]
    assert reasons == ["role", "role", "role", "locked"]  # the one below, with the window's service

    for _ in range(2):
        assert as_admin(monkeypatch, ["user", "unlock", "9001"], password="wrong#Pass1") == 1
        assert "工号或密码不正确" in capsys.readouterr().err
    assert as_admin(monkeypatch, ["user", "unlock", "9001"], password="wrong#Pass1") == 1
    assert "账号已锁定至" in capsys.readouterr().err
    assert as_admin(monkeypatch, ["user", "unlock", "9001"]) == 1  # the right password, while locked
    assert "账号已锁定至" in capsys.readouterr().err
    assert not events(cli_env, "account_unlocked")


def test_an_administrator_with_the_initial_password_is_sent_to_change_it_first(cli_env, monkeypatch, capsys):
    assert as_admin(monkeypatch, ["user", "unlock", "1001"], password="clerk123") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "初始密码" in err[0] and "窗口程序" in err[0]
    assert not events(cli_env, "account_unlocked")


def test_disable_enable_unlock_and_passwd_name_the_administrator(cli_env, monkeypatch, capsys):
    from clerk.domain.errors import AccountLocked, AuthenticationFailed, PasswordChangeRequired

    ready_admin(cli_env)
    # A personal administrator account: the events then name a person, not the shared `admin`.
    assert as_admin(monkeypatch, ["user", "add", "8001", "周管理", "admin", "--password-stdin"], "Start#Zhou26") == 0
    assert "本人首次登录时须修改密码" in capsys.readouterr().out
    sign_in_first_time(cli_env, "8001", "Start#Zhou26", "Mine#2026x")

    def by_zhou(*argv: str, lines: tuple[str, ...] = ()) -> int:
        return as_admin(monkeypatch, ["user", *argv], *lines, admin="8001", password="Mine#2026x")

    cases = service(cli_env)
    cases.sign_in_policy = None  # from the settings (CLERK_LOCKOUT_ATTEMPTS=3)
    assert by_zhou("passwd", "1002", "--password-stdin", lines=("weak",)) == 1
    assert "至少需要8个字符" in capsys.readouterr().err
    assert by_zhou("passwd", "1002", "--password-stdin", lines=("Window#02",)) == 0
    assert "下次登录时须修改" in capsys.readouterr().out
    with pytest.raises(PasswordChangeRequired):  # a password set by someone else: always changed first
        cases.authenticate("1002", "Window#02")
    assert cases.authenticate("1002", "Window#02", new_password="Mine#LiMing9").id == "1002"

    assert by_zhou("disable", "1002") == 0
    assert "已停用账号 1002" in capsys.readouterr().out
    with pytest.raises(AuthenticationFailed, match="工号或密码不正确"):
        cases.authenticate("1002", "Mine#LiMing9")
    assert main(["user", "list"]) == 0
    assert "1002\t李明\t综合受理窗口\t停用" in capsys.readouterr().out
    assert by_zhou("enable", "1002") == 0
    assert cases.authenticate("1002", "Mine#LiMing9").id == "1002"

    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            cases.authenticate("1002", "nope")
    with pytest.raises(AccountLocked):
        cases.authenticate("1002", "nope")
    assert main(["user", "list"]) == 0
    assert "1002\t李明\t综合受理窗口\t锁定至" in capsys.readouterr().out
    assert by_zhou("unlock", "1002") == 0
    assert cases.authenticate("1002", "Mine#LiMing9").id == "1002"
    assert by_zhou("disable", "nobody") == 1
    assert "没有工号为 nobody 的账号" in capsys.readouterr().err

    assert main(["audit", "verify"]) == 0
    done = {action: (actor, after) for actor, action, after in events(cli_env)}
    for action in ("password_reset", "account_disabled", "account_enabled", "account_unlocked"):
        assert done[action][0] == "8001" and done[action][1]["by_name"] == "周管理", action
    assert done["account_add"] == ("admin", {"id": "8001", "name": "周管理", "role": "admin", "by_name": "系统管理员"})
    assert "account_locked" in done


def test_the_last_active_administrator_cannot_be_disabled(cli_env, monkeypatch, capsys):
    ready_admin(cli_env)
    assert as_admin(monkeypatch, ["user", "disable", ADMIN_ID]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "最后一个在用的系统管理员" in err[0]
    assert account(cli_env, ADMIN_ID)[0] is True
    assert as_admin(monkeypatch, ["user", "add", "8001", "周管理", "admin", "--password-stdin"], "Start#Zhou26") == 0
    sign_in_first_time(cli_env, "8001", "Start#Zhou26", "Mine#2026x")
    assert as_admin(monkeypatch, ["user", "disable", ADMIN_ID], admin="8001", password="Mine#2026x") == 0
    assert account(cli_env, ADMIN_ID)[0] is False
    assert as_admin(monkeypatch, ["user", "disable", "8001"], admin="8001", password="Mine#2026x") == 1
    assert "最后一个在用的系统管理员" in capsys.readouterr().err
    with pytest.raises(Exception, match="最后一个在用的系统管理员"):  # the service's own rule, not the command's
        service(cli_env).accounts.deactivate(service(cli_env).authenticate("8001", "Mine#2026x"), "8001")
    assert account(cli_env, "8001")[0] is True


def test_a_cli_command_that_asks_for_a_password_is_locked_out_too(cli_env, monkeypatch, capsys):
    """`clerk print … --clerk ID` signs in through the same lock-out (CLERK_LOCKOUT_ATTEMPTS=3)."""
    from clerk.domain.errors import AccountLocked

    sign_in_first_time(cli_env, "1001", "clerk123", "Window#01")
    for n in range(3):
        monkeypatch.setattr("sys.stdin", io.StringIO(f"guess{n}\n"))
        assert main(["print", "20260310-SF-0001", "--kind", "promised", "--clerk", "1001", "--window", "5",
                     "--password-stdin"]) == 1
    err = capsys.readouterr().err
    assert err.count("工号或密码不正确") == 2 and "账号已锁定至" in err
    with pytest.raises(AccountLocked):
        service(cli_env).authenticate("1001", "Window#01")


@pytest.mark.slow
def test_an_unknown_admin_id_locks_across_processes_like_a_real_one(cli_env, tmp_path):
    """Each try a new `clerk` process: the unknown id locks on the 3rd (CLERK_LOCKOUT_ATTEMPTS=3),
    exactly as the real `admin` does, so the answers do not tell which ids exist."""
    ready_admin(cli_env)
    env = {**os.environ, "CLERK_DATABASE_URL": cli_env.url, "CLERK_LOCKOUT_ATTEMPTS": "3",
           "CLERK_CONFIG": os.devnull, "CLERK_CATALOG_DIR": str(FIXTURES / "catalog")}
    code = ("import sys; import clerk.domain.accounts as a; a._N = 2**10\n"  # cheap_password_hashing, there
            "from clerk.cli import main; sys.exit(main(sys.argv[1:]))")

    def attempt(admin: str) -> str:
        done = subprocess.run([sys.executable, "-c", code, "user", "unlock", "1001", "--admin", admin,
                               "--admin-password-stdin"], input="Wrong#Pass1\n", capture_output=True, text=True,
                              env=env, timeout=120, cwd=os.getcwd())
        assert done.returncode == 1, done.stderr
        return done.stderr.strip()

    answers = {admin: [attempt(admin) for _ in range(4)] for admin in (ADMIN_ID, "ghost")}
    for admin, lines in answers.items():
        assert ["工号或密码不正确" in line for line in lines] == [True, True, False, False], (admin, lines)
        assert all("账号已锁定至" in line for line in lines[2:]), (admin, lines)
    assert as_admin_password_still_locked(cli_env)


def as_admin_password_still_locked(store) -> bool:
    from clerk.domain.errors import AccountLocked

    try:
        service(store).authenticate(ADMIN_ID, ADMIN_PASSWORD)
    except AccountLocked:
        return True
    return False
