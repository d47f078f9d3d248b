"""``clerk report daily|monthly`` (``clerk dashboard`` / ``serve`` are in ``clerk.tui.cli``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from clerk.commands import print_help

if TYPE_CHECKING:
    from clerk.commands import Subcommands
    from clerk.reports.report import Report

from clerk.config import ConfigError, get_settings
from clerk.filemodes import write_private
from clerk.reports.periods import parse_month
from clerk.store.errors import StoreUnavailable


def register(subparsers: Subcommands) -> None:
    report = subparsers.add_parser("report", help="业务日报、月报（CSV / PDF）")
    kinds = report.add_subparsers(dest="report_kind", metavar="KIND")
    daily = kinds.add_parser("daily", help="日报")
    daily.add_argument("--date", required=True, help="日期 YYYY-MM-DD")
    monthly = kinds.add_parser("monthly", help="月报")
    monthly.add_argument("--month", required=True, help="月份 YYYY-MM")
    for parser in (daily, monthly):
        parser.add_argument("--csv", metavar="FILE", help="导出 CSV 文件")
        parser.add_argument("--pdf", metavar="FILE", help="导出可打印的 PDF 文件（含图表）")
        parser.set_defaults(handler=run_report)
    report.set_defaults(handler=lambda args: print_help(report))


def run_report(args: argparse.Namespace) -> int:
    from clerk.reports.export import report_csv, report_pdf, write_csv
    from clerk.reports.report import daily_report, monthly_report
    from clerk.store.engine import Store

    try:
        settings = get_settings()
        build: Callable[..., Report]
        if args.report_kind == "daily":
            try:
                day = date.fromisoformat(args.date)
            except ValueError:
                raise ValueError(f"日期格式应为 YYYY-MM-DD：{args.date}") from None
            build, when = daily_report, day
        else:
            build, when = monthly_report, parse_month(args.month)
        if not 2000 <= when.year <= 2099:  # the calendar and the stored datetimes end somewhere
            raise ValueError(f"报表日期应在 2000 至 2099 年之间：{when.isoformat()}")
        store = Store.from_settings(settings).require_existing()
        report = build(store, when, timezone=settings.timezone, hall_name=settings.hall.name,
                       queue_names={q.prefix: q.name for q in settings.queues})
    except (ValueError, ConfigError, StoreUnavailable) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if args.csv:
        write_csv(report, args.csv)
        print(f"已导出 CSV：{args.csv}")
    if args.pdf:
        write_private(Path(args.pdf), report_pdf(report, font_path=settings.font_path))  # 0600, whole or nothing
        print(f"已导出 PDF：{args.pdf}")
    if not (args.csv or args.pdf):
        sys.stdout.write(report_csv(report).replace("\r\n", "\n"))
    return 0

