"""Seats: one clerk, one window at a time (docs/store.md, "Seats").

A sign-in takes a seat (clerk, window, machine, since).  When the clerk
already sits elsewhere, ``take`` refuses with ``SeatTaken`` saying where; with
``take_over=True`` the other seat is released (a ``seat_releases`` row under
its token says by whom) and the new one taken, in one transaction.  The window
that lost its seat learns it from ``check(token)`` and signs out.  The same
machine and window taking the seat again (a restart after a crash) needs no
question.  One call = one transaction; views are frozen dataclasses.

Heartbeat: a signed-in window calls ``heartbeat(token)`` every
``HEARTBEAT_SECONDS``; it moves the seat's ``seen_at`` (and says, like
``check``, whether the seat is still held).  A seat not seen for
``stale_after`` belongs to a window that was killed, lost power or its
network: it is *stale* — another sign-in of the same clerk takes it without a
question (the old window, should it come back, still learns where it went), and
the dashboard shows it as 离线.  Heartbeats write through a Core connection,
not an audited session: they change nothing any screen shows, so they wake no
live screen on PostgreSQL.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlmodel import col

from clerk.domain.errors import ServiceError
from clerk.store.convert import aware
from clerk.store.tables import ClerkAccount
from clerk.store.tables_seats import SeatReleaseRow, SeatRow

if TYPE_CHECKING:
    from clerk.domain.accounts import ClerkUser
    from clerk.store.engine import Store


#: Seconds between two heartbeats of a signed-in window (well below any sensible ``stale_after``).
HEARTBEAT_SECONDS = 30


def this_machine() -> str:
    return socket.gethostname()[:128] or "?"


@dataclass(frozen=True)
class Seat:
    clerk_id: str
    window: int | None
    machine: str
    app: str
    token: str
    since: datetime
    name: str = ""  # the clerk's name (filled by ``seats()``)
    seen_at: datetime | None = None  # the last heartbeat
    stale: bool = False  # no heartbeat for ``stale_after``: 离线 (filled by ``seats()``)

    def where(self) -> str:
        place = f"第 {self.window} 窗口" if self.window else "主管工作台"
        return f"{place}（计算机 {self.machine}，{self.since.astimezone():%H:%M} 起）"


@dataclass(frozen=True)
class SeatLost:
    """Why a seat is no longer this window's: taken over elsewhere, or signed out."""

    clerk_id: str
    by_window: int | None
    by_machine: str
    at: datetime

    def text(self) -> str:
        if not self.clerk_id:
            return "本窗口的登录已在别处结束，请重新登录。"
        place = f"第 {self.by_window} 窗口" if self.by_window else "主管工作台"
        return (f"工号 {self.clerk_id} 已于 {self.at.astimezone():%H:%M} 在{place}（计算机 {self.by_machine}）"
                "登录并接管，本窗口已注销。")


class SeatTaken(ServiceError):
    def __init__(self, seat: Seat) -> None:
        self.seat = seat
        super().__init__(f"工号 {seat.clerk_id} 已在{seat.where()}登录。")


def _seat(row: SeatRow) -> Seat:
    return Seat(row.clerk_id, row.window, row.machine, row.app, row.token, aware(row.since),
                seen_at=aware(row.seen_at) if row.seen_at is not None else None)


class SeatService:
    def __init__(self, store: Store, clock: Callable[[], datetime], *,
                 stale_after: timedelta = timedelta(minutes=3)) -> None:
        self.store = store
        self.clock = clock
        self.stale_after = stale_after

    def _stale(self, row: SeatRow, now: datetime) -> bool:
        seen = aware(row.seen_at) if row.seen_at is not None else aware(row.since)
        return now - seen >= self.stale_after

    def take(self, user: ClerkUser, window: int | None, *, machine: str | None = None, app: str = "window",
             take_over: bool = False) -> Seat:
        """Sit ``user`` at ``window``; ``SeatTaken`` when she sits elsewhere and ``take_over`` is False."""
        machine = machine or this_machine()
        now = self.clock()
        with self.store.session(write=True) as session:
            row = session.get(SeatRow, user.id)
            if row is not None:
                same_place = row.machine == machine and row.window == window and row.app == app
                if not same_place and not take_over and not self._stale(row, now):
                    raise SeatTaken(_seat(row))
                session.merge(SeatReleaseRow(token=row.token, clerk_id=user.id, by_window=window,
                                             by_machine=machine, at=now))
                session.delete(row)
                session.flush()
            new = SeatRow(clerk_id=user.id, window=window, machine=machine, app=app, token=uuid.uuid4().hex,
                          since=now, seen_at=now)
            session.add(new)
            session.flush()
            return _seat(new)

    def check(self, token: str) -> SeatLost | None:
        """None while the seat with ``token`` is still held; else who took it over."""
        with self.store.session(write=False) as session:
            if session.execute(select(col(SeatRow.clerk_id)).where(col(SeatRow.token) == token)).first() is not None:
                return None
            gone = session.get(SeatReleaseRow, token)
            if gone is None:
                return SeatLost("", None, "", self.clock())
            return SeatLost(gone.clerk_id, gone.by_window, gone.by_machine, aware(gone.at))

    def heartbeat(self, token: str) -> SeatLost | None:
        """The window holding ``token`` is alive: move its ``seen_at``.  None while the seat is
        still held; else who took it over (as ``check``)."""
        with self.store.connection(write=True) as conn:  # not audited, wakes no live screen
            moved = conn.execute(update(SeatRow).where(col(SeatRow.token) == token).values(seen_at=self.clock()))
            if moved.rowcount:
                return None
        return self.check(token)

    def release(self, token: str) -> None:
        """Sign-out: the seat is free again."""
        with self.store.session(write=True) as session:
            session.execute(delete(SeatRow).where(col(SeatRow.token) == token))

    def seats(self) -> list[Seat]:
        """Who sits where, by window (the supervisor's dashboard)."""
        query = (select(SeatRow, col(ClerkAccount.name)).outerjoin(ClerkAccount, col(ClerkAccount.id) == SeatRow.clerk_id)
                 .order_by(col(SeatRow.window), col(SeatRow.clerk_id)))
        now = self.clock()
        with self.store.session(write=False) as session:
            return [replace(_seat(row), name=name or row.clerk_id, stale=self._stale(row, now))
                    for row, name in session.execute(query)]
