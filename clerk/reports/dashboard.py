"""The hall dashboard's figures (大厅管理): one aggregate SQL query per panel.

Counting rules (docs/supervisor.md):

- a *visit* is a case without a parent (a bundle counts once); per window and
  hall totals count visits;
- per department / item figures count item cases (bundle parents excluded,
  their children included);
- *average handling time* per window: measured from the tickets (call -> finish,
  ``handling_minutes``) where the hall calls by ticket; otherwise estimated as the
  mean gap between consecutive receipts at the same window today, ignoring gaps
  over ``IDLE_GAP_MINUTES`` (the window was idle);
- deadlines use each case's running deadline (``cases.due_on``), buckets in
  working days via ``WorkCalendar``; 容缺, one-time-notice and follow-up
  deadlines come from the ``deadlines`` table (unmet ones);
- ratings are attributed to the month the case was received.

SQLAlchemy is imported inside the methods; the figures are frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlmodel import col

from clerk.calendar import WorkCalendar
from clerk.domain.clock import now_utc
from clerk.domain.lifecycle import CaseState
from clerk.domain.queueing import TicketState
from clerk.reports.periods import day_range, month_range, months_back, next_month
from clerk.store.engine import Store
from clerk.store.tables import CaseRow as C
from clerk.store.tables import DeadlineRow as D
from clerk.store.tables_mail import MailItemRow as M
from clerk.store.tables_tickets import TicketRow as T

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Extract, SQLColumnExpression
    from sqlmodel import Session

    from clerk.config import Settings

IDLE_GAP_MINUTES = 30
OPEN_STATES = tuple(s.value for s in CaseState if s.is_open and s is not CaseState.RECEIVED)
GOOD_RATINGS = ("非常满意", "满意")
HOURS = tuple(range(8, 19))  # hourly intake sparkline: 08:00 … 18:59 local


@dataclass(frozen=True)
class WindowLoad:
    window: int
    cases_today: int
    last_number: str | None
    last_item: str
    last_at: datetime | None
    avg_minutes: float | None  # mean gap between receipts today (idle gaps ignored)
    open_fallback: int  # 待补正 cases taken at this window, any day
    handling_minutes: float | None = None  # measured: mean call -> finish of today's tickets done here


@dataclass(frozen=True)
class HallTotals:
    cases_today: int
    cases_month: int
    on_the_spot_today: int
    fallback_backlog: int
    tolerated_open: int
    mail_queue: int
    hourly: tuple[int, ...]  # visits per hour today, HOURS

    @property
    def on_the_spot_share(self) -> float | None:
        return self.on_the_spot_today / self.cases_today if self.cases_today else None


@dataclass(frozen=True)
class DeadlineLine:
    department: str
    code: str
    name: str
    overdue: int
    due_1: int  # due within 1 working day (today or the next working day)
    due_3: int  # due within 3 working days (includes due_1)


@dataclass(frozen=True)
class DeadlineWatch:
    today: date
    due_1_by: date
    due_3_by: date
    provisional: bool  # the calendar lacks a year these dates touch
    lines: tuple[DeadlineLine, ...]
    notice_overdue: int  # one-time notice deadline (5 days) passed
    notice_due_1: int  # one-time notice deadline today or next working day
    supply_overdue: int  # 容缺 materials not supplied in time
    follow_up_overdue: int
    follow_up_open: int
    complaints_overdue: int
    complaints_open: int
    verify_overdue: int = 0  # 告知承诺 verifications past their limit
    verify_open: int = 0  # 告知承诺 verifications due (drawn, not yet recorded)

    @property
    def overdue_total(self) -> int:
        return sum(line.overdue for line in self.lines)


@dataclass(frozen=True)
class RatingPanel:
    month_rated: int
    month_good: int
    trend: tuple[tuple[str, float | None], ...]  # (YYYY-MM, share good) oldest first
    open_follow_ups: int

    @property
    def good_share(self) -> float | None:
        return self.month_good / self.month_rated if self.month_rated else None


@dataclass(frozen=True)
class DrillCase:
    number: str
    name: str
    department: str
    state: str
    window: int
    due_on: date | None
    due_kind: str | None


@dataclass(frozen=True)
class Snapshot:
    at: datetime
    windows: tuple[WindowLoad, ...]
    totals: HallTotals
    deadlines: DeadlineWatch
    ratings: RatingPanel


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class Dashboard:
    """Read-only figures of the whole hall (every window shares the store)."""

    def __init__(self, store: Store, calendar: WorkCalendar, clock: Callable[[], datetime] | None = None, *,
                 timezone: str = "Asia/Shanghai") -> None:
        self.store, self.calendar = store, calendar
        self.clock = clock or now_utc
        self.tz = ZoneInfo(timezone)

    @classmethod
    def from_settings(cls, settings: Settings, *, store: Store | None = None) -> Dashboard:
        return cls(store or Store.from_settings(settings), WorkCalendar.load(settings.calendar_dir),
                   timezone=settings.timezone)

    def today(self) -> date:
        return self.clock().astimezone(self.tz).date()

    def snapshot(self) -> Snapshot:
        return Snapshot(self.clock(), tuple(self.windows()), self.totals(), self.deadlines(), self.ratings())

    # -- panels ------------------------------------------------------------------
    def windows(self) -> list[WindowLoad]:
        """Per window: visits today, last visit, mean gap, open fallback cases."""
        start, end = day_range(self.today(), self.tz)
        visit = col(C.parent_id).is_(None)
        today = and_(col(C.received_at) >= start, col(C.received_at) < end)
        ranked = (
            select(col(C.window), col(C.number), col(C.name), col(C.received_at),
                   func.row_number().over(partition_by=col(C.window), order_by=col(C.received_at).desc()).label("rn"),
                   func.lag(col(C.received_at)).over(partition_by=col(C.window), order_by=col(C.received_at)).label("prev"))
            .where(today, visit).subquery()
        )
        gap = self._seconds_between(ranked.c.received_at, ranked.c.prev)
        idle = gap <= IDLE_GAP_MINUTES * 60
        today_q = select(
            ranked.c.window, func.count(), func.avg(_if(idle, gap)),
            func.max(_if(ranked.c.rn == 1, ranked.c.number)), func.max(_if(ranked.c.rn == 1, ranked.c.name)),
            func.max(_if(ranked.c.rn == 1, ranked.c.received_at)),
        ).group_by(ranked.c.window)
        fallback_q = (select(col(C.window), func.count()).where(col(C.state) == CaseState.INCOMPLETE.value, visit)
                      .group_by(col(C.window)))

        handled = self._seconds_between(col(T.finished_at), col(T.last_called_at))
        handling_q = (select(col(T.window), func.avg(handled)).where(
            col(T.day) == self.today(), col(T.state) == TicketState.DONE.value, col(T.window).is_not(None),
            col(T.finished_at).is_not(None), col(T.last_called_at).is_not(None)).group_by(col(T.window)))
        with self.store.session(write=False) as session:
            rows = {r[0]: r for r in session.execute(today_q)}
            fallback = {w: n for w, n in session.execute(fallback_q)}
            handling = {w: float(v) / 60 for w, v in session.execute(handling_q) if v is not None}
        result = []
        for window in sorted(set(rows) | set(fallback) | set(handling)):
            r = rows.get(window)
            avg = float(r[2]) / 60 if r is not None and r[2] is not None else None
            last_at = _aware(r[5]) if r is not None else None
            result.append(WindowLoad(window, int(r[1]) if r else 0, r[3] if r else None, r[4] or "" if r else "",
                                     last_at, avg, int(fallback.get(window, 0)), handling.get(window)))
        return result

    def totals(self) -> HallTotals:
        today = self.today()
        d_start, d_end = day_range(today, self.tz)
        m_start, m_end = month_range(today, self.tz)
        in_today = and_(col(C.received_at) >= d_start, col(C.received_at) < d_end)
        hour_cols = []
        for hour in HOURS:
            h0 = d_start.replace(hour=hour)
            hour_cols.append(count_if(and_(col(C.received_at) >= h0,
                                           col(C.received_at) < (h0.replace(hour=hour + 1) if hour < 23 else d_end))))
        # The month is a bare index count; the per-row CASE sums run over today's rows only.
        month = (select(func.count()).where(col(C.parent_id).is_(None), col(C.received_at) >= m_start, col(C.received_at) < m_end)
                 .scalar_subquery())
        visits = select(
            month, func.count(), count_if(col(C.state) == CaseState.DONE_ON_THE_SPOT.value), *hour_cols,
        ).where(col(C.parent_id).is_(None), in_today)
        backlog = select(
            count_if(col(C.state) == CaseState.INCOMPLETE.value), count_if(col(C.state) == CaseState.TOLERATED.value),
        ).where(col(C.state).in_((CaseState.INCOMPLETE.value, CaseState.TOLERATED.value)), col(C.parent_id).is_(None))
        with self.store.session(write=False) as session:
            v = session.execute(visits).one()
            b = session.execute(backlog).one()
            mail = self._mail_queue(session)
        return HallTotals(cases_today=int(v[1]), cases_month=int(v[0]), on_the_spot_today=int(v[2]),
                          fallback_backlog=int(b[0]), tolerated_open=int(b[1]), mail_queue=mail,
                          hourly=tuple(int(x) for x in v[3:]))

    def deadlines(self) -> DeadlineWatch:
        from clerk.domain.verification import VerificationState
        from clerk.store.tables_complaints import ComplaintRow as T
        from clerk.store.tables_verification import VerificationRow as V

        today = self.today()
        d1, d3 = self.calendar.add_working_days(today, 1), self.calendar.add_working_days(today, 3)
        lines_q = (
            select(col(C.department), col(C.code), func.max(col(C.name)), count_if(col(C.due_on) < today),
                   count_if(col(C.due_on) <= d1.date), func.count())
            .where(col(C.due_on) <= d3.date, col(C.state).in_(OPEN_STATES), col(C.is_bundle).is_(False))
            .group_by(col(C.department), col(C.code))
        )
        open_d = and_(col(D.met_at).is_(None), col(D.kind).in_(("one_time_notice", "supply_by", "follow_up")))
        kinds_q = select(
            count_if(and_(col(D.kind) == "one_time_notice", col(D.due_on) < today)),
            count_if(and_(col(D.kind) == "one_time_notice", col(D.due_on) >= today, col(D.due_on) <= d1.date)),
            count_if(and_(col(D.kind) == "supply_by", col(D.due_on) < today)),
            count_if(and_(col(D.kind) == "follow_up", col(D.due_on) < today)),
            count_if(col(D.kind) == "follow_up"),
        ).select_from(D).join(C, col(C.id) == D.case_id).where(open_d, col(C.state).in_(OPEN_STATES) | (col(D.kind) == "follow_up"))
        complaints_q = select(count_if(and_(col(T.answered_at).is_(None), col(T.due_on) < today)), func.count()).where(
            col(T.state) != "已回访")
        verify_q = select(count_if(col(V.due_on) < today), func.count()).where(
            col(V.state) == VerificationState.DUE.value)
        with self.store.session(write=False) as session:
            lines = [DeadlineLine(r[0], r[1], r[2], int(r[3]), int(r[4]), int(r[5])) for r in session.execute(lines_q)]
            k = session.execute(kinds_q).one()
            t = session.execute(complaints_q).one()
            v = session.execute(verify_q).one()
        lines.sort(key=lambda line: (-line.overdue, -line.due_1, -line.due_3, line.department, line.code))
        return DeadlineWatch(today, d1.date, d3.date, d1.provisional or d3.provisional, tuple(lines),
                             int(k[0]), int(k[1]), int(k[2]), int(k[3]), int(k[4]), int(t[0]), int(t[1]),
                             verify_overdue=int(v[0]), verify_open=int(v[1]))

    def ratings(self, months: int = 6) -> RatingPanel:
        firsts = months_back(self.today(), months)
        cols = []
        for first in firsts:
            start, end = month_range(first, self.tz)
            in_month = and_(col(C.received_at) >= start, col(C.received_at) < end)
            cols += [count_if(in_month), count_if(and_(in_month, col(C.rating).in_(GOOD_RATINGS)))]
        lo = month_range(firsts[0], self.tz)[0]
        hi = month_range(next_month(firsts[-1]), self.tz)[0]
        query = select(*cols).where(col(C.rating).is_not(None), col(C.received_at) >= lo, col(C.received_at) < hi)
        follow = select(count_if(col(D.kind) == "follow_up")).where(col(D.kind) == "follow_up", col(D.met_at).is_(None))
        with self.store.session(write=False) as session:
            row = session.execute(query).one()
            open_follow = int(session.execute(follow).scalar_one())
        pairs = [(int(row[i]), int(row[i + 1])) for i in range(0, len(row), 2)]
        trend = tuple((f"{first:%Y-%m}", good / rated if rated else None) for first, (rated, good) in zip(firsts, pairs))
        return RatingPanel(pairs[-1][0], pairs[-1][1], trend, open_follow)

    def drill(self, department: str, code: str | None = None, bucket: str = "overdue",
              limit: int = 200) -> list[DrillCase]:
        """The cases behind a deadline line; ``bucket`` is overdue | due_1 | due_3."""
        today = self.today()
        bound = {"overdue": None, "due_1": self.calendar.add_working_days(today, 1).date,
                 "due_3": self.calendar.add_working_days(today, 3).date}[bucket]
        query = select(col(C.number), col(C.name), col(C.department), col(C.state), col(C.window), col(C.due_on), col(C.due_kind)).where(
            col(C.department) == department, col(C.state).in_(OPEN_STATES), col(C.is_bundle).is_(False),
            col(C.due_on) < today if bound is None else col(C.due_on) <= bound)
        if code is not None:
            query = query.where(col(C.code) == code)
        with self.store.session(write=False) as session:
            rows = session.execute(query.order_by(col(C.due_on), col(C.number)).limit(limit)).all()
        return [DrillCase(*r) for r in rows]

    # -- helpers -----------------------------------------------------------------
    def _seconds_between(self, later: SQLColumnExpression[datetime | None],
                         earlier: SQLColumnExpression[datetime | None]) -> ColumnElement[float] | Extract:
        if self.store.is_sqlite:
            return (func.julianday(later) - func.julianday(earlier)) * 86400.0
        return func.extract("epoch", later - earlier)

    def _mail_queue(self, session: Session) -> int:
        """Results waiting to go out by EMS (queued outbound mail items)."""
        query = select(func.count()).where(col(M.direction) == "outbound", col(M.status) == "queued")
        return int(session.execute(query).scalar_one())


def _if(condition: ColumnElement[bool], value: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((condition, value), else_=None)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
