"""The window's keyboard: one key at a time, where the clerk sent it; a scan never acts as keys.

Two things go wrong with keys as Textual hands them on, both worse on a busy PC:

- **Type-ahead.**  The app forwards a key to the widget focused *when the app reads
  it*.  A key that moves the focus (F4 to the checklist, Enter in a form) does so a few
  messages later (``Widget.focus`` is deferred with ``call_later``), so a key typed
  right after it, already waiting while the UI thread was busy, went to the previous
  field (#30 item 13: F4 then ``1`` put ``1`` into 邮寄地址).  ``KeyInput`` hands keys
  on one at a time: the next key goes on once everything the previous one set off on
  the screen has been handled (every message queue of the screen's widgets and the
  app's own queue are empty), so it reaches the field the focus has moved to.  A key
  that arrives while nothing is in flight goes on at once: no key waits for anything
  but the work of the keys before it.

- **Scans.**  A barcode scanner types a case number at 5–20 ms a key; its digits are the
  checklist's keys (#30 item 1).  Keys are judged by when they *arrived* (each key
  event's ``time``, stamped by the terminal driver's input thread), not by when the UI
  thread got to them (item 12).  A key that keeps a burst at a device's pace while the
  burst can still become a case number is *held*
  (clerk.tui.scanner ``ScanDetector.key``); the held keys act only once the burst turns
  out to be no scan (a key that breaks the pattern, a pause, or an Enter that does not
  make a scan).  So of a case number only its first key (a few, when its keys came late)
  ever acts; a scan's Enter undoes
  what the burst's acted keys did (``on_scan``: the focused field's text, the screen's
  state as it was before the burst's first key) and then opens the case.

A key still unsettled after ``STUCK`` seconds (a widget stuck in a handler) lets the
next one go on anyway, as before.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual import events

from clerk.tui.scanner import MAX_KEY_GAP, ScanDetector

if TYPE_CHECKING:
    from textual.app import App

#: seconds: a key whose effects have not settled by then lets the next key go on anyway
STUCK = 1.0
#: seconds: held keys act when their burst pauses this long (twice a device's widest gap)
HOLD = 2 * MAX_KEY_GAP


@dataclass(frozen=True)
class Scan:
    """A scanner burst recognised at its Enter."""

    text: str  # what was scanned (prefix removed)
    acted: str  # the burst's characters that reached the focused widget before it was recognised
    first_serial: int  # the serial of the burst's first key that acted (0: none acted)


class KeyInput:
    """The app's keys, judged as they arrived and handed on one at a time."""

    def __init__(
        self,
        app: App[Any],
        scanner: ScanDetector,
        forward: Callable[[events.Key], Awaitable[None]],
        on_scan: Callable[[Scan], None],
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.app = app
        self.scanner = scanner
        self._forward = forward  # Textual's own handling of a key (priority bindings, the focused widget)
        self._on_scan = on_scan
        self.clock = clock  # tests and benches: a simulated arrival clock instead of the events' times
        self.serial = 0  # keys handed on so far
        self._queue: deque[tuple[events.Key, int]] = deque()  # arrived; serial 0: not judged yet
        self._held: list[events.Key] = []  # a burst that may still be a scan
        self._run: list[events.Key] = []  # the printing keys the scanner detector keeps (its ``pending``)
        self._serial_of: dict[int, int] = {}  # id -> serial of the run's keys that were handed on
        self._busy = False
        self._since = 0.0
        self._hold_token = 0
        self._snapshots: deque[tuple[int, object, object]] = deque(maxlen=64)
        self._waiting: asyncio.Task[None] | None = None

    # -- arriving ------------------------------------------------------------------
    async def arrived(self, event: events.Key) -> None:
        """A key from the terminal (not yet forwarded anywhere)."""
        self._queue.append((event, 0))
        await self._pump()

    def arrival(self, event: events.Key) -> float:
        return self.clock() if self.clock is not None else event.time

    async def _pump(self) -> None:
        while self._queue and not self._busy:
            event, serial = self._queue.popleft()
            if serial:
                await self._dispatch(event, serial)
            else:
                await self._judge(event)

    # -- judging: scan or keys --------------------------------------------------------
    async def _judge(self, event: events.Key) -> None:
        at = self.arrival(event)
        held, self._held = self._held, []
        self._hold_token += 1  # whatever happens now, a pending "burst over" is stale
        if event.key == "enter":
            run, serial_of = self._run, self._serial_of
            self._run, self._serial_of = [], {}
            text = self.scanner.enter(getattr(self.app.screen, "expects_scan", None), at)
            if text is None:
                self._release([*held, event])
                return
            acted = [key for key in run[self.scanner.start :] if id(key) in serial_of]
            first = serial_of[id(acted[0])] if acted else 0
            self._on_scan(Scan(text, "".join(key.character or "" for key in acted), first))
            return
        character = event.character if event.is_printable else None
        hold = self.scanner.key(character, at)
        if character is None or self.scanner.pending == character:  # the run before is over
            self._release(held)  # its held keys act first (they arrived first)
            self._run, self._serial_of, held = [], {}, []
        if character is None:
            self._release([event])
            return
        self._run.append(event)
        if hold:
            self._held = [*held, event]
            self._hold()
            return
        self._act([*held, event])

    def _act(self, keys: list[events.Key]) -> None:
        """Hand on keys of the run: what a scan's Enter would undo."""
        for key, serial in zip(keys, self._release(keys), strict=True):
            self._serial_of[id(key)] = serial

    def _release(self, keys: list[events.Key]) -> list[int]:
        """Hand these keys on, in order: after keys released before, before any key not yet judged."""
        serials = list(range(self.serial + 1, self.serial + 1 + len(keys)))
        self.serial += len(keys)
        judged = 0
        while judged < len(self._queue) and self._queue[judged][1]:
            judged += 1
        for offset, item in enumerate(zip(keys, serials, strict=True)):
            self._queue.insert(judged + offset, item)
        return serials

    def _hold(self) -> None:
        """Let the held keys act if the burst pauses here (no key within HOLD seconds).

        Should it go on after all (a late key), its Enter still finds the scan and puts
        back what the released keys did."""
        self._hold_token += 1
        token = self._hold_token
        asyncio.get_running_loop().call_later(HOLD, self.app.call_later, self._burst_over, token)

    async def _burst_over(self, token: int) -> None:
        if token != self._hold_token or not self._held:
            return
        for _ in range(3):  # a key the driver's thread already handed over reaches the app's queue
            await asyncio.sleep(0)
        if token != self._hold_token:
            return
        if self._queue or self._busy or self._key_waiting():  # the burst's next key may be waiting
            self._hold()
            return
        held, self._held = self._held, []
        self._hold_token += 1
        self._act(held)
        await self._pump()

    def _key_waiting(self) -> bool:
        """A key has arrived that the app has not read yet."""
        waiting = getattr(cast(Any, self.app)._message_queue, "values", ())
        return any(isinstance(message, events.Key) for message in waiting)

    # -- handing on, one key at a time ---------------------------------------------------
    async def _dispatch(self, event: events.Key, serial: int) -> None:
        self._busy = True
        self._since = time.monotonic()
        screen = self.app.screen
        state = getattr(screen, "key_state", None)
        if state is not None:
            self._snapshots.append((serial, screen, state()))
        try:
            await self._forward(event)
        finally:
            if not self.app.call_later(self._settle):
                self._busy = False

    async def _settle(self) -> None:
        """Hand on the next key once the screen has handled what this one set off."""
        if time.monotonic() - self._since < STUCK:
            if self._screen_busy():
                self._waiting = asyncio.get_running_loop().create_task(self._wait())
                return
            if not cast(Any, self.app)._message_queue.empty():  # e.g. the focus move Widget.focus() left for the app
                self.app.call_later(self._settle)
                return
        self._busy = False
        await self._pump()

    def _screen_busy(self) -> bool:
        """A widget of the screen (or the screen) has messages waiting."""
        screen = self.app.screen
        return any(node._message_queue.qsize() for node in (screen, *screen.walk_children()))

    async def _wait(self) -> None:
        """Let the screen's widgets run until their queues are empty (or STUCK has passed)."""
        turns = 0
        while self._screen_busy() and time.monotonic() - self._since < STUCK:
            await asyncio.sleep(0 if turns < 50 else 0.001)  # each turn lets every ready widget run
            turns += 1
        if not self.app.call_later(self._settle):
            self._busy = False

    # -- undoing what a scan's keys did -------------------------------------------------
    def restore_before(self, serial: int) -> bool:
        """Put the screen back as it was before key ``serial`` (if it keeps such state)."""
        for kept, screen, state in self._snapshots:
            if kept == serial and screen is self.app.screen:
                restore = getattr(screen, "restore_key_state", None)
                if restore is not None:
                    restore(state)
                    return True
        return False
