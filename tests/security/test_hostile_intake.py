"""Hostile text typed or pasted into the intake form: refused at the keyboard or kept literally."""

from __future__ import annotations

import pytest

from tests.support.hostile import CONTROL_CHARS, HOSTILE
from tests.support.screen import screen_text, settle

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
SIZE = (160, 50)


@pytest.fixture
def backend():
    """The form does not touch the store."""
    return "sqlite"


def _assert_clean(app):
    shown = screen_text(app)
    for ch in CONTROL_CHARS:
        assert ch not in shown
    return shown


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.id for h in HOSTILE])
async def test_intake_refuses_or_keeps_hostile_input_literally(make_app, users, hostile):
    """Pasted into the name field: a control, a bidi mark or more than 100 characters is refused
    at the keyboard; anything else is kept and shown exactly as typed."""
    from textual.widgets import Input

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.signed_in(users["window"], 5)
        await settle(pilot)
        await settle(pilot)  # landing waits for the seat (clerk.tui.seats)
        name = app.screen.query_one("#applicant-name", Input)
        name.focus()
        name.insert_text_at_cursor(hostile.value)  # what a paste does
        await settle(pilot)
        shown = _assert_clean(app)
        if hostile.refused:
            assert name.value == ""
        else:
            assert name.value == hostile.value and hostile.value[-3:] in shown
            assert not any("申请人名称" in p for p in app.screen.applicant_problems())
