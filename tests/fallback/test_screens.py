"""Pilot tests of the desk screens' main flows, against a real store."""

from __future__ import annotations

from datetime import date

import pytest

from clerk.domain.intake import Outcome
from clerk.domain.lifecycle import CaseState
from clerk.domain.views import Decision
from clerk.tui.widgets.banner import Banner
from tests.support.desk_harness import DeskHarness, settle
from tests.support.drafts import hygiene, incomplete_hygiene

pytestmark = pytest.mark.asyncio
SIZE = (120, 36)


@pytest.fixture
def backend():
    """Screens are tested on SQLite only (the service tests cover PostgreSQL)."""
    return "sqlite"


async def test_fallback_scan_tick_and_accept_prints_the_acceptance(desk, service, users):
    from textual.widgets import DataTable, SelectionList

    from clerk.tui.screens.fallback import FallbackScreen

    view = service.submit(users["window"], 3, incomplete_hygiene(), Outcome.FALLBACK)
    screen = FallbackScreen(desk)
    app = DeskHarness(screen, users["fallback"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen.query_one("#fallback-queue", DataTable).row_count == 1
        await pilot.press(*view.number, "enter")
        await settle(pilot)
        materials = screen.query_one("#fallback-materials", SelectionList)
        assert screen.case.number == view.number and materials.has_focus
        # untick the ID card (not on the notice): demanding it is refused
        materials.deselect("id-card")
        await pilot.press("f10")
        await settle(pilot)
        assert "一次告知" in screen.query_one(Banner).text
        materials.select("id-card")
        materials.select("business-licence")
        materials.select("hygiene-plan")
        await pilot.press("f10")
        await settle(pilot)
        assert app.services.printed == [view.number]
        assert screen.query_one("#fallback-queue", DataTable).row_count == 0
    assert service.get(view.number).state is CaseState.ACCEPTED


async def test_decision_screen_records_correction_prints_and_reports_timing(desk, service, users):
    from textual.widgets import Input, Select

    from clerk.tui.screens.decision import DecisionScreen

    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    screen = DecisionScreen(desk)
    app = DeskHarness(screen, users["office"], window=30)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*view.number, "enter")
        await settle(pilot)
        assert "承诺办结时间" in str(screen.query_one("#decision-detail").render())
        screen.query_one("#decision-kind", Select).value = "correction"
        await pilot.press("f10")  # no items: refused before anything is confirmed
        await settle(pilot)
        assert "补正内容" in screen.query_one(Banner).text
        screen.query_one("#decision-text", Input).value = "缺少消毒记录；平面图未标面积"
        await pilot.press("f10")  # the confirmation: what is recorded and printed
        await settle(pilot)
        assert app.services.printed == []
        await pilot.press("f10")
        await settle(pilot)
        assert app.services.printed == [view.number]
    case = service.get(view.number)
    assert case.state is CaseState.CORRECTION and case.reason == "1. 缺少消毒记录；2. 平面图未标面积"
    assert [i.case_number for i in desk.mail_queue()] == [view.number]


def _events(service) -> list:
    from sqlalchemy import select

    from clerk.store.tables import AuditEvent

    with service.store.session(write=False) as session:
        return list(session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars())


async def test_mail_screen_scan_waybill_export_csv_and_deliver(desk, service, users, tmp_path):
    from textual.widgets import DataTable

    from clerk.tui.screens.mail import MailScreen

    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    desk.record_decision(users["office"], 30, view.number, Decision.APPROVED)
    screen = MailScreen(desk, out_dir=tmp_path)
    app = DeskHarness(screen, users["mail"], window=20)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen.query_one("#mail-items", DataTable).row_count == 1
        await pilot.press(*"EA123456784CN", "enter")  # bad check digit
        await settle(pilot)
        assert "校验位" in screen.query_one(Banner).text
        screen.query_one("#mail-waybill").value = ""
        await pilot.press(*"EA123456785CN", "enter")
        await settle(pilot)
        assert "已交寄" in screen.query_one(Banner).text
        await pilot.press("f4")
        await settle(pilot)
        csv_path = tmp_path / "2026-11-25" / "EMS-20261125.csv"
        assert "EA123456785CN" in csv_path.read_bytes().decode("utf-8-sig")
        exports = [(e.actor, e.window, e.after["cases"]) for e in _events(service) if (e.after or {}).get("export")]
        assert exports == [("m01", 20, [view.number])]  # the export: one audited view naming its case
        await pilot.press("f6")
        await settle(pilot)
        assert "已妥投" in screen.query_one(Banner).text
    assert service.get(view.number).state is CaseState.CLOSED


async def test_mail_list_is_masked_and_the_highlighted_items_detail_is_a_view_event(desk, service, users):
    from sqlalchemy import select
    from textual.widgets import DataTable

    from clerk.store.tables import AuditEvent
    from clerk.tui.screens.mail import MailScreen
    from clerk.tui.widgets.rowdetail import RowDetail

    first = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    second = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    for view in (first, second):
        desk.record_decision(users["office"], 30, view.number, Decision.APPROVED)

    def views() -> list[tuple[str, str | None, int | None]]:
        with service.store.session(write=False) as session:
            rows = session.execute(select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.actor != "b01")
                                   .order_by(AuditEvent.seq))  # not the back office's view of its own decisions
            return [(e.actor, e.case_number, e.window) for (e,) in rows]

    screen = MailScreen(desk)
    app = DeskHarness(screen, users["mail"], window=20)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = screen.query_one("#mail-items", DataTable)
        listed = [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert len(listed) == 2
        for row in listed:  # 王五, 13812345678, 济南市历城区山大路1号: masked in the list
            assert "王*" in row and "王五" not in row
            assert "138****5678" in row and "13812345678" not in row
            assert "济南市历城区****" in row and "山大路" not in row
        detail = lambda: str(screen.query_one("#mail-row", RowDetail).render())  # noqa: E731
        assert "王五" in detail() and "13812345678" in detail() and "山大路1号" in detail()
        assert views() == [("m01", first.number, 20)]  # the highlighted one, opened once
        table.move_cursor(row=1)
        await settle(pilot)
        assert second.number in detail()
        assert views() == [("m01", first.number, 20), ("m01", second.number, 20)]


async def test_rating_screen_bad_rating_opens_follow_up_and_supervisor_closes_it(desk, service, users):
    from textual.widgets import DataTable, Input, Select

    from clerk.tui.screens.rating import RatingScreen

    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    screen = RatingScreen(desk)
    app = DeskHarness(screen, users["boss"], window=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*view.number, "enter")
        await settle(pilot)
        screen.query_one("#rating-value", Select).value = "不满意"
        screen.query_one("#rating-comment", Input).value = "排队太久"
        await pilot.press("f10")
        await settle(pilot)
        assert "回访整改" in screen.query_one(Banner).text
        table = screen.query_one("#rating-follow-ups", DataTable)
        assert table.row_count == 1
        screen.query_one("#rating-note", Input).value = "已增开窗口"
        await pilot.press("f6")
        await settle(pilot)
        assert table.row_count == 0
    assert desk.follow_ups(open_only=False)[0].note == "已增开窗口"


async def test_rating_screen_refuses_rating_own_case(desk, service, users):
    from clerk.tui.screens.rating import RatingScreen

    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    screen = RatingScreen(desk)
    app = DeskHarness(screen, users["window"], window=3)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*view.number, "enter")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert "本人受理" in screen.query_one(Banner).text
    assert service.get(view.number).rating is None


async def test_fallback_screen_schedules_a_pickup(desk, service, users):
    from textual.widgets import Input

    from clerk.tui.screens.fallback import FallbackScreen

    view = service.submit(users["window"], 3, incomplete_hygiene(), Outcome.FALLBACK)
    screen = FallbackScreen(desk)
    app = DeskHarness(screen, users["fallback"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*view.number, "enter")
        await settle(pilot)
        screen.query_one("#fallback-pickup", Input).value = "2026-11-26 09:00-11:30"
        await pilot.press("f7")
        await settle(pilot)
        assert "上门揽收" in screen.query_one(Banner).text
    [item] = desk.pickups(date(2026, 11, 26))
    assert item.case_number == view.number and item.materials == ("business-licence", "hygiene-plan")
