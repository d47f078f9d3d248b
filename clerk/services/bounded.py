"""A store call that never waits longer than a limit, whatever the server does.

A frozen database server (``kill -STOP``, a hung disk or VM) answers nothing
and no driver timeout fires on a connection already open: libpq has no read
timeout, the server's ``statement_timeout`` runs *in* the frozen server, and
the kernel keeps acknowledging TCP.  ``within`` runs the call in a daemon
thread and gives up waiting after ``seconds``: the caller gets
``StoreTooSlow`` (a ``StoreUnavailable``, so screens treat it as an outage and
clear it when the store answers again).  The call itself may still finish
later; only use this for calls whose late completion is harmless (reads, a
sign-in, a seat) — saves of visits keep their ``Attempt`` to join it and ask
the store later (``clerk.services.visits``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from clerk.store.errors import StoreUnavailable

T = TypeVar("T")


class StoreTooSlow(StoreUnavailable):
    """The store did not answer within the limit (``seconds``)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"数据库暂时无法连接：{seconds:.0f} 秒内没有答复（服务器繁忙或故障），请稍后重试；"
                         "如持续出现请联系系统管理员。")


class Attempt(Generic[T]):
    """``call()`` running in a daemon thread; its outcome is waited for with a limit."""

    def __init__(self, call: Callable[[], T], *, name: str = "clerk-store-call") -> None:
        self.done = threading.Event()
        self._value: tuple[T] | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, args=(call,), daemon=True, name=name).start()

    def _run(self, call: Callable[[], T]) -> None:
        try:
            self._value = (call(),)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
            self._error = exc
        finally:
            self.done.set()

    def result(self, seconds: float, too_slow: Callable[[], Exception] | None = None) -> T:
        """The call's result or exception; after ``seconds`` without one, ``too_slow()``
        (default ``StoreTooSlow``)."""
        if not self.done.wait(seconds):
            raise too_slow() if too_slow is not None else StoreTooSlow(seconds)
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value[0]


def within(seconds: float, call: Callable[[], T], *, name: str = "clerk-store-call") -> T:
    """``call()``'s result or exception; ``StoreTooSlow`` after ``seconds`` without one."""
    return Attempt(call, name=name).result(seconds)
