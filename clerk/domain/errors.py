"""Errors of the domain, the store and the services; every message is a Chinese sentence for the clerk.

The store's errors (``StoreUnavailable``, ``ConcurrentUpdate``, ``NotFound``) are
defined here too (``clerk.store.errors`` re-exports them) so that the UI imports
every error it shows from one place and the domain needs nothing above it.
"""

from __future__ import annotations

from clerk.domain.lifecycle import TransitionError


class StoreError(Exception):
    """Base class of store errors; ``str()`` is a sentence for the clerk."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or stayed locked for too long."""

    def __init__(self, message: str = "数据库暂时无法连接，请稍后重试；如持续出现请联系系统管理员。") -> None:
        super().__init__(message)


class ConcurrentUpdate(StoreError):
    """Another window changed the case since it was loaded (optimistic lock)."""

    def __init__(self, message: str = "已被其他窗口更新，请重新载入") -> None:
        super().__init__(message)


class NotFound(StoreError):
    """No row for the given key (case number, clerk id …)."""


class ServiceError(Exception):
    """A request the service refuses; ``str()`` says why, in Chinese."""


class AuthenticationFailed(ServiceError):
    def __init__(self) -> None:
        super().__init__("工号或密码不正确，或账号已停用")


class PermissionDenied(ServiceError):
    """The clerk's role does not allow the action."""


class IntakeError(ServiceError):
    """The draft cannot be committed with the chosen outcome; ``.problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("；".join(problems))


class OneTimeNoticeViolation(ServiceError):
    """一次告知: a material not on the issued one-time notice cannot be required later."""


class CaseNotFound(NotFound):
    def __init__(self, number: str) -> None:
        self.number = number
        super().__init__(f"未找到受理编号为 {number} 的案件")


__all__ = [
    "AuthenticationFailed",
    "CaseNotFound",
    "ConcurrentUpdate",
    "IntakeError",
    "NotFound",
    "OneTimeNoticeViolation",
    "PermissionDenied",
    "ServiceError",
    "StoreError",
    "StoreUnavailable",
    "TransitionError",
]
