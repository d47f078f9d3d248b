"""Live screens: the app's link to ``clerk.store.changes.ChangeWatcher``.

Started once the clerk is signed in.  The watcher's thread polls the store
(LISTEN/NOTIFY on PostgreSQL, ``PRAGMA data_version`` on SQLite); on a change
every screen in the stack that has a ``store_changed()`` method is told (the
desk queue, dashboard, mail and results screens reload), and once the store
answers again after an outage the outage messages leave the banners.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clerk.tui.app import ClerkApp

from clerk.tui.widgets.banner import Banner


class LiveStore:
    def __init__(self, app: ClerkApp, interval: float = 1.0) -> None:
        self.app = app
        self.interval = interval
        self.changes = 0  # changes seen (tests and the benchmark read it)
        self.last_change: float | None = None  # time.monotonic() of the last one
        self._outage = threading.Event()  # an outage message is on some banner
        self._started = False

    def start(self) -> None:
        """Start watching (idempotent).  A plain daemon thread, not a Textual worker: it runs for
        the whole session, and ``app.workers.wait_for_complete()`` must not wait for it."""
        if self._started:
            return
        self._started = True
        threading.Thread(target=self._watch, daemon=True, name="clerk-live").start()

    def outage_shown(self) -> None:
        """A banner reports an outage: clear it at the first poll the store answers."""
        self._outage.set()

    def _watch(self) -> None:
        from clerk.store.changes import ChangeWatcher

        stop = self.app._stop
        while not stop.is_set():
            try:
                store = self.app.services.cases.store
                break
            except Exception:  # noqa: BLE001 - the store cannot be built yet: the banner said so
                stop.wait(self.interval)
        else:
            return
        ChangeWatcher(store, interval=self.interval).run(stop, self._polled)

    def _polled(self, changed: bool, ok: bool) -> None:
        tick = getattr(self.app, "seat_tick", None)  # the seat check rides on the same thread
        if tick is not None and ok:
            tick()
        recovered = ok and self._outage.is_set()
        if not (changed or recovered):
            return
        if recovered:
            self._outage.clear()
        try:
            self.app.call_from_thread(self.apply, changed, recovered)
        except BaseException:  # noqa: BLE001 - the app has ended (RuntimeError, CancelledError)
            self.app._stop.set()

    def apply(self, changed: bool, recovered: bool) -> None:
        """On the event loop: clear outage banners, tell the screens."""
        if recovered:
            for screen in self.app.screen_stack:
                for banner in screen.query(Banner):
                    banner.clear_outage()
        if changed:
            self.changes += 1
            self.last_change = time.monotonic()
        if changed or recovered:
            for screen in list(self.app.screen_stack):
                reload = getattr(screen, "store_changed", None)
                if reload is not None and screen.is_mounted:
                    reload()
