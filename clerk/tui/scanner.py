"""Telling a barcode scanner from a clerk's typing (and from other devices).

A barcode scanner, an ID-card reader and a QR reader in keyboard mode all type
a burst of characters within a few milliseconds and end with Enter.  Speed
alone cannot tell them apart, so ``ScanDetector`` decides by what the burst
*is*: a scan is

- anything that starts with the configured ``scanner_prefix`` (whatever the
  speed), or
- a fast burst that is a case number of this hall (``YYYYMMDD-HALL-NNNN``), or
- a fast burst the current screen expects (a waybill on the EMS screen).

Every other burst (an ID number from a card reader, a password typed fast, a
pasted phone number) is left alone: its keys and its Enter go to the focused
field exactly as typed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: A device types faster than this gap between two keys (and before Enter), in seconds;
#: a person's keys are 120–250 ms apart, a scanner's 5–20 ms.
MAX_KEY_GAP = 0.05


def is_hall_number(text: str, hall: str) -> bool:
    """``text`` is a well-formed case number of the hall ``hall`` (any case number when ``hall`` is empty)."""
    from clerk.store.numbering import parse_number

    parsed = parse_number(text)
    return parsed is not None and (not hall or parsed[1] == hall.strip().upper())


@dataclass
class ScanDetector:
    """Feed it every key; ``enter()`` returns the scanned text or ``None``."""

    prefix: str = ""
    clock: Callable[[], float] = time.monotonic
    hall: str = ""  # the hall code in this hall's case numbers
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

    def enter(self, expected: Callable[[str], bool] | None = None) -> str | None:
        """Enter arrived: the scanned text if the burst was a scan, else None.

        ``expected`` says whether the current screen takes ``text`` as a scan
        (e.g. a waybill on the EMS screen); a case number of this hall and the
        prefix are always scans.
        """
        now = self.clock()
        text = "".join(self._chars)
        fast = bool(self._chars) and now - self._last <= MAX_KEY_GAP
        self.reset()
        if self.prefix and text.startswith(self.prefix):
            return text[len(self.prefix) :]
        if not fast:
            return None
        candidate = text.strip()
        if is_hall_number(candidate, self.hall):
            return candidate
        if expected is not None and candidate and expected(candidate):
            return candidate
        return None

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
