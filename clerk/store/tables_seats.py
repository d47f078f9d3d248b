"""Seats: which clerk is signed in at which window (migration 0008).

One row per signed-in clerk (the primary key makes "one seat per clerk" a rule
of the store).  A seat taken over elsewhere leaves a ``seat_releases`` row under
the old seat's token, so the window that lost it can say where it went.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

import clerk.store.tables  # noqa: F401  (naming convention)


class SeatRow(SQLModel, table=True):
    __tablename__ = "seats"

    clerk_id: str = Field(primary_key=True, max_length=32)
    window: int | None = None
    machine: str = Field(max_length=128)
    app: str = Field(max_length=32)  # "window" or "supervisor"
    token: str = Field(max_length=32)
    since: datetime
    seen_at: datetime


class SeatReleaseRow(SQLModel, table=True):
    __tablename__ = "seat_releases"

    token: str = Field(primary_key=True, max_length=32)
    clerk_id: str = Field(max_length=32)
    by_window: int | None = None
    by_machine: str = Field(max_length=128)
    at: datetime
