"""Published schedules, provisional years and the arithmetic contract on known dates."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest

from clerk.calendar import DueDate, WorkingDays


def test_2025_national_day_and_mid_autumn(library_calendar):
    cal = library_calendar
    for day in range(1, 9):  # 2025-10-01..08 off, including the weekdays 6-8
        assert not cal.is_working_day(date(2025, 10, day))
    assert cal.is_working_day(date(2025, 9, 28))  # Sunday, make-up working day
    assert cal.is_working_day(date(2025, 10, 11))  # Saturday, make-up working day
    assert cal.is_working_day(date(2025, 10, 9))
    assert not cal.is_working_day(date(2025, 10, 12))  # ordinary Sunday


def test_2026_spring_festival(library_calendar):
    cal = library_calendar
    for offset in range(9):  # 2026-02-15..23
        assert not cal.is_working_day(date(2026, 2, 15) + timedelta(days=offset))
    assert cal.is_working_day(date(2026, 2, 14))  # Saturday make-up day
    assert cal.is_working_day(date(2026, 2, 28))  # Saturday make-up day
    assert cal.day_note(date(2026, 2, 16)) == "春节"
    assert cal.day_note(date(2026, 2, 14)) == "春节调休上班"


def test_add_skips_the_holiday_and_start_day_is_not_counted(library_calendar):
    cal = library_calendar
    assert cal.add_working_days(date(2025, 9, 30), 1) == DueDate(date(2025, 10, 9), False, ())
    # Friday 2025-09-26: Sat off, Sun 28 make-up (1), Mon 29 (2), Tue 30 (3).
    assert cal.add_working_days(date(2025, 9, 26), 3).date == date(2025, 9, 30)
    assert cal.count_working_days(date(2025, 9, 30), date(2025, 10, 11)) == WorkingDays(3, False, ())


def test_twenty_working_days_over_spring_festival(library_calendar):
    # Counted by hand: Feb 2-6 (5), 9-13 (10), Sat 14 (11), 24-27 (15), Sat 28 (16), Mar 2-5 (20).
    due = library_calendar.add_working_days(date(2026, 1, 30), 20)
    assert due == DueDate(date(2026, 3, 5), False, ())


def test_2027_has_no_schedule_so_results_are_provisional(library_calendar):
    cal = library_calendar
    assert cal.years() == list(range(2004, 2027))
    assert cal.has_schedule(2026) and not cal.has_schedule(2027) and not cal.has_schedule(2003)
    due = cal.add_working_days(date(2026, 12, 20), 20)
    # Dec 21-25, 28-31 (9), then the statutory holidays assumed: Jan 1 (元旦) off, 4-8 (14),
    # 11-15 (19), 18 (20).
    assert due == DueDate(date(2027, 1, 18), True, (2027,))
    assert not cal.is_working_day(date(2027, 1, 1))  # 元旦 is statutory, published or not
    assert not cal.add_working_days(date(2026, 11, 25), 5).provisional


def test_zero_days_returns_start_and_is_provisional_only_for_a_missing_year(library_calendar):
    cal = library_calendar
    assert cal.add_working_days(date(2026, 10, 3), 0) == DueDate(date(2026, 10, 3), False, ())
    assert cal.add_working_days(date(2027, 3, 1), 0) == DueDate(date(2027, 3, 1), True, (2027,))
    assert cal.count_working_days(date(2027, 3, 1), date(2027, 3, 1)) == WorkingDays(0, True, (2027,))


def test_negative_days_are_rejected(library_calendar):
    with pytest.raises(ValueError, match="不能为负数"):
        library_calendar.add_working_days(date(2026, 1, 5), -1)


def test_count_backwards_is_negative_and_names_every_missing_year(library_calendar):
    result = library_calendar.count_working_days(date(2029, 1, 1), date(2002, 6, 1))
    assert result.days < 0 and result.provisional
    assert result.missing_years == (2002, 2003, 2027, 2028, 2029)


def test_huge_spans_use_the_fast_path_and_agree_with_stepping(library_calendar):
    cal = library_calendar
    due = cal.add_working_days(date(2004, 1, 1), 5000)
    assert cal.count_working_days(date(2004, 1, 1), due.date).days == 5000
    assert cal.is_working_day(due.date)
    stepped, left = date(2004, 1, 1), 5000
    while left:
        stepped += timedelta(days=1)
        left -= cal.is_working_day(stepped)
    assert stepped == due.date


def test_configured_directory_is_used_by_default(tmp_path, monkeypatch):
    from clerk import config
    from clerk.calendar import WorkCalendar

    (tmp_path / "2027.toml").write_text(
        'year = 2027\nsource = "测试"\n[[holidays]]\nname = "元旦"\nfrom = 2027-01-01\nto = 2027-01-03\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CLERK_CALENDAR_DIR", str(tmp_path))
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    config.get_settings.cache_clear()
    try:
        assert WorkCalendar.load().has_schedule(2027)
    finally:
        config.get_settings.cache_clear()
