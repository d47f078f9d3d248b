"""The dashboard and complaint desk screens, driven with Pilot against an injected store (SQLite)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select, Static

from clerk.store.accounts import ClerkUser, Role
from clerk.tui.supervisor import SupervisorApp

pytestmark = [pytest.mark.asyncio, pytest.mark.parametrize("backend", ["sqlite"])]


def _cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


@pytest.fixture
def desk(store, calendar, clock):
    from clerk.complaints import load_categories
    from clerk.complaints.service import ComplaintDesk

    return ComplaintDesk(store, calendar, load_categories(None), clock)


async def test_dashboard_shows_the_hall_and_drills_down(hall, dashboard, desk):
    app = SupervisorApp(dashboard=dashboard, desk=desk, refresh_seconds=3600)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        windows = _cells(screen.query_one("#windows", DataTable))
        assert ["3号", "4", f"{hall.numbers['t4']} 个体工商户名称查询", "12.5分钟", "0"] in windows
        totals = str(screen.query_one("#totals", Static).render())
        assert "今日办件 5" in totals and "当场办结率 60.0%" in totals
        lines = _cells(screen.query_one("#deadlines", DataTable))
        assert lines[0] == ["区卫生健康局", "公共场所卫生许可（新办）", "3", "4", "5"]
        assert "本月满意率 66.7%（2/3）" in str(screen.query_one("#ratings", Static).render())
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        drilled = [row[0] for row in _cells(screen.query_one("#drill", DataTable))]
        assert hall.numbers["overdue"] in drilled and hall.numbers["due3"] in drilled and len(drilled) == 5


async def test_complaint_desk_logs_and_the_owner_replies(store, dashboard, desk):
    owner = ClerkUser("w03", "张三", Role.WINDOW)
    app = SupervisorApp(dashboard=dashboard, desk=desk, user=owner, refresh_seconds=3600)
    async with app.run_test(size=(140, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        screen.query_one("#complaint-category", Select).value = "很难办"
        screen.query_one("#complaint-summary", Input).value = "开饭店跑了三次还没办成"
        screen.query_one("#complaint-phone", Input).value = "13812345678"
        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = _cells(screen.query_one("#complaint-list", DataTable))
        assert len(rows) == 1 and rows[0][1:4] == ["很难办", "开饭店跑了三次还没办成", "张三"]
        assert rows[0][6] == "2026-12-09"  # 10 working days after Wed 25 Nov
        screen.query_one("#complaint-note", Input).value = "区市场监督管理局"
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _cells(screen.query_one("#complaint-list", DataTable))[0][4:6] == ["区市场监督管理局", "已转办"]
    assert desk.get(rows[0][0]).owner_id == "w03"


async def test_dashboard_builds_itself_from_the_app_services(hall, service, catalog, calendar, clock, tmp_path):
    from clerk.config import Settings
    from clerk.tui.services import Services

    services = Services(Settings(home=tmp_path), clock=clock, catalog=catalog, calendar=calendar, cases=service)
    app = SupervisorApp(services, refresh_seconds=3600)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        title = str(app.screen.query_one("#board-title", Static).render())
        assert "2026-11-25 11:00:00 更新" in title
        assert "今日办件 5" in str(app.screen.query_one("#totals", Static).render())
