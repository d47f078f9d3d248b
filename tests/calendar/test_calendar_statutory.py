"""A year whose holidays are not published yet still has its statutory holidays (#30 item 8).

The provisional rule (clerk.calendar.statutory) is held to every year published since the
2013 revision of the 放假办法: applied to such a year as if it were not published, it never
gives a date earlier than the published calendar, nor more working days left.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerk.calendar import WorkCalendar, YearSchedule
from clerk.calendar.statutory import statutory_rest_days
from clerk.calendar.workcal import library_schedules, read_year_files
from clerk.cli import main

REPO = Path(__file__).resolve().parents[2]
# 2015-09-03/04 (抗战胜利70周年纪念日, make-up Sun 09-06) were a one-off, in no 放假办法.
ONE_OFF = {date(2015, 9, 3), date(2015, 9, 4), date(2015, 9, 6)}


def published() -> dict[int, YearSchedule]:
    """The published years: the package's and data/calendar's, the one-off days made ordinary."""
    schedules = library_schedules()
    schedules.update(read_year_files(REPO / "data" / "calendar"))
    for schedule in schedules.values():
        for day in ONE_OFF:
            schedule.holidays.pop(day, None)
            schedule.makeup_workdays.pop(day, None)
    return schedules


PUBLISHED = published()
YEARS = [y for y in sorted(PUBLISHED) if y >= 2014]
FULL = WorkCalendar(PUBLISHED)
_WITHOUT: dict[int, WorkCalendar] = {}


def without(year: int) -> WorkCalendar:
    """The calendar as it was before ``year`` was published."""
    if year not in _WITHOUT:
        _WITHOUT[year] = WorkCalendar({y: s for y, s in PUBLISHED.items() if y != year})
    return _WITHOUT[year]


@pytest.mark.parametrize("year", YEARS)
def test_the_rule_rests_on_every_day_the_published_year_rests(year):
    schedule = PUBLISHED[year]
    assumed = {d for y in (year, year + 1) for d in statutory_rest_days(y) if d.year == year}
    missed = sorted(d for d in schedule.holidays if d.weekday() < 5 and d not in assumed)
    assert missed == []


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(YEARS), st.integers(min_value=-40, max_value=365), st.integers(min_value=1, max_value=90))
def test_a_provisional_date_is_never_earlier_than_the_published_one(year, offset, n):
    start = date(year, 1, 1) + timedelta(days=offset)
    guess = without(year).add_working_days(start, n)
    truth = FULL.add_working_days(start, n)
    assert guess.date >= truth.date
    if year in range(start.year, guess.date.year + 1):
        assert guess.provisional  # and marked so
    end = start + timedelta(days=n)
    assert without(year).count_working_days(start, end).days <= FULL.count_working_days(start, end).days


def test_an_unpublished_year_keeps_its_statutory_holidays():
    cal = WorkCalendar(library_schedules())  # 2027 is not published
    for day, name in [(date(2027, 1, 1), "元旦"), (date(2027, 2, 8), "春节"), (date(2027, 4, 5), "清明"),
                      (date(2027, 5, 3), "劳动节"), (date(2027, 6, 9), "端午节"), (date(2027, 9, 15), "中秋节"),
                      (date(2027, 10, 1), "国庆节")]:
        assert not cal.is_working_day(day), day
        assert cal.day_note(day) == f"{name}（暂定）"
    assert cal.is_working_day(date(2027, 1, 4))


def test_calendar_add_over_new_year_2027_skips_yuandan(capsys, tmp_path):
    # Dec 25 (1), 28-31 (5), Jan 1 元旦, Jan 4-8 (10): never 2027-01-07 (one day early).
    assert main(["calendar", "--dir", str(tmp_path), "add", "2026-12-24", "10"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "2027-01-08 星期五 (provisional)"
    assert main(["calendar", "--dir", str(tmp_path), "add", "2026-12-30", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "2026-12-31 星期四"
    assert main(["calendar", "--dir", str(tmp_path), "add", "2026-12-31", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "2027-01-04 星期一 (provisional)"


def test_years_without_a_lunar_table_assume_every_day_a_lunar_holiday_can_fall_on():
    days = statutory_rest_days(2150)
    assert all(date(2150, 1, 19) + timedelta(days=k) in days for k in range(40))  # 春节
    assert date(2150, 4, 6) in days and date(2150, 6, 20) in days and date(2150, 10, 1) in days
