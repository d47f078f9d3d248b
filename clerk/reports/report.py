"""Daily and monthly reports (日报 / 月报): plain figures built from the store.

Counting rules as on the dashboard (docs/supervisor.md): items and departments
count item cases (bundle parents excluded), windows and outcomes count visits.
On time: promised deadlines met in the period whose met day (local) is not
after the due day.  Ratings: cases received in the period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlmodel import col

from clerk.domain.lifecycle import CaseState
from clerk.domain.queueing import Priority, TicketState, percentile
from clerk.reports.dashboard import count_if
from clerk.reports.periods import day_range, next_month
from clerk.store.tables import AuditEvent, AuditHead
from clerk.store.tables import CaseRow as C
from clerk.store.tables import DeadlineRow as D
from clerk.store.tables_tickets import TicketRow as T

if TYPE_CHECKING:
    from sqlmodel import Session

    from clerk.store.engine import Store

RATING_ORDER = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")


def outcome_label(outcome: str, item_kind: str, is_bundle: bool) -> str:
    if outcome == "accept":
        return "承诺件受理" if is_bundle or item_kind != "即办件" else "即办件办结"
    return {"fallback": "转兜底窗口（一次性告知）", "tolerate": "容缺受理", "reject": "不予受理"}.get(outcome, outcome)


@dataclass(frozen=True)
class QueueLine:
    """One queue's figures over the period (waits: taken -> first call, minutes)."""

    prefix: str
    name: str
    tickets: int
    called: int
    mean_wait: float
    p90_wait: float
    longest_wait: float
    no_shows: int
    priority_served: int  # 绿色通道 and appointments, finished
    appointments: int  # tickets that came from an appointment check-in


@dataclass(frozen=True)
class Report:
    kind: str  # daily | monthly
    title: str
    period: str  # 2026-11-25 or 2026-11
    start: date
    end: date  # exclusive
    hall_name: str
    generated_at: datetime
    visits: int
    item_cases: int
    by_item: tuple[tuple[str, str, int], ...]  # code, name, cases
    by_department: tuple[tuple[str, int], ...]
    by_window: tuple[tuple[int, int], ...]
    by_outcome: tuple[tuple[str, int], ...]
    promised_met: int  # promises kept in the period (a case in 需补正 has not kept its promise yet)
    promised_on_time: int  # …by their due date, which moved on by the days a case waited for 补正
    ratings: tuple[tuple[str, int], ...]
    fallback_cases: int  # visits sent to the fallback desk in the period
    fallback_still_open: int  # …of which still 待补正
    tolerated_cases: int
    supply_overdue: int  # 容缺 supplies overdue at the end of the period (all cases)
    audit_head: tuple[int, str, datetime | None] | None = None  # (seq, hash, time) when built: the supervisor signs it
    # 排队叫号 (tickets counted: printed, not void), minutes; measured from the tickets' own times
    queues: tuple[QueueLine, ...] = ()
    windows_handling: tuple[tuple[int, int, float, float], ...] = ()  # window, served, mean, p90 handling
    by_hour: tuple[tuple[int, int, float], ...] = ()  # local hour, tickets taken, mean wait of those called
    correction_waiting: int = 0  # cases asked for 补正 in the period and still waiting (their limit suspended)
    # 告知承诺 taken in the period, per department and item: (department, item, commitments, drawn for
    # verification, 属实, 不实, 无法核查, still due past their limit at the period's end)
    commitments: tuple[tuple[str, str, int, int, int, int, int, int], ...] = ()

    @property
    def on_time_rate(self) -> float | None:
        return self.promised_on_time / self.promised_met if self.promised_met else None

    @property
    def good_rating_share(self) -> float | None:
        rated = sum(n for _, n in self.ratings)
        good = sum(n for r, n in self.ratings if r in RATING_ORDER[:2])
        return good / rated if rated else None


def daily_report(store: Store, day: date, *, timezone: str = "Asia/Shanghai", hall_name: str = "",
                 now: datetime | None = None, queue_names: Mapping[str, str] | None = None) -> Report:
    return _build(store, "daily", f"{day:%Y-%m-%d}", day, day + timedelta(days=1), timezone, hall_name, now,
                  queue_names or {})


