"""The hall's own apps (ticket kiosk, hall display): their seam to the core.

Like ``clerk.tui.services.Services`` for the window app, but smaller: no clerk
signs in at a kiosk or a TV.  Everything heavy (SQLAlchemy, reportlab, the
catalog) is built on first use, in a worker; tests pass ready-made pieces.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from clerk.catalog.loader import load_catalog
from clerk.config import ConfigError
from clerk.printing import printer_for
from clerk.services.appointments import AppointmentService
from clerk.services.tickets import TicketService
from clerk.store.engine import Store


def _now_utc() -> datetime:
    return datetime.now(UTC)


class HallServices:
    def __init__(self, settings: Any, *, clock: Callable[[], datetime] = _now_utc, store: Any = None,
                 catalog: Any = None, tickets: Any = None, appointments: Any = None, printers: Any = None) -> None:
        self.settings = settings
        self.clock = clock
        self._store, self._catalog, self._tickets = store, catalog, tickets
        self._appointments, self._printers = appointments, printers
        self._lock = threading.RLock()

    def now(self) -> datetime:
        """The hall's local time (aware)."""
        return self.clock().astimezone(ZoneInfo(self.settings.timezone))

    @property
    def store(self) -> Any:
        with self._lock:
            if self._store is None:
                self._store = Store.from_settings(self.settings)
            return self._store

    @property
    def catalog(self) -> Any:
        with self._lock:
            if self._catalog is None:
                self._catalog = load_catalog(self.settings.catalog_dir)
                self._catalog.prepare_search()
            return self._catalog

    @property
    def tickets(self) -> Any:
        """The ``clerk.services.tickets.TicketService`` on the hall's store."""
        with self._lock:
            if self._tickets is None:
                self._tickets = TicketService(self.store, self.settings, self.catalog, self.clock)
            return self._tickets

    @property
    def appointments(self) -> Any:
        with self._lock:
            if self._appointments is None:
                self._appointments = AppointmentService(self.store, self.settings, self.clock)
            return self._appointments

    @property
    def printers(self) -> Any:
        """The kiosk's ticket printer (``print_command`` or the CUPS queue of the hall's config)."""
        with self._lock:
            if self._printers is None:
                self._printers = printer_for(self.settings)
            return self._printers


def run_hall_app(make: Callable[[], Any]) -> int:
    """Start a hall app (``clerk kiosk`` / ``clerk board``); a bad config is one line, exit 2."""
    try:
        app = make()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    app.run()
    return int(app.return_code or 0)
