"""Helpers of the ticket tests."""

from __future__ import annotations

from typing import Any


def printed(tickets: Any, queue: str = "A", **kwargs: Any) -> Any:
    """Take a ticket and mark it printed (the kiosk's two steps, without paper)."""
    ticket = tickets.take(queue, **kwargs)
    return tickets.mark_printed(ticket.id)


class FailingPrinter:
    """A kiosk printer out of paper."""

    name = "kiosk"

    def __init__(self, reason: str = "打印机缺纸，请装纸后重试") -> None:
        self.reason = reason
        self.sent: list[Any] = []

    def send(self, path: Any, title: str = "") -> None:
        from clerk.printing.data import PrintError

        raise PrintError(self.reason)


class PaperPrinter:
    """A kiosk printer that keeps what it was sent."""

    name = "kiosk"

    def __init__(self) -> None:
        self.sent: list[tuple[Any, str]] = []

    def send(self, path: Any, title: str = "") -> None:
        self.sent.append((path, title))


class Polls:
    """What a ``ChangeWatcher`` reported, as (monotonic time, changed, ok); waited on, not slept on."""

    def __init__(self) -> None:
        import threading

        self.seen: list[tuple[float, bool, bool]] = []
        self._arrived = threading.Condition()

    def __call__(self, changed: bool, ok: bool) -> None:
        import time

        with self._arrived:
            self.seen.append((time.monotonic(), changed, ok))
            self._arrived.notify_all()

    def count(self) -> int:
        with self._arrived:
            return len(self.seen)

    def first_after(self, start: int, *, changed: bool, timeout: float) -> tuple[float, bool, bool] | None:
        """The first poll from index ``start`` on whose ``changed`` is as asked, waiting up to ``timeout`` s."""
        def found() -> tuple[float, bool, bool] | None:
            return next((poll for poll in self.seen[start:] if poll[1] is changed), None)

        with self._arrived:
            self._arrived.wait_for(lambda: found() is not None, timeout)
            return found()

    def wait_for_count(self, count: int, timeout: float) -> bool:
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.seen) >= count, timeout)


def watch(store: Any, interval: float = 0.2) -> tuple[Polls, Any, Any]:
    """Start a ``ChangeWatcher`` thread on ``store``: (polls, stop event, thread)."""
    import threading

    from clerk.store.changes import ChangeWatcher

    polls = Polls()
    stop = threading.Event()
    thread = threading.Thread(target=ChangeWatcher(store, interval=interval).run, args=(stop, polls), daemon=True)
    thread.start()
    return polls, stop, thread
