"""The daily report counts each partner hall's 跨域通办 packets: cases handed over and taken over,
statuses sent back and received (issue 29), in its CSV rows and its PDF."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from clerk.domain.intake import Outcome
from clerk.domain.views import Decision
from clerk.reports.export import report_pdf, report_rows
from clerk.reports.report import daily_report
from tests.support.drafts import hygiene
from tests.support.exchange import HALL_A, HALL_B

pytestmark = pytest.mark.postgres

DAY = date(2026, 11, 25)  # the test clock's day


def test_the_daily_report_counts_packets_by_partner_hall(two_halls):
    a, b = two_halls
    for _ in range(2):
        taken = a.cases.submit(a.users["window"], 3, hygiene(), Outcome.ACCEPT)
        arrived = b.exchange.import_packet(b.users["window"], 5, a.exchange.export(
            a.users["window"], 3, taken.number, to=HALL_B).data)
        b.desk.record_decision(b.users["office"], 30, arrived.number, Decision.APPROVED)
        a.exchange.import_packet(a.users["window"], 3, b.exchange.export(b.users["window"], 5, arrived.number).data)

    at_a = daily_report(a.store, DAY, hall_name="高新区政务服务中心")
    assert at_a.cross_region == ((HALL_B, 2, 0, 0, 2),)
    assert ("跨域通办", HALL_B, "移交 2，接收 0，发回办理状态 0，收到办理状态 2") in report_rows(at_a)
    assert daily_report(b.store, DAY).cross_region == ((HALL_A, 0, 2, 2, 0),)
    assert daily_report(a.store, date(2026, 11, 24)).cross_region == ()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(at_a))).pages)
    assert "跨域通办" in text and "收到办理状态" in "".join(text.split()) and HALL_B in "".join(text.split())


def test_the_dashboard_lists_open_cross_region_cases_by_halls_and_state(two_halls, clock):
    from clerk.reports.dashboard import Dashboard

    a, b = two_halls
    numbers = [a.cases.submit(a.users["window"], 3, hygiene(), Outcome.ACCEPT).number for _ in range(3)]
    arrived = [b.exchange.import_packet(b.users["window"], 5, a.exchange.export(
        a.users["window"], 3, number, to=HALL_B).data).number for number in numbers]
    b.desk.record_decision(b.users["office"], 30, arrived[0], Decision.CORRECTION, items=["照片不清晰"])
    b.desk.record_decision(b.users["office"], 30, arrived[1], Decision.APPROVED)
    a.exchange.import_packet(a.users["window"], 3, b.exchange.export(b.users["window"], 5, arrived[0]).data)
    board = Dashboard(a.store, a.cases.calendar, clock)
    assert board.deadlines().cross_region == ((HALL_A, HALL_B, "已受理", 2), (HALL_A, HALL_B, "需补正", 1))
    there = Dashboard(b.store, b.cases.calendar, clock).deadlines().cross_region
    assert there == ((HALL_A, HALL_B, "准予许可", 1), (HALL_A, HALL_B, "已受理", 1), (HALL_A, HALL_B, "需补正", 1))


@pytest.mark.asyncio
async def test_the_supervisors_screen_shows_them(two_halls, clock, tmp_path):
    from textual.widgets import Static

    from clerk.config import Settings
    from clerk.domain.accounts import Role
    from clerk.reports.dashboard import Dashboard
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState
    from clerk.tui.supervisor import SupervisorApp
    from tests.support.accounts import PASSWORD

    a, b = two_halls
    a.cases.add_user(None, "s01", "钱主任", Role.SUPERVISOR, PASSWORD)
    number = a.cases.submit(a.users["window"], 3, hygiene(), Outcome.ACCEPT).number
    a.exchange.export(a.users["window"], 3, number, to=HALL_B)
    services = Services(Settings.defaults(home=tmp_path), clock=clock, catalog=a.cases.catalog,
                        calendar=a.cases.calendar, cases=a.cases, dashboard=Dashboard(a.store, a.cases.calendar, clock))
    app = SupervisorApp(services, state=WindowState(tmp_path / "state"), refresh_seconds=3600)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(2):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press(*"s01", "enter", *PASSWORD, "enter")
        for _ in range(4):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        shown = str(app.screen.query_one("#watch", Static).render())
        assert f"跨域通办 {HALL_A}→{HALL_B}：已受理 1" in shown, shown
