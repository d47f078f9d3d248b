"""Taking and calling tickets through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clerk.domain.errors import PermissionDenied
from clerk.domain.queueing import Priority, TicketError, TicketState, wait_text
from tests.support.tickets import printed


def test_take_print_call_finish(tickets, clerks, hall_clock):
    first = tickets.take("A")
    assert (first.number, first.state, first.ahead) == ("A001", TicketState.PENDING, 0)
    assert tickets.mark_printed(first.id).state is TicketState.WAITING
    second = printed(tickets, "A")
    assert second.number == "A002" and second.ahead == 1 and second.estimated_wait_minutes > 0

    hall_clock.advance(minutes=5)
    status = tickets.call_next(clerks["window"], 7)
    assert status == tickets.window_status(7)  # the window's status after the call, as a fresh read gives it
    assert (status.window, status.paused) == (7, False)
    called = status.current
    assert (called.number, called.state, called.window) == ("A001", TicketState.CALLED, 7)
    board = tickets.board()
    assert board.latest.text == "请 A001 号 到 7 号窗口"
    assert {q.prefix: q.waiting for q in board.queues}["A"] == 1

    hall_clock.advance(minutes=8)
    done = tickets.link_cases(clerks["window"], 7, [])
    assert done.state is TicketState.DONE
    assert tickets.call_next(clerks["window"], 7).current.number == "A002"


def test_pending_and_void_tickets_are_never_called(tickets, clerks):
    pending = tickets.take("A")
    voided = tickets.take("A")
    tickets.void(voided.id)
    assert tickets.call_next(clerks["window"], 7).current is None
    assert tickets.get(pending.id).state is TicketState.PENDING
    assert {q.prefix: q.waiting for q in tickets.queue_status()}["A"] == 0


def test_empty_queue_gives_none_and_writes_nothing(tickets, clerks):
    assert tickets.call_next(clerks["window"], 7) == tickets.window_status(7)
    assert tickets.call_next(clerks["window"], 7).current is None
    assert tickets.window_status(7).current is None
    board = tickets.board()
    assert (board.latest, board.recent, board.paused) == (None, [], [])
    assert [(q.prefix, q.waiting, q.open, q.full) for q in board.queues][:2] == [("A", 0, True, False),
                                                                              ("B", 0, True, False)]


def test_second_call_while_a_ticket_is_open_is_refused(tickets, clerks):
    printed(tickets)
    printed(tickets)
    first = tickets.call_next(clerks["window"], 7).current
    with pytest.raises(TicketError, match=f"本窗口的 {first.number} 号尚未办结"):
        tickets.call_next(clerks["window"], 7)
    assert tickets.window_status(7).current.number == first.number
    assert {q.prefix: q.waiting for q in tickets.queue_status()}["A"] == 1


def test_closed_queue_is_refused(tickets, hall_clock):
    hall_clock.now = hall_clock.now.replace(hour=11)  # 19:00 Beijing
    with pytest.raises(TicketError, match="现在不取号，取号时间为 08:30–17:00"):
        tickets.take("A")
    hall_clock.now = hall_clock.now.replace(hour=0)  # 08:00 Beijing
    with pytest.raises(TicketError, match="现在不取号"):
        tickets.take("B")


def test_full_queue_is_refused_and_void_tickets_do_not_count(store, hall_settings, catalog, hall_clock):
    from dataclasses import replace

    from clerk.domain.queueing import QueueSpec
    from clerk.services.tickets import TicketService

    settings = replace(hall_settings, queues=(QueueSpec("A", "综合受理", daily_cap=2),))
    service = TicketService(store, settings, catalog, hall_clock)
    service.void(service.take("A").id)
    printed(service)
    printed(service)
    with pytest.raises(TicketError, match=r"今日号源已取完（每日 2 个）"):
        service.take("A")
    assert [q.full for q in service.queue_status()] == [True]


def test_unknown_queue_and_bad_id_are_refused(tickets):
    with pytest.raises(TicketError, match="没有队列“Q”"):
        tickets.take("Q")
    with pytest.raises(TicketError, match="身份证号码无效"):
        tickets.take("A", id_number="110101195001011234")


def test_elderly_from_the_id_goes_first(tickets, clerks):
    printed(tickets)
    elder = printed(tickets, id_number="110101195001010033")  # 76 years old
    assert elder.priority is Priority.ELDERLY and elder.id_number_masked.startswith("1101")
    assert "0101003" not in elder.id_number_masked
    assert elder.ahead == 0
    assert tickets.call_next(clerks["window"], 7).current.number == elder.number


def test_elderly_priority_needs_the_id(tickets):
    with pytest.raises(TicketError, match="70岁以上绿色通道以身份证的出生日期为准"):
        tickets.take("A", priority=Priority.ELDERLY)
    with pytest.raises(TicketError, match="70岁以上绿色通道"):
        tickets.take("A", id_number="110101199001010015", priority=Priority.ELDERLY)


def test_ordinary_ticket_not_left_behind_priority_longer_than_the_limit(tickets, clerks, hall_clock):
    plain = printed(tickets)
    hall_clock.advance(minutes=31)
    printed(tickets, priority=Priority.DISABILITY)
    assert tickets.call_next(clerks["window"], 7).current.number == plain.number


def test_a_window_calls_its_own_queues_in_order_of_preference(tickets, clerks):
    printed(tickets, "A")
    b = printed(tickets, "B")
    printed(tickets, "F")
    assert tickets.call_next(clerks["window"], 1).current.number == b.number  # window 1: B, A, Z
    assert tickets.call_next(clerks["fallback"], 9).current.number == "F001"  # window 9: F only
    tickets.link_cases(clerks["fallback"], 9, [])
    assert tickets.call_next(clerks["fallback"], 9).current is None


def test_recall_no_show_and_call_once_more(tickets, clerks, hall_clock):
    printed(tickets)
    called = tickets.call_next(clerks["window"], 7).current
    hall_clock.advance(minutes=1)
    assert tickets.recall(clerks["window"], 7).recalls == 1
    assert tickets.board().latest.at == hall_clock.now
    gone = tickets.no_show(clerks["window"], 7)
    assert gone.state is TicketState.NO_SHOW
    assert tickets.window_status(7).current is None
    hall_clock.advance(minutes=10)
    again = tickets.recall_no_show(clerks["window"], 7, called.number.lower())
    assert again.state is TicketState.CALLED
    tickets.no_show(clerks["window"], 7)
    with pytest.raises(TicketError, match="已补叫过一次"):
        tickets.recall_no_show(clerks["window"], 7, called.number)


def test_no_show_recall_after_the_limit_is_refused(tickets, clerks, hall_clock):
    printed(tickets)
    called = tickets.call_next(clerks["window"], 7).current
    tickets.no_show(clerks["window"], 7)
    hall_clock.advance(minutes=31)
    with pytest.raises(TicketError, match="过号已超过 30 分钟"):
        tickets.recall_no_show(clerks["window"], 7, called.number)


def test_transfer_keeps_the_original_place(tickets, clerks, hall_clock):
    first = printed(tickets, "A")
    hall_clock.advance(minutes=5)
    later_c = printed(tickets, "C")
    tickets.call_next(clerks["window"], 7)
    moved = tickets.transfer(clerks["window"], 7, to_queue="C")
    assert (moved.state, moved.queue, moved.taken_at) == (TicketState.WAITING, "C", first.taken_at)
    assert moved.ahead == 0
    assert tickets.call_next(clerks["window2"], 3).current.number == first.number  # before C001 (taken later)
    tickets.transfer(clerks["window2"], 3, to_window=5)
    assert tickets.call_next(clerks["window"], 7).current is None  # only window 5 may call it now
    assert tickets.call_next(clerks["window"], 5).current.number == first.number
    assert later_c.number == "C001"


def test_transfer_needs_one_target(tickets, clerks):
    printed(tickets)
    tickets.call_next(clerks["window"], 7)
    with pytest.raises(TicketError, match="二选一"):
        tickets.transfer(clerks["window"], 7)
    with pytest.raises(TicketError, match="不能转移到本窗口"):
        tickets.transfer(clerks["window"], 7, to_window=7)


def test_pause_and_resume(tickets, clerks):
    printed(tickets)
    with pytest.raises(TicketError, match="请填写暂停服务的原因"):
        tickets.pause(clerks["window"], 7, "  ")
    tickets.pause(clerks["window"], 7, "午餐")
    with pytest.raises(TicketError, match="已暂停服务（午餐），请先上岗再叫号"):
        tickets.call_next(clerks["window"], 7)
    assert [(w, r) for w, r, _ in tickets.board().paused] == [(7, "午餐")]
    resumed = tickets.resume(clerks["window"], 7)
    assert tickets.board().paused == []
    status = tickets.call_next(clerks["window"], 7)
    assert status.current is not None and status == tickets.window_status(7)
    assert status.since == resumed.since  # serving since the window was back (上岗)
    with pytest.raises(TicketError, match="尚未办结：请先办结、过号或转移，再暂停"):
        tickets.pause(clerks["window"], 7, "离岗")


def test_a_ticket_scanned_at_the_wrong_window_is_refused(tickets, clerks):
    printed(tickets)
    waiting = printed(tickets)
    called = tickets.call_next(clerks["window"], 7).current
    assert tickets.find(called.number, 7).id == called.id
    with pytest.raises(TicketError, match=f"{called.number} 号叫到的是 7 号窗口，请到 7 号窗口办理"):
        tickets.find(called.number, 8)
    with pytest.raises(TicketError, match="尚未叫号"):
        tickets.find(waiting.number, 8)
    with pytest.raises(TicketError, match="今天没有 A099 号"):
        tickets.find("a99", 7)
    with pytest.raises(TicketError, match="不是号票号码"):
        tickets.find("20261125-SF-0001", 7)


def test_only_window_roles_call(tickets, clerks):
    printed(tickets)
    with pytest.raises(PermissionDenied, match="无权叫号"):
        tickets.call_next(clerks["mailroom"], 7)
    assert {q.prefix: q.waiting for q in tickets.queue_status()}["A"] == 1


def test_link_cases_refuses_unknown_case_numbers(tickets, clerks):
    printed(tickets)
    tickets.call_next(clerks["window"], 7)
    with pytest.raises(TicketError, match="没有受理编号为 20261125-SF-9999 的案件"):
        tickets.link_cases(clerks["window"], 7, ["20261125-SF-9999"])
    assert tickets.window_status(7).current.state is TicketState.CALLED


def test_yesterdays_waiting_ticket_is_not_called_today(tickets, clerks, hall_clock):
    printed(tickets)
    hall_clock.advance(days=1)
    assert tickets.call_next(clerks["window"], 7).current is None


def test_handling_time_feeds_the_estimate(tickets, clerks, hall_clock):
    printed(tickets)
    tickets.call_next(clerks["window"], 7)
    hall_clock.advance(minutes=20)
    tickets.link_cases(clerks["window"], 7, [])
    later = printed(tickets)
    printed(tickets)
    assert later.estimated_wait_minutes == 0
    assert printed(tickets).estimated_wait_minutes == 40  # two ahead, 20 minutes each, one window
    assert timedelta(minutes=20)


def test_day_figures_per_queue_and_window(tickets, clerks, hall_clock):
    for _ in range(3):
        printed(tickets)
    hall_clock.advance(minutes=10)
    tickets.call_next(clerks["window"], 7)
    hall_clock.advance(minutes=6)
    tickets.link_cases(clerks["window"], 7, [])
    tickets.call_next(clerks["window"], 7)  # waited 16 minutes
    tickets.no_show(clerks["window"], 7)
    tickets.pause(clerks["window2"], 8, "培训")
    hall_clock.advance(minutes=4)
    queues, windows = tickets.figures()
    a = next(q for q in queues if q.prefix == "A")
    assert (a.waiting_now, a.longest_wait_now, a.called, a.no_shows) == (1, 20.0, 2, 1)
    assert (a.mean_wait, a.p90_wait) == (13.0, 16.0)
    assert [(w.window, w.served, w.mean_handling, w.paused, w.reason) for w in windows] == [
        (7, 1, 6.0, False, ""), (8, 0, 0.0, True, "培训")]


def test_a_finished_ticket_scanned_again_says_so_once(tickets, clerks):
    printed(tickets)
    called = tickets.call_next(clerks["window"], 7).current
    tickets.link_cases(clerks["window"], 7, [])
    with pytest.raises(TicketError) as refused:
        tickets.find(called.number, 7)
    assert str(refused.value) == f"{called.number} 号已办结"


def test_a_window_with_a_ticket_open_is_in_the_figures_with_it(tickets, clerks, hall_clock):
    printed(tickets)
    called = tickets.call_next(clerks["window"], 7).current  # called, nothing finished at window 7 yet
    _, windows = tickets.figures()
    assert [(w.window, w.served, w.current) for w in windows] == [(7, 0, called.number)]


def test_no_wait_is_promised_for_a_queue_no_signed_in_window_serves(store, tickets, clerks, hall_clock):
    from clerk.services.seats import SeatService

    SeatService(store, hall_clock).take(clerks["window"], 7)  # window 7 serves A and Z (the default)
    printed(tickets, "C")
    c = printed(tickets, "C")
    a = printed(tickets, "A")
    assert (c.ahead, c.serving_windows) == (1, 0) and a.serving_windows == 1
    status = {q.prefix: q for q in tickets.queue_status()}
    assert status["C"].serving_windows == 0 and status["A"].serving_windows == 1
    assert wait_text(c.estimated_wait_minutes, c.serving_windows) == "暂无窗口办理此类业务"
    assert wait_text(a.estimated_wait_minutes, a.serving_windows) == f"约 {a.estimated_wait_minutes} 分钟"