def monthly_report(store: Store, month: date, *, timezone: str = "Asia/Shanghai", hall_name: str = "",
                   now: datetime | None = None, queue_names: Mapping[str, str] | None = None) -> Report:
    first = month.replace(day=1)
    return _build(store, "monthly", f"{first:%Y-%m}", first, next_month(first), timezone, hall_name, now,
                  queue_names or {})


def _build(store: Store, kind: str, period: str, start: date, end: date, timezone: str, hall_name: str,
           now: datetime | None, queue_names: Mapping[str, str]) -> Report:
    tz = ZoneInfo(timezone)
    lo, hi = day_range(start, tz)[0], day_range(end, tz)[0]
    period_ = and_(col(C.received_at) >= lo, col(C.received_at) < hi)
    items = col(C.is_bundle).is_(False)
    visits = col(C.parent_id).is_(None)
    with store.session(write=False) as session:
        def rows(query: Any) -> list[Any]:
            return list(session.execute(query))

        by_item = rows(select(col(C.code), func.max(col(C.name)), func.count()).where(period_, items).group_by(col(C.code))
                       .order_by(func.count().desc(), col(C.code)))
        by_dept = rows(select(col(C.department), func.count()).where(period_, items).group_by(col(C.department))
                       .order_by(func.count().desc(), col(C.department)))
        by_window = rows(select(col(C.window), func.count()).where(period_, visits).group_by(col(C.window)).order_by(col(C.window)))
        by_outcome = rows(select(col(C.outcome), col(C.item_kind), col(C.is_bundle), func.count()).where(period_, visits)
                          .group_by(col(C.outcome), col(C.item_kind), col(C.is_bundle)))
        ratings = dict(rows(select(col(C.rating), func.count()).where(period_, col(C.rating).is_not(None)).group_by(col(C.rating))))
        fallback = session.execute(select(
            count_if(col(C.outcome) == "fallback"),
            count_if(and_(col(C.outcome) == "fallback", col(C.state) == CaseState.INCOMPLETE.value)),
            count_if(col(C.outcome) == "tolerate")).where(period_, visits)).one()
        # A case in 需补正 has not kept its promise: the correction stopped its clock (the
        # promise's met_at) and starts it again (clerk.domain.deadlines.resume_after_correction).
        stopped = rows(select(col(D.met_at), col(D.due_on), col(C.state)).join(C, col(C.id) == D.case_id).where(
            col(D.kind) == "promised", col(D.met_at) >= lo, col(D.met_at) < hi))
        met = [(met_at, due_on) for met_at, due_on, state in stopped if state != CaseState.CORRECTION.value]
        supply_overdue = session.execute(select(func.count()).select_from(D).where(
            col(D.kind) == "supply_by", col(D.met_at).is_(None), col(D.due_on) < end)).scalar_one()
        correction_waiting = len(stopped) - len(met)
        audit_head = _audit_head(session)
        tickets = _ticket_times(session, start, end)
        commitments = _commitments(session, lo, hi, end)
    queues, windows_handling, by_hour = _ticket_figures(tickets, tz, queue_names)
    outcomes: dict[str, int] = {}
    for outcome, item_kind, is_bundle, n in by_outcome:
        label = outcome_label(outcome, item_kind, is_bundle)
        outcomes[label] = outcomes.get(label, 0) + n
    on_time = sum(1 for met_at, due_on in met if _local_day(met_at, tz) <= due_on)
    title = f"{'业务日报' if kind == 'daily' else '业务月报'}（{period}）"
    return Report(
        kind=kind, title=title, period=period, start=start, end=end, hall_name=hall_name,
        generated_at=now or datetime.now(tz), visits=sum(n for _, n in by_window),
        item_cases=sum(n for *_, n in by_item),
        by_item=tuple((c, name, n) for c, name, n in by_item), by_department=tuple((d or "（未注明）", n) for d, n in by_dept),
        by_window=tuple((w, n) for w, n in by_window),
        by_outcome=tuple(sorted(outcomes.items(), key=lambda kv: -kv[1])),
        promised_met=len(met), promised_on_time=on_time,
        ratings=tuple((r, ratings.get(r, 0)) for r in RATING_ORDER),
        fallback_cases=int(fallback[0]), fallback_still_open=int(fallback[1]), tolerated_cases=int(fallback[2]),
        supply_overdue=int(supply_overdue), audit_head=audit_head,
        queues=queues, windows_handling=windows_handling, by_hour=by_hour,
        correction_waiting=int(correction_waiting), commitments=commitments,
    )


