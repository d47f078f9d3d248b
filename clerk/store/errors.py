"""Errors the store raises; the service layer lets them through to the UI.

Each carries a Chinese message meant for the clerk at the window.
"""

from __future__ import annotations


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
