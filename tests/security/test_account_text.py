"""Accounts take a 工号 and a 姓名 from the administrator: the text rule and the columns' lengths
apply in the service (every door that creates an account), and ``clerk user add`` / ``user list``
never print a control character raw, even for a name stored before the rule."""

from __future__ import annotations

import io
import os

import pytest
from sqlalchemy import text

from clerk.cli import main
from clerk.domain.accounts import Role
from clerk.domain.errors import IntakeError
from tests.conftest import FIXTURES
from tests.support.accounts import as_admin, ready_admin

BAD_NAMES = {
    "escape": ("张\x1b[2J三", "U+001B"),
    "bidi-override": ("张\u202e三", "U+202E"),
    "line-feed": ("张\n三", "U+000A"),
    "5000-characters": ("张" * 5000, "最多 64 个字，当前 5000 个字"),
}


@pytest.mark.parametrize("name, reason", BAD_NAMES.values(), ids=list(BAD_NAMES))
def test_the_account_service_refuses_hidden_characters_and_long_names(store, clock, cheap_password_hashing,
                                                                     name, reason):
    from clerk.services.accounts import AccountService

    accounts = AccountService(store, clock)
    with pytest.raises(IntakeError) as refused:
        accounts.add(None, "1009", name, Role.WINDOW, "Window#09")
    assert str(refused.value).startswith("姓名") and reason in str(refused.value)
    for clerk_id, why in (("10\x1b09", "U+001B"), ("10\u202e09", "U+202E"), ("10\n09", "U+000A"),
                          ("1" * 33, "工号过长"), ("10 09", "工号不能含空格")):
        with pytest.raises(IntakeError, match=why.replace("+", r"\+")):
            accounts.add(None, clerk_id, "王芳", Role.WINDOW, "Window#09")
    assert accounts.add(None, " 1009 ", "欧阳·娜娜", Role.WINDOW, "Window#09").id == "1009"


@pytest.fixture
def cli_env(cli_store, capsys):
    assert main(["setup"]) == 0
    ready_admin(cli_store)
    capsys.readouterr()
    return cli_store


def user_add(monkeypatch, clerk_id: str, name: str) -> int:
    """``clerk user add`` as the administrator types it, signed in, the new password on stdin."""
    return as_admin(monkeypatch, ["user", "add", clerk_id, name, "window", "--password-stdin"], "Window#09")


@pytest.mark.parametrize("name, reason", BAD_NAMES.values(), ids=list(BAD_NAMES))
def test_clerk_user_add_refuses_in_one_line_without_echoing_control(cli_env, monkeypatch, capsys, name, reason):
    assert user_add(monkeypatch, "1009", name) == 1
    out = capsys.readouterr()
    assert reason in out.err and out.err.count("\n") == 1 and "\x1b" not in out.err and "\u202e" not in out.err
    assert main(["user", "list"]) == 0
    assert "1009" not in capsys.readouterr().out


def test_user_add_and_list_escape_control_in_stored_names(cli_env, monkeypatch, capsys):
    """A name written before the rule (or behind the service's back) is listed with ESC made visible."""
    assert user_add(monkeypatch, "1009", "周\u2028九") == 1
    assert "姓名含有行分隔符（U+2028）" in capsys.readouterr().err
    with cli_env.connection(write=True) as conn:
        conn.execute(text("UPDATE clerk_accounts SET name = :name WHERE id = '1001'"),
                     {"name": "王\x1b]8;;http://x\x1b\\芳\x1b[2J\u202e"})
    assert main(["user", "list"]) == 0
    listing = capsys.readouterr().out
    assert "1001\t王␛]8;;http://x␛\\芳␛[2J<U+202E>\t综合受理窗口" in listing
    assert "\x1b" not in listing and "\u202e" not in listing
    assert user_add(monkeypatch, "\x1b[31m1009", "周九") == 1
    err = capsys.readouterr().err
    assert "工号含有不可见的控制字符（U+001B）" in err and "\x1b" not in err
