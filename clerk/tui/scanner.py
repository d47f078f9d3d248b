"""Telling a barcode scanner from a clerk's typing.

A scanner is a keyboard that types a whole case number within a few
milliseconds and ends with Enter.  ``ScanDetector`` watches every key the app
receives (before any widget sees it) and says, on Enter, whether the keys
since the last pause were a scan.  A configured prefix (``scanner_prefix``)
makes the decision certain regardless of speed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: A burst counts as a scan when at least this many characters ...
MIN_SCAN_CHARS = 8
#: ... with no gap between two keys (and before Enter) longer than this (seconds).
MAX_KEY_GAP = 0.05


@dataclass
class ScanDetector:
    """Feed it every key; ``enter()`` returns the scanned text or ``None``."""

    prefix: str = ""
    clock: Callable[[], float] = time.monotonic
    _chars: list[str] = field(default_factory=list)
    _last: float = 0.0

    def key(self, character: str | None) -> None:
        """A non-Enter key arrived (``character`` is None for non-printing keys)."""
        now = self.clock()
        if character is None or not character.isprintable():
            self.reset()
            return
        if now - self._last > MAX_KEY_GAP and not self._in_prefixed_scan():
            self._chars = []
        self._chars.append(character)
        self._last = now

    def enter(self) -> str | None:
        """Enter arrived: the scanned text if the burst was a scan, else None."""
        now = self.clock()
        text = "".join(self._chars)
        fast = len(self._chars) >= MIN_SCAN_CHARS and now - self._last <= MAX_KEY_GAP
        self.reset()
        if self.prefix and text.startswith(self.prefix):
            return text[len(self.prefix) :]
        return text if fast else None

    def _in_prefixed_scan(self) -> bool:
        """A configured prefix was (or is being) typed: keep collecting whatever the speed."""
        if not self.prefix or not self._chars:
            return False
        typed = "".join(self._chars)
        return typed.startswith(self.prefix) or self.prefix.startswith(typed)

    @property
    def pending(self) -> str:
        """The characters of the current burst (what a scan typed so far)."""
        return "".join(self._chars)

    def reset(self) -> None:
        self._chars = []
