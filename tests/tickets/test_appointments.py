"""Appointments: booking, capacity, CSV import, check-in at the kiosk, no-shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from clerk.domain.errors import PermissionDenied
from clerk.domain.queueing import AppointmentState, Priority, TicketError, TicketState
from clerk.integration.tickets import check_in_and_print
from tests.support.tickets import FailingPrinter, PaperPrinter, printed

TODAY = date(2026, 11, 25)
ELDER, YOUNG, OTHER = "110101195001010033", "110101199001010015", "370102198503150018"


@pytest.fixture
def appointments(store, hall_settings, hall_clock):
    from clerk.services.appointments import AppointmentService

    return AppointmentService(store, hall_settings, hall_clock)


def test_book_list_and_cancel(appointments, clerks):
    booked = appointments.add(clerks["window"], "B", TODAY, "上午", "张三", YOUNG, "13812345678", source="电话")
    assert booked.state is AppointmentState.BOOKED and booked.queue_name == "不动产登记"
    assert booked.id_number_masked != YOUNG and "12345678" not in booked.phone_masked
    listed = appointments.list(TODAY)
    assert [a.code for a in listed] == [booked.code]
    assert appointments.cancel(clerks["window"], booked.code).state is AppointmentState.CANCELLED
    with pytest.raises(Exception, match="不能取消"):
        appointments.cancel(clerks["window"], booked.code)


def test_bad_bookings_are_refused(appointments, clerks):
    from clerk.services.appointments import AppointmentError

    with pytest.raises(AppointmentError, match="时段“晚上”应为“上午”或“下午”"):
        appointments.add(clerks["window"], "B", TODAY, "晚上", "张三", YOUNG)
    with pytest.raises(AppointmentError, match="已过"):
        appointments.add(clerks["window"], "B", date(2026, 11, 24), "上午", "张三", YOUNG)
    with pytest.raises(AppointmentError, match="不接受预约"):
        appointments.add(clerks["window"], "Z", TODAY, "上午", "张三", YOUNG)
    with pytest.raises(AppointmentError, match="身份证号码无效"):
        appointments.add(clerks["window"], "B", TODAY, "上午", "张三", "110101199001010010")
    with pytest.raises(PermissionDenied):
        appointments.add(clerks["mailroom"], "B", TODAY, "上午", "张三", YOUNG)
    appointments.add(clerks["window"], "B", TODAY, "上午", "张三", YOUNG)
    with pytest.raises(AppointmentError, match="当天已有不动产登记的预约"):
        appointments.add(clerks["window"], "B", TODAY, "下午", "张三", YOUNG)
    assert len(appointments.list(TODAY)) == 1


def test_a_full_slot_is_refused(store, hall_settings, hall_clock, clerks):
    from clerk.domain.queueing import QueueSpec
    from clerk.services.appointments import AppointmentError, AppointmentService

    settings = replace(hall_settings, queues=(QueueSpec("A", "综合受理", appointment_slots=1),))
    service = AppointmentService(store, settings, hall_clock)
    service.add(clerks["window"], "A", TODAY, "下午", "张三", YOUNG)
    with pytest.raises(AppointmentError, match="下午 综合受理 的预约已满（1 个）"):
        service.add(clerks["window"], "A", TODAY, "下午", "李四", OTHER)
    service.add(clerks["window"], "A", TODAY, "上午", "李四", OTHER)


def test_check_in_by_code_gives_a_priority_ticket_first_in_line(appointments, tickets, clerks, hall_settings):
    printed(tickets, "B")
    booked = appointments.add(clerks["window"], "B", TODAY, "上午", "张三", YOUNG)
    ticket = check_in_and_print(appointments, tickets, PaperPrinter(), hall_settings, booked.code.lower())
    assert (ticket.priority, ticket.state, ticket.ahead) == (Priority.APPOINTMENT, TicketState.WAITING, 0)
    assert ticket.appointment_code == booked.code
    assert appointments.list(TODAY)[0].ticket_number == ticket.number
    assert tickets.call_next(clerks["window"], 1).current.number == ticket.number
    with pytest.raises(TicketError, match="已签到"):
        appointments.check_in(booked.code)


def test_check_in_by_id_number(appointments, clerks):
    appointments.add(clerks["window"], "C", TODAY, "上午", "李四", OTHER)
    ticket = appointments.check_in(OTHER)
    assert ticket.state is TicketState.PENDING and ticket.queue == "C" and ticket.priority is Priority.APPOINTMENT


def test_unknown_or_other_day_codes_are_refused(appointments, clerks):
    later = appointments.add(clerks["window"], "B", date(2026, 11, 26), "上午", "张三", YOUNG)
    with pytest.raises(TicketError, match=f"预约号 {later.code} 是 2026-11-26 上午的预约，不是今天的"):
        appointments.check_in(later.code)
    with pytest.raises(TicketError, match="预约号 99999999 不存在"):
        appointments.check_in("99999999")
    with pytest.raises(TicketError, match="没有此身份证号今天的预约"):
        appointments.check_in(YOUNG)


def test_check_in_outside_the_slot_is_refused(appointments, clerks, hall_clock):
    afternoon = appointments.add(clerks["window"], "B", TODAY, "下午", "张三", YOUNG)
    with pytest.raises(TicketError, match="请于 12:45 后签到"):  # 13:00 less 15 minutes' grace
        appointments.check_in(afternoon.code)
    morning = appointments.add(clerks["window"], "C", TODAY, "上午", "李四", OTHER)
    hall_clock.now = hall_clock.now.replace(hour=4, minute=16)  # 12:16 Beijing
    with pytest.raises(TicketError, match="已超过预约时段"):
        appointments.check_in(morning.code)
    assert appointments.mark_no_shows() == 1
    states = {a.code: a.state for a in appointments.list(TODAY)}
    assert states == {morning.code: AppointmentState.NO_SHOW, afternoon.code: AppointmentState.BOOKED}


def test_a_failed_print_voids_the_ticket_and_the_booking_stands(appointments, tickets, clerks, hall_settings):
    booked = appointments.add(clerks["window"], "B", TODAY, "上午", "张三", YOUNG)
    with pytest.raises(TicketError, match="本次取号不计"):
        check_in_and_print(appointments, tickets, FailingPrinter(), hall_settings, booked.code)
    assert appointments.list(TODAY)[0].state is AppointmentState.BOOKED
    assert tickets.call_next(clerks["window"], 1).current is None
    again = check_in_and_print(appointments, tickets, PaperPrinter(), hall_settings, booked.code)
    assert again.number == "B002"


def test_csv_import_all_or_nothing(appointments, tmp_path):
    from clerk.services.appointments import AppointmentError

    good = tmp_path / "good.csv"
    good.write_text("预约号,队列,日期,时段,姓名,身份证号,手机号\n"
                    f"W0001,B,2026-11-25,上午,张三,{YOUNG},13812345678\n"
                    f"W0002,C,2026-11-26,下午,李四,{OTHER},\n", encoding="utf-8")
    imported = appointments.import_csv(good)
    assert [a.code for a in imported] == ["W0001", "W0002"] and imported[0].source == "网上"

    bad = tmp_path / "bad.csv"
    bad.write_text("预约号,队列,日期,时段,姓名,身份证号,手机号\n"
                   f"W0003,B,2026-11-25,上午,王五,{ELDER},\n"
                   "W0004,Q,2026-11-25,上午,赵六,110101199001010015,\n"
                   f"W0005,B,2026-11-31,上午,孙七,{ELDER},\n"
                   "W0001,B,2026-11-25,下午,周八,440305198012120031,\n", encoding="utf-8")
    with pytest.raises(AppointmentError) as refused:
        appointments.import_csv(bad)
    problems = refused.value.problems
    assert problems[0] == f"{bad}:3: 没有队列“Q”（可选：A、B、C、F、Z）"
    assert problems[1].startswith(f"{bad}:4: 日期“2026-11-31”")
    assert problems[2] == f"{bad}:5: 预约号 W0001 已存在"
    assert len(problems) == 3
    assert {a.code for a in appointments.list(TODAY)} == {"W0001"}  # W0003 was not written


def test_personal_data_is_in_the_audit_chain_and_verifies(store, appointments, tickets, clerks):
    from sqlalchemy import select

    from clerk.store.audit import verify_chain
    from clerk.store.tables import AuditEvent

    kept = tickets.take("A", id_number=ELDER)
    tickets.void(tickets.take("A", id_number=YOUNG).id)  # the ID of a void ticket is dropped
    booked = appointments.add(clerks["window"], "B", TODAY, "上午", "张三", OTHER)
    appointments.cancel(clerks["window"], booked.code)
    assert tickets.holder_id_number(clerks["window"], kept.id) == ELDER
    with store.session(write=False) as session:
        report = verify_chain(session)
        digests = [d for e in session.execute(select(AuditEvent)).scalars() for d in (e.row_digests or [])]
    assert report.ok, report.rows
    tables = {d[0] for d in digests}
    assert {"ticket_holders", "appointments"} <= tables and "tickets" not in tables
    assert any(d[0] == "ticket_holders" and d[2] is None for d in digests)  # the void ticket's ID: tombstone


def test_two_windows_booking_the_last_place_at_once(store, hall_settings, hall_clock, clerks):
    import threading

    from clerk.domain.queueing import QueueSpec
    from clerk.services.appointments import AppointmentError, AppointmentService
    from clerk.store.engine import Store

    settings = replace(hall_settings, queues=(QueueSpec("A", "综合受理", appointment_slots=1),))
    shared = Store(store.url, pool_size=4, settings=settings)
    service = AppointmentService(shared, settings, hall_clock)
    outcomes: list[str] = []
    try:
        for round_, day in enumerate((date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 30))):
            start = threading.Barrier(2)

            def book(who: str, id_number: str) -> None:
                start.wait()
                try:
                    service.add(clerks[who], "A", day, "上午", who, id_number)
                    outcomes.append("booked")
                except AppointmentError as exc:
                    outcomes.append(str(exc))

            threads = [threading.Thread(target=book, args=("window", YOUNG)),
                       threading.Thread(target=book, args=("window2", OTHER))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            assert len(service.list(day)) == 1, round_
    finally:
        shared.dispose()
    assert outcomes.count("booked") == 3 and all("预约已满" in o for o in outcomes if o != "booked")


def test_todays_half_day_that_is_over_cannot_be_booked(appointments, clerks, hall_clock):
    from clerk.services.appointments import AppointmentError

    hall_clock.advance(hours=6)  # 16:00 Beijing time: the morning is over, the afternoon is not
    with pytest.raises(AppointmentError, match="今天上午的预约时段已过"):
        appointments.add(clerks["window"], "B", TODAY, "上午", "张三", YOUNG)
    assert appointments.add(clerks["window"], "B", TODAY, "下午", "张三", YOUNG).half == "下午"
