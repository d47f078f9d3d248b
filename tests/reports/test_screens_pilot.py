"""The dashboard and complaint desk screens, driven with Pilot against an injected store (SQLite)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select, Static

from clerk.domain.accounts import Role
from clerk.tui.supervisor import SupervisorApp

pytestmark = [pytest.mark.asyncio, pytest.mark.parametrize("backend", ["sqlite"])]


def _cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def _settle(pilot) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _sign_in(pilot, clerk_id: str, password: str = "secret1") -> None:
    await pilot.press(*clerk_id, "enter", *password, "enter")
    await _settle(pilot)


@pytest.fixture
def supervisor_app(service, catalog, calendar, clock, tmp_path):
    """``clerk dashboard``'s app on the test store, with injected dashboard / complaint desk."""
    from clerk.config import Settings
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState

    def build(dashboard=None, complaints=None) -> SupervisorApp:
        services = Services(Settings.defaults(home=tmp_path), clock=clock, catalog=catalog, calendar=calendar, cases=service,
                            dashboard=dashboard, complaints=complaints)
        return SupervisorApp(services, state=WindowState(tmp_path / "state"), refresh_seconds=3600)

    return build


@pytest.fixture
def desk(store, calendar, clock):
    from clerk.complaint_categories import load_categories
    from clerk.services.complaints import ComplaintDesk

    return ComplaintDesk(store, calendar, load_categories(None), clock)


async def test_dashboard_shows_the_hall_and_drills_down(hall, dashboard, desk, supervisor_app):
    app = supervisor_app(dashboard, desk)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        assert type(app.screen).__name__ == "SignInScreen" and not app.screen.query("#window")
        await _sign_in(pilot, "s01")
        screen = app.screen
        assert type(screen).__name__ == "DashboardScreen" and app.user.role is Role.SUPERVISOR
        windows = _cells(screen.query_one("#windows", DataTable))
        serial = hall.numbers["t4"].rsplit("-", 1)[-1]  # the serial and a short name: fits at 80 columns
        assert ["3号", "—", "4", f"{serial} 个体工商户名称…", "约12.5分钟", "0"] in windows
        totals = str(screen.query_one("#totals", Static).render())
        assert "今日办件 5" in totals and "当场办结率 60.0%" in totals
        lines = _cells(screen.query_one("#deadlines", DataTable))
        assert lines[0] == ["3", "4", "5", "区卫生健康局", "公共场所卫生许可（新办）"]  # the counts never scroll off
        assert "本月满意率 66.7%（2/3）" in str(screen.query_one("#ratings", Static).render())
        await pilot.press("enter")
        await _settle(pilot)
        drilled = [row[0] for row in _cells(screen.query_one("#drill", DataTable))]
        assert hall.numbers["overdue"] in drilled and hall.numbers["due3"] in drilled and len(drilled) == 5
        await pilot.press("escape")  # the home screen stays
        await _settle(pilot)
        assert app.screen is screen


async def test_the_dashboard_refuses_a_window_clerk_and_a_wrong_password(hall, dashboard, desk, supervisor_app):
    app = supervisor_app(dashboard, desk)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        await _sign_in(pilot, "w03")
        assert type(app.screen).__name__ == "SignInScreen" and app.user is None
        banner = app.screen.query_one("#banner").text
        assert "不能登录“大厅管理”" in banner and "大厅管理" in banner
        await pilot.press("shift+tab")
        app.screen.query_one("#clerk-id", Input).value = ""
        await _sign_in(pilot, "s01", "wrong-password")
        assert type(app.screen).__name__ == "SignInScreen" and app.user is None


async def test_complaint_desk_logs_and_the_owner_replies(store, service, dashboard, desk, supervisor_app):
    service.add_user(None, "s02", "孙主任", Role.SUPERVISOR, "secret1")
    app = supervisor_app(dashboard, desk)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        await _sign_in(pilot, "s02")
        await pilot.press("c")
        await _settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ComplaintsScreen"
        screen.query_one("#complaint-category", Select).value = "很难办"
        screen.query_one("#complaint-summary", Input).value = "开饭店跑了三次还没办成"
        screen.query_one("#complaint-phone", Input).value = "13812345678"
        await pilot.press("f10")
        await _settle(pilot)
        rows = _cells(screen.query_one("#complaint-list", DataTable))
        assert len(rows) == 1 and rows[0][1] == "很难办" and rows[0][2].startswith("开饭店跑了三次")
        assert rows[0][4] == "2026-12-09"  # 10 working days after Wed 25 Nov
        detail = str(screen.query_one("#complaint-detail", Static).render())  # the row in full, under the list
        assert "开饭店跑了三次还没办成" in detail and "负责人 孙主任" in detail and "138****5678" in detail
        screen.query_one("#complaint-note", Input).value = "区市场监督管理局"
        await pilot.press("f9")
        await _settle(pilot)
        assert _cells(screen.query_one("#complaint-list", DataTable))[0][3] == "已转办"
        assert "承办部门 区市场监督管理局" in str(screen.query_one("#complaint-detail", Static).render())
        screen.query_one("#complaint-note", Input).value = "已协调，下周一到窗口办理"
        await pilot.press("f6")  # 答复
        await _settle(pilot)
        assert _cells(screen.query_one("#complaint-list", DataTable))[0][3] == "已答复"
        assert f"诉求 {rows[0][0]} 已答复" in screen.query_one("#banner").text
        screen.query_one("#complaint-note", Input).value = "申请人表示满意"
        await pilot.press("f7")  # 回访满意: closed, off the open list
        await _settle(pilot)
        assert f"诉求 {rows[0][0]} 已回访，办结" in screen.query_one("#banner").text
    closed = desk.get(rows[0][0])
    assert closed.owner_id == "s02" and closed.state.value == "已回访" and closed.department == "区市场监督管理局"
    assert (closed.visit_satisfied, closed.visit_note) == (True, "申请人表示满意")


async def test_dashboard_builds_itself_from_the_app_services(hall, supervisor_app, service, clock):
    app = supervisor_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        await _sign_in(pilot, "s01")
        await _settle(pilot)
        title = str(app.screen.query_one("#board-title", Static).render())
        assert "2026-11-25 11:00:00 更新" in title
        assert "今日办件 5" in str(app.screen.query_one("#totals", Static).render())
        board = app.screen.dashboard  # the screen's figures come from the app's one Dashboard
        assert board is not None and board is app.services.dashboard
        assert board.store is service.store and board.clock is clock
