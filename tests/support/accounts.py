"""The hall's staff as stored accounts: one of each role (a pytest plugin, see tests/conftest.py)."""

from __future__ import annotations

import pytest

from clerk.domain.accounts import ClerkUser, Role

PASSWORD = "secret1"


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
