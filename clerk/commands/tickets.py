"""``clerk queue take|status`` and ``clerk appointment add|list|cancel|import`` (docs/tickets.md).

``queue take`` issues a ticket exactly as the kiosk does (take, print on the
configured printer, count; a print failure voids it).  The appointment commands
act as the hall's administrator on the command line (actor ``cli``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from clerk.commands import print_help

if TYPE_CHECKING:
    from clerk.commands import Subcommands
    from clerk.config import Settings
    from clerk.services.appointments import AppointmentService
    from clerk.services.tickets import TicketService

from clerk.config import get_settings
from clerk.domain.queueing import NO_WINDOW, Priority
from clerk.printing.printers import printer_for

_PRIORITIES = {
    "elderly": "elderly", "老年人": "elderly", "70岁以上": "elderly",
    "disability": "disability", "残疾人": "disability",
    "service_member": "service_member", "军人": "service_member",
    "pregnancy": "pregnancy", "孕妇": "pregnancy",
}


def register(subparsers: Subcommands) -> None:
    queue = subparsers.add_parser("queue", help="取号与排队（号票、队列状态）")
    actions = queue.add_subparsers(dest="queue_action", metavar="ACTION")
    take = actions.add_parser("take", help="取号并打印号票（与取号机相同）")
    take.add_argument("queue", metavar="QUEUE", help="队列前缀，例如 A")
    take.add_argument("--id", dest="id_number", default=None, help="身份证号（窗口可据此调出办事人信息）")
    take.add_argument("--priority", nargs="?", const="elderly", default=None, metavar="KIND",
                      help="绿色通道：不带值为 70 岁以上（须 --id）；或 残疾人 / 军人 / 孕妇")
    take.set_defaults(handler=run_take)
    status = actions.add_parser("status", help="各队列等候人数、预计等候时间、是否开放；今日等候与办理时间")
    status.set_defaults(handler=run_status)
    queue.set_defaults(handler=lambda args: print_help(queue))

    appointment = subparsers.add_parser("appointment", help="预约（电话、窗口、网上导入）")
    acts = appointment.add_subparsers(dest="appointment_action", metavar="ACTION")
    add = acts.add_parser("add", help="登记一个预约")
    add.add_argument("queue", metavar="QUEUE", help="队列前缀，例如 B")
    add.add_argument("day", metavar="DAY", help="日期 YYYY-MM-DD")
    add.add_argument("half", metavar="HALF", choices=("上午", "下午"), help="上午 或 下午")
    add.add_argument("name", metavar="NAME", help="姓名")
    add.add_argument("id_number", metavar="ID", help="身份证号")
    add.add_argument("--phone", default="", help="手机号")
    add.add_argument("--source", default="电话", choices=("电话", "窗口", "网上"), help="预约渠道（默认 电话）")
    add.set_defaults(handler=run_add)
    listing = acts.add_parser("list", help="列出某天的预约（证件号、电话已遮蔽）")
    listing.add_argument("--day", default=None, help="日期 YYYY-MM-DD（默认今天）")
    listing.add_argument("--queue", default=None, help="只列出此队列")
    listing.set_defaults(handler=run_list)
    cancel = acts.add_parser("cancel", help="取消预约")
    cancel.add_argument("code", metavar="CODE", help="预约号")
    cancel.set_defaults(handler=run_cancel)
    load = acts.add_parser("import", help="导入网上预约 CSV（有任何问题则全部不导入）")
    load.add_argument("file", metavar="FILE", help="CSV 文件：预约号,队列,日期,时段,姓名,身份证号,手机号")
    load.set_defaults(handler=run_import)
    appointment.set_defaults(handler=lambda args: print_help(appointment))


def _services(settings: Settings) -> tuple[TicketService, AppointmentService]:
    from clerk.services.appointments import AppointmentService
    from clerk.services.tickets import TicketService
    from clerk.store.engine import Store

    store = Store.from_settings(settings)
    return TicketService(store, settings), AppointmentService(store, settings)


def run_take(args: argparse.Namespace) -> int:
    from clerk.integration.tickets import issue_ticket

    settings = get_settings()
    priority = Priority.NONE
    if args.priority is not None:
        kind = _PRIORITIES.get(args.priority.strip().lower() if args.priority.isascii() else args.priority.strip())
        if kind is None:
            print(f"错误：绿色通道类别“{args.priority}”无效（可选：老年人、残疾人、军人、孕妇）", file=sys.stderr)
            return 2
        priority = Priority(kind)
    tickets, _ = _services(settings)
    ticket = issue_ticket(tickets, printer_for(settings), settings, args.queue, args.id_number, priority)
    extra = f"，{ticket.priority.label}" if ticket.priority.is_priority else ""
    wait = f"预计等候约 {ticket.estimated_wait_minutes} 分钟" if ticket.serving_windows else NO_WINDOW
    print(f"{ticket.number}　{ticket.queue_name}{extra}　前面 {ticket.ahead} 人，{wait}")
    return 0


def run_status(args: argparse.Namespace) -> int:
    settings = get_settings()
    tickets, _ = _services(settings)
    print("队列\t名称\t等候\t预计等候(分钟)\t状态")
    for q in tickets.queue_status():
        state = "已满" if q.full else ("开放" if q.open else "未开放")
        wait = q.estimated_wait_minutes if q.serving_windows else NO_WINDOW
        print(f"{q.prefix}\t{q.name}\t{q.waiting}\t{wait}\t{state}")
    queues, windows = tickets.figures()
    print("\n今日\t名称\t已叫号\t平均等候(分钟)\t90%等候(分钟)\t当前最长等候(分钟)\t过号\t绿色通道/预约已办")
    for f in queues:
        print(f"{f.prefix}\t{f.name}\t{f.called}\t{f.mean_wait:.1f}\t{f.p90_wait:.1f}\t{f.longest_wait_now:.1f}\t"
              f"{f.no_shows}\t{f.priority_served}")
    if windows:
        print("\n窗口\t已办结\t平均办理(分钟)\t状态")
        for w in windows:
            print(f"{w.window}\t{w.served}\t{w.mean_handling:.1f}\t{'暂停：' + w.reason if w.paused else '在岗'}")
    return 0


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def run_add(args: argparse.Namespace) -> int:
    _, appointments = _services(get_settings())
    view = appointments.add(None, args.queue, args.day, args.half, args.name, args.id_number, args.phone,
                            source=args.source)
    print(f"已预约：预约号 {view.code}　{view.day.isoformat()} {view.half}　{view.queue_name}　{view.name}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    try:
        day = _day(args.day)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    _, appointments = _services(get_settings())
    day = day or appointments.today()
    rows = appointments.list(day, args.queue)
    print("预约号\t队列\t时段\t姓名\t身份证号\t电话\t状态\t号票\t渠道")
    for a in rows:
        print(f"{a.code}\t{a.queue}\t{a.half}\t{a.name}\t{a.id_number_masked}\t{a.phone_masked}\t"
              f"{a.state.label}\t{a.ticket_number}\t{a.source}")
    print(f"共 {len(rows)} 个预约（{day.isoformat()}）")
    return 0


def run_cancel(args: argparse.Namespace) -> int:
    _, appointments = _services(get_settings())
    view = appointments.cancel(None, args.code)
    print(f"已取消预约 {view.code}（{view.day.isoformat()} {view.half} {view.queue_name}）")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from clerk.services.appointments import AppointmentError

    _, appointments = _services(get_settings())
    try:
        rows = appointments.import_csv(args.file)
    except AppointmentError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    print(f"已导入 {len(rows)} 个预约")
    return 0