def _commitments(session: Session, lo: datetime, hi: datetime, end: date) -> tuple[
        tuple[str, str, int, int, int, int, int, int], ...]:
    """告知承诺 of the cases taken in the period, by department and item (issue 28)."""
    from clerk.domain.verification import VerificationState as S
    from clerk.store.tables_verification import VerificationRow as V

    state = col(V.state)
    query = (select(col(C.department), col(C.name), func.count(), count_if(state != S.NOT_DRAWN.value),
                    count_if(state == S.TRUE.value), count_if(state == S.FALSE.value),
                    count_if(state == S.UNVERIFIABLE.value), count_if(and_(state == S.DUE.value, col(V.due_on) < end)))
             .join(C, col(C.id) == V.case_id).where(col(C.received_at) >= lo, col(C.received_at) < hi)
             .group_by(col(C.department), col(C.name)).order_by(col(C.department), col(C.name)))
    return tuple((dept or "（未注明）", name, *(int(n) for n in counts)) for dept, name, *counts in session.execute(query))


def _audit_head(session: Session) -> tuple[int, str, datetime | None] | None:
    """The audit chain's head as the report is built (``clerk audit verify --anchor SEQ:HASH``)."""
    head = session.get(AuditHead, 1)
    if head is None or head.seq == 0:
        return None
    last = session.get(AuditEvent, head.seq)
    at = None if last is None else last.at if last.at.tzinfo else last.at.replace(tzinfo=UTC)
    return head.seq, head.hash, at


def _local_day(at: datetime, tz: ZoneInfo) -> date:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(tz).date()


def _ticket_times(session: Session, start: date, end: date) -> list[Any]:
    """The period's counted tickets (printed, not void) with their times."""
    return list(session.execute(select(
        col(T.taken_queue), col(T.state), col(T.priority), col(T.appointment_code), col(T.taken_at), col(T.called_at), col(T.last_called_at),
        col(T.finished_at), col(T.window)).where(
        col(T.day) >= start, col(T.day) < end,
        col(T.state).not_in((TicketState.VOID.value, TicketState.PENDING.value)))))


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    a, b = (x if x.tzinfo else x.replace(tzinfo=UTC) for x in (a, b))
    return (b - a).total_seconds() / 60


def _ticket_figures(rows: list[Any], tz: ZoneInfo, names: Mapping[str, str]) -> tuple[
        tuple[QueueLine, ...], tuple[tuple[int, int, float, float], ...], tuple[tuple[int, int, float], ...]]:
    """Per queue, per window (handling: last call -> finish) and per hour of taking (pure)."""
    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    queues = []
    for prefix in sorted({r.taken_queue for r in rows}):
        mine = [r for r in rows if r.taken_queue == prefix]
        waits = [w for r in mine if (w := _minutes(r.taken_at, r.called_at)) is not None]
        queues.append(QueueLine(
            prefix, names.get(prefix, ""), len(mine), len(waits), mean(waits), percentile(waits, 0.9),
            max(waits, default=0.0), sum(1 for r in mine if r.state == TicketState.NO_SHOW.value),
            sum(1 for r in mine if r.state == TicketState.DONE.value and Priority(r.priority).is_priority),
            sum(1 for r in mine if r.appointment_code)))
    handling: dict[int, list[float]] = {}
    for r in rows:
        took = _minutes(r.last_called_at, r.finished_at)
        if r.state == TicketState.DONE.value and r.window is not None and took is not None:
            handling.setdefault(r.window, []).append(took)
    windows = tuple((w, len(v), mean(v), percentile(v, 0.9)) for w, v in sorted(handling.items()))
    hours: dict[int, tuple[int, list[float]]] = {}
    for r in rows:
        taken = r.taken_at if r.taken_at.tzinfo else r.taken_at.replace(tzinfo=UTC)
        count, waits = hours.get(taken.astimezone(tz).hour, (0, []))
        wait = _minutes(r.taken_at, r.called_at)
        hours[taken.astimezone(tz).hour] = (count + 1, waits + ([wait] if wait is not None else []))
    by_hour = tuple((h, n, mean(w)) for h, (n, w) in sorted(hours.items()))
    return tuple(queues), windows, by_hour
