"""Working days (工作日): holidays, make-up working days, provisional years.

See docs/architecture.md (section calendar) and docs/calendar.md.
"""

from clerk.calendar.spans import add_calendar_days, add_months
from clerk.calendar.workcal import DueDate, WorkCalendar, WorkingDays
from clerk.calendar.yearfile import CalendarError, CalendarProblem, YearSchedule

__all__ = [
    "CalendarError",
    "CalendarProblem",
    "DueDate",
    "WorkCalendar",
    "WorkingDays",
    "YearSchedule",
    "add_calendar_days",
    "add_months",
]
