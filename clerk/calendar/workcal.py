"""The working-day calendar (工作日历) used for every statutory time limit.

A day is a working day when it is a make-up working day (调休上班), or when it
is Monday–Friday and not a holiday.  Schedules come from the ``chinesecalendar``
package (years it covers) and from ``data/calendar/<year>.toml`` files; a file
replaces the package for its year.  A year with neither (from 2000 to 2199) is
computed with its statutory holidays as ``clerk.calendar.statutory`` assumes them
(erring late: never an earlier date than the published arrangement will give),
outside those years with weekends only, and every result touching it is flagged
``provisional``: a deadline must never be silently wrong.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import chinese_calendar
from chinese_calendar import constants

from clerk.calendar.statutory import statutory_rest_days
from clerk.calendar.yearfile import (
    YEAR_FILE_NAME,
    CalendarError,
    CalendarProblem,
    YearSchedule,
    load_year_file,
)
from clerk.config import get_settings

_STEP_LIMIT = 64  # below this many working days, stepping day by day is fastest
PROVISIONAL_YEARS = range(2000, 2200)  # unpublished years given their statutory holidays


@dataclass(frozen=True)
class DueDate:
    """The n-th working day after a start day (期限届满日)."""

    date: date
    provisional: bool
    missing_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class WorkingDays:
    """Working days in the half-open interval (start, end]; negative when end < start."""

    days: int
    provisional: bool
    missing_years: tuple[int, ...] = ()


def library_schedules() -> dict[int, YearSchedule]:
    """The years covered by the ``chinesecalendar`` package, as schedules."""
    chinese = {h.value: h.chinese for h in constants.Holiday}
    first = min(constants.holidays).year
    last = max(constants.holidays).year
    source = f"chinesecalendar {chinese_calendar.__version__}"
    result = {y: YearSchedule(y, source, {}, {}) for y in range(first, last + 1)}
    for day, name in constants.holidays.items():
        result[day.year].holidays[day] = chinese.get(name, name)
    for day, name in constants.workdays.items():
        if day.year in result:
            result[day.year].makeup_workdays[day] = chinese.get(name, name)
    return result


def _weekdays_through(ordinal: int) -> int:
    """Monday–Friday days among ordinals 1..ordinal (ordinal 1 = 0001-01-01, a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


class WorkCalendar:
    """Working days for all loaded years; statutory holidays assumed (provisional) elsewhere."""

    def __init__(self, schedules: dict[int, YearSchedule]):
        self._schedules = dict(schedules)
        self._off: set[date] = set()
        self._on: set[date] = set()
        for schedule in self._schedules.values():
            self._off.update(schedule.holidays)
            self._on.update(schedule.makeup_workdays)
        self._assumed: dict[date, str] = {}  # rest days of unpublished years (provisional)
        for year in PROVISIONAL_YEARS:
            if year not in self._schedules:
                self._assumed.update((d, name) for d, name in statutory_rest_days(year).items()
                                     if d.year not in self._schedules)
        self._off.update(self._assumed)
        # For counting without walking every day: weekday holidays subtract one,
        # weekend make-up days add one, relative to the plain Monday–Friday count.
        self._off_weekdays = sorted(d.toordinal() for d in self._off if d.weekday() < 5)
        self._on_weekends = sorted(d.toordinal() for d in self._on if d.weekday() >= 5)
        self._off_ordinals = frozenset(self._off_weekdays)
        self._on_ordinals = frozenset(self._on_weekends)

    @classmethod
    def load(cls, calendar_dir: Path | None = None) -> WorkCalendar:
        """The package's years plus every ``<year>.toml`` in ``calendar_dir``.

        ``None`` means the configured directory (``Settings.calendar_dir``).  A
        missing directory is fine (package years only); any bad year file raises
        ``CalendarError`` naming every problem, and nothing is loaded.
        """
        if calendar_dir is None:
            calendar_dir = get_settings().calendar_dir
        schedules = library_schedules()
        schedules.update(read_year_files(Path(calendar_dir)))
        return cls(schedules)

    # -- questions -------------------------------------------------------
    def has_schedule(self, year: int) -> bool:
        return year in self._schedules

    def years(self) -> list[int]:
        return sorted(self._schedules)

    def schedule_source(self, year: int) -> str | None:
        """Where the year's schedule comes from (package version or file), if any."""
        schedule = self._schedules.get(year)
        return schedule.source if schedule else None

    def day_note(self, d: date) -> str:
        """``"春节"``-style note for a holiday, ``"春节调休上班"`` for a make-up day, else ``""``;
        ``"春节（暂定）"`` for a holiday assumed in a year not published yet."""
        schedule = self._schedules.get(d.year)
        if schedule is None:
            return f"{self._assumed[d]}（暂定）" if d in self._assumed else ""
        if d in schedule.makeup_workdays:
            return f"{schedule.makeup_workdays[d]}调休上班"
        return schedule.holidays.get(d, "")

    def is_working_day(self, d: date) -> bool:
        if d in self._on:
            return True
        return d.weekday() < 5 and d not in self._off

    def missing_years(self, a: date, b: date) -> tuple[int, ...]:
        """Years from the earlier to the later day (inclusive) that have no schedule."""
        lo, hi = sorted((a.year, b.year))
        return tuple(y for y in range(lo, hi + 1) if y not in self._schedules)

    # -- arithmetic ------------------------------------------------------
    def add_working_days(self, start: date, n: int) -> DueDate:
        """The n-th working day after ``start`` (the start day itself is not counted).

        ``n = 0`` returns ``start``.  Negative ``n`` is rejected with ``ValueError``:
        statutory limits only run forward.
        """
        if n < 0:
            raise ValueError(f"工作日数不能为负数：{n}")
        if n == 0:
            end = start
        elif n <= _STEP_LIMIT:
            end = date.fromordinal(self._step(start.toordinal(), n))
        else:
            end = self._search_end(start, n)
        missing = self.missing_years(start, end)
        return DueDate(end, bool(missing), missing)

    def count_working_days(self, start: date, end: date) -> WorkingDays:
        """Working days in (start, end]; for ``end < start`` minus those in (end, start]."""
        lo, hi = sorted((start, end))
        days = self._count(lo.toordinal(), hi.toordinal())
        missing = self.missing_years(lo, hi)
        return WorkingDays(days if end >= start else -days, bool(missing), missing)

    def _step(self, ordinal: int, n: int) -> int:
        """Walk forward day by day (as ordinals) until n working days have passed."""
        off, on = self._off_ordinals, self._on_ordinals
        while n:
            ordinal += 1
            if ordinal in on or ((ordinal - 1) % 7 < 5 and ordinal not in off):
                n -= 1
        return ordinal

    def _count(self, lo: int, hi: int) -> int:
        """Working days among ordinals (lo, hi], lo <= hi, in O(log holidays)."""
        plain = _weekdays_through(hi) - _weekdays_through(lo)
        off = bisect_right(self._off_weekdays, hi) - bisect_right(self._off_weekdays, lo)
        on = bisect_right(self._on_weekends, hi) - bisect_right(self._on_weekends, lo)
        return plain - off + on

    def _search_end(self, start: date, n: int) -> date:
        """The earliest day whose count from ``start`` reaches n (it is a working day)."""
        lo = start.toordinal()
        hi = lo + n * 7 // 5 + 7
        while self._count(lo, hi) < n:
            hi += (n - self._count(lo, hi)) * 2 + 7
        low, high = lo + 1, hi
        while low < high:
            mid = (low + high) // 2
            if self._count(lo, mid) >= n:
                high = mid
            else:
                low = mid + 1
        return date.fromordinal(low)


def read_year_files(calendar_dir: Path) -> dict[int, YearSchedule]:
    """Every ``*.toml`` year file in the directory, all-or-nothing."""
    if not calendar_dir.exists():
        return {}
    if not calendar_dir.is_dir():
        raise CalendarError([CalendarProblem(str(calendar_dir), 0, "不是目录")])
    schedules: dict[int, YearSchedule] = {}
    problems: list[CalendarProblem] = []
    for path in sorted(calendar_dir.glob("*.toml")):
        try:
            schedule = load_year_file(path)
        except CalendarError as exc:
            problems.extend(exc.problems)
            continue
        schedules[schedule.year] = YearSchedule(
            schedule.year, f"{path}（{schedule.source}）", schedule.holidays, schedule.makeup_workdays
        )
    if problems:
        raise CalendarError(problems)
    return schedules


__all__ = ["YEAR_FILE_NAME", "DueDate", "WorkCalendar", "WorkingDays", "read_year_files"]
