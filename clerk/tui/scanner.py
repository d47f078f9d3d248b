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

A burst is judged by when its keys *arrived* (the app passes each key event's
time, stamped by the terminal driver's input thread), never by when a busy UI
thread got round to them: keys queued behind a slow render still arrived
10 ms apart.  ``key()`` also says when a key should be *held* rather than act:
it continues a fast burst that can still become a case number (or follows the
prefix), so a case number's digits never reach the checklist (clerk.tui.keyinput).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: A device types faster than this gap between two keys (and before Enter), in seconds;
#: a person's keys are 120–250 ms apart, a scanner's 5–20 ms.
MAX_KEY_GAP = 0.05
#: A burst is judged by its *mean* gap (at most ``MAX_KEY_GAP``); a single gap up to this long
#: does not end it: on a loaded PC the terminal's input thread is sometimes woken late between
#: two keys (seen: 50–180 ms at load 5–10 on 2 CPUs).  A person's keys (120–250 ms apart every
#: time) never average a device's pace, and a scan must still be a case number (#30 items 1, 12).
MAX_HICCUP = 0.3


def is_hall_number(text: str, hall: str) -> bool:
    """``text`` is a well-formed case number of the hall ``hall`` (any case number when ``hall`` is empty)."""
    from clerk.store.numbering import parse_number

    parsed = parse_number(text)
    return parsed is not None and (not hall or parsed[1] == hall.strip().upper())


#: what each of the first eight characters of a case number (its date, 20YYMMDD) may be
_DATE_SHAPE = ("2", "0", "0123456789", "0123456789", "01", "0123456789", "0123", "0123456789")


def could_be_hall_number(text: str, hall: str) -> bool:
    """``text`` is the beginning of a case number of ``hall`` (of any hall when ``hall`` is empty)."""
    t = text.upper()
    for ch, allowed in zip(t[:8], _DATE_SHAPE, strict=False):
        if ch not in allowed:
            return False
    rest = t[8:]
    if not rest:
        return True
    if rest[0] != "-":
        return False
    code, dash, serial = rest[1:].partition("-")
    hall = hall.strip().upper()
    if hall:
        if not (hall.startswith(code) if not dash else code == hall):
            return False
    elif code and not (code.isalnum() and code.isascii() and len(code) <= 8):
        return False
    return not serial or (serial.isdigit() and serial.isascii())


@dataclass
class ScanDetector:
    """Feed it every key; ``enter()`` returns the scanned text or ``None``.

    The keys kept are a *run*: keys with no pause longer than ``MAX_HICCUP`` between
    them.  A scan is a tail of the run (a clerk's last keys may come just before the
    scanner's first) that starts the run or follows a gap longer than ``MAX_KEY_GAP``.
    """

    prefix: str = ""
    clock: Callable[[], float] = time.monotonic
    hall: str = ""  # the hall code in this hall's case numbers
    _chars: list[str] = field(default_factory=list)
    _times: list[float] = field(default_factory=list)  # when each of ``_chars`` arrived
    #: after ``enter()`` found a scan: where it began in the run (``pending`` before Enter)
    start: int = 0

    def key(self, character: str | None, at: float | None = None) -> bool:
        """A non-Enter key arrived at ``at`` (``character`` is None for non-printing keys).

        True when the key should be held instead of acting: a tail of the run ending with
        it came at a device's pace (a mean gap of at most ``MAX_KEY_GAP``) and can still
        become a scan (a case number of this hall so far, or the prefix).  A burst's first
        key always acts (nobody can know yet); ``pending`` then holds what it typed.
        """
        now = self.clock() if at is None else at
        if character is None or not character.isprintable():
            self.reset()
            return False
        if (not self._chars or now - self._times[-1] > MAX_HICCUP) and not self._in_prefixed_scan():
            self.reset()
        self._chars.append(character)
        self._times.append(now)
        typed = "".join(self._chars)
        if self.prefix and (typed.startswith(self.prefix) or self.prefix.startswith(typed)):
            return len(typed) > 1
        return any(could_be_hall_number(typed[s:], self.hall) for s in self._starts(now, len(typed) - 1))

    def _starts(self, now: float, keys: int) -> list[int]:
        """Where a device-paced tail may begin: the run's start or a key after a gap, with
        the mean gap from it to ``now`` (over ``keys - start`` gaps) a device's."""
        times = self._times
        starts = [0, *(i for i in range(1, len(times)) if times[i] - times[i - 1] > MAX_KEY_GAP)]
        return [s for s in starts if keys > s and (now - times[s]) / (keys - s) <= MAX_KEY_GAP]

    def enter(self, expected: Callable[[str], bool] | None = None, at: float | None = None) -> str | None:
        """Enter arrived: the scanned text if the burst was a scan, else None.

        ``expected`` says whether the current screen takes ``text`` as a scan
        (e.g. a waybill on the EMS screen); a case number of this hall and the
        prefix are always scans.  ``start`` says where in ``pending`` the scan began.
        """
        now = self.clock() if at is None else at
        text = "".join(self._chars)
        starts = self._starts(now, len(text)) if text and now - self._times[-1] <= MAX_HICCUP else []
        self.reset()
        self.start = 0
        if self.prefix and text.startswith(self.prefix):
            return text[len(self.prefix) :]
        for s in starts:
            candidate = text[s:].strip()
            if is_hall_number(candidate, self.hall) or (expected is not None and candidate and expected(candidate)):
                self.start = s
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
        self._chars, self._times = [], []
