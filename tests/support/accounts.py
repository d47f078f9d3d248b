"""The hall's staff as stored accounts (a pytest plugin, see tests/conftest.py), and the
administrator's sign-in that account and history commands need (``clerk.commands.admin_gate``).

- ``users``: one account of each desk role, created through ``AccountService.add`` with
  ``by=None``: the first-setup path, accepted only while the store has no administrator
  (none of these is one).
- ``ready_admin``: the administrator of ``clerk setup`` signed in once with a password of
  its own (the forced change of ``clerk123``), so that gated commands can run.
- ``as_admin``: run a ``clerk`` command with ``--admin ID --admin-password-stdin``, the
  administrator's password on the first line of stdin and ``lines`` after it.
"""

from __future__ import annotations

import io

import pytest

from clerk.domain.accounts import ClerkUser, Role

PASSWORD = "secret1"
#: The administrator that ``clerk setup`` creates, and the password it chose at its first sign-in.
ADMIN_ID = "admin"
ADMIN_PASSWORD = "Hall#Key2026"
SETUP_PASSWORD = "clerk123"  # clerk.commands.store.DEMO_PASSWORD


@pytest.fixture
def users(service) -> dict[str, ClerkUser]:
    """Two window clerks, the fallback desk, the mail room, the supervisor and the back office."""

    def make(user_id: str, name: str, role: Role) -> ClerkUser:
        return service.add_user(None, user_id, name, role, PASSWORD)

    return {
        "window": make("w01", "张三", Role.WINDOW),
        "window2": make("w02", "李四", Role.WINDOW),
        "fallback": make("f01", "王兜底", Role.FALLBACK),
        "mail": make("m01", "赵邮", Role.MAILROOM),
        "boss": make("s01", "钱主任", Role.SUPERVISOR),
        "office": make("b01", "孙审批", Role.BACKOFFICE),
    }


def sign_in_first_time(store, clerk_id: str, initial: str, chosen: str) -> ClerkUser:
    """A person's first sign-in: the initial password and the new one they choose (the window's way)."""
    from clerk.domain.clock import now_utc
    from clerk.store.signin import SignIn

    return SignIn(store, now_utc).authenticate(clerk_id, initial, new_password=chosen)


def ready_admin(store) -> ClerkUser:
    """The administrator of ``clerk setup``, after its first sign-in (password ``ADMIN_PASSWORD``)."""
    return sign_in_first_time(store, ADMIN_ID, SETUP_PASSWORD, ADMIN_PASSWORD)


def as_admin(monkeypatch, argv: list[str], *lines: str, admin: str = ADMIN_ID,
             password: str = ADMIN_PASSWORD) -> int:
    """``clerk ARGV --admin ADMIN --admin-password-stdin`` with stdin = the password, then ``lines``."""
    from clerk.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join([password, *lines]) + "\n"))
    return main([*argv, "--admin", admin, "--admin-password-stdin"])
