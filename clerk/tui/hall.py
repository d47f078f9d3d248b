"""Starting the hall's own apps (ticket kiosk, hall display).

They share the window app's services container (``clerk.tui.services.Services``):
no clerk signs in at a kiosk or a TV, so they use only its store, catalog,
tickets, appointments and ticket printer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from textual.app import App

from clerk.config import ConfigError


def run_hall_app(make: Callable[[], App[None]]) -> int:
    """Start a hall app (``clerk kiosk`` / ``clerk board``); a bad config is one line, exit 2."""
    try:
        app = make()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    app.run()
    return int(app.return_code or 0)
