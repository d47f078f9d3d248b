"""``clerk doctor`` and ``clerk demo``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from clerk.commands.admin_gate import add_admin_arguments, sign_in_admin
from clerk.config import get_settings

if TYPE_CHECKING:
    from clerk.commands import Subcommands


def register(subparsers: Subcommands) -> None:
    doctor = subparsers.add_parser(
        "doctor", help="检查本窗口是否就绪（数据库、时钟、目录、日历、字体、打印机、权限、密钥）",
        description="每项检查一行：✔ 正常，⚠ 提醒，✖ 故障。退出码：0 全部正常，1 有提醒，2 有故障。",
    )
    doctor.set_defaults(handler=_doctor)

    demo = subparsers.add_parser(
        "demo", help="用演示数据填满一天（培训、演示、截图用）",
        description="通过业务服务模拟一天的窗口工作：各种办理结果、一件事、补正、邮寄、评价、诉求。"
                    "演示账号的初始密码为 clerk123，首次登录时须修改；已有系统管理员的数据库须加 --admin 登录。",
    )
    demo.add_argument("--day", type=_day, default=date(2026, 11, 20), help="日期 YYYY-MM-DD（默认 2026-11-20）")
    demo.add_argument("--visits", type=_visits, default=300, help="来访人次（默认 300）")
    demo.add_argument("--seed", type=int, default=20261120, help="随机种子（同一种子得到同样的一天）")
    add_admin_arguments(demo)
    demo.set_defaults(handler=_demo)


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期 {text!r} 无效，格式应为 YYYY-MM-DD") from None
    if not 2000 <= day.year <= 2099:
        raise argparse.ArgumentTypeError("演示日期应在 2000 至 2099 年之间")
    return day


def _visits(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} 不是整数") from None
    if not 1 <= value <= 5000:
        raise argparse.ArgumentTypeError("来访人次应为 1 至 5000")
    return value


def _doctor(args: argparse.Namespace) -> int:
    from clerk.commands.doctor import exit_status, run_checks

    checks = run_checks(get_settings())
    for check in checks:
        print(check.line())
    return exit_status(checks)


def _demo(args: argparse.Namespace) -> int:
    from clerk.ops.demo import DemoRefused, fill_day
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade

    settings = get_settings()
    store = Store.from_settings(settings)
    upgrade(store)
    admin = sign_in_admin(args, store)  # the staff accounts it adds are an administrator's doing
    try:
        summary = fill_day(settings, args.day, args.visits, seed=args.seed, store=store, by=admin)
    except DemoRefused as exc:
        print(exc, file=sys.stderr)
        return 1
    for line in summary.lines():
        print(line)
    return 0
