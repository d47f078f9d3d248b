"""The dashboard's 各窗口 table fits at 120 and at 80 columns, and shows who sits at which window."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from clerk.tui.supervisor import SupervisorApp
from tests.tui.support import region_text

pytestmark = [pytest.mark.asyncio, pytest.mark.parametrize("backend", ["sqlite"])]


async def _settle(pilot) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


@pytest.mark.parametrize("width", [120, 80])
async def test_every_window_column_is_visible(hall, dashboard, service, catalog, calendar, clock, tmp_path, width):
    from clerk.config import Settings
    from clerk.services.seats import SeatService
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState

    SeatService(service.store, clock).take(service.account("w04"), 4, machine="pc-04")
    services = Services(Settings.defaults(home=tmp_path), clock=clock, catalog=catalog, calendar=calendar, cases=service,
                        dashboard=dashboard)
    app = SupervisorApp(services, state=WindowState(tmp_path / "state"), refresh_seconds=3600)
    async with app.run_test(size=(width, 36)) as pilot:
        await _settle(pilot)
        await pilot.press(*"s01", "enter", *"secret1", "enter")
        await _settle(pilot)
        await _settle(pilot)
        table = app.screen.query_one("#windows", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels == ["窗口", "在岗", "今日", "最近办件", "平均办理", "待补正"]
        assert table.virtual_size.width <= table.scrollable_content_region.width, (
            f"{table.virtual_size.width} columns of table in {table.scrollable_content_region.width}")
        assert not table.show_horizontal_scrollbar
        rows = {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(table.row_count)}
        assert rows["4号"][1] == "李四"


async def test_a_window_whose_heartbeat_stopped_shows_offline(hall, dashboard, service, catalog, calendar, clock,
                                                              tmp_path):
    from clerk.config import Settings
    from clerk.services.seats import SeatService
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState

    SeatService(service.store, clock).take(service.account("w04"), 4, machine="pc-04")
    clock.advance(minutes=4)  # window 4 was killed: no heartbeat since (the default limit is 3 minutes)
    services = Services(Settings.defaults(home=tmp_path), clock=clock, catalog=catalog, calendar=calendar, cases=service,
                        dashboard=dashboard)
    app = SupervisorApp(services, state=WindowState(tmp_path / "state"), refresh_seconds=3600)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await pilot.press(*"s01", "enter", *"secret1", "enter")
        await _settle(pilot)
        await _settle(pilot)
        table = app.screen.query_one("#windows", DataTable)
        rows = {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(table.row_count)}
        assert rows["4号"][1] == "李四（离线）"


async def test_the_alarms_stay_readable_at_80_by_24(hall, dashboard, service, catalog, calendar, clock, tmp_path):
    """Issue 30 item 17: at 80×24 the 期限预警 table shows its header and its lines, and 提醒与好差评 every
    line of its text (they had two rows between them)."""
    from clerk.config import Settings
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState

    services = Services(Settings.defaults(home=tmp_path), clock=clock, catalog=catalog, calendar=calendar, cases=service,
                        dashboard=dashboard)
    app = SupervisorApp(services, state=WindowState(tmp_path / "state"), refresh_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press(*"s01", "enter", *"secret1", "enter")
        await _settle(pilot)
        await _settle(pilot)
        screen = app.screen
        lines = screen.query_one("#deadlines", DataTable)
        assert lines.row_count >= 1
        shown = lines.scrollable_content_region.height
        assert shown >= 1 + min(lines.row_count, 3), f"期限预警 shows {shown} rows"
        # its counts (逾期, within 1 and 3 working days) are on screen, not scrolled off to the right
        row = [str(c) for c in lines.get_row_at(0)]
        counts = [c for c in row if c.isdigit()]
        assert len(counts) == 3 and "".join(counts) in region_text(app, lines), (row, region_text(app, lines))
        for panel in ("#watch", "#ratings"):
            widget = screen.query_one(panel)
            assert widget.region.height >= widget.virtual_size.height >= 2, panel
            assert widget.region.bottom <= screen.size.height
        # the windows and the hall's totals are still there
        assert screen.query_one("#windows", DataTable).scrollable_content_region.height >= 4
        assert "今日办件" in str(screen.query_one("#totals").render())
        assert screen.max_scroll_y == 0
        # wider again (a window resized): the wide headings, the lines kept, the totals on their own lines
        await pilot.resize_terminal(120, 36)
        await _settle(pilot)
        assert [str(c.label) for c in lines.columns.values()][:3] == ["逾期", "1个工作日内", "3个工作日内"]
        assert lines.row_count >= 1
        assert str(screen.query_one("#totals").render()).count("\n") >= 3
