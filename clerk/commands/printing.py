"""``clerk print``: test pages, reprints, and the font in use.

    clerk print --sample promised --format roll -o test.pdf [--send]
    clerk print SF20261218-0042 --kind promised        (补打, via the store)
    clerk print --font
    clerk print --settle                               (prints of unknown outcome: ask CUPS again)
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from clerk.config import ConfigError, load_settings
from clerk.domain.errors import ServiceError
from clerk.domain.notices import TITLES
from clerk.filemodes import write_private
from clerk.printing.data import NoticeKind, PrintError
from clerk.printing.printers import NoPrinter, printer_for
from clerk.printing.samples import sample
from clerk.store.errors import StoreError

if TYPE_CHECKING:
    from clerk.commands import Subcommands
    from clerk.config import Settings

PAPER_CHOICES = ("a4", "a5", "roll")


def register(subparsers: Subcommands) -> None:
    kinds = "；".join(f"{k.value}={t}" for k, t in TITLES.items())
    parser = subparsers.add_parser(
        "print",
        help="打印测试页、补打通知书",
        description=f"打印测试页（--sample）或补打案件的通知书。通知书类型：{kinds}",
    )
    parser.add_argument("case", nargs="?", help="受理编号（补打）")
    parser.add_argument("--kind", choices=[k.value for k in NoticeKind], help="补打的通知书类型")
    parser.add_argument("--sample", choices=[k.value for k in NoticeKind], help="用演示数据生成测试页")
    parser.add_argument("--format", dest="paper", choices=PAPER_CHOICES, help="纸张：a4、a5 或 roll（80mm热敏纸）")
    parser.add_argument("-o", "--output", type=Path, help="测试页保存到此 PDF 文件")
    parser.add_argument("--send", action="store_true", help="测试页同时送到本窗口配置的打印机")
    parser.add_argument("--font", action="store_true", help="显示通知书使用的中文字体")
    parser.add_argument("--settle", action="store_true",
                        help="核实打印结果未知的通知书（打印服务中断时已送出的任务）：向打印服务询问并记录结果")
    parser.add_argument("--clerk", help="补打人工号（补打记入审计记录）")
    parser.add_argument("--window", type=int, help="补打窗口号（默认取配置的窗口号）")
    parser.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（否则提示输入）")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
        if args.font:
            return _show_font(settings)
        if args.settle:
            return _settle(settings)
        if args.sample:
            return _sample(args, settings)
        if args.case:
            if not args.kind:
                print("补打须指定 --kind（通知书类型）", file=sys.stderr)
                return 2
            return _reprint(args, settings)
    except (PrintError, ConfigError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print("请指定 --sample KIND、受理编号 CASE --kind KIND、--settle 或 --font（详见 clerk print --help）",
          file=sys.stderr)
    return 2


def _show_font(settings: Settings) -> int:
    from clerk.printing.fonts import choose_font, system_fonts_present

    font = choose_font(settings.font_path)
    print(font.describe())
    print(f"字体文件：{font.source}")
    if font.embedded and not font.fallback_source:
        found = system_fonts_present()
        hint = f"（本机可用：{'、'.join(found)}）" if found else ""
        print(f"缺字备用字体：未配置；可用 CLERK_FONT 指定含生僻字的 TrueType 系统字体{hint}")
    return 0


def _sample(args: argparse.Namespace, settings: Settings) -> int:
    from clerk.printing.rendering import render

    kind = NoticeKind(args.sample)
    paper = args.paper or settings.paper
    output = args.output or Path(f"sample-{kind.value}-{paper}.pdf")
    pdf = render(kind, sample(kind, settings.hall), paper, settings)
    write_private(output, pdf)  # the sample holds no one's data, but every file clerk writes is 0600
    print(f"已生成{kind.title}测试页：{output}（{paper}，{len(pdf)} 字节）")
    if args.send:
        printer = printer_for(settings)
        if isinstance(printer, NoPrinter):
            print(f"未送打印：本窗口未配置打印机（请设置 printer 或环境变量 CLERK_PRINTER，"
                  f"或 print_command）；测试页仅保存为 {output}", file=sys.stderr)
            return 2
        printer.send(output, title=f"测试页 {kind.title}")
        print(f"已送打印机：{printer.name}")
    return 0


def _settle(settings: Settings) -> int:
    """Ask the print servers about every print whose outcome is unknown; say what each is now."""
    from clerk.integration.printing import CasePrinter
    from clerk.services.cases import CaseService

    try:
        cases = CaseService.from_settings(settings)
        results = CasePrinter(settings).settle_unknown(cases)
    except (ServiceError, StoreError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    if not results:
        print("没有打印结果未知的通知书")
        return 0
    for r in results:
        what = f"{r.notice.case_number} {r.notice.kind.title}"
        if r.ok:
            print(f"{what}：{r.note}，已记为已打印")
        elif r.unknown:
            print(f"{what}：仍无法核实（{r.reason}）")
        else:
            print(f"{what}：{r.note or '未打出'}，已记为未打印，可重打（{r.reason}）")
    return 1 if any(r.unknown for r in results) else 0


def _reprint(args: argparse.Namespace, settings: Settings) -> int:
    from clerk.integration.printing import reprint_from_store

    window = args.window or settings.window
    if not args.clerk or not window:
        print("补打须指定 --clerk 工号和 --window 窗口号（或在配置中设置 window）", file=sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("密码：")
    try:
        results = reprint_from_store(args.case, NoticeKind(args.kind), settings, clerk_id=args.clerk,
                                     password=password, window=window, paper=args.paper)
    except (ServiceError, StoreError, LookupError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    failed = [r for r in results if not r.ok]
    to_paper = not isinstance(printer_for(settings), NoPrinter)
    for r in results:
        if not r.ok:
            continue
        if r.note:  # a print of unknown outcome turned out printed: no second paper
            print(f"{r.notice.kind.title}{r.note}，未再打印：{r.path}")
        elif not to_paper:
            print(f"已生成{r.notice.kind.title}PDF（未设置打印机，未打印）：{r.path}")
        else:
            if r.notice.reprint:
                print(f"已补打{r.notice.kind.title}：{r.path}")
            else:  # the first print never came out: this is the original, not a 补打
                print(f"已打印{r.notice.kind.title}（此前未打出，按原件打印）：{r.path}")
    for r in failed:
        if r.unknown:
            print(f"未补打{r.notice.kind.title}：{r.reason}", file=sys.stderr)
        else:
            print(f"补打未完成，已留在打印队列：{r.notice.kind.title}（{r.reason}）", file=sys.stderr)
    return 1 if failed else 0
