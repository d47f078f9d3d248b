"""The back office's F10 asks first: the decision, its reason and the notice it prints to the citizen are
read in a confirmation, as an intake's are; F10 there records it, Esc goes back (issue 30 item 18)."""

from __future__ import annotations

import pytest

from tests.support.screen import screen_text

from .test_roles import sign_in_as
from .test_scan_and_lookup import saved_case
from .visit import settle, settled_when, typed


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_a_decision_is_confirmed_before_it_is_recorded(make_app, case_service, catalog, staff, size):
    from textual.widgets import Input, Select

    from clerk.domain.lifecycle import CaseState

    number = saved_case(case_service, catalog)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "4001")
        desk = app.screen
        assert type(desk).__name__ == "DecisionScreen"
        await pilot.press(*typed(number), "enter")
        await settled_when(pilot, lambda: desk.case is not None, "the case opened")

        desk.query_one("#decision-kind", Select).value = "refused"
        await pilot.press("f10")  # a refusal without its reason: said at once, nothing to confirm
        await settle(pilot)
        assert app.screen is desk and "不予许可须写明理由" in desk.query_one("#banner").text

        desk.query_one("#decision-text", Input).value = "经营场所不符合卫生要求"
        await pilot.press("f10")
        await settle(pilot)
        assert app.screen is not desk  # asked first
        shown = screen_text(app)
        for words in (number, "不予许可", "经营场所不符合卫生要求", "将打印：不予许可通知书"):
            assert words in shown, words
        assert case_service.get(number).state is CaseState.ACCEPTED  # nothing recorded yet

        await pilot.press("escape")  # back to change it
        await settle(pilot)
        assert app.screen is desk and case_service.get(number).state is CaseState.ACCEPTED

        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("f10")  # confirmed
        await settle(pilot)
        assert app.screen is desk
    assert case_service.get(number).state is CaseState.REFUSED
