"""Working-day deadlines of a case (pure; the calendar does the counting).

Counting starts on the local (hall time zone) date of the triggering moment,
which itself is not counted (期间开始之日不计算在内).  A 容缺 supply-by date is
what the applicant promised, but never later than the promised completion.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from clerk.calendar import DueDate, WorkCalendar, add_calendar_days, add_months
from clerk.catalog.model import LimitUnit, TimeLimit
from clerk.domain.views import Deadline, DeadlineKind

NOTICE_LIMIT_DAYS = 5  # 行政许可法 art. 32: one-time notice within 5 days
FOLLOW_UP_DAYS = 15  # a bad rating is rectified within 15 working days




def local_date(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def due_date(
    calendar: WorkCalendar, start_on: date, working_days: int, requested_on: date | None = None,
    unit: LimitUnit = LimitUnit.WORKING_DAYS,
) -> DueDate:
    """The deadline of a limit of ``working_days`` (a count in ``unit``), capped at
    ``requested_on`` (a 容缺 supply-by date) when that comes first."""
    full = limit_due_date(calendar, start_on, TimeLimit(working_days, unit))
    if requested_on is not None and requested_on < full.date:
        return DueDate(requested_on, full.provisional, full.missing_years)
    return full


def limit_due_date(calendar: WorkCalendar, start_on: date, limit: TimeLimit) -> DueDate:
    """The last day of a catalog limit counted after ``start_on``, in the limit's unit:
    working days by the holiday schedule, calendar days and months by the calendar
    (rolled to the next working day when they end on a rest day), 即办 the same day."""
    match limit.unit:
        case LimitUnit.CALENDAR_DAYS:
            return add_calendar_days(calendar, start_on, limit.count)
        case LimitUnit.MONTHS:
            return add_months(calendar, start_on, limit.count)
        case LimitUnit.IMMEDIATE:
            missing = calendar.missing_years(start_on, start_on)
            return DueDate(start_on, bool(missing), missing)
    return calendar.add_working_days(start_on, limit.count)


def latest_limit(calendar: WorkCalendar, start_on: date, limits: list[TimeLimit]) -> TimeLimit:
    """Of several items' limits (a bundle), the one that ends last: the bundle's promise."""
    return max(limits, key=lambda limit: limit_due_date(calendar, start_on, limit).date)


def earliest_limit(calendar: WorkCalendar, start_on: date, limits: list[TimeLimit]) -> TimeLimit | None:
    """Of several items' limits, the one that ends first (it caps a 容缺 supply-by date)."""
    return min(limits, key=lambda limit: limit_due_date(calendar, start_on, limit).date, default=None)


def make_deadline(
    calendar: WorkCalendar,
    kind: DeadlineKind,
    start_on: date,
    working_days: int | TimeLimit,
    requested_on: date | None = None,
) -> Deadline:
    """A deadline of ``working_days`` working days, or of a catalog ``TimeLimit`` in its unit."""
    limit = working_days if isinstance(working_days, TimeLimit) else TimeLimit(working_days)
    due = due_date(calendar, start_on, limit.count, requested_on, limit.unit)
    span = None
    if requested_on is not None and due.date == requested_on:  # the date agreed, not the limit's end
        span = TimeLimit(calendar.count_working_days(start_on, requested_on).days)
    return Deadline(
        kind=kind,
        due=due,
        start_on=start_on,
        working_days=limit.count,
        requested_on=requested_on,
        unit=limit.unit,
        span=span,
    )


def running(deadlines: list[Deadline] | tuple[Deadline, ...]) -> Deadline | None:
    """The earliest deadline not yet met: what a queue sorts and flags on."""
    open_ones = [d for d in deadlines if d.met_at is None]
    return min(open_ones, key=lambda d: d.due.date, default=None)


def resume_after_correction(calendar: WorkCalendar, promised: Deadline, decided_on: date,
                            resumed_on: date) -> tuple[Deadline, int]:
    """The promise once the correction arrived, and the days the case waited (in the limit's unit).

    补正 suspends the limit (行政许可法): the request stops the promise (met when the decision
    to ask was recorded, so the case is neither due nor overdue while it waits, but not 办结
    either: the report leaves out a case in 需补正), and the correction starts it again.  The waiting runs from the day after the request (the day it was decided on counts to the
    department) to the day the correction arrived (the count goes on the day after it):
    the due date moves on by those days.  A limit in months or 即办 does not move.
    """
    match promised.unit:
        case LimitUnit.WORKING_DAYS:
            waited = max(calendar.count_working_days(decided_on, resumed_on).days, 0)
        case LimitUnit.CALENDAR_DAYS:
            waited = max((resumed_on - decided_on).days, 0)
        case _:
            waited = 0
    moved = make_deadline(calendar, DeadlineKind.PROMISED, promised.start_on,
                          TimeLimit(promised.working_days + waited, promised.unit))
    return moved, waited


SUPPLY_DEFAULT_DAYS = 5  # the date offered first when a clerk marks a material 容缺


def supply_by(
    calendar: WorkCalendar, today: date, text: str = "", promised_days: int | TimeLimit | None = None
) -> tuple[DueDate | None, str]:
    """The supply-by date a 容缺 applicant promises, typed as a date or a number of working days.

    Empty text gives the default offer (never past the limit).  With
    ``promised_days``, a date later than the item's promised completion date is
    refused with the rule and the latest date it allows (the supply deadline
    is capped there, see ``due_date``).  Returns the date (with its
    provisional flag) or ``None`` and the reason, in Chinese.
    """
    text = text.strip()
    if isinstance(promised_days, int):
        promised_days = TimeLimit(promised_days) if promised_days else None
    limit = limit_due_date(calendar, today, promised_days) if promised_days else None
    if not text or (text.isdigit() and len(text) <= 3):
        days = int(text) if text else SUPPLY_DEFAULT_DAYS
        if days <= 0:
            return None, "工作日天数必须大于 0"
        due = calendar.add_working_days(today, days)
        if not text and limit is not None and limit.date < due.date:
            return limit, ""
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None, "请输入日期（如 2026-12-01）或工作日天数（如 5）"
        if day <= today:
            return None, "补交日期必须晚于今天"
        counted = calendar.count_working_days(today, day)
        due = DueDate(day, counted.provisional, counted.missing_years)
    if limit is not None and promised_days is not None and due.date > limit.date:
        return None, supply_limit_reason(promised_days, limit)
    return due, ""


def supply_limit_reason(promised_days: int | TimeLimit, limit: DueDate) -> str:
    """Why a supply-by date is refused: the rule, and the latest date it allows."""
    promised = promised_days if isinstance(promised_days, TimeLimit) else TimeLimit(promised_days)
    return (f"补交日期不能晚于承诺办结日期：本事项承诺 {promised}办结，"
            f"最晚可约定 {limit.date:%Y-%m-%d}")


def provisional_note(due: DueDate) -> str:
    """What a screen says beside a date computed for a year whose holidays are not published."""
    if not due.provisional:
        return ""
    years = "、".join(str(y) for y in due.missing_years)
    return f"（暂定：{years} 年节假日安排尚未公布，按法定节日从宽推算）"
