"""The desks at the sizes a hall uses: a long fallback queue scrolls while the case being worked
keeps its room (issue 30 item 5); where the focus is, and the keys that move it (item 16)."""

from __future__ import annotations

import pytest

from tests.support.desk_cases import fallback_cases, mail_cases, waybill

from .support import CLERK_ID, CLERK_PASSWORD
from .test_roles import sign_in_as
from .visit import settle, settled_when, typed


def _inside(widget, screen) -> bool:
    """The widget is wholly on the screen (not scrolled off or squeezed to nothing)."""
    region = widget.region
    return region.height > 0 and region.y >= 0 and region.bottom <= screen.size.height


@pytest.mark.asyncio
@pytest.mark.slow
@pytest.mark.parametrize("size", [(120, 36), (160, 60), (80, 24)], ids=["120x36", "160x60", "80x24"])
async def test_a_long_fallback_queue_scrolls_and_the_open_case_keeps_its_room(make_app, case_service, catalog,
                                                                              staff, size):
    from textual.widgets import DataTable, Input, SelectionList

    user = case_service.authenticate(CLERK_ID, CLERK_PASSWORD)
    numbers = fallback_cases(case_service, catalog, user, 64)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        screen = app.screen
        table = screen.query_one("#fallback-queue", DataTable)
        await settled_when(pilot, lambda: table.row_count == 64, "the queue loaded")
        await pilot.press(*typed(numbers[40]), "enter")
        await settled_when(pilot, lambda: screen.case is not None, "the case opened")
        await pilot.pause()

        materials = screen.query_one("#fallback-materials", SelectionList)
        assert screen.max_scroll_y == 0  # the screen itself does not scroll: nothing is pushed off it
        # every material of the case on screen, in the list's border
        assert _inside(materials, screen) and materials.region.height >= materials.option_count + 2
        for field in ("#fallback-channel", "#fallback-ref", "#fallback-pickup", "#fallback-reason"):
            assert _inside(screen.query_one(field), screen), field
        for field in screen.query("#fallback-form Input").results(Input):
            assert field.region.height == 1
        # the queue keeps a few rows, and scrolls for the rest
        assert _inside(table, screen) and table.region.height >= 4
        assert table.max_scroll_y > 0


def _contrast(one, other) -> int:
    """How far apart two widgets' backgrounds are drawn (sum of the RGB differences)."""
    a, b = one.rich_style.bgcolor.get_truecolor(), other.rich_style.bgcolor.get_truecolor()
    return sum(abs(x - y) for x, y in zip(a, b, strict=True))


def _highlighted(table) -> str:
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


@pytest.mark.asyncio
@pytest.mark.slow
async def test_the_mail_station_hands_over_the_row_chosen_with_the_arrow_keys(make_app, case_service, catalog, staff,
                                                                             key_clock):
    """Issue 30 item 16 at 80×24: ↓ in the waybill field picks the next item (the header says ↑↓ 选择邮件), the
    scanned waybill goes to the highlighted item, and a second waybill with the same item still highlighted is
    refused in the banner under the field, on the screen, naming the item and how to pick another."""
    from textual.widgets import DataTable

    from clerk.domain.desk_views import MailStatus
    from clerk.services.desk import DeskService
    from clerk.tui.widgets.banner import Banner

    user = case_service.authenticate(CLERK_ID, CLERK_PASSWORD)
    numbers = mail_cases(case_service, catalog, user, staff["office"], 16)
    desk = DeskService(case_service)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "3001")
        screen = app.screen
        table = screen.query_one("#mail-items", DataTable)
        await settled_when(pilot, lambda: table.row_count == 16, "the list loaded")
        assert app.focused is screen.query_one("#mail-waybill")
        first = screen.items[_highlighted(table)]
        await pilot.press("down", "down")
        await settle(pilot)
        chosen = screen.items[_highlighted(table)]
        assert chosen.id != first.id
        assert app.focused is screen.query_one("#mail-waybill")  # the field keeps the focus for the scan
        # and both show: the list's highlighted row stays bold, the field with the focus stands out
        assert table.get_component_rich_style("datatable--cursor").bold
        assert _contrast(screen.query_one("#mail-waybill"), screen.query_one("#mail-reason")) >= 60

        key_clock.scanner()
        await pilot.press(*waybill(1), "enter")
        key_clock.human()
        await settle(pilot)
        handed = {i.case_number: i for i in desk.mail_queue()}
        assert handed[chosen.case_number].status is MailStatus.HANDED
        assert handed[chosen.case_number].waybill == waybill(1)
        assert handed[first.case_number].status is MailStatus.QUEUED
        assert screen.query_one(Banner).level == "ok"  # handed over once (a scan is not also an Enter)
        assert screen.items[_highlighted(table)].id == chosen.id  # the list reloaded: still the same item

        key_clock.scanner()
        await pilot.press(*waybill(2), "enter")  # the next envelope's waybill, the item not changed
        key_clock.human()
        await settle(pilot)
        banner = screen.query_one(Banner)
        assert banner.level == "error" and chosen.case_number in banner.text and "↑↓" in banner.text, banner.text
        assert banner.region.height > 0 and banner.region.bottom <= screen.size.height - 1  # above the footer
        assert screen.max_scroll_y == 0
        assert sum(1 for i in desk.mail_queue() if i.waybill == waybill(2)) == 0
        # ↓ to the next item and Enter: the waybill still in the field goes to it
        await pilot.press("down")
        await settle(pilot)
        following = screen.items[_highlighted(table)]
        await pilot.press("enter")
        await settle(pilot)
        handed = {i.case_number: i for i in desk.mail_queue()}
        assert handed[following.case_number].waybill == waybill(2)
    assert set(handed) == set(numbers)


@pytest.mark.asyncio
async def test_f4_takes_the_fallback_desk_to_the_open_cases_materials(make_app, case_service, catalog, staff):
    """Issue 30 item 16: from any field of the fallback desk one key (F4, as on the intake screen) reaches the
    materials, and their pane says so."""
    from textual.widgets import SelectionList

    user = case_service.authenticate(CLERK_ID, CLERK_PASSWORD)
    numbers = fallback_cases(case_service, catalog, user, 3)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        screen = app.screen
        await pilot.press("f4")  # no case open yet: says what to do first
        await settle(pilot)
        assert "请先扫码或输入受理编号打开案件" in screen.query_one("#banner").text
        await pilot.press(*typed(numbers[1]), "enter")
        await settled_when(pilot, lambda: screen.case is not None, "the case opened")
        materials = screen.query_one("#fallback-materials", SelectionList)
        assert "F4" in str(materials.border_title)
        for away in ("#fallback-reason", "#fallback-channel", "#fallback-queue", "#fallback-scan"):
            screen.query_one(away).focus()
            await pilot.pause()
            await pilot.press("f4")
            await pilot.pause()
            assert app.focused is materials, away
