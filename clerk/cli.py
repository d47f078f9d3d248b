"""The ``clerk`` console entry point.

``clerk`` alone starts the window app; the sub-commands are for administrators
and scripts.  Each package contributes its sub-commands through a ``cli``
module with ``register(subparsers)``; modules are imported only when needed so
that starting the app stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Packages that contribute sub-commands; each has a ``cli`` module with
# ``register(subparsers) -> None``.  A missing module is skipped so the tree can
# grow one package at a time.
_COMMAND_MODULES = (
    "clerk.commands.catalog",
    "clerk.commands.calendar",
    "clerk.commands.identity",
    "clerk.commands.store",
    "clerk.commands.printing",
    "clerk.commands.reports",
    "clerk.commands.tickets",
    "clerk.commands.exchange",
    "clerk.tui.cli",
    "clerk.commands.ops",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clerk",
        description="政务服务中心综合受理窗口终端。不带子命令时启动窗口程序。",
    )
    parser.add_argument("--version", action="version", version=_version_line(),
                        help="显示本机 clerk 的版本和它使用的数据库版本")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # The module, or its not-yet-written package (clerk.reports), is absent.
            if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
                continue
            raise
        module.register(sub)
    return parser


def _version_line() -> str:
    from clerk import __version__
    from clerk.store.migrate import head_revision

    return f"clerk {__version__}（数据库版本 {head_revision()}）"


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure ends in one Chinese line and a non-zero status."""
    from clerk.commands.terminal import escaped_output
    from clerk.config import get_settings
    from clerk.incidents import close_log

    argv = sys.argv[1:] if argv is None else argv
    get_settings.cache_clear()  # each invocation reads the configuration afresh
    close_log()  # and logs to the log of its own settings (clerk.incidents.log_to_file)
    with escaped_output():  # stored or typed text never reaches the terminal as control
        return _main(argv)


def _main(argv: list[str]) -> int:
    from clerk.commands.failures import explain, record_bug

    try:
        return _dispatch(argv)
    except SystemExit:
        raise  # argparse: usage error (2) or --help (0), already explained
    except BaseException as exc:  # noqa: BLE001  (the one place that ends every command)
        explained = explain(exc)
        if explained is None:
            if not isinstance(exc, Exception):
                raise
            print(record_bug(exc, argv), file=sys.stderr)
            return 1
        line, status = explained
        print(line, file=sys.stderr)
        return status


def _dispatch(argv: list[str]) -> int:
    from clerk.config import get_settings

    if not argv or argv[0] in {"app", "--window"}:
        from clerk.tui.launch import launch

        return launch(argv[1:] if argv and argv[0] == "app" else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    get_settings()  # the whole configuration is checked before any command writes anything
    return int(args.handler(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
