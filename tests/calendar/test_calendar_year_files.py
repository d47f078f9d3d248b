"""Year files: format, validation messages, overriding the package, all-or-nothing."""

from __future__ import annotations

from datetime import date

import pytest

from clerk.calendar import CalendarError, WorkCalendar

# A made-up 2027 schedule for tests only; the real one is not published yet.
FAKE_2027 = """\
year = 2027
source = "测试用虚构安排"

[[holidays]]
name = "元旦"
from = 2027-01-01
to = 2027-01-03

[[holidays]]
name = "春节"
dates = ["2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"]
makeup_workdays = [2027-01-31, "2027-02-20"]
"""


def test_a_year_file_adds_a_year(write_year, tmp_path):
    write_year("2027.toml", FAKE_2027)
    cal = WorkCalendar.load(tmp_path)
    assert cal.has_schedule(2027) and 2027 in cal.years()
    assert "2027.toml" in cal.schedule_source(2027) and "测试用虚构安排" in cal.schedule_source(2027)
    assert not cal.is_working_day(date(2027, 1, 1))  # a Friday, now a holiday
    assert cal.is_working_day(date(2027, 1, 31))  # Sunday make-up day
    assert not cal.is_working_day(date(2027, 2, 8))
    assert cal.day_note(date(2027, 2, 20)) == "春节调休上班"
    due = cal.add_working_days(date(2026, 12, 30), 2)  # Dec 31 (1), Jan 4 (2)
    assert (due.date, due.provisional, due.missing_years) == (date(2027, 1, 4), False, ())


def test_a_year_file_overrides_the_package_for_its_year(write_year, tmp_path):
    write_year(
        "2025.toml",
        'year = 2025\nsource = "测试"\n[[holidays]]\nname = "元旦"\ndates = [2025-01-01]\n',
    )
    cal = WorkCalendar.load(tmp_path)
    assert cal.is_working_day(date(2025, 10, 1))  # the package's National Day is gone
    assert not cal.is_working_day(date(2025, 9, 28))  # and so is its make-up Sunday
    assert not cal.is_working_day(date(2025, 1, 1))
    assert not cal.is_working_day(date(2026, 10, 1))  # other years untouched
    assert cal.schedule_source(2024).startswith("chinesecalendar")


def _problems(tmp_path) -> list[str]:
    with pytest.raises(CalendarError) as caught:
        WorkCalendar.load(tmp_path)
    return [str(p) for p in caught.value.problems]


def test_toml_syntax_error_names_file_and_line(write_year, tmp_path):
    write_year("2027.toml", 'year = 2027\nsource = "x"\n[[holidays]]\nname = 春节\n')
    (problem,) = _problems(tmp_path)
    assert problem.startswith("2027.toml:4: TOML 格式错误")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('year = 2026\nsource = "x"\n[[holidays]]\nname = "a"\ndates = [2027-01-01]\n',
         "2027.toml:1: year = 2026 与文件名年份 2027 不一致"),
        ('year = 2027\n[[holidays]]\nname = "a"\ndates = [2027-01-01]\n', "缺少 source"),
        ('year = 2027\nsource = "x"\n', "缺少 [[holidays]]"),
        ('year = 2027\nsource = "x"\n\n[[holidays]]\nname = "春节"\ndates = [2028-01-01]\n',
         "2027.toml:4: 第1个 [[holidays]]（春节） 的 dates：2028-01-01 不在 2027 年内"),
        ('year = 2027\nsource = "x"\n[[holidays]]\nname = "春节"\nfrom = 2027-02-10\nto = 2027-02-06\n',
         "2027.toml:6: 第1个 [[holidays]]（春节）：to（2027-02-06）早于 from（2027-02-10）"),
        ('year = 2027\nsource = "x"\n[[holidays]]\nname = "春节"\nfrom = 2027-02-06\nto = 2027-03-06\n',
         "超过 15 天"),
        ('year = 2027\nsource = "x"\n[[holidays]]\nname = "春节"\ndates = [2027-02-06]\n'
         'makeup_workdays = [2027-02-08]\n', "调休上班日 2027-02-08 是星期一，本来就是工作日"),
        ('year = 2027\nsource = "x"\n[[holidays]]\nname = "春节"\ndates = ["2027-02-30"]\n',
         "'2027-02-30' 不是有效日期"),
        ('year = 2027\nsource = "x"\n[[holidays]]\nname = "春节"\ndates = [2027-02-06]\nmakup_workdays = []\n',
         "2027.toml:6: 第1个 [[holidays]]（春节）：未知的键 'makup_workdays'"),
        ('year = 2027\nsource = "x"\n[[holidays]]\nname = "元旦"\ndates = [2027-01-01]\n'
         '[[holidays]]\nname = "春节"\ndates = [2027-01-01]\n', "2027.toml:6: 第2个 [[holidays]]（春节）：2027-01-01 已列在“元旦”中"),
        ('year = 2027\nsource = "x"\n[[holidays]]\nname = "春节"\ndates = [2027-02-06]\nfrom = 2027-02-06\n',
         "dates 与 from/to 只能用一种"),
        ('year = 2027\nsource = "x"\n[[holidays]]\nname = "春节"\ndates = [2027-02-06T08:00:00]\n', "不要带时间"),
    ],
)
def test_semantic_errors_name_file_key_and_line(write_year, tmp_path, text, expected):
    write_year("2027.toml", text)
    problems = _problems(tmp_path)
    assert any(expected in p for p in problems), problems


def test_holiday_and_make_up_day_on_the_same_date(write_year, tmp_path):
    write_year(
        "2027.toml",
        'year = 2027\nsource = "x"\n[[holidays]]\nname = "春节"\ndates = [2027-02-06]\n'
        '[[holidays]]\nname = "元宵"\ndates = [2027-02-20]\nmakeup_workdays = [2027-02-06]\n',
    )
    assert any("2027-02-06 同时被列为放假日（春节）和调休上班日（元宵）" in p for p in _problems(tmp_path))


def test_bad_file_name_is_an_error_not_silently_ignored(write_year, tmp_path):
    write_year("2027-draft.toml", FAKE_2027)
    assert _problems(tmp_path) == ["2027-draft.toml: 文件名应为“四位年份.toml”，例如 2027.toml"]


def test_one_bad_file_loads_nothing_and_every_problem_is_reported(write_year, tmp_path):
    write_year("2027.toml", FAKE_2027)
    write_year("2028.toml", 'year = 2028\n[[holidays]]\nname = ""\ndates = []\n')
    problems = _problems(tmp_path)
    assert all(p.startswith("2028.toml") for p in problems)
    assert len(problems) >= 3  # source, name, empty dates
    assert "节假日安排文件有误" in str(CalendarError([]))


def test_missing_directory_means_package_years_only(tmp_path):
    cal = WorkCalendar.load(tmp_path / "absent")
    assert cal.years() == list(range(2004, 2027))


def test_shipped_data_directory_has_no_invented_years():
    from clerk.shipped import shipped_path

    shipped = shipped_path("calendar")
    assert not any(shipped.glob("2027.toml")), "2027 is not published: ship no file for it"
    WorkCalendar.load(shipped)  # whatever is shipped must load
