"""``clerk`` without a sub-command: start the window app.

Kept small and free of heavy imports: the store (SQLAlchemy) and printing
(reportlab) load in a worker after the first screen is drawn.
"""

from __future__ import annotations

import argparse
import gc
import sys
from dataclasses import replace

from clerk.config import ConfigError, load_settings
from clerk.tui.app import ClerkApp
from clerk.tui.keymap import KeymapError, keymap_from_settings
from clerk.tui.services import Services
from clerk.tui.state import WindowState


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clerk", description="启动综合受理窗口程序")
    parser.add_argument("--window", type=int, help="本机窗口号（默认使用上次登录时的窗口号）")
    return parser


def make_app(argv: list[str] | None = None, env: dict[str, str] | None = None):
    """Build the app from the command line, the config file and the environment.

    Once per process, at its start: it also freezes the objects created so far (``gc.freeze``).
    """
    args = build_parser().parse_args(argv or [])
    settings = load_settings(env)
    if args.window is not None:
        settings = replace(settings, window=args.window)
    keymap, notes = keymap_from_settings(settings, known_binding_ids)
    # Textual's and clerk's modules, just imported, live as long as the process: out of the
    # collector's sight, or its full passes walk them all while the first screen is built.
    gc.freeze()
    return ClerkApp(Services(settings), state=WindowState(), keymap=keymap, notes=tuple(notes))


def known_binding_ids() -> set[str]:
    from clerk.tui.screens.help import key_map_rows

    return {row[3] for row in key_map_rows({}, ClerkApp)}


def launch(argv: list[str] | None = None) -> int:
    try:
        app = make_app(argv)
    except (ConfigError, KeymapError) as exc:
        print(exc, file=sys.stderr)
        return 2
    app.run()
    return int(app.return_code or 0)
