"""Fixtures of the fallback desk / EMS station tests: accounts and a DeskService."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# drafts.py (the shared draft builders) and harness.py, imported by plain name
for folder in (Path(__file__).parent.parent / "cases", Path(__file__).parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


@pytest.fixture
def users(service):
    from clerk.domain.accounts import Role

    make = lambda i, n, r: service.add_user(None, i, n, r, "secret1")  # noqa: E731
    return {
        "window": make("w01", "张三", Role.WINDOW),
        "window2": make("w02", "李四", Role.WINDOW),
        "fallback": make("f01", "王兜底", Role.FALLBACK),
        "mail": make("m01", "赵邮", Role.MAILROOM),
        "boss": make("s01", "钱主任", Role.SUPERVISOR),
        "office": make("b01", "孙审批", Role.BACKOFFICE),
    }


@pytest.fixture
def desk(service):
    from clerk.services.desk import DeskService

    return DeskService(service)
