"""Limits counted by the calendar, not in working days (自然日 and 月).

民法典 art. 201-203 (and the same rule in the procedure laws): the day the
period starts is not counted; a period in months ends on the corresponding day
of the last month, or on that month's last day when it has no such day
(1-31 + 1 month = 2-28, or 2-29 in a leap year); a period whose last day is a
statutory rest day (holiday or weekend) ends on the first working day after it.
"""

from __future__ import annotations

import calendar as _months
from datetime import date, timedelta

from clerk.calendar.workcal import DueDate, WorkCalendar

_ROLL_LIMIT = 40  # no run of rest days is this long; stop rather than loop forever


def add_calendar_days(calendar: WorkCalendar, start: date, days: int) -> DueDate:
    """The end of a limit of ``days`` calendar days (自然日) counted after ``start``."""
    if days < 0:
        raise ValueError("天数不能为负数")
    return _roll_forward(calendar, start, start + timedelta(days=days))


def add_months(calendar: WorkCalendar, start: date, months: int) -> DueDate:
    """The end of a limit of ``months`` months counted after ``start`` (see module doc)."""
    if months < 0:
        raise ValueError("月数不能为负数")
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    day = min(start.day, _months.monthrange(year, month)[1])
    return _roll_forward(calendar, start, date(year, month, day))


def _roll_forward(calendar: WorkCalendar, start: date, end: date) -> DueDate:
    rolled = end
    for _ in range(_ROLL_LIMIT):
        if calendar.is_working_day(rolled):
            break
        rolled += timedelta(days=1)
    missing = calendar.missing_years(start, rolled)
    return DueDate(rolled, bool(missing), missing)
