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


def watch(store: Any, interval: float = 0.2) -> tuple[list[tuple[float, bool, bool]], Any, Any]:
    """Start a ``ChangeWatcher`` thread on ``store``: (polls, stop event, thread)."""
    import threading
    import time

    from clerk.store.changes import ChangeWatcher

    polls: list[tuple[float, bool, bool]] = []
    stop = threading.Event()
    thread = threading.Thread(target=ChangeWatcher(store, interval=interval).run,
                              args=(stop, lambda changed, ok: polls.append((time.monotonic(), changed, ok))),
                              daemon=True)
    thread.start()
    return polls, stop, thread
