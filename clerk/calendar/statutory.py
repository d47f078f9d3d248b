"""The rest days assumed for a year whose holiday schedule is not published yet.

The State Council announces each year's arrangement (放假安排) late in the year
before, but the holidays themselves are fixed by the 全国年节及纪念日放假办法
(2024 revision): 元旦 (1 day), 春节 (除夕 to 初三), 清明 (the solar term),
劳动节 (May 1-2), 端午 (lunar 5/5), 中秋 (lunar 8/15), 国庆 (Oct 1-3).  A
provisional date must never come out earlier than the published arrangement will
give, so the guess errs late: it assumes every day the arrangement could plausibly
give off, and no make-up working day (调休上班) at all.  With its rest days a
superset of the published ones and no extra working day, the n-th working day can
only come later, and a count of working days left only smaller.

The rule (tested against every published year since the 2013 revision, the years
whose arrangements follow today's pattern; tests/calendar/test_calendar_statutory.py):

- 元旦 Jan 1, 清明, 端午, 中秋: that day; when it falls on a Saturday or Sunday, also
  the Monday after (the arrangement gives it in lieu);
- 春节: from 初一 - 3 (arrangements have started as early as 初一 - 2, in 2026) to
  初一 + 7 (the latest end so far, 2024);
- 劳动节: May 1-5; 国庆: Oct 1-7, and through Oct 8 (or the day after 中秋) when 中秋
  falls between Sep 28 and Oct 9 (the two are joined, as in 2017, 2020, 2023, 2025);
- bridges: a weekday between two rest days (a Monday before a Tuesday holiday, a
  Friday after a Thursday one, also Dec 31 before a Tuesday 元旦) is a rest day.

Lunar dates come from ``lunardate`` (1900-2099) and 清明 from ``chinesecalendar``'s
solar terms (1900-2100).  Outside those years the lunar and solar-term holidays are
assumed over every day they can fall on (春节 Jan 19-Feb 27, 清明 Apr 3-7, 端午
May 28-Jun 25, 中秋 Sep 7-Oct 9): later still, never earlier.  One-off days off
(such as 2015-09-03, 抗战胜利70周年) cannot be foreseen.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import chinese_calendar
from lunardate import LunarDate

_DAY = timedelta(days=1)
_LUNAR_YEARS = range(1900, 2100)  # lunardate's table; solar terms go to 2100


def _span(days: dict[date, str], first: date, last: date, name: str) -> None:
    day = first
    while day <= last:
        days.setdefault(day, name)
        day += _DAY


def _one_day(days: dict[date, str], day: date, name: str) -> None:
    """A one-day holiday, and the Monday given in lieu when it falls on a weekend."""
    days.setdefault(day, name)
    if day.weekday() >= 5:
        days.setdefault(day + timedelta(days=7 - day.weekday()), name)


def _lunar(year: int, month: int, day: int) -> date:
    solar: date = LunarDate(year, month, day).to_solar_date()
    return solar


def _qingming(year: int) -> date:
    terms: list[tuple[date, str]] = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
    return next(day for day, name in terms if name == "清明")


def statutory_rest_days(year: int) -> dict[date, str]:
    """Every day assumed off for ``year`` (see module doc), by holiday name.

    May include Dec 31 of the year before (a bridge before a Tuesday 元旦).
    Weekends are included only where a holiday span covers them.
    """
    return dict(_rest_days(year))


@cache
def _rest_days(year: int) -> tuple[tuple[date, str], ...]:
    days: dict[date, str] = {}
    _one_day(days, date(year, 1, 1), "元旦")
    if year in _LUNAR_YEARS:
        new_year = _lunar(year, 1, 1)
        _span(days, new_year - timedelta(days=3), new_year + timedelta(days=7), "春节")
        _one_day(days, _qingming(year), "清明")
        _one_day(days, _lunar(year, 5, 5), "端午节")
        mid_autumn: date | None = _lunar(year, 8, 15)
    else:  # no lunar table: every day the lunar and solar-term holidays can fall on
        _span(days, date(year, 1, 19), date(year, 2, 27), "春节")
        _span(days, date(year, 4, 3), date(year, 4, 8), "清明")
        _span(days, date(year, 5, 28), date(year, 6, 26), "端午节")
        _span(days, date(year, 9, 7), date(year, 10, 9), "中秋节")
        mid_autumn = None
    _span(days, date(year, 5, 1), date(year, 5, 5), "劳动节")
    if mid_autumn is not None:
        _one_day(days, mid_autumn, "中秋节")
    _span(days, date(year, 10, 1), date(year, 10, 7), "国庆节")
    if mid_autumn is not None and date(year, 9, 28) <= mid_autumn <= date(year, 10, 9):
        _span(days, min(mid_autumn, date(year, 10, 1)), max(mid_autumn + _DAY, date(year, 10, 8)), "国庆节、中秋节")
    _bridge(days)
    return tuple(sorted(days.items()))


def _bridge(days: dict[date, str]) -> None:
    """A weekday between two rest days (weekend or holiday) is a rest day too."""

    def resting(day: date) -> bool:
        return day.weekday() >= 5 or day in days

    changed = True
    while changed:
        changed = False
        for day in sorted(days):
            for near in (day - _DAY, day + _DAY):
                if near not in days and near.weekday() < 5 and resting(near - _DAY) and resting(near + _DAY):
                    days[near] = days[day]
                    changed = True


__all__ = ["statutory_rest_days"]
