"""At 80×24 what matters stays on screen: the complaint desk's form and list fit, the whole
text of the highlighted row shows under the list, a long address shows its end."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select

from .support import region_text, screen_text
from .visit import settle, sign_in

pytestmark = pytest.mark.asyncio
NARROW = (80, 24)
LONG = "开饭店跑了三次还没办成，每次窗口都说缺一份材料，第三次又说要先去消防大队盖章再来"


async def test_the_complaint_desk_fits_80_columns_and_shows_the_row_in_full(make_app, staff):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ComplaintsScreen"
        for field in ("#complaint-category", "#complaint-summary", "#complaint-name", "#complaint-phone",
                      "#complaint-case"):
            region = screen.query_one(field).region
            assert region.width >= 12 and region.right <= NARROW[0], (field, region)
        screen.query_one("#complaint-category", Select).value = "很难办"
        screen.query_one("#complaint-summary", Input).value = LONG
        screen.query_one("#complaint-name", Input).value = "李四"
        screen.query_one("#complaint-phone", Input).value = "13812345678"
        await pilot.press("f10")
        await settle(pilot)
        table = screen.query_one("#complaint-list", DataTable)
        assert table.row_count == 1
        assert table.virtual_size.width <= table.size.width  # no column pushed off screen
        shown = screen_text(app)
        assert "很难办" in shown and "答复期限" in shown
        detail = "".join(shown.split())
        assert "".join(LONG.split()) in detail  # the whole text under the list, wrapped
        assert "李四138****5678" in detail and "13812345678" not in detail  # masked as in the list


async def test_a_long_address_shows_its_start_under_the_field_and_its_end_in_it(make_app):
    from .test_scan_and_lookup import TEACHER
    from .visit import pick

    address = "济南市历城区山大路100号示范新材料产业园区综合服务中心三楼东侧302室"
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press("f3", "enter", "enter", "enter", *address, "enter")
        await pilot.pause()
        assert app.screen.query_one("#applicant-address", Input).value == address
        pane = app.screen.query_one("#applicant-pane")
        assert pane.region.right <= NARROW[0]
        seen = region_text(app, pane)
        # its start wrapped under the field (two lines at most), its end in the field itself
        assert address[:24] in seen and address[-10:] in seen, seen
        await pilot.press("f3", "enter", "enter", "enter", "ctrl+u", *"济南市", "enter")
        await pilot.pause()
        assert not app.screen.query_one("#address-full").display  # a short one fits its field


async def test_the_desks_show_the_highlighted_row_in_full_under_the_list(make_app, case_service, catalog, staff):
    from clerk.domain.views import Decision
    from clerk.services.desk import DeskService

    from .test_roles import sign_in_as
    from .test_snapshots_narrow import LONG_NAME, long_named_case

    long_named_case(case_service, catalog)
    mailed = long_named_case(case_service, catalog, "accept")
    DeskService(case_service).record_decision(staff["office"], 1, mailed, Decision.APPROVED)
    # the fallback queue masks the phone as its list does; the EMS station opens the highlighted
    # item in full (an audited view: the mail room needs the phone and the address for the waybill)
    for clerk_id, row_id, words, phone in (("2001", "#fallback-row", ("尚缺：", "尚缺：", "教师资格"), False),
                                           ("3001", "#mail-row", ("13812345678", "三楼东侧302室"), True)):
        app = make_app()
        async with app.run_test(size=NARROW) as pilot:
            await settle(pilot)
            await sign_in_as(pilot, clerk_id)
            await settle(pilot)
            detail = app.screen.query_one(row_id)
            assert detail.region.height >= 2 and detail.region.right <= NARROW[0]
            seen = region_text(app, detail)
            assert LONG_NAME in seen, seen  # the list cuts it with “…”; here it is whole
            assert all(word in seen for word in words[1:]) and ("13812345678" in seen) is phone, seen


async def test_the_confirmation_of_a_bundle_sent_to_the_fallback_desk_fits_80_columns(make_app):
    from .visit import applicant, pick

    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "xsecs")
        await applicant(pilot)
        await pilot.press("f10")  # nothing ticked: the fallback desk, which may come before the child's name
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        box = app.screen.query_one("#preview").parent.parent
        assert box.region.x >= 0 and box.region.right <= NARROW[0]
        assert box.query_one("VerticalScroll").max_scroll_x == 0  # lines wrap; nothing to the right
        shown = "".join(screen_text(app).replace("█", "").split())
        assert shown.count("一次性告知期限2026-03-17") >= 4  # whole, though wrapped (more scroll below)


async def test_the_new_password_rule_is_read_whole_at_sign_in(make_app, case_service):
    from clerk.domain.accounts import Role

    from .visit import typed

    case_service.add_user(None, "1001", "王芳", Role.WINDOW, "clerk123", must_change=True)
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press(*typed("1001"), "enter", *typed("clerk123"), "enter", "7", "enter")
        await settle(pilot)
        assert app.user is None and app.screen.query_one("#new-password-box").display
        shown = "".join(screen_text(app).replace("█", "").split())
        assert "新密码（至少8位，含大写字母、小写字母、数字、符号中至少3类）" in shown



async def test_item_hits_over_the_form_show_every_character_at_80_columns(make_app, catalog):
    """The hit list lies over the form; every hit in view shows its whole name and ``[事项 code]``.
    Textual blanked each Chinese character that straddled the edge of a widget under the list
    (``[  项 370112-WSJK-002]``, ``护士执业  册``): clerk.tui.cjk keeps them whole.  A department
    with more hits than the list's height scrolls; the hits in view are checked."""
    from textual.widgets import OptionList

    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press(*"370112-WSJK")
        await settle(pilot)
        results = app.screen.query_one("#search-results", OptionList)
        assert results.option_count >= 5
        shown = screen_text(app)
        first = results.scroll_offset.y
        in_view = range(first, min(results.option_count, first + results.scrollable_content_region.height))
        assert len(in_view) >= 5
        for index in in_view:
            code = results.get_option_at_index(index).id
            assert f"{catalog.items[code].name}  [事项 {code}]" in shown, code


async def test_an_address_that_fits_its_field_shows_from_its_first_character_once_left(make_app):
    """Issue 30 item 17: at 80×24 an address exactly as wide as the field was left scrolled by the cursor's
    cell: the field showed it without its first character (and repeated it whole under the field)."""
    from .test_scan_and_lookup import TEACHER
    from .visit import pick

    address = "济南市历下区泉城路10"  # 20 cells: the field's width at 80 columns
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        field = app.screen.query_one("#applicant-address", Input)
        assert field.content_size.width == 20
        await pilot.press("f3", "enter", "enter", "enter", *address, "enter")
        await pilot.pause()
        assert not field.has_focus and field.value == address
        assert region_text(app, field) == address
        assert not app.screen.query_one("#address-full").display


async def test_two_alternatives_read_differently_in_the_80_column_checklist(make_app):
    """Issue 30 item 17: 养老机构备案 asks for 经营场所租赁合同 or 经营场所产权证明; at 80 columns both rows read
    `[或] 经营场 …`. Names that the column would cut to the same text show what tells them apart."""
    from .visit import pick

    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "370112-MZJ-006")
        table = app.screen.query_one("#checklist", DataTable)
        region = table.region
        rows = [line[region.x:region.right] for line in screen_text(app).splitlines()[region.y:region.bottom]]
        alternatives = [row for row in rows if "[或]" in row]
        assert len(alternatives) == 2, rows
        assert "租赁" in alternatives[0] and "产权" in alternatives[1], alternatives
