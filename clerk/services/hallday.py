"""What the ticket and the appointment services share: the store, the hall's queues, its clock and day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from clerk.domain.clock import now_utc
from clerk.domain.queueing import QueueSpec
from clerk.services.unit import UnitOfWork

if TYPE_CHECKING:
    from clerk.config import Settings
    from clerk.store.engine import Store


class HallDay:
    def __init__(self, store: Store, settings: Settings, clock: Callable[[], datetime] = now_utc) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.tz = ZoneInfo(settings.timezone)
        self.queues: dict[str, QueueSpec] = {q.prefix: q for q in settings.queues}
        self.uow = UnitOfWork(store, clock)

    def _now(self, now: datetime | None) -> datetime:
        return now or self.clock()

    def today(self, now: datetime | None = None) -> date:
        """The hall's local date (of ``now``, else of its clock)."""
        return self._now(now).astimezone(self.tz).date()
