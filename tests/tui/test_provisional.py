"""A due date in a year whose holidays are not published is flagged before committing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from .support import screen_text
from .visit import PERSON, applicant, pick, settle, sign_in

pytestmark = pytest.mark.asyncio


@pytest.fixture
def clock():
    # 2026-12-21, 10:00 in Beijing: 20 working days later is in 2027 (not published here)
    return lambda: datetime(2026, 12, 21, 2, 0, tzinfo=UTC)


async def test_confirmation_warns_that_the_due_date_is_provisional(make_app, calendar, case_service):
    assert not calendar.has_schedule(2027)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "370112-JYTY-003")  # 承诺 20 working days
        await applicant(pilot, PERSON)
        await pilot.press("f4", "a", "f10")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        text = screen_text(app)
        assert type(app.screen).__name__ == "ConfirmScreen"
        assert "承诺办结时间：2027年" in text
        assert "暂定：2027年节假日安排尚未公布" in text
        assert "将打印：承诺件通知书" in text
        await pilot.press("escape")  # back to the form, nothing written
        await settle(pilot)
        assert type(app.screen).__name__ == "IntakeScreen"
        assert case_service.find(PERSON[0]) == []
        assert app.screen.query_one("#applicant-name").value == PERSON[0]
