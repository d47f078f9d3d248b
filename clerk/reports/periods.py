"""Local days and months of the hall as UTC ranges (the store keeps aware UTC)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def day_range(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of the local ``day``, as aware datetimes."""
    start = datetime.combine(day, time(0), tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tz)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    first = day.replace(day=1)
    return (first + timedelta(days=32)).replace(day=1)


def month_range(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of the local month containing ``day``."""
    return day_range(month_start(day), tz)[0], day_range(next_month(day), tz)[0]


def months_back(day: date, count: int) -> list[date]:
    """First days of the ``count`` months ending with ``day``'s month, oldest first."""
    firsts = [month_start(day)]
    for _ in range(count - 1):
        firsts.append(month_start(firsts[-1] - timedelta(days=1)))
    return firsts[::-1]


def parse_month(text: str) -> date:
    """``YYYY-MM`` → first day of that month; ValueError with a Chinese message."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise ValueError(f"月份格式应为 YYYY-MM：{text}") from None
