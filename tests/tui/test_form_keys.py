"""The applicant form as a clerk types it: Enter moves on from every row,
spaces in an ID number are ignored, every reason is readable at 80 columns."""

from __future__ import annotations

import pytest

from .support import region_text, screen_text
from .test_scan_and_lookup import TEACHER
from .visit import pick, settle, sign_in

pytestmark = pytest.mark.asyncio




async def test_enter_on_the_applicant_kind_row_moves_to_the_name(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press("shift+tab")  # back onto 申请人 ‹个人›/‹单位›
        assert app.focused.id == "applicant-kind"
        await pilot.press("right", "enter", *"济南示范餐饮有限公司")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#applicant-name").value == "济南示范餐饮有限公司"
        assert form.query_one("#applicant-id").value == ""


async def test_a_credit_code_refuses_chinese_with_a_reason(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press("shift+tab", "right", "enter", "enter", *"济南")
        await pilot.pause()
        assert app.screen.query_one("#applicant-id").value == ""
        assert "信用代码只能是数字和字母，未接受“南”" in region_text(app, app.screen.query_one("#id-feedback"))


@pytest.mark.parametrize("typed", ["370112 19870412 2833", "370112-19870412-2833 ", " 370112198704122833"])
async def test_spaces_and_separators_in_a_typed_id_number_are_ignored(make_app, typed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press("enter", *typed)
        await pilot.pause()
        assert app.screen.query_one("#applicant-id").value == "370112198704122833"
        assert "校验通过" in screen_text(app)


async def test_a_pasted_id_number_with_spaces_is_taken(make_app):
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press("enter")
        field = app.screen.query_one("#applicant-id")
        assert app.focused is field
        field.post_message(events.Paste("370112 19870412 2833 \n"))
        await pilot.pause()
        assert field.value == "370112198704122833"
        await pilot.press("backspace")
        assert field.value == "37011219870412283"


async def test_every_reason_is_readable_at_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press(*"张三", "enter", *"370112198704122834", "enter", *"1381234567")
        await settle(pilot)
        screen = app.screen
        assert "校验位应为3，当前为4" in region_text(app, screen.query_one("#id-feedback"))
        assert "手机号码应为11位，当前为10位" in region_text(app, screen.query_one("#phone-feedback"))
        verdict = region_text(app, screen.query_one("#verdict"))
        assert "申请人待补3处（2处见栏下提示）" in verdict  # the two reasons above are not cut here
        assert "选择EMS邮寄时必须填写邮寄地址" in verdict  # the one without a field of its own, whole
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        assert "联系电话：手机号码应为11位，当前为10位" in region_text(app, screen.query_one("#verdict"))


async def test_a_capped_supply_by_date_is_refused_when_typed_with_the_rule(make_app, calendar):
    """建筑工程施工许可 promises 3 working days: a 容缺 date of 20 working days is refused at once."""
    from clerk.tui.screens.prompt import PromptScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "370112-ZJJ-001")
        intake = app.screen
        await pilot.press("f4")
        table = intake.query_one("#checklist")
        table.move_cursor(row=table.get_row_index("drawing-review-commitment"))
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        limit = calendar.add_working_days(app.services.today(), 3).date
        await pilot.press("ctrl+u", "2", "0", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)  # refused, with the rule and the date it allows
        banner = region_text(app, app.screen.query_one("#banner"))
        assert "承诺3个工作日办结" in banner and f"{limit:%Y-%m-%d}" in banner
        await pilot.press("ctrl+u", *f"{limit:%Y-%m-%d}", "enter")
        await pilot.pause()
        assert intake.marks["drawing-review-commitment"].supply_by == limit
