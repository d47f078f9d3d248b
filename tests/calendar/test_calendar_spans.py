"""Limits in calendar days and months (民法典 art. 201-203), across holidays and month ends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk.calendar import add_calendar_days, add_months


def test_calendar_days_ending_in_a_holiday_roll_to_the_first_working_day(library_calendar):
    # 2025-09-26 + 7 days = 2025-10-03, inside National Day (10-01..10-08): the limit ends 10-09.
    due = add_calendar_days(library_calendar, date(2025, 9, 26), 7)
    assert (due.date, due.provisional) == (date(2025, 10, 9), False)
    # The same start in working days: the make-up Saturday 10-11 is not reached; holidays skipped.
    assert library_calendar.add_working_days(date(2025, 9, 26), 7).date == date(2025, 10, 13)


def test_calendar_days_count_weekends_and_holidays_inside_the_period(library_calendar):
    # 30 calendar days from 2025-09-30 end on Thursday 2025-10-30, holidays in between count.
    assert add_calendar_days(library_calendar, date(2025, 9, 30), 30).date == date(2025, 10, 30)
    # Ending on a Sunday: Monday.
    assert add_calendar_days(library_calendar, date(2025, 11, 2), 7).date == date(2025, 11, 10)


@pytest.mark.parametrize(("start", "months", "end"), [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),  # no 31st in February: the month's last day (a Friday)
    (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
    (date(2025, 3, 15), 3, date(2025, 6, 16)),  # 6-15 is a Sunday: Monday
    (date(2025, 9, 1), 1, date(2025, 10, 9)),  # 10-01 is National Day: the first working day after it
    (date(2026, 1, 31), 1, date(2026, 2, 28)),  # a Saturday, but a make-up working day (春节调休上班)
    (date(2025, 12, 31), 2, date(2026, 2, 28)),  # across a year end, then month end
])
def test_months_end_on_the_corresponding_day_or_the_month_end(library_calendar, start, months, end):
    assert add_months(library_calendar, start, months).date == end


def test_a_limit_reaching_an_unpublished_year_is_provisional(library_calendar):
    last = max(library_calendar.years())
    due = add_months(library_calendar, date(last, 11, 30), 3)
    assert due.provisional and due.missing_years == (last + 1,)


def test_negative_limits_are_refused(library_calendar):
    with pytest.raises(ValueError):
        add_calendar_days(library_calendar, date(2025, 1, 1), -1)
    with pytest.raises(ValueError):
        add_months(library_calendar, date(2025, 1, 1), -1)


@given(start=st.dates(date(2024, 1, 1), date(2026, 10, 31)), days=st.integers(0, 60))
def test_calendar_day_limits_end_on_a_working_day_within_a_week_of_the_plain_date(library_calendar, start, days):
    due = add_calendar_days(library_calendar, start, days).date
    plain = start + timedelta(days=days)
    assert library_calendar.is_working_day(due) or due == plain == start
    assert plain <= due <= plain + timedelta(days=9)
    assert all(not library_calendar.is_working_day(plain + timedelta(days=k)) for k in range((due - plain).days))
