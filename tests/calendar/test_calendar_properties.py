"""Property tests: round trips, no result on a day off, the provisional flag,
and agreement with chinesecalendar's own ``is_workday`` as an independent oracle."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from clerk.calendar import WorkCalendar

# Around the package's range so that missing years on both sides get exercised.
starts = st.dates(min_value=date(2002, 10, 1), max_value=date(2028, 3, 1))
library_days = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))
_CAL: WorkCalendar | None = None  # built once; hypothesis tests cannot use function fixtures


def calendar() -> WorkCalendar:
    global _CAL
    if _CAL is None:
        from clerk.calendar.workcal import library_schedules

        _CAL = WorkCalendar(library_schedules())
    return _CAL


def naive_count(cal: WorkCalendar, start: date, end: date) -> int:
    day, total = start, 0
    while day < end:
        day += timedelta(days=1)
        total += cal.is_working_day(day)
    return total


@settings(max_examples=300)
@given(library_days)
def test_agrees_with_the_package(day):
    assert calendar().is_working_day(day) == chinese_calendar.is_workday(day)


@settings(max_examples=300)
@given(starts, st.integers(min_value=0, max_value=300))
def test_add_then_count_round_trips(start, n):
    cal = calendar()
    due = cal.add_working_days(start, n)
    assert cal.count_working_days(start, due.date).days == n
    assert naive_count(cal, start, due.date) == n
    if n == 0:
        assert due.date == start
    else:
        assert cal.is_working_day(due.date)  # never lands on a day off
        assert naive_count(cal, start, due.date - timedelta(days=1)) == n - 1  # the earliest such day


@settings(max_examples=300)
@given(starts, st.integers(min_value=0, max_value=300))
def test_provisional_exactly_when_a_touched_year_is_missing(start, n):
    cal = calendar()
    due = cal.add_working_days(start, n)
    touched = range(start.year, due.date.year + 1)
    expected = tuple(y for y in touched if not (2004 <= y <= 2026))
    assert due.missing_years == expected
    assert due.provisional == bool(expected)
    counted = cal.count_working_days(start, due.date)
    assert (counted.provisional, counted.missing_years) == (due.provisional, due.missing_years)


@settings(max_examples=300)
@given(starts, starts)
def test_count_matches_day_by_day_and_is_antisymmetric(a, b):
    cal = calendar()
    forward = cal.count_working_days(a, b)
    assert forward.days == -cal.count_working_days(b, a).days
    lo, hi = sorted((a, b))
    assert abs(forward.days) == naive_count(cal, lo, hi)


@settings(max_examples=200)
@given(starts, st.integers(min_value=65, max_value=3000))
def test_fast_path_agrees_with_one_day_less(start, n):
    # Beyond the stepping limit the search must still find the *earliest* day.
    cal = calendar()
    due = cal.add_working_days(start, n).date
    assert cal.count_working_days(start, due).days == n
    assert cal.count_working_days(start, due - timedelta(days=1)).days == n - 1
