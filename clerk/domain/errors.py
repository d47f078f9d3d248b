"""Errors of the domain, the store and the services; every message is a Chinese sentence for the clerk.

The store's errors (``StoreUnavailable``, ``ConcurrentUpdate``, ``NotFound``) are
defined here too (``clerk.store.errors`` re-exports them) so that the UI imports
every error it shows from one place and the domain needs nothing above it.
"""

from __future__ import annotations

from datetime import datetime

from clerk.domain.lifecycle import TransitionError
from clerk.identity.text import text_problems


class StoreError(Exception):
    """Base class of store errors; ``str()`` is a sentence for the clerk."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or stayed locked for too long."""

    def __init__(self, message: str = "数据库暂时无法连接，请稍后重试；如持续出现请联系系统管理员。") -> None:
        super().__init__(message)


class StoreRefused(StoreError):
    """The database refused the statement (PostgreSQL SQLSTATE 42501): the role this process
    logs in as may not do it (clerk db roles), or a trigger of clerk's refused it."""

    def __init__(self, message: str = "数据库拒绝了这项操作：本机的数据库账号无此权限，请由系统管理员执行") -> None:
        super().__init__(message)

    @classmethod
    def of(cls, error: object) -> StoreRefused:
        """The one line for a driver error (its primary message names the table or the rule)."""
        diag = getattr(error, "diag", None)
        primary = str(getattr(diag, "message_primary", None) or error)
        if "append-only" in primary:
            return cls("数据库拒绝了这项操作：审计记录只能追加，不能修改或删除")
        if "本机clerk版本过旧" in primary:  # the store's version gate (clerk.store.versioning)
            return cls("数据库拒绝了这项操作：" + primary.removeprefix("permission denied for ").strip("（）"))
        if "sealed by the database" in primary:
            return cls("数据库拒绝了这项操作：审计记录只能由数据库封存")
        words = primary.split()
        target = words[-1] if primary.startswith("permission denied for") and words else ""
        if target:
            return cls(f"数据库拒绝了这项操作：本机的数据库账号无权操作 {target}，请由系统管理员执行")
        return cls()


class StoreFull(StoreUnavailable):
    """The database's disk (or quota) is full: nothing was written (SQLite ``SQLITE_FULL``, PostgreSQL 53100).

    A kind of unavailability (what was being saved is kept and retried, as when the store is down),
    but the administrator must free space: the message says so and names the incident logged.
    """

    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(f"数据库所在磁盘已满，本次操作未能保存；请系统管理员清理磁盘空间后重试（记录号 {reference}）。")


class ConcurrentUpdate(StoreError):
    """Another window changed the case since it was loaded (optimistic lock)."""

    def __init__(self, message: str = "已被其他窗口更新，请重新载入") -> None:
        super().__init__(message)


class NotFound(StoreError):
    """No row for the given key (case number, clerk id …)."""


class SignInFailed(StoreError):
    """Wrong id or password, or a disabled account (one message for all three)."""

    def __init__(self, message: str = "工号或密码不正确，或账号已停用") -> None:
        super().__init__(message)


class AccountLocked(SignInFailed):
    """Too many failures: refused until ``until`` (aware, hall time)."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"连续登录失败次数过多，账号已锁定至 {until:%H:%M}（{until:%m月%d日}），"
                         "请届时再试，或请系统管理员解锁")


class PasswordChangeRequired(SignInFailed):
    """The password was right, but it is an initial or reset one: a new one is needed first."""

    def __init__(self) -> None:
        super().__init__("这是初始密码或管理员重置的密码，须先设置新密码：在登录界面输入两次新密码")


class PasswordRejected(SignInFailed):
    """The new password does not pass the rule; ``problems`` says why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("新密码不符合要求：" + "；".join(problems))


class ServiceError(Exception):
    """A request the service refuses; ``str()`` says why, in Chinese."""


# Sign-in refusals are raised by clerk.store.signin (lock-out, equal cost for unknown ids).
AuthenticationFailed = SignInFailed


class PermissionDenied(ServiceError):
    """The clerk's role does not allow the action."""


class IntakeError(ServiceError):
    """The draft cannot be committed with the chosen outcome; ``.problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("；".join(problems))


def refuse_bad_text(*fields: tuple[str, str, int]) -> None:
    """``IntakeError`` for free text the domain refuses: controls, bidi marks, too long
    (each field a (value, Chinese label, limit) of ``clerk.identity.text``)."""
    problems = text_problems(*fields)
    if problems:
        raise IntakeError(problems)


class OneTimeNoticeViolation(ServiceError):
    """一次告知: a material not on the issued one-time notice cannot be required later."""


class CaseNotFound(NotFound):
    def __init__(self, number: str) -> None:
        self.number = number
        super().__init__(f"未找到受理编号为 {number} 的案件")


__all__ = [
    "AccountLocked",
    "AuthenticationFailed",
    "CaseNotFound",
    "ConcurrentUpdate",
    "IntakeError",
    "NotFound",
    "OneTimeNoticeViolation",
    "PasswordChangeRequired",
    "PasswordRejected",
    "PermissionDenied",
    "ServiceError",
    "SignInFailed",
    "StoreError",
    "StoreUnavailable",
    "TransitionError",
]
