"""Tickets and calling (取号与叫号; docs/tickets.md).

``TicketService(store, settings, catalog)``: the kiosk side (``take``,
``mark_printed``, ``void``: anonymous, no user), the window side (``call_next``,
``recall``, ``no_show``, ``recall_no_show``, ``transfer``, ``start``,
``link_cases``, ``pause``, ``resume``: each with the acting user, role-checked
by the unit of work) and the reads (``board``, ``queue_status``,
``window_status``, ``find``, ``get``).  One call = one transaction; every
refusal is a Chinese ``TicketError`` raised before anything is written.

Two windows calling at once never get the same ticket: on SQLite write
transactions are serialised (the writer lock + ``BEGIN IMMEDIATE``); on
PostgreSQL the chosen ticket is locked with ``FOR UPDATE SKIP LOCKED`` and a
ticket another window holds is skipped (the next one is chosen).  Every write
transaction tells live screens (``clerk.store.changes``: ``NOTIFY`` at commit
on PostgreSQL, ``data_version`` on SQLite), so the hall board wakes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from clerk.characters import refusal
from clerk.domain.clock import now_utc
from clerk.domain.permissions import Action
from clerk.domain.queueing import (
    BoardView,
    CallView,
    Priority,
    QueueFigures,
    QueueSpec,
    QueueStatus,
    TicketError,
    TicketState,
    TicketTimes,
    TicketView,
    WindowFigures,
    WindowStatus,
    call_order,
    call_text,
    day_figures,
    estimate_wait,
    format_ticket_number,
    parse_ticket_number,
    priority_for_id,
    queue_for_item,
    queues_of_window,
)
from clerk.identity import mask_id
from clerk.identity.resident_id import check_resident_id
from clerk.identity.text import PAUSE_REASON_MAX
from clerk.services.hallday import HallDay
from clerk.services.ticket_calls import HEAD, call_statements
from clerk.store.audited import WROTE
from clerk.store.convert import aware
from clerk.store.engine import NOTIFIED, Store
from clerk.store.tables import CaseRow, saved_id
from clerk.store.tables_seats import SeatRow
from clerk.store.tables_tickets import (
    AppointmentRow,
    TicketHolderRow,
    TicketRow,
    WindowStateRow,
)
from clerk.store.tables_tickets import (
    TicketRow as T,
)
from clerk.store.tables_tickets import (
    WindowStateRow as W,
)

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement
    from sqlalchemy.engine import Connection, Row
    from sqlmodel import Session

    from clerk.catalog.catalog import Catalog
    from clerk.config import Settings
    from clerk.domain.accounts import ClerkUser
    from clerk.services.ticket_calls import CallStatements

__all__ = ["DEFAULT_SERVICE_MINUTES", "RECENT_CALLS", "STALE_PENDING", "TicketService"]

#: mean handling minutes assumed before a queue has finished tickets today
DEFAULT_SERVICE_MINUTES = 10.0
#: a PENDING ticket older than this never printed (the kiosk died): the next take voids it
STALE_PENDING = timedelta(minutes=10)
#: calls shown on the board besides the latest
RECENT_CALLS = 8

_BUMP = (
    "INSERT INTO ticket_counters (day, queue, last) VALUES (:day, :queue, 1) "
    "ON CONFLICT (day, queue) DO UPDATE SET last = ticket_counters.last + 1 "
    "RETURNING last"
)
_OPEN = (TicketState.CALLED.value, TicketState.SERVING.value)
_CHUNK = 64  # tickets offered to one locking query


@dataclass(frozen=True)
class _Candidate:
    id: int
    queue: str
    priority: str
    taken_at: datetime
    target_window: int | None


class TicketService(HallDay):
    def __init__(self, store: Store, settings: Settings, catalog: Catalog | None = None,
                 clock: Callable[[], datetime] = now_utc) -> None:
        super().__init__(store, settings, clock)
        self.catalog = catalog

    @classmethod
    def from_settings(cls, settings: Settings, *, store: Store | None = None,
                      catalog: Catalog | None = None) -> TicketService:
        return cls(store or Store.from_settings(settings), settings, catalog)

    # -- helpers -------------------------------------------------------------------------------------
    def _spec(self, prefix: str) -> QueueSpec:
        spec = self.queues.get((prefix or "").strip().upper())
        if spec is None:
            names = "、".join(f"{q.prefix} {q.name}" for q in self.queues.values())
            raise TicketError(f"没有队列“{prefix}”（可选：{names}）")
        return spec

    def queue_for_item(self, item_code: str) -> str:
        """The prefix of the queue that serves an item of the catalog."""
        catalog = self.catalog
        item = catalog.get(item_code) if catalog is not None else None
        department = getattr(item, "department", "") or ""
        if catalog is not None and item is not None and not department:  # a bundle: its first item's department
            for code in getattr(item, "items", ()) or ():
                first = catalog.get(code)
                department = getattr(first, "department", "") or ""
                break
        return queue_for_item(item_code, department, tuple(self.queues.values()))

    def window_queues(self, window: int) -> tuple[str, ...]:
        return queues_of_window(window, self.settings.window_queues, tuple(self.queues.values()))

    def _view(self, session: Session, row: TicketRow | Row[Any], now: datetime) -> TicketView:
        """The view of a ticket row, or of the view columns a call returned (``ticket_calls``)."""
        state = TicketState(row.state)
        ahead = wait = 0
        serving = 1
        if state in (TicketState.PENDING, TicketState.WAITING):
            ahead = self._ahead(session, row)
            serving = self._serving_windows(session, row.queue)
            wait = estimate_wait(ahead, serving, self._mean_service_minutes(session, row.queue, row.day))
        spec = self.queues.get(row.queue)
        return TicketView(
            id=saved_id(row), number=row.number, queue=row.queue, queue_name=spec.name if spec else row.queue,
            state=state, priority=Priority(row.priority), taken_at=aware(row.taken_at),
            called_at=aware(row.last_called_at), window=row.window, ahead=ahead, estimated_wait_minutes=wait,
            id_number_masked=row.id_masked, recalls=row.recalls, case_numbers=tuple(row.case_numbers or ()),
            day=row.day, target_window=row.target_window, appointment_code=row.appointment_code,
            finished_at=aware(row.finished_at), serving_windows=serving)

    def view_in(self, session: Session, row: TicketRow, now: datetime) -> TicketView:
        """The view of a ticket row inside the caller's transaction (for ``AppointmentService``)."""
        return self._view(session, row, now)

    def _ahead(self, session: Session, row: TicketRow | Row[Any]) -> int:
        mine_first = or_(col(T.taken_at) < row.taken_at, (col(T.taken_at) == row.taken_at) & (col(T.id) < row.id))
        ahead: ColumnElement[bool]
        if Priority(row.priority).is_priority:  # only earlier priority tickets go first
            ahead = (col(T.priority) != Priority.NONE.value) & mine_first
        else:  # every priority ticket, and earlier ordinary ones
            ahead = or_(col(T.priority) != Priority.NONE.value, mine_first)
        query = select(func.count()).select_from(T).where(
            col(T.day) == row.day, col(T.queue) == row.queue, col(T.state) == TicketState.WAITING.value, col(T.id) != row.id, ahead)
        return int(session.execute(query).scalar_one())

    def _serving_windows(self, session: Session, prefix: str) -> int:
        """Signed-in windows that serve ``prefix`` and are not paused (0: none, no wait to promise)."""
        windows = {w for (w,) in session.execute(select(col(SeatRow.window)).where(col(SeatRow.window).is_not(None)))}
        paused = {w for (w,) in session.execute(select(col(WindowStateRow.window)).where(col(WindowStateRow.paused)))}
        return sum(1 for w in windows - paused if prefix in self.window_queues(w))

    def _mean_service_minutes(self, session: Session, prefix: str, day: date) -> float:
        rows = session.execute(select(col(T.last_called_at), col(T.finished_at)).where(
            col(T.day) == day, col(T.queue) == prefix, col(T.state) == TicketState.DONE.value,
            col(T.finished_at).is_not(None), col(T.last_called_at).is_not(None)).order_by(col(T.finished_at).desc()).limit(50)).all()
        spans = [(aware(f) - aware(c)).total_seconds() / 60 for c, f in rows]
        spans = [s for s in spans if s >= 0]
        return sum(spans) / len(spans) if spans else DEFAULT_SERVICE_MINUTES

    def _row(self, session: Session, ticket_id: int, *, lock: bool = False) -> TicketRow:
        query = select(TicketRow).where(col(TicketRow.id) == ticket_id)
        if lock and not self.store.is_sqlite:
            query = query.with_for_update()
        row: TicketRow | None = session.execute(query).scalar_one_or_none()
        if row is None:
            raise TicketError(f"没有编号为 {ticket_id} 的号票")
        return row

    def _open_at(self, session: Session, window: int, *, lock: bool = False) -> TicketRow | None:
        query = select(T).where(col(T.window) == window, col(T.state).in_(_OPEN)).order_by(col(T.last_called_at).desc())
        if lock and not self.store.is_sqlite:
            query = query.with_for_update()
        row: TicketRow | None = session.execute(query.limit(1)).scalar_one_or_none()
        return row

    def _window_state(self, session: Session, window: int) -> WindowStateRow | None:
        return session.get(WindowStateRow, window)

    @staticmethod
    def _check_window(window: object) -> int:
        if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 999:
            raise TicketError("请先设置本机的窗口号（window）再叫号")
        return window

    # -- the kiosk -----------------------------------------------------------------------------------
    def take(self, queue_prefix: str, *, id_number: str | None = None, priority: Priority = Priority.NONE,
             now: datetime | None = None, appointment_code: str = "") -> TicketView:
        """A PENDING ticket (counted once ``mark_printed``); refuses a closed or full queue."""
        spec = self._spec(queue_prefix)
        now = self._now(now)
        local = now.astimezone(self.tz)
        if not spec.open_at(local.time()):
            raise TicketError(f"{spec.name}（{spec.prefix}）现在不取号，取号时间为 {spec.hours()}")
        id_number = self._checked_id(id_number, local.date())
        priority = Priority(priority)
        from_id = priority_for_id(id_number, local.date()) if id_number else Priority.NONE
        if priority is Priority.ELDERLY and from_id is not Priority.ELDERLY:
            raise TicketError("70岁以上绿色通道以身份证的出生日期为准：请刷身份证，或由引导员选择其他绿色通道类别")
        if priority is Priority.NONE:
            priority = from_id
        with self.store.session() as session:
            row = self.take_in(session, spec, now, id_number, priority, appointment_code)
            return self._view(session, row, now)

    def take_in(self, session: Session, spec: QueueSpec, now: datetime, id_number: str, priority: Priority,
                appointment_code: str = "") -> TicketRow:
        """Insert a PENDING ticket inside the caller's transaction (checked input); the row."""
        day = now.astimezone(self.tz).date()
        serial = session.execute(text(_BUMP), {"day": f"{day:%Y%m%d}", "queue": spec.prefix}).scalar_one()
        # a kiosk that died between taking and printing left a PENDING ticket: after a while it is void
        session.execute(update(TicketRow).where(
            col(TicketRow.day) == day, col(TicketRow.taken_queue) == spec.prefix, col(TicketRow.state) == TicketState.PENDING.value,
            col(TicketRow.taken_at) < now - STALE_PENDING).values(state=TicketState.VOID.value))
        issued = session.execute(select(func.count()).select_from(TicketRow).where(
            col(TicketRow.day) == day, col(TicketRow.taken_queue) == spec.prefix,
            col(TicketRow.state) != TicketState.VOID.value)).scalar_one()
        if issued >= spec.daily_cap:
            raise TicketError(f"{spec.name}（{spec.prefix}）今日号源已取完（每日 {spec.daily_cap} 个），请明日再来或咨询引导台")
        row = TicketRow(day=day, queue=spec.prefix, taken_queue=spec.prefix, serial=serial,
                        number=format_ticket_number(spec.prefix, serial), state=TicketState.PENDING.value,
                        priority=priority.value, id_masked=mask_id(id_number) if id_number else "",
                        appointment_code=appointment_code, taken_at=now, case_numbers=[])
        session.add(row)
        session.flush()
        if id_number:
            session.add(TicketHolderRow(ticket_id=saved_id(row), id_number=id_number))
            self.uow.audit(session, "kiosk", None, "取号", None, None,
                           {"ticket": row.number, "id_number": mask_id(id_number)})
        return row

    @staticmethod
    def _checked_id(id_number: str | None, today: date) -> str:
        if not id_number or not id_number.strip():
            return ""

        check = check_resident_id(id_number, today=today)
        if not check.ok:
            raise TicketError(f"身份证号码无效：{check.reason}")
        return check.value

    def mark_printed(self, ticket_id: int, *, now: datetime | None = None) -> TicketView:
        """The paper is out: PENDING -> WAITING (only now the ticket counts and can be called)."""
        now = self._now(now)
        with self.store.session() as session:
            row = self._row(session, ticket_id, lock=True)
            if row.state != TicketState.PENDING.value:
                raise TicketError(f"{row.number} 号的状态是“{TicketState(row.state).label}”，不能登记为已出票")
            row.state, row.printed_at = TicketState.WAITING.value, now
            session.add(row)
            session.flush()
            return self._view(session, row, now)

    def void(self, ticket_id: int, *, now: datetime | None = None) -> TicketView:
        """The paper did not print: PENDING -> VOID (counted nowhere; the ID given is dropped)."""
        now = self._now(now)
        with self.store.session() as session:
            row = self._row(session, ticket_id, lock=True)
            if row.state != TicketState.PENDING.value:
                raise TicketError(f"{row.number} 号的状态是“{TicketState(row.state).label}”，不能作废")
            row.state = TicketState.VOID.value
            session.add(row)
            if row.appointment_code:  # the check-in did not happen: the appointment stands again
                booking = session.execute(select(AppointmentRow).where(
                    col(AppointmentRow.code) == row.appointment_code)).scalar_one_or_none()
                if booking is not None and booking.ticket_id == row.id:
                    booking.state, booking.ticket_id, booking.updated_at = "booked", None, now
                    session.add(booking)
            holder = session.get(TicketHolderRow, row.id)
            if holder is not None:
                session.delete(holder)
                self.uow.audit(session, "kiosk", None, "作废号票", None, {"ticket": row.number}, None)
            session.flush()
            return self._view(session, row, now)

    def get(self, ticket_id: int, *, now: datetime | None = None) -> TicketView:
        with self.store.session(write=False) as session:
            return self._view(session, self._row(session, ticket_id), self._now(now))

    def holder_id_number(self, user: ClerkUser, ticket_id: int) -> str:
        """The full ID number given at the kiosk for a ticket ("" when none); a ``view`` audit event."""
        with self.uow.begin(user, Action.CALL) as (session, account):
            holder = session.get(TicketHolderRow, ticket_id)
            if holder is None:
                return ""
            self.uow.audit(session, account.id, None, "view", None, None, {"ticket_id": ticket_id})
            return holder.id_number

    # -- the window ----------------------------------------------------------------------------------
    def call_next(self, user: ClerkUser, window: int, *, now: datetime | None = None) -> WindowStatus:
        """Call the next ticket of this window's queues; the window's status after it: serving
        (``current``) the ticket called, or nothing when nobody is waiting.  (Refused while the
        window is paused or still has a ticket open, so the status needs no second read.)

        The hall's hottest call: Core statements built once (``clerk.services.ticket_calls``),
        only the head of the calling order read, and one statement that picks, locks and
        updates the ticket (and, on PostgreSQL, notifies the live screens)."""
        window = self._check_window(window)
        now = self._now(now)
        prefs = self.window_queues(window)
        sql = call_statements(self.store.is_sqlite)
        with self.uow.begin(user, Action.CALL) as (session, account):
            conn = session.connection()
            reason, number, since = conn.execute(sql.check_free, {"at_window": window}).one()
            if reason is not None:
                raise TicketError(f"{window} 号窗口已暂停服务（{reason}），请先上岗再叫号")
            if number is not None:
                raise TicketError(f"本窗口的 {number} 号尚未办结：请先办结、过号或转移，再叫下一位")
            where = {"on_day": self.today(now), "at_window": window, "prefs": list(prefs)}
            max_wait = timedelta(minutes=self.settings.priority_max_wait_minutes)
            held: set[int] = set()
            for everyone in (False, True):  # the head of the order; everyone when the head is all held
                rows = conn.execute(sql.everyone if everyone else sql.head, where).all()
                candidates = [_Candidate(r.id, r.queue, r.priority, aware(r.taken_at), r.target_window)
                              for r in rows]
                order = [c.id for c in call_order(candidates, now, max_wait, prefs)]
                if everyone:  # those of the head are held (or called since): offer the others, in order
                    order = [i for i in order if i not in held]
                    offers = [order[i:i + _CHUNK] for i in range(0, len(order), _CHUNK)]
                else:  # the head set gives the first HEAD of the order exactly (not what follows them)
                    held = set(order[:HEAD])
                    offers = [order[:HEAD]]
                for ids in offers:
                    called = self._call_first(conn, sql, ids, window, now, account.id)
                    if called is not None:
                        session.info[WROTE] = True
                        if sql.notifies:
                            session.info[NOTIFIED] = True
                        return WindowStatus(window, False, "", aware(since),
                                            self._view(session, called, now))
                if len(order) < HEAD:  # the head was everyone (no group has HEAD tickets)
                    break
            return WindowStatus(window, False, "", aware(since), None)

    def _call_first(self, conn: Connection, sql: CallStatements, ids: list[int], window: int, now: datetime,
                    by: str) -> Row[Any] | None:
        """The first of ``ids`` still WAITING, called to ``window`` (its view columns), or None.

        PostgreSQL: one statement, ``FOR UPDATE SKIP LOCKED`` inside: a ticket another
        window holds is skipped, one it has just called no longer matches (READ COMMITTED
        re-checks the row), so 28 windows calling at once take 28 different tickets in one
        round trip each.  SQLite: the writer lock is held, the first one is free.
        A second call from the same window at the same moment loses on the store's
        one-open-ticket-per-window index and is refused like any second call."""
        values = {"at_window": window, "now": now, "by": by}
        try:
            if self.store.is_sqlite:
                for ticket_id in ids:
                    row = conn.execute(sql.call, {**values, "ticket_id": ticket_id}).one_or_none()
                    if row is not None:
                        return row
                return None
            return conn.execute(sql.call, {**values, "ids": ids}).one_or_none() if ids else None
        except IntegrityError:
            raise TicketError(f"本窗口（{window} 号）刚刚已叫了一个号：请先办结、过号或转移，再叫下一位") from None

    @staticmethod
    def _flush_call(session: Session, window: int) -> None:
        """Write the call; a second call from the same window at the same moment loses here
        (the store's one-open-ticket-per-window index) and is refused like any second call."""
        try:
            session.flush()
        except IntegrityError:
            raise TicketError(f"本窗口（{window} 号）刚刚已叫了一个号：请先办结、过号或转移，再叫下一位") from None

    def _current(self, session: Session, window: int, what: str) -> TicketRow:
        row = self._open_at(session, window, lock=True)
        if row is None:
            raise TicketError(f"本窗口当前没有已叫的号，无法{what}")
        return row

    def recall(self, user: ClerkUser, window: int, *, now: datetime | None = None) -> TicketView:
        """重呼: call the window's current ticket again (the board shows it again)."""
        window, now = self._check_window(window), self._now(now)
        with self.uow.begin(user, Action.CALL) as (session, _account):
            row = self._current(session, window, "重呼")
            if row.state != TicketState.CALLED.value:
                raise TicketError(f"{row.number} 号已在办理中，无需重呼")
            row.recalls += 1
            row.last_called_at = now
            session.add(row)
            session.flush()
            return self._view(session, row, now)

    def no_show(self, user: ClerkUser, window: int, *, now: datetime | None = None) -> TicketView:
        """过号: the called person did not come; callable once more within ``no_show_recall_minutes``."""
        window, now = self._check_window(window), self._now(now)
        with self.uow.begin(user, Action.CALL) as (session, _account):
            row = self._current(session, window, "过号")
            if row.state != TicketState.CALLED.value:
                raise TicketError(f"{row.number} 号已在办理中，不能过号")
            row.state, row.no_show_at = TicketState.NO_SHOW.value, now
            session.add(row)
            session.flush()
            return self._view(session, row, now)

    def recall_no_show(self, user: ClerkUser, window: int, number: str, *, now: datetime | None = None) -> TicketView:
        """Call a no-show ticket once more (the person came back within the allowed time)."""
        window, now = self._check_window(window), self._now(now)
        normal = parse_ticket_number(number, self.queues)
        if normal is None:
            raise TicketError(f"“{number}”不是号票号码（例如 A012）")
        with self.uow.begin(user, Action.CALL) as (session, account):
            current = self._open_at(session, window)
            if current is not None:
                raise TicketError(f"本窗口的 {current.number} 号尚未办结：请先办结、过号或转移")
            query = select(T).where(col(T.day) == self.today(now), col(T.number) == normal)
            if not self.store.is_sqlite:
                query = query.with_for_update()
            row = session.execute(query).scalar_one_or_none()
            if row is None:
                raise TicketError(f"今天没有 {normal} 号")
            if row.state != TicketState.NO_SHOW.value:
                raise TicketError(f"{normal} 号的状态是“{TicketState(row.state).label}”，不是过号")
            if row.calls_after_no_show >= 1:
                raise TicketError(f"{normal} 号过号后已补叫过一次，请重新取号")
            limit = timedelta(minutes=self.settings.no_show_recall_minutes)
            if now - aware(row.no_show_at) > limit:
                raise TicketError(f"{normal} 号过号已超过 {self.settings.no_show_recall_minutes} 分钟，请重新取号")
            if row.window != window and row.queue not in self.window_queues(window):
                raise TicketError(f"{normal} 号属于{self._spec(row.queue).name}，本窗口不办理")
            row.state, row.window, row.calls_after_no_show = TicketState.CALLED.value, window, 1
            row.last_called_at, row.called_by = now, account.id
            session.add(row)
            self._flush_call(session, window)
            return self._view(session, row, now)

    def start(self, user: ClerkUser, window: int, *, now: datetime | None = None) -> TicketView:
        """The called person is at the window: CALLED -> SERVING (handling starts)."""
        window, now = self._check_window(window), self._now(now)
        with self.uow.begin(user, Action.CALL) as (session, _account):
            row = self._current(session, window, "开始办理")
            if row.state == TicketState.CALLED.value:
                row.state, row.started_at = TicketState.SERVING.value, now
                session.add(row)
                session.flush()
            return self._view(session, row, now)

    def transfer(self, user: ClerkUser, window: int, *, to_queue: str | None = None, to_window: int | None = None,
                 now: datetime | None = None) -> TicketView:
        """转移: the current ticket waits again in ``to_queue`` or for ``to_window``, keeping its place."""
        window, now = self._check_window(window), self._now(now)
        if (to_queue is None) == (to_window is None):
            raise TicketError("请选择转移到哪个队列或哪个窗口（二选一）")
        spec = self._spec(to_queue) if to_queue is not None else None
        if to_window is not None:
            self._check_window(to_window)
            if to_window == window:
                raise TicketError("不能转移到本窗口")
        with self.uow.begin(user, Action.CALL) as (session, _account):
            row = self._current(session, window, "转移")
            if spec is not None and spec.prefix == row.queue:
                raise TicketError(f"{row.number} 号已在{spec.name}队列")
            row.state, row.window = TicketState.WAITING.value, None
            row.queue = spec.prefix if spec is not None else row.queue
            row.target_window = to_window
            row.transferred_at, row.transfers = now, row.transfers + 1
            session.add(row)
            session.flush()
            return self._view(session, row, now)

    def link_cases(self, user: ClerkUser, window: int, case_numbers: Iterable[str], *,
                   now: datetime | None = None) -> TicketView:
        """Finish the visit: the window's ticket is DONE and remembers its case(s)."""
        window, now = self._check_window(window), self._now(now)
        numbers = list(dict.fromkeys(n.strip().upper() for n in case_numbers if n and n.strip()))
        with self.uow.begin(user, Action.CALL) as (session, _account):
            row = self._current(session, window, "办结")
            if numbers:
                known = set(session.execute(select(col(CaseRow.number)).where(col(CaseRow.number).in_(numbers))).scalars())
                unknown = [n for n in numbers if n not in known]
                if unknown:
                    raise TicketError(f"没有受理编号为 {'、'.join(unknown)} 的案件")
            row.state, row.finished_at = TicketState.DONE.value, now
            row.started_at = row.started_at or row.last_called_at
            row.case_numbers = list(dict.fromkeys([*(row.case_numbers or []), *numbers]))
            session.add(row)
            session.flush()
            return self._view(session, row, now)

    def pause(self, user: ClerkUser, window: int, reason: str, *, now: datetime | None = None) -> WindowStatus:
        """暂停/离岗 with a reason; refused while a ticket is open at the window."""
        window, now = self._check_window(window), self._now(now)
        if (refused := refusal("暂停原因", reason or "", PAUSE_REASON_MAX)) is not None:
            raise TicketError(refused)
        reason = " ".join((reason or "").split())
        if not reason:
            raise TicketError(f"请填写暂停服务的原因（不超过 {PAUSE_REASON_MAX} 个字）")
        with self.uow.begin(user, Action.CALL) as (session, account):
            current = self._open_at(session, window)
            if current is not None:
                raise TicketError(f"本窗口的 {current.number} 号尚未办结：请先办结、过号或转移，再暂停")
            state = self._window_state(session, window)
            if state is not None and state.paused:
                raise TicketError(f"{window} 号窗口已在暂停中（{state.reason}）")
            state = state or WindowStateRow(window=window, since=now)
            state.paused, state.reason, state.since, state.by = True, reason, now, account.id
            session.add(state)
            session.flush()
            return WindowStatus(window, True, reason, now, None)

    def resume(self, user: ClerkUser, window: int, *, now: datetime | None = None) -> WindowStatus:
        """上岗: the window serves again."""
        window, now = self._check_window(window), self._now(now)
        with self.uow.begin(user, Action.CALL) as (session, account):
            state = self._window_state(session, window) or WindowStateRow(window=window, since=now)
            state.paused, state.reason, state.since, state.by = False, "", now, account.id
            session.add(state)
            session.flush()
            return WindowStatus(window, False, "", now, None)

    # -- reads ---------------------------------------------------------------------------------------
    def window_status(self, window: int, *, now: datetime | None = None) -> WindowStatus:
        now = self._now(now)
        with self.store.session(write=False) as session:
            state = self._window_state(session, window)
            row = self._open_at(session, window)
            return WindowStatus(window, bool(state and state.paused), state.reason if state else "",
                                aware(state.since) if state else None,
                                self._view(session, row, now) if row is not None else None)

    def find(self, number_or_barcode: str, window: int, *, now: datetime | None = None) -> TicketView:
        """A ticket scanned or typed at ``window``: refused (Chinese) unless it is this window's."""
        now = self._now(now)
        normal = parse_ticket_number(number_or_barcode, self.queues)
        if normal is None:
            raise TicketError(f"“{number_or_barcode.strip()[:20]}”不是号票号码（例如 A012）")
        with self.store.session(write=False) as session:
            row = session.execute(select(T).where(col(T.day) == self.today(now), col(T.number) == normal)).scalar_one_or_none()
            if row is None:
                raise TicketError(f"今天没有 {normal} 号")
            state = TicketState(row.state)
            if state.open_at_window and row.window != window:
                raise TicketError(f"{normal} 号叫到的是 {row.window} 号窗口，请到 {row.window} 号窗口办理")
            if state in (TicketState.WAITING, TicketState.PENDING):
                where = f"{row.target_window} 号窗口" if row.target_window else self._spec(row.queue).name
                raise TicketError(f"{normal} 号尚未叫号（等候{where}），请等候叫号")
            if state is TicketState.NO_SHOW:
                raise TicketError(f"{normal} 号已过号：可在 {self.settings.no_show_recall_minutes} 分钟内补叫一次")
            if state in (TicketState.DONE, TicketState.VOID):
                raise TicketError(f"{normal} 号{state.label}" if state is TicketState.DONE else f"{normal} 号已作废")
            return self._view(session, row, now)

    def times(self, day: date) -> list[TicketTimes]:
        """Every counted ticket of ``day`` (VOID and PENDING left out) with its measured times."""
        with self.store.session(write=False) as session:
            rows = session.execute(select(T).where(
                col(T.day) == day, col(T.state).not_in((TicketState.VOID.value, TicketState.PENDING.value))
            ).order_by(col(T.id))).scalars().all()
            return [TicketTimes(r.id, r.number, r.taken_queue, r.queue, Priority(r.priority), TicketState(r.state),
                                aware(r.taken_at), aware(r.called_at), aware(r.last_called_at), aware(r.started_at),
                                aware(r.finished_at), aware(r.no_show_at), aware(r.transferred_at), r.window,
                                r.recalls, r.transfers, r.appointment_code) for r in rows]

    def figures(self, day: date | None = None, now: datetime | None = None
                ) -> tuple[list[QueueFigures], list[WindowFigures]]:
        """The day's measured figures per queue (waiting now, longest wait now, mean and p90 wait,
        no-shows, priority served) and per window (served, mean handling time, paused)."""
        now = self._now(now)
        day = day or self.today(now)
        with self.store.session(write=False) as session:
            paused = {w.window: w.reason for w in session.execute(select(W).where(col(W.paused))).scalars()}
        return day_figures(self.times(day), now, tuple(self.queues.values()), paused)

    def queue_status(self, now: datetime | None = None) -> list[QueueStatus]:
        now = self._now(now)
        with self.store.session(write=False) as session:
            return self._queue_status(session, now)

    def _queue_status(self, session: Session, now: datetime) -> list[QueueStatus]:
        day = self.today(now)
        local = now.astimezone(self.tz).time()
        waiting = dict(session.execute(select(col(T.queue), func.count()).where(
            col(T.day) == day, col(T.state) == TicketState.WAITING.value).group_by(col(T.queue))).all())
        issued = dict(session.execute(select(col(T.taken_queue), func.count()).where(
            col(T.day) == day, col(T.state) != TicketState.VOID.value).group_by(col(T.taken_queue))).all())
        result = []
        for spec in self.queues.values():
            count = int(waiting.get(spec.prefix, 0))
            serving = self._serving_windows(session, spec.prefix)
            wait = estimate_wait(count, serving, self._mean_service_minutes(session, spec.prefix, day))
            result.append(QueueStatus(spec.prefix, spec.name, count, wait, spec.open_at(local),
                                      int(issued.get(spec.prefix, 0)) >= spec.daily_cap, serving))
        return result

    def board(self, now: datetime | None = None) -> BoardView:
        """What the hall display shows: the latest calls, queue lengths and waits, paused windows."""
        now = self._now(now)
        with self.store.session(write=False) as session:
            rows = session.execute(select(col(T.number), col(T.window), col(T.last_called_at)).where(
                col(T.day) == self.today(now), col(T.last_called_at).is_not(None), col(T.window).is_not(None),
                col(T.state) != TicketState.WAITING.value,
            ).order_by(col(T.last_called_at).desc(), col(T.id).desc()).limit(RECENT_CALLS + 1)).all()
            calls = [CallView(r.number, r.window, call_text(r.number, r.window), aware(r.last_called_at))
                     for r in rows]
            paused = [(w.window, w.reason, aware(w.since)) for w in
                      session.execute(select(W).where(col(W.paused)).order_by(col(W.window))).scalars()]
            return BoardView(calls[0] if calls else None, calls[1:], self._queue_status(session, now), paused)
