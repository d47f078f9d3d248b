"""A case service whose database can be frozen (a server under ``kill -STOP``, a hung disk) in-process.

While frozen, the calls that save a visit or ask for one wait until thawed, as a
statement on a stopped server does; the window's own bound (``statement_timeout_seconds``
+ 1 s, ``clerk.services.visits``) is what ends the wait on its side.  Thawed, the
waiting calls go on and commit (``thaw()``) or fail as a dropped connection would
(``thaw(dropped=True)``).  Every other call goes straight to the real service.
"""

from __future__ import annotations

import threading
from typing import Any

from clerk.store.errors import StoreUnavailable

FROZEN_CALLS = ("submit", "saved_visit", "recent_visit")


class FrozenStore:
    def __init__(self, real: Any) -> None:
        self.real = real
        self._thawed = threading.Event()
        self._thawed.set()
        self._dropped = False
        self.calls: list[str] = []  # the frozen-able calls, in order (what the window asked the store)

    def freeze(self) -> None:
        self._dropped = False
        self._thawed.clear()

    def thaw(self, *, dropped: bool = False) -> None:
        self._dropped = dropped
        self._thawed.set()

    def wait_for_stragglers(self, seconds: float = 10.0) -> None:
        """Let the calls that waited through the freeze finish (the window's attempt threads)."""
        for thread in threading.enumerate():
            if thread.name == "clerk-store-call":
                thread.join(seconds)

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.real, name)
        if name not in FROZEN_CALLS:
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            if not self._thawed.is_set():
                self._thawed.wait(60)
                if self._dropped:
                    raise StoreUnavailable()
            return found(*args, **kwargs)

        return call
