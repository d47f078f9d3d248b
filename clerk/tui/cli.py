"""``clerk dashboard`` and ``clerk serve``: the UI's own sub-commands.

They start the supervisor app, so they live beside it in the TUI package;
textual is imported only when one of them runs.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    board = subparsers.add_parser("dashboard", help="大厅管理看板（全部窗口实时数据、诉求登记）")
    board.set_defaults(handler=run_dashboard)

    serve = subparsers.add_parser("serve", help="通过浏览器访问大厅管理看板（textual-serve）")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--public-url", default=None, help="经反向代理访问时的外部地址")
    serve.add_argument("--certfile", default=None, help="TLS 证书（PEM）；给出后以 https 提供服务")
    serve.add_argument("--keyfile", default=None, help="TLS 私钥（PEM）")
    serve.add_argument("--max-sessions", type=int, default=4, help="同时打开的看板数上限（默认 4）")
    serve.set_defaults(handler=run_serve)


def run_dashboard(args: argparse.Namespace) -> int:
    from clerk.tui.supervisor import run_supervisor

    return run_supervisor()


def run_serve(args: argparse.Namespace) -> int:
    from clerk.tui.supervisor import serve

    return serve(args.host, args.port, args.public_url, certfile=args.certfile, keyfile=args.keyfile,
                 max_sessions=args.max_sessions)
