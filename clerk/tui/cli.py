"""``clerk dashboard``, ``clerk kiosk``, ``clerk board`` and ``clerk serve``: the UI's own sub-commands.

They start the supervisor app, so they live beside it in the TUI package;
textual is imported only when one of them runs.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    board = subparsers.add_parser("dashboard", help="大厅管理看板（全部窗口实时数据、诉求登记）")
    board.set_defaults(handler=run_dashboard)

    kiosk = subparsers.add_parser("kiosk", help="自助取号机（选择业务、预约签到、打印号票）")
    kiosk.set_defaults(handler=run_kiosk)

    hall_board = subparsers.add_parser("board", help="大厅叫号屏（最新叫号、排队情况、暂停窗口；可语音播报）")
    hall_board.set_defaults(handler=run_board)

    serve = subparsers.add_parser("serve", help="通过浏览器访问大厅管理看板（textual-serve）")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000, help="端口（1–65535，默认 8000）")
    serve.add_argument("--public-url", default=None, help="浏览器访问看板的地址（如 https://看板域名）；只接受来自该地址的请求，"
                       "监听非本机地址时必填（默认取配置项 serve_public_url / CLERK_SERVE_PUBLIC_URL）")
    serve.add_argument("--certfile", default=None, help="TLS 证书（PEM）；给出后以 https 提供服务")
    serve.add_argument("--keyfile", default=None, help="TLS 私钥（PEM）")
    serve.add_argument("--max-sessions", type=int, default=4, help="同时打开的看板数上限（默认 4）")
    serve.add_argument("--app", choices=("dashboard", "kiosk", "board"), default="dashboard",
                       help="提供哪个界面：dashboard 管理看板（默认）、kiosk 取号机、board 叫号屏")
    serve.set_defaults(handler=run_serve)


def _port(text: str) -> int:
    """A TCP port to listen on: argparse says what is wrong in one line instead of a traceback."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"端口应为 1–65535 之间的整数，收到 {text[:20]!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"端口应为 1–65535 之间的整数，收到 {port}")
    return port


def run_dashboard(args: argparse.Namespace) -> int:
    from clerk.tui.supervisor import run_supervisor

    return run_supervisor()


def run_serve(args: argparse.Namespace) -> int:
    from clerk.tui.supervisor import serve

    return serve(args.host, args.port, args.public_url, certfile=args.certfile, keyfile=args.keyfile,
                 max_sessions=args.max_sessions, app=args.app)


def run_kiosk(args: argparse.Namespace) -> int:
    from clerk.tui.kiosk import run_kiosk as run

    return run()


def run_board(args: argparse.Namespace) -> int:
    from clerk.tui.board import run_board as run

    return run()
