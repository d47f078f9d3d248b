"""Daily and monthly reports (日报 / 月报): plain figures built from the store.

Counting rules as on the dashboard (docs/supervisor.md): items and departments
count item cases (bundle parents excluded), windows and outcomes count visits.
On time: promised deadlines met in the period whose met day (local) is not
after the due day.  Ratings: cases received in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from clerk.domain.lifecycle import CaseState
from clerk.reports.periods import day_range, next_month

RATING_ORDER = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")


def outcome_label(outcome: str, item_kind: str, is_bundle: bool) -> str:
    if outcome == "accept":
        return "承诺件受理" if is_bundle or item_kind != "即办件" else "即办件办结"
    return {"fallback": "转兜底窗口（一次性告知）", "tolerate": "容缺受理", "reject": "不予受理"}.get(outcome, outcome)


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
    promised_met: int
    promised_on_time: int
    ratings: tuple[tuple[str, int], ...]
    fallback_cases: int  # visits sent to the fallback desk in the period
    fallback_still_open: int  # …of which still 待补正
    tolerated_cases: int
    supply_overdue: int  # 容缺 supplies overdue at the end of the period (all cases)
    audit_head: tuple[int, str, datetime | None] | None = None  # (seq, hash, time) when built: the supervisor signs it

    @property
    def on_time_rate(self) -> float | None:
        return self.promised_on_time / self.promised_met if self.promised_met else None

    @property
    def good_rating_share(self) -> float | None:
        rated = sum(n for _, n in self.ratings)
        good = sum(n for r, n in self.ratings if r in RATING_ORDER[:2])
        return good / rated if rated else None


def daily_report(store: Any, day: date, *, timezone: str = "Asia/Shanghai", hall_name: str = "",
                 now: datetime | None = None) -> Report:
    return _build(store, "daily", f"{day:%Y-%m-%d}", day, day + timedelta(days=1), timezone, hall_name, now)


def monthly_report(store: Any, month: date, *, timezone: str = "Asia/Shanghai", hall_name: str = "",
                   now: datetime | None = None) -> Report:
    first = month.replace(day=1)
    return _build(store, "monthly", f"{first:%Y-%m}", first, next_month(first), timezone, hall_name, now)


def _build(store: Any, kind: str, period: str, start: date, end: date, timezone: str, hall_name: str,
           now: datetime | None) -> Report:
    from sqlalchemy import and_, func, select

    from clerk.reports.dashboard import count_if
    from clerk.store.tables import CaseRow as C, DeadlineRow as D

    tz = ZoneInfo(timezone)
    lo, hi = day_range(start, tz)[0], day_range(end, tz)[0]
    period_ = and_(C.received_at >= lo, C.received_at < hi)
    items = C.is_bundle.is_(False)
    visits = C.parent_id.is_(None)
    with store.session(write=False) as session:
        def rows(query: Any) -> list[Any]:
            return list(session.execute(query))

        by_item = rows(select(C.code, func.max(C.name), func.count()).where(period_, items).group_by(C.code)
                       .order_by(func.count().desc(), C.code))
        by_dept = rows(select(C.department, func.count()).where(period_, items).group_by(C.department)
                       .order_by(func.count().desc(), C.department))
        by_window = rows(select(C.window, func.count()).where(period_, visits).group_by(C.window).order_by(C.window))
        by_outcome = rows(select(C.outcome, C.item_kind, C.is_bundle, func.count()).where(period_, visits)
                          .group_by(C.outcome, C.item_kind, C.is_bundle))
        ratings = dict(rows(select(C.rating, func.count()).where(period_, C.rating.is_not(None)).group_by(C.rating)))
        fallback = session.execute(select(
            count_if(C.outcome == "fallback"),
            count_if(and_(C.outcome == "fallback", C.state == CaseState.INCOMPLETE.value)),
            count_if(C.outcome == "tolerate")).where(period_, visits)).one()
        met = rows(select(D.met_at, D.due_on).where(D.kind == "promised", D.met_at >= lo, D.met_at < hi))
        supply_overdue = session.execute(select(func.count()).select_from(D).where(
            D.kind == "supply_by", D.met_at.is_(None), D.due_on < end)).scalar_one()
        audit_head = _audit_head(session)
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
    )


def _audit_head(session: Any) -> tuple[int, str, datetime | None] | None:
    """The audit chain's head as the report is built (``clerk audit verify --anchor SEQ:HASH``)."""
    from clerk.store.tables import AuditEvent, AuditHead

    head = session.get(AuditHead, 1)
    if head is None or head.seq == 0:
        return None
    last = session.get(AuditEvent, head.seq)
    at = None if last is None else last.at if last.at.tzinfo else last.at.replace(tzinfo=UTC)
    return head.seq, head.hash, at


def _local_day(at: datetime, tz: ZoneInfo) -> date:
    from datetime import UTC

    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(tz).date()
