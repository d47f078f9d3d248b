"""Fixtures of the ticket and calling tests: a hall, its ticket service, clerks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clerk.domain.accounts import Role


@pytest.fixture
def hall_settings(hall_key_file, tmp_path):
    from clerk.config import Settings

    return Settings.defaults(home=tmp_path, receipts_dir=tmp_path / "receipts", key_file=hall_key_file)


@pytest.fixture
def hall_clock(clock):
    """10:00 Beijing time on Wednesday 2026-11-25: every default queue is open."""
    clock.now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    return clock


@pytest.fixture
def tickets(store, hall_settings, catalog, hall_clock):
    from clerk.services.tickets import TicketService

    return TicketService(store, hall_settings, catalog, hall_clock)


@pytest.fixture
def clerks(store, hall_clock, cheap_password_hashing):
    from clerk.services.accounts import AccountService

    accounts = AccountService(store, hall_clock)
    return {
        "window": accounts.add(None, "1001", "王小明", Role.WINDOW, "secret1"),
        "window2": accounts.add(None, "1002", "李华", Role.WINDOW, "secret1"),
        "fallback": accounts.add(None, "2001", "赵兜底", Role.FALLBACK, "secret1"),
        "mailroom": accounts.add(None, "3001", "钱邮寄", Role.MAILROOM, "secret1"),
        "supervisor": accounts.add(None, "9001", "孙主管", Role.SUPERVISOR, "secret1"),
    }
