"""Tables of the ticket machine and calling (migration ``0010``, docs/tickets.md).

Which of them the audit chain covers, and why:

- ``tickets`` (number, queue, state, times, window) is NOT tracked.  It holds no
  personal data (only the masked ID), and every call, recall and no-show writes
  it: a tracked table makes every such write take the audit head's row lock, so
  28 windows calling at once would queue on one row (and SKIP LOCKED would buy
  nothing).  Its times are the hall's measurements, like ``seats``.
- ``ticket_holders`` (the full ID number typed or read at the kiosk) IS tracked:
  personal data (DOMAIN.md: every change of it recorded, protected from editing).
  Written once per ticket with an ID, so the kiosk pays the audit cost only then.
- ``appointments`` (name, ID number, phone) IS tracked, for the same reason.
- ``ticket_counters`` and ``window_states`` hold no personal data: not tracked.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

import clerk.store.tables  # noqa: F401  (naming convention)
from clerk.store.tracked import track

OPEN_AT_WINDOW = "state IN ('called', 'serving')"


class TicketRow(SQLModel, table=True):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("day", "number", name="uq_tickets_day_number"),
        Index("ix_tickets_state_queue", "state", "queue", "taken_at"),
        Index("ix_tickets_window_state", "window", "state"),
        Index("ix_tickets_day_called", "day", "last_called_at"),
        # One open ticket per window, whatever races: a second call from the same window fails here.
        Index("uq_tickets_open_window", "window", unique=True, sqlite_where=text(OPEN_AT_WINDOW),
              postgresql_where=text(OPEN_AT_WINDOW)),
    )

    id: int | None = Field(default=None, primary_key=True)
    day: date  # local date of taking
    queue: str = Field(max_length=2)  # current queue prefix (a transfer changes it)
    taken_queue: str = Field(max_length=2)  # the queue its number belongs to
    serial: int
    number: str = Field(max_length=8)
    state: str = Field(max_length=12)
    priority: str = Field(default="none", max_length=16)
    id_masked: str = Field(default="", max_length=24)
    appointment_code: str = Field(default="", max_length=16)
    taken_at: datetime
    printed_at: datetime | None = None
    called_at: datetime | None = None  # first call
    last_called_at: datetime | None = None  # latest call or recall
    started_at: datetime | None = None
    finished_at: datetime | None = None
    no_show_at: datetime | None = None
    transferred_at: datetime | None = None
    window: int | None = None  # the window it is (or was last) called to
    target_window: int | None = None  # transferred to this window only
    called_by: str = Field(default="", max_length=32)
    recalls: int = 0
    calls_after_no_show: int = 0
    transfers: int = 0
    case_numbers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class TicketHolderRow(SQLModel, table=True):
    """The full ID number given at the kiosk (personal data: tracked)."""

    __tablename__ = "ticket_holders"

    ticket_id: int = Field(primary_key=True, foreign_key="tickets.id")
    id_number: str = Field(max_length=24, index=True)


class TicketCounterRow(SQLModel, table=True):
    __tablename__ = "ticket_counters"

    day: str = Field(primary_key=True, max_length=8)  # YYYYMMDD
    queue: str = Field(primary_key=True, max_length=2)
    last: int = 0


class WindowStateRow(SQLModel, table=True):
    """A window's service state: paused (暂停/离岗, with a reason) or serving (上岗)."""

    __tablename__ = "window_states"

    window: int = Field(primary_key=True)
    paused: bool = False
    reason: str = Field(default="", max_length=100)
    since: datetime
    by: str = Field(default="", max_length=32)


class AppointmentRow(SQLModel, table=True):
    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_day_queue", "day", "queue", "half"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    queue: str = Field(max_length=2)
    day: date
    half: str = Field(max_length=4)  # 上午 / 下午
    name: str = Field(max_length=64)
    id_number: str = Field(max_length=24, index=True)
    phone: str = Field(default="", max_length=32)
    state: str = Field(max_length=12)  # booked / checked_in / cancelled / no_show
    source: str = Field(default="", max_length=16)  # 电话 / 窗口 / 网上
    created_at: datetime
    created_by: str = Field(default="", max_length=32)
    ticket_id: int | None = None
    updated_at: datetime


track("ticket_holders")
track("appointments")
