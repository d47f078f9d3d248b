"""``clerk calendar add|count|years``: working-day arithmetic for administrators."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from clerk.calendar import CalendarError, WorkCalendar

if TYPE_CHECKING:
    from clerk.commands import Subcommands

MAX_WORKING_DAYS = 10_000  # some forty years: more is a typo, and dates end at 9999

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def register(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser(
        "calendar",
        help="工作日计算（节假日、调休）",
        description="按国务院公布的节假日和调休安排计算工作日。",
    )
    parser.add_argument(
        "--dir", type=Path, default=None, help="节假日安排文件目录（默认取配置 calendar_dir）"
    )
    sub = parser.add_subparsers(dest="calendar_command", metavar="COMMAND")
    parser.set_defaults(handler=lambda args: _help(parser))

    add = sub.add_parser("add", help="某日之后第 N 个工作日（起始日不计入）")
    add.add_argument("date", type=_iso_date, metavar="DATE", help="起始日期 YYYY-MM-DD")
    add.add_argument("n", type=_non_negative, metavar="N", help="工作日数")
    add.set_defaults(handler=_add)

    count = sub.add_parser("count", help="两个日期之间的工作日数（不含起始日，含结束日）")
    count.add_argument("start", type=_iso_date, metavar="FROM", help="起始日期 YYYY-MM-DD")
    count.add_argument("end", type=_iso_date, metavar="TO", help="结束日期 YYYY-MM-DD")
    count.set_defaults(handler=_count)

    years = sub.add_parser("years", help="已载入节假日安排的年份及来源")
    years.set_defaults(handler=_years)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期 {text!r} 无效，格式应为 YYYY-MM-DD") from None


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} 不是整数") from None
    if value < 0:
        raise argparse.ArgumentTypeError("工作日数不能为负数")
    if value > MAX_WORKING_DAYS:
        raise argparse.ArgumentTypeError(f"工作日数不能超过 {MAX_WORKING_DAYS}")
    return value


def _calendar(args: argparse.Namespace) -> WorkCalendar | None:
    if args.dir is not None and not args.dir.is_dir():
        print(f"--dir {args.dir}：找不到这个文件夹（节假日安排文件目录）", file=sys.stderr)
        return None
    try:
        return WorkCalendar.load(args.dir)
    except CalendarError as exc:
        print(exc, file=sys.stderr)
        return None


def _year_runs(years: tuple[int, ...]) -> str:
    """``2027、2028`` but ``1–2003、2027–9999`` for long runs."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return "、".join(str(a) if a == b else (f"{a}、{b}" if b == a + 1 else f"{a}–{b}") for a, b in runs)


def provisional_explanation(missing_years: tuple[int, ...]) -> str:
    """The sentence shown wherever a provisional date or count appears."""
    years = _year_runs(missing_years)
    return (
        f"注意：{years} 年的节假日安排尚未载入（国务院尚未公布或管理员尚未添加），"
        "该年份按周六、周日和法定节日（元旦、春节、清明、劳动节、端午、中秋、国庆，从宽估计放假天数、"
        "不计调休上班）推算，结果只会偏晚、不会偏早，安排公布后须重新核对。"
    )


def _add(args: argparse.Namespace) -> int:
    calendar = _calendar(args)
    if calendar is None:
        return 1
    try:
        due = calendar.add_working_days(args.date, args.n)
    except (OverflowError, ValueError):
        print(f"{args.date.isoformat()} 之后第 {args.n} 个工作日超出了可计算的日期范围（9999 年以前）", file=sys.stderr)
        return 1
    note = calendar.day_note(due.date)
    line = f"{due.date.isoformat()} {WEEKDAYS[due.date.weekday()]}"
    if note:
        line += f"（{note}）"
    if due.provisional:
        line += " (provisional)"
    print(line)
    if due.provisional:
        print(provisional_explanation(due.missing_years))
    return 0


def _count(args: argparse.Namespace) -> int:
    calendar = _calendar(args)
    if calendar is None:
        return 1
    result = calendar.count_working_days(args.start, args.end)
    line = f"{result.days} 个工作日"
    if result.provisional:
        line += " (provisional)"
    print(line)
    if result.provisional:
        print(provisional_explanation(result.missing_years))
    return 0


def _years(args: argparse.Namespace) -> int:
    calendar = _calendar(args)
    if calendar is None:
        return 1
    years = calendar.years()
    for year in years:
        print(f"{year}  {calendar.schedule_source(year)}")
    if not years:
        print("没有任何年份的节假日安排：全部按周六、周日和法定节日从宽推算，结果标注为 provisional。")
        return 0
    gaps = [str(y) for y in range(years[0], years[-1]) if not calendar.has_schedule(y)]
    if gaps:
        print(f"缺少 {'、'.join(gaps)} 年的节假日安排。")
    print(
        f"{years[0] - 1} 年及以前、{years[-1] + 1} 年及以后尚无节假日安排："
        "按周六、周日和法定节日从宽推算，结果标注为 provisional。"
    )
    return 0
