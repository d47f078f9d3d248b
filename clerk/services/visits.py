"""Saving a visit exactly once, and never waiting on the store without bound.

Every visit carries a key (``new_visit_key``) from its first keystroke to its
commit; it travels in the window's pending-visit file too.  The store keeps
one case per key (``cases.visit_key`` is unique) and ``CaseService.submit``
returns the first case for a key it already holds.

A frozen database server (``kill -STOP``, a hung disk) answers nothing, and
no driver timeout fires: libpq has no read timeout, and the kernel still
acknowledges TCP.  So the window bounds the wait itself.  ``VisitSaver``
runs each store call in a daemon thread and waits ``deadline`` seconds:

- in time: the case (or the store's error) as usual;
- too late: ``SaveNotKnown`` — the save may still commit when the server wakes
  up.  The window keeps the visit (with its key) and later *asks the store
  for that key* (``resolve``).  It saves the visit again only once the store
  has answered that it holds no case for the key and no attempt of this
  process is still in flight — and then under the same key, which the store
  would refuse to store twice anyway.

Only one attempt per key and kind runs at a time in a process: pressing F10
again, or the retry loop, joins the attempt in flight instead of adding one.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from clerk.services.bounded import Attempt
from clerk.store.errors import StoreUnavailable

if TYPE_CHECKING:
    from clerk.domain.accounts import ClerkUser
    from clerk.domain.intake import IntakeDraft, Outcome
    from clerk.domain.views import CaseView
    from clerk.services.cases import CaseService


def new_visit_key() -> str:
    """A fresh visit key (32 hex characters, fits ``cases.visit_key``)."""
    return uuid.uuid4().hex


class SaveNotKnown(StoreUnavailable):
    """The store did not answer in time: the visit may or may not be saved yet."""

    def __init__(self, message: str = "保存结果暂未知：数据库未在规定时间内答复。本次办件已暂存在本机，"
                                      "系统将按办件标识向数据库核对结果（不会重复受理），请勿重复录入。") -> None:
        super().__init__(message)


class VisitSaver:
    """Exactly-once, bounded saves of visits through a ``CaseService``."""

    def __init__(self, cases: CaseService, deadline: float) -> None:
        self.cases = cases
        self.deadline = deadline
        self._lock = threading.Lock()
        self._attempts: dict[tuple[str, str], Attempt[CaseView | None]] = {}

    def save(self, user: ClerkUser, window: int, draft: IntakeDraft, outcome: Outcome, reason: str,
             key: str, at: datetime | None = None) -> CaseView:
        """The case of this visit (received ``at``, when the visit was finished at the window);
        ``SaveNotKnown`` when the store did not answer in time."""
        case = self._bounded(("save", key),
                             lambda: self.cases.submit(user, window, draft, outcome, reason, visit_key=key,
                                                       received_at=at))
        assert case is not None  # submit returns the case it stored
        return case

    def in_flight(self, key: str) -> bool:
        """An attempt to save this visit is still waiting for the store."""
        with self._lock:
            attempt = self._attempts.get(("save", key))
            return attempt is not None and not attempt.done.is_set()

    def resolve(self, key: str) -> CaseView | None:
        """The case the store holds for ``key``, or None when it holds none.

        ``SaveNotKnown`` while an attempt of this process is still in flight (its
        outcome is not known yet, whatever the store says now) or the store is slow.
        """
        if self.in_flight(key):
            raise SaveNotKnown()
        return self._bounded(("ask", key), lambda: self.cases.saved_visit(key))

    def _bounded(self, tag: tuple[str, str], call: Callable[[], CaseView | None]) -> CaseView | None:
        with self._lock:
            attempt = self._attempts.get(tag)
            if attempt is None or attempt.done.is_set():
                attempt = self._attempts[tag] = Attempt(call)
        try:
            return attempt.result(self.deadline, too_slow=SaveNotKnown)
        finally:
            with self._lock:
                if attempt.done.is_set() and self._attempts.get(tag) is attempt:
                    del self._attempts[tag]
