"""The administrator's sign-in in front of every command that changes accounts or history.

``clerk user add|passwd|disable|enable|unlock``, ``clerk db restore``,
``clerk db recompute-deadlines`` and ``clerk demo`` (on a store that has an
administrator) take::

    --admin ID                 the administrator doing it (an account of role admin)
    --admin-password-stdin     read that administrator's password from the first line of
                               standard input (otherwise it is asked for on the terminal)

A command that also reads a new password (``user add``/``user passwd`` with
``--password-stdin``) reads it from the next line: line 1 the administrator's
password, line 2 the new password.

The sign-in is the window's (:class:`clerk.store.signin.SignIn`): the same
lock-out, the same audit events (``via`` = ``cli``).  An account of another
role is refused even with its right password, and that try counts towards
its lock-out.  While the store has no active administrator (the first setup:
``clerk setup`` creates the first one) the commands run without a sign-in.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from clerk.config import get_settings
from clerk.domain.accounts import ClerkUser, Role
from clerk.domain.clock import now_utc
from clerk.domain.errors import PasswordChangeRequired, PermissionDenied, SignInFailed

if TYPE_CHECKING:
    from clerk.store.engine import Store

#: The flag that let an administrator skip the owner's first change of a password; refused now.
_NO_CHANGE = "--no-change-required"


def add_admin_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--admin", metavar="ID", help="办理此操作的系统管理员工号（须输入其密码；尚无管理员的新库不需要）")
    parser.add_argument("--admin-password-stdin", action="store_true",
                        help="从标准输入第一行读取管理员密码（否则在终端提示输入）")


def add_refused_no_change(parser: argparse.ArgumentParser) -> None:
    """Keep the old flag parseable, so that a script using it gets a reason instead of a usage dump."""
    parser.add_argument(_NO_CHANGE, dest="no_change_required", action="store_true", help=argparse.SUPPRESS)


def no_change_refused(args: argparse.Namespace) -> str | None:
    if getattr(args, "no_change_required", False):
        return f"{_NO_CHANGE} 已取消：他人设置的密码一律须由本人在首次登录时修改"
    return None


def needs_admin(store: Store) -> bool:
    """Whether the store has an active administrator (then every change needs one's sign-in)."""
    from clerk.store import account_admin  # the store's libraries only when a command runs

    with store.session(write=False) as session:
        return account_admin.active_admins(session) > 0


def sign_in_admin(args: argparse.Namespace, store: Store) -> ClerkUser | None:
    """The signed-in administrator; ``None`` while the store has none (the first setup).

    Raises ``PermissionDenied`` without ``--admin`` on a store that has an administrator,
    and ``SignInFailed`` (a one-line Chinese reason) when the sign-in is refused.
    """
    if not args.admin:
        if needs_admin(store):
            raise PermissionDenied("此操作须由系统管理员登录：请加 --admin 管理员工号"
                                   "（密码在终端输入，或用 --admin-password-stdin 从标准输入读入）")
        if args.admin_password_stdin:
            sys.stdin.readline()  # keep the line order of a script: line 2 stays the new password
        return None
    if args.admin_password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"管理员 {args.admin} 的密码：")
    from clerk.store.signin import SignIn, SignInPolicy

    settings = get_settings()
    gate = SignIn(store, now_utc, settings.timezone, SignInPolicy.from_settings(settings))
    try:
        return gate.authenticate(args.admin, password, via="cli", roles=(Role.ADMIN,), count_role_refusal=True)
    except PasswordChangeRequired:
        raise SignInFailed(
            f"管理员账号 {args.admin.strip()} 的密码是初始密码或他人重置的密码：请先用它登录窗口程序（clerk）"
            "设置新密码，再执行此命令") from None
