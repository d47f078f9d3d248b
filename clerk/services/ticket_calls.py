"""The statements of one call at a window (叫号), built once per store dialect.

``TicketService.call_next`` is the one service call a hall makes in bursts (28
windows at a time), so its statements are Core, built once and executed on the
session's connection: no ORM entity is loaded, no statement is rebuilt, and the
pick, the lock and the update of the called ticket are one statement:

- PostgreSQL: ``UPDATE tickets SET … WHERE id = (SELECT id … WHERE id = ANY(:ids)
  AND state = 'waiting' ORDER BY array_position(:ids, id) LIMIT 1 FOR UPDATE
  SKIP LOCKED) RETURNING …`` — a ticket another window holds is skipped, one it
  has just called no longer matches; the same statement sends ``pg_notify`` (the
  live screens' signal, delivered at commit) so no separate ``NOTIFY`` is sent.
- SQLite: the writer lock is held for the whole transaction, so the first ticket
  of the order is free: ``UPDATE … WHERE id = :id AND state = 'waiting' RETURNING …``.

The candidates are read with a window function so that only the tickets that can
be among the first ``HEAD`` of the calling order reach Python: the oldest ``HEAD``
of each group (priority or ordinary × queue × transferred here or not).  That set
holds the oldest ``HEAD`` priority tickets, the oldest ``HEAD`` ordinary ones (the
overdue ones go first) and the first ``HEAD`` by the ordinary key (transferred
here, queue preference, age), so ``call_order`` of it starts exactly like
``call_order`` of every waiting ticket (docs/tickets.md, "The calling order").
When the whole head is held by other windows, every waiting ticket is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ARRAY, Integer, bindparam, func, literal_column, or_, select, update

from clerk.domain.queueing import Priority, TicketState
from clerk.store.engine import CHANGES_CHANNEL
from clerk.store.tables import table_of
from clerk.store.tables_tickets import TicketRow, WindowStateRow

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Select
    from sqlalchemy.sql.dml import ReturningUpdate

__all__ = ["HEAD", "CallStatements", "call_statements"]

#: the first tickets of the calling order a window reads and offers to one locking statement (more
#: than the windows that can hold one at the same moment in a hall of 28; past it, everyone is read)
HEAD = 32

#: the columns a called ticket's view needs (``TicketService._view`` reads them by name)
_VIEW_COLUMNS = ("id", "number", "queue", "state", "priority", "taken_at", "last_called_at", "window", "id_masked",
                 "recalls", "case_numbers", "day", "target_window", "appointment_code", "finished_at")


@dataclass(frozen=True)
class CallStatements:
    """Prepared Core statements of ``call_next`` for one dialect."""

    check_free: Select[Any]  # (paused reason, open ticket number, since when paused or not) of :window
    head: Select[Any]  # the waiting tickets that may be among the first HEAD of the order
    everyone: Select[Any]  # every waiting ticket this window may call (when the head is all held)
    call: ReturningUpdate[Any]  # pick + lock + update one ticket, RETURNING its view columns
    notifies: bool  # ``call`` sends the change notification itself


_CACHE: dict[bool, CallStatements] = {}


def call_statements(sqlite: bool) -> CallStatements:
    statements = _CACHE.get(sqlite)
    if statements is None:
        statements = _CACHE[sqlite] = _build(sqlite)
    return statements


def _build(sqlite: bool) -> CallStatements:
    t = table_of(TicketRow)
    w = table_of(WindowStateRow)
    window = bindparam("at_window", type_=t.c.window.type)
    open_states = (TicketState.CALLED.value, TicketState.SERVING.value)
    paused = select(w.c.reason).where(w.c.window == window, w.c.paused).scalar_subquery()
    current = select(t.c.number).where(t.c.window == window, t.c.state.in_(open_states)).limit(1).scalar_subquery()
    since = select(w.c.since).where(w.c.window == window).scalar_subquery()  # of the window's pause or resume
    check_free = select(paused, current, since)

    waiting = t.c.state == TicketState.WAITING.value
    callable_here = (t.c.day == bindparam("on_day", type_=t.c.day.type)) & waiting & or_(
        t.c.target_window == window, t.c.target_window.is_(None) & t.c.queue.in_(bindparam("prefs", expanding=True)))
    columns = (t.c.id, t.c.queue, t.c.priority, t.c.taken_at, t.c.target_window)
    everyone = select(*columns).where(callable_here)
    ordinary = t.c.priority == Priority.NONE.value
    age = (t.c.taken_at, t.c.id)
    # the oldest HEAD of each (priority or not, queue, transferred here or not) group: their union
    # holds the oldest HEAD priority and ordinary tickets and the first HEAD by the ordinary key
    ranked = select(
        *columns,
        func.row_number().over(partition_by=(ordinary, t.c.queue, t.c.target_window.is_(None)),
                               order_by=age).label("in_group"),
    ).where(callable_here).subquery()
    head = select(*(ranked.c[c.name] for c in columns)).where(ranked.c.in_group <= HEAD)

    now = bindparam("now", type_=t.c.last_called_at.type)
    values = {"state": TicketState.CALLED.value, "window": window, "target_window": None,
              "called_at": func.coalesce(t.c.called_at, now), "last_called_at": now,
              "called_by": bindparam("by", type_=t.c.called_by.type)}
    returning: list[ColumnElement[Any]] = [t.c[name] for name in _VIEW_COLUMNS]
    if sqlite:  # the writer lock is held: the ticket read as waiting is still waiting
        call = update(t).where(t.c.id == bindparam("ticket_id", type_=Integer), waiting).values(values)
        return CallStatements(check_free, head, everyone, call.returning(*returning), notifies=False)
    ids = bindparam("ids", type_=ARRAY(Integer))
    pick = select(t.c.id).where(t.c.id == func.any(ids), waiting).order_by(
        func.array_position(ids, t.c.id)).limit(1).with_for_update(skip_locked=True).scalar_subquery()
    returning.append(func.pg_notify(literal_column(f"'{CHANGES_CHANNEL}'"), literal_column("''")).label("notified"))
    call = update(t).where(t.c.id == pick).values(values).returning(*returning)
    return CallStatements(check_free, head, everyone, call, notifies=True)
