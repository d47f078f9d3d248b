"""Errors of the service layer; every message is a Chinese sentence for the clerk.

Store errors (``StoreUnavailable``, ``ConcurrentUpdate``) are re-exported so
the UI imports every error it shows from one place.
"""

from __future__ import annotations

from clerk.cases.lifecycle import TransitionError
from clerk.store.errors import ConcurrentUpdate, NotFound, StoreError, StoreUnavailable


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


def refuse_bad_text(*fields: tuple[str, str, int]) -> None:
    """``IntakeError`` for free text the domain refuses: controls, bidi marks, too long
    (each field a (value, Chinese label, limit) of ``clerk.identity.text``)."""
    from clerk.identity.text import text_problems

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
