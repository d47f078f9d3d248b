"""``clerk exchange``: 跨域通办 packets between halls (docs/exchange.md).

- ``keygen``: this hall's SM2 key pair (the private key 0600); prints the public key to give
  to the partner halls (again on later runs: an existing key is never replaced).
- ``trust FILE`` (or ``--hall-id ID --public-key HEX``): install a partner hall's public key.
- ``export CASE [-o FILE] [--to HALL]``: the case (first hand-over, to the deciding hall) or its
  status (back to the hall that took it in) as a signed packet file (0600).
- ``import FILE``: check a packet and apply it; a refusal says which check failed.

``export`` and ``import`` act as a signed-in clerk (``--clerk ID``; the password on the
terminal, or the first line of standard input with ``--password-stdin``), like the window.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from clerk.commands import print_help
from clerk.config import get_settings

if TYPE_CHECKING:
    from clerk.commands import Subcommands
    from clerk.domain.accounts import ClerkUser
    from clerk.exchange.service import ExchangeService, Exported


def register(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser("exchange", help="跨域通办：生成密钥、安装对方公钥、导出和导入签名数据包")
    sub = parser.add_subparsers(dest="exchange_command", metavar="COMMAND")
    parser.set_defaults(handler=lambda args: print_help(parser))

    keygen = sub.add_parser("keygen", help="生成本大厅的 SM2 密钥对（已有则不替换），显示交给合作大厅的公钥")
    keygen.set_defaults(handler=_keygen)

    trust = sub.add_parser("trust", help="安装合作大厅的公钥（其 clerk exchange keygen 显示的内容）")
    trust.add_argument("file", nargs="?", type=Path, help="对方公钥文件（hall_id、public_key 两行）")
    trust.add_argument("--hall-id", help="对方大厅标识（不用文件时）")
    trust.add_argument("--public-key", help="对方公钥十六进制（不用文件时）")
    trust.add_argument("--name", default="", help="对方大厅名称（备注）")
    trust.set_defaults(handler=_trust)

    export = sub.add_parser("export", help="把办件（首次移交）或其办理状态（发回收件地）导出为签名数据包")
    export.add_argument("case", help="本大厅的办件编号")
    export.add_argument("-o", "--output", type=Path, help="数据包文件（默认：当前文件夹下 exchange-编号-序号.zip）")
    export.add_argument("--to", help="办理地大厅标识（本大厅收件的办件首次移交时必填；其他地区事项按事项目录的办理地，可不填）")
    _add_clerk_arguments(export)
    export.set_defaults(handler=_export)

    listing = sub.add_parser("list", help="列出跨域通办办件：按对方大厅，含状态、对方编号和最近的数据包（不含个人信息）")
    listing.add_argument("--open", action="store_true", help="只列出未办结的")
    listing.set_defaults(handler=_list)

    imp = sub.add_parser("import", help="校验并导入合作大厅发来的数据包")
    imp.add_argument("file", type=Path, help="数据包文件")
    _add_clerk_arguments(imp)
    imp.set_defaults(handler=_import)


def _add_clerk_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clerk", required=True, metavar="ID", help="办理人工号（窗口、兜底窗口或值班主任）")
    parser.add_argument("--password-stdin", action="store_true", help="从标准输入第一行读取密码（否则在终端提示输入）")
    parser.add_argument("--window", type=int, default=None, help="窗口号（默认：设置中的 window）")


def _keygen(args: argparse.Namespace) -> int:
    from clerk.exchange.errors import ExchangeError
    from clerk.exchange.keys import (
        HallKeyPair,
        check_hall_id,
        fingerprint,
        read_private_key,
        trusted_key_text,
        write_private_key,
    )

    settings = get_settings()
    hall_id = settings.exchange.hall_id
    if not hall_id:
        raise ExchangeError("请先在配置文件的 [exchange] 中设置本大厅标识 hall_id（6位行政区划代码-大厅名称）")
    check_hall_id(hall_id)
    path = settings.exchange_key_file
    if path.exists():
        pair = read_private_key(path)
        print(f"本大厅的 SM2 密钥已存在（{path}），未替换。")
    else:
        pair = HallKeyPair.generate()
        write_private_key(path, pair)
        print(f"已生成本大厅的 SM2 密钥：私钥 {path}（仅本账户可读，请勿外传，并纳入备份）。")
    print(f"公钥指纹：{fingerprint(pair.public_xy)}（请与对方通过电话等另一渠道核对）")
    print("请把下面两行交给合作大厅，由其管理员用 clerk exchange trust 安装：")
    print(trusted_key_text(hall_id, pair.public_hex), end="")
    return 0


def _trust(args: argparse.Namespace) -> int:
    import tomllib

    from clerk.exchange.errors import ExchangeError
    from clerk.exchange.keys import fingerprint, install_trusted

    if args.file is not None:
        try:
            data = tomllib.loads(args.file.read_text("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ExchangeError(f"公钥文件 {args.file} 无法读取：{exc}") from None
        hall_id, public_key = str(data.get("hall_id", "")), str(data.get("public_key", ""))
        name = args.name or str(data.get("name", ""))
    elif args.hall_id and args.public_key:
        hall_id, public_key, name = args.hall_id, args.public_key, args.name
    else:
        raise ExchangeError("请给出对方的公钥文件，或同时给出 --hall-id 和 --public-key")
    installed = install_trusted(get_settings().exchange_trusted_keys, hall_id, public_key, name)
    print(f"已安装 {installed.hall_id} 的公钥（{installed.source}），指纹：{fingerprint(installed.public_xy)}")
    print("请与对方核对指纹无误后再导入其数据包。")
    return 0


def _signed_in(args: argparse.Namespace, service: ExchangeService) -> ClerkUser:
    from clerk.domain.permissions import MAY, Action
    from clerk.store.signin import SignIn, SignInPolicy

    settings = get_settings()
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else getpass.getpass(f"{args.clerk} 的密码：")
    gate = SignIn(service.cases.store, service.cases.clock, settings.timezone, SignInPolicy.from_settings(settings))
    return gate.authenticate(args.clerk, password, via="cli", window=_window(args), roles=MAY[Action.EXCHANGE])


def _window(args: argparse.Namespace) -> int | None:
    return args.window if args.window is not None else get_settings().window


def _service() -> ExchangeService:
    from clerk.exchange.service import ExchangeService
    from clerk.services.cases import CaseService

    settings = get_settings()
    return ExchangeService.from_settings(settings, CaseService.from_settings(settings))


def _export(args: argparse.Namespace) -> int:
    from clerk.exchange.errors import ExchangeError
    from clerk.filemodes import write_private

    service = _service()
    user = _signed_in(args, service)
    chosen: list[Path] = []

    def deliver(packet: Exported) -> None:  # inside the export's transaction: no file, no record
        path = args.output or Path.cwd() / f"exchange-{args.case.strip().upper()}-{packet.sequence:02d}.zip"
        if path.exists():
            raise ExchangeError(f"文件 {path} 已存在：不覆盖，请用 -o 指定另一个文件名")
        write_private(path, packet.data, durable=True)
        chosen.append(path)

    try:
        done = service.export(user, _window(args), args.case, to=args.to, deliver=deliver)
    except BaseException:
        for path in chosen:  # written, but the export was not recorded: no packet may go out unrecorded
            path.unlink(missing_ok=True)
        raise
    what = "办件" if done.kind == "case" else f"办理状态“{done.status}”"
    print(f"已导出{what}：{chosen[0]}（发往 {done.receiver}，数据包 {done.packet_id}，第 {done.sequence} 个，"
          f"附 {done.files} 个文件）")
    return 0


def _import(args: argparse.Namespace) -> int:
    from clerk.exchange.errors import PacketRefused
    from clerk.exchange.packet import MAX_PACKET_BYTES

    service = _service()
    if args.file.stat().st_size > MAX_PACKET_BYTES:
        raise PacketRefused("format", f"文件超过 {MAX_PACKET_BYTES // (1024 * 1024)} MB，不是跨域通办数据包")
    data = args.file.read_bytes()
    user = _signed_in(args, service)
    done = service.import_packet(user, _window(args), data)
    what = "办件" if done.kind == "case" else f"办理状态“{done.status}”"
    print(f"已导入 {done.sender} 发来的{what}（数据包 {done.packet_id}）：本大厅办件 {done.number}，状态“{done.state}”")
    return 0


def _list(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    service = _service()
    found = service.cross_region_cases(open_only=args.open)
    if not found:
        print("没有跨域通办办件")
        return 0
    tz = ZoneInfo(get_settings().timezone)
    hall = None
    for case in found:
        if case.other_hall != hall:
            hall = case.other_hall
            mine = [c for c in found if c.other_hall == hall]
            states = "，".join(f"{s} {sum(c.state == s for c in mine)}" for s in dict.fromkeys(c.state for c in mine))
            print(f"{hall}：{len(mine)} 件（{states}）")
        role = "本大厅收件，对方办理" if case.taken_in else "对方收件，本大厅办理"
        line = f"  {case.number}  {case.name}  {case.state}  {role}  对方编号 {case.remote_number or '（未知）'}"
        if case.last_packet is not None:
            direction, what, sequence, at = case.last_packet
            line += f"  最近：{'导出' if direction == 'out' else '导入'}{'办件' if what == 'case' else what}" \
                    f"（第 {sequence} 个，{at.astimezone(tz):%Y-%m-%d %H:%M}）"
        print(line)
    return 0
