"""Dashboard figures against a store filled with known cases (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest


def test_windows_panel(hall, dashboard):
    windows = {w.window: w for w in dashboard.windows()}
    w3 = windows[3]
    assert w3.cases_today == 4
    assert w3.last_number == hall.numbers["t4"] and w3.last_item == "个体工商户名称查询"
    # Gaps 10 and 15 minutes; the 65-minute idle gap is ignored.
    assert w3.avg_minutes == pytest.approx(12.5, abs=0.01)
    assert w3.open_fallback == 0
    assert windows[5].cases_today == 1 and windows[5].avg_minutes is None  # a bundle is one visit
    assert windows[4].cases_today == 0 and windows[4].open_fallback == 1


def test_hall_totals(hall, dashboard):
    totals = dashboard.totals()
    assert totals.cases_today == 5
    assert totals.cases_month == 11  # 7 in November before today + 5 today - the bundle's children
    assert totals.on_the_spot_today == 3
    assert totals.on_the_spot_share == pytest.approx(0.6)
    assert totals.fallback_backlog == 1 and totals.tolerated_open == 1
    assert sum(totals.hourly) == 5 and totals.hourly[1] == 4 and totals.hourly[2] == 1  # 09:xx, 10:xx


def test_deadline_watch(hall, dashboard):
    watch = dashboard.deadlines()
    assert (watch.today, watch.due_1_by, watch.due_3_by) == (date(2026, 11, 25), date(2026, 11, 26),
                                                             date(2026, 11, 30))
    health = next(line for line in watch.lines if line.department == "区卫生健康局")
    # overdue: the 10 Nov acceptance, the 10 Nov one-time notice and the 容缺 supply date (18 Nov)
    assert health.overdue == 3
    assert health.due_1 == 4  # the three overdue + due Thu 26
    assert health.due_3 == 5  # + due Fri 27
    assert watch.lines[0] is health  # most overdue first
    assert all(line.department != "区市场监督管理局" or line.overdue == 0 for line in watch.lines)
    assert watch.notice_overdue == 1 and watch.supply_overdue == 1
    assert watch.follow_up_open == 1 and watch.follow_up_overdue == 0


def test_drill_down_to_the_cases(hall, dashboard):
    cases = dashboard.drill("区卫生健康局", "T-GGWS-001", "overdue")
    assert {c.number for c in cases} == {hall.numbers[k] for k in ("overdue", "fallback", "tolerated")}
    assert [c.number for c in dashboard.drill("区卫生健康局", None, "due_3")][-2:] == [hall.numbers["due1"],
                                                                                   hall.numbers["due3"]]


def test_ratings_panel(hall, dashboard):
    ratings = dashboard.ratings()
    assert (ratings.month_rated, ratings.month_good) == (3, 2)
    assert ratings.good_share == pytest.approx(2 / 3)
    assert ratings.trend[-2:] == (("2026-10", 1.0), ("2026-11", pytest.approx(2 / 3)))
    assert ratings.trend[0] == ("2026-06", None)
    assert ratings.open_follow_ups == 1


def test_empty_store_gives_zeros(store, dashboard):
    snap = dashboard.snapshot()
    assert snap.windows == () and snap.totals.cases_today == 0 and snap.totals.on_the_spot_share is None
    assert snap.deadlines.lines == () and snap.ratings.good_share is None


def test_a_window_calling_by_ticket_shows_its_measured_handling_time(hall, dashboard, service, store, clock,
                                                                      hall_key_file):
    from datetime import timedelta

    from clerk.config import Settings
    from clerk.domain.accounts import Role
    from clerk.services.tickets import TicketService

    clerk = service.add_user(None, "w77", "叫号员", Role.WINDOW, "secret1")
    tickets = TicketService(store, Settings.defaults(key_file=hall_key_file), None, clock)
    now = clock.now
    for minutes in (8, 4):  # two visits at window 3, called and finished: 8 and 4 minutes
        tickets.mark_printed(tickets.take("A", now=now).id, now=now)
        tickets.call_next(clerk, 3, now=now)
        now += timedelta(minutes=minutes)
        tickets.link_cases(clerk, 3, [], now=now)
    windows = {w.window: w for w in dashboard.windows()}
    assert windows[3].handling_minutes == pytest.approx(6.0, abs=0.01)  # measured, not the receipt gaps
    assert windows[3].avg_minutes == pytest.approx(12.5, abs=0.01)  # the estimate is still there
    assert windows[5].handling_minutes is None  # no tickets there: the estimate stands
