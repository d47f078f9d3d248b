"""A store call that never waits longer than a limit, whatever the server does.

A frozen database server (``kill -STOP``, a hung disk or VM) answers nothing
and no driver timeout fires on a connection already open: libpq has no read
timeout, the server's ``statement_timeout`` runs *in* the frozen server, and
the kernel keeps acknowledging TCP.  ``within`` runs the call in a daemon
thread and gives up waiting after ``seconds``: the caller gets
``StoreTooSlow`` (a ``StoreUnavailable``, so screens treat it as an outage and
clear it when the store answers again).  The call itself may still finish
later; only use this for calls whose late completion is harmless (reads, a
sign-in, a seat) — saves of visits have their own exactly-once path
(``clerk.services.visits``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from clerk.store.errors import StoreUnavailable

T = TypeVar("T")


class StoreTooSlow(StoreUnavailable):
    """The store did not answer within the limit (``seconds``)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"数据库暂时无法连接：{seconds:.0f} 秒内没有答复（服务器繁忙或故障），请稍后重试；"
                         "如持续出现请联系系统管理员。")


def within(seconds: float, call: Callable[[], T], *, name: str = "clerk-store-call") -> T:
    """``call()``'s result or exception; ``StoreTooSlow`` after ``seconds`` without one."""
    done = threading.Event()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, daemon=True, name=name).start()
    if not done.wait(seconds):
        raise StoreTooSlow(seconds)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
