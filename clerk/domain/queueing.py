"""Tickets and calling (排队叫号): states, priorities, the calling order, views (pure).

A ticket is taken at the kiosk (PENDING until its paper is printed, then
WAITING), called to a window (CALLED), served (SERVING), finished (DONE), or
marked a no-show (NO_SHOW: callable once more within ``no_show_recall_minutes``).
A ticket whose paper failed to print is VOID and counts nowhere.  A transfer is
not a state: the ticket goes back to WAITING in another queue (or for one
window) and keeps its original ``taken_at``, hence its place.

``choose_next`` is the one ordering rule: priority tickets (绿色通道 and checked-in
appointments) first, oldest first; then ordinary tickets by the window's queue
preference and waiting time; but an ordinary ticket that has waited
``max_wait`` or more goes before every priority one (no ordinary ticket waits
longer than that behind priority ones).  Tickets transferred to this very window
come before ordinary ones of its queues.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar

from clerk.domain.errors import ServiceError
from clerk.queue_spec import DEFAULT_QUEUES, DEFAULT_WINDOW_QUEUES, QueueSpec

__all__ = [
    "HALVES",
    "AppointmentState",
    "AppointmentView",
    "DEFAULT_QUEUES",
    "DEFAULT_WINDOW_QUEUES",
    "BoardView",
    "CallView",
    "Priority",
    "QueueFigures",
    "NO_WINDOW",
    "NO_WINDOW_SHORT",
    "QueueSpec",
    "QueueStatus",
    "TicketError",
    "TicketState",
    "TicketTimes",
    "TicketView",
    "WindowFigures",
    "WindowStatus",
    "birth_date",
    "call_order",
    "call_text",
    "choose_next",
    "day_figures",
    "estimate_wait",
    "wait_text",
    "format_ticket_number",
    "parse_ticket_number",
    "percentile",
    "priority_for_id",
    "queue_for_item",
    "queues_of_window",
    "serving_windows_by_queue",
    "slot_bounds",
]


class TicketError(ServiceError):
    """A ticket request refused (closed or full queue, nobody waiting, wrong window …); Chinese text."""


class TicketState(StrEnum):
    PENDING = "pending"  # number taken, paper not printed yet
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    VOID = "void"  # the paper did not print: not counted anywhere

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]

    @property
    def open_at_window(self) -> bool:
        return self in (TicketState.CALLED, TicketState.SERVING)


_STATE_LABELS = {
    TicketState.PENDING: "出票中", TicketState.WAITING: "等候", TicketState.CALLED: "已叫号",
    TicketState.SERVING: "办理中", TicketState.DONE: "已办结", TicketState.NO_SHOW: "过号",
    TicketState.VOID: "作废",
}


class Priority(StrEnum):
    NONE = "none"
    ELDERLY = "elderly"  # 70 or older, from the ID's birth date
    DISABILITY = "disability"
    SERVICE_MEMBER = "service_member"
    PREGNANCY = "pregnancy"
    APPOINTMENT = "appointment"  # a checked-in appointment

    @property
    def label(self) -> str:
        return _PRIORITY_LABELS[self]

    @property
    def is_priority(self) -> bool:
        return self is not Priority.NONE


_PRIORITY_LABELS = {
    Priority.NONE: "普通", Priority.ELDERLY: "绿色通道（70岁以上）", Priority.DISABILITY: "绿色通道（残疾人）",
    Priority.SERVICE_MEMBER: "绿色通道（军人）", Priority.PREGNANCY: "绿色通道（孕妇）",
    Priority.APPOINTMENT: "预约",
}

ELDERLY_AGE = 70


def birth_date(id_number: str) -> date | None:
    """The birth date of an 18-character resident ID number, ``None`` when it has none."""
    text = (id_number or "").strip()
    if len(text) != 18 or not text[:17].isdigit():
        return None
    try:
        return date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None


def priority_for_id(id_number: str | None, today: date) -> Priority:
    """ELDERLY for a holder aged 70 or more on ``today`` (from the ID's birth date), else NONE."""
    born = birth_date(id_number or "")
    if born is None or born > today:
        return Priority.NONE
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return Priority.ELDERLY if age >= ELDERLY_AGE else Priority.NONE


class Waiting(Protocol):
    """What ``choose_next`` needs of a waiting ticket."""

    @property
    def id(self) -> int | None: ...
    @property
    def queue(self) -> str: ...
    @property
    def priority(self) -> str: ...
    @property
    def taken_at(self) -> datetime: ...
    @property
    def target_window(self) -> int | None: ...


W = TypeVar("W", bound=Waiting)


def _is_priority(ticket: Waiting) -> bool:
    return bool(ticket.priority != Priority.NONE)  # a StrEnum equals its value: rows may hold plain text


def choose_next(waiting: Iterable[W], now: datetime, max_wait: timedelta | float,
                preference: Sequence[str] = ()) -> W | None:
    """The ticket a window calls next among ``waiting`` (all callable by this window), or None.

    ``max_wait``: a timedelta or minutes; ``preference``: the window's queue
    prefixes in order (a queue not listed ranks last).
    """
    if not isinstance(max_wait, timedelta):
        max_wait = timedelta(minutes=max_wait)
    rank = {prefix: i for i, prefix in enumerate(preference)}
    priority: list[W] = []
    ordinary: list[W] = []
    for ticket in waiting:
        (priority if _is_priority(ticket) else ordinary).append(ticket)
    oldest_ordinary = min(ordinary, key=_age, default=None)
    if oldest_ordinary is not None and priority and now - oldest_ordinary.taken_at >= max_wait:
        return oldest_ordinary
    if priority:
        return min(priority, key=_age)
    if not ordinary:
        return None
    return min(ordinary, key=lambda t: _ordinary_key(t, rank))


def _age(ticket: Waiting) -> tuple[datetime, int]:
    return ticket.taken_at, ticket.id or 0


def _ordinary_key(ticket: Waiting, rank: dict[str, int]) -> tuple[int, int, datetime, int]:
    return (0 if ticket.target_window is not None else 1, rank.get(ticket.queue, len(rank)), ticket.taken_at,
            ticket.id or 0)


def call_order(waiting: Iterable[W], now: datetime, max_wait: timedelta | float,
               preference: Sequence[str] = ()) -> list[W]:
    """Every waiting ticket in the order this window would call them (``choose_next`` applied
    again and again, as if nobody else came): the window locks the first one still free."""
    if not isinstance(max_wait, timedelta):
        max_wait = timedelta(minutes=max_wait)
    rank = {prefix: i for i, prefix in enumerate(preference)}
    tickets = list(waiting)
    priority = sorted((t for t in tickets if _is_priority(t)), key=_age)
    ordinary = [t for t in tickets if not _is_priority(t)]
    by_age = sorted(ordinary, key=_age)
    by_key = sorted(ordinary, key=lambda t: _ordinary_key(t, rank))
    taken: set[int] = set()
    order: list[W] = []
    age_at = 0
    for ticket in priority:
        while age_at < len(by_age) and now - by_age[age_at].taken_at >= max_wait:
            order.append(by_age[age_at])  # an ordinary ticket waited too long behind priority ones
            taken.add(id(by_age[age_at]))
            age_at += 1
        order.append(ticket)
    order.extend(t for t in by_key if id(t) not in taken)
    return order


def estimate_wait(ahead: int, serving_windows: int, mean_service_minutes: float) -> int:
    """Minutes until a ticket with ``ahead`` people before it is called (rounded up)."""
    if ahead <= 0:
        return 0
    return math.ceil(ahead * max(mean_service_minutes, 0.0) / max(serving_windows, 1))


#: What a ticket, the kiosk and the board say instead of a wait when no signed-in window serves the queue.
NO_WINDOW = "暂无窗口办理此类业务"
#: The same in a table column (the board), where the queue's name is on the same row.
NO_WINDOW_SHORT = "暂无窗口"


def wait_text(minutes: int, serving_windows: int, *, short: bool = False) -> str:
    """The wait to show: "约 N 分钟", or ``NO_WINDOW`` (no window serves the queue now: no promise)."""
    if serving_windows > 0:
        return f"约 {minutes} 分钟"
    return NO_WINDOW_SHORT if short else NO_WINDOW


def format_ticket_number(prefix: str, serial: int) -> str:
    return f"{prefix}{serial:03d}"


def parse_ticket_number(text: str, prefixes: Iterable[str]) -> str | None:
    """A typed or scanned ticket number normalised ("a12" -> "A012"), or None."""
    value = (text or "").strip().upper()
    for prefix in sorted(prefixes, key=len, reverse=True):
        rest = value[len(prefix):]
        if value.startswith(prefix) and rest.isdigit() and 0 < len(rest) <= 4 and int(rest) > 0:
            return format_ticket_number(prefix, int(rest))
    return None


def call_text(number: str, window: int) -> str:
    return f"请 {number} 号 到 {window} 号窗口"


def queues_of_window(window: int, window_queues: dict[int, tuple[str, ...]],
                     queues: Sequence[QueueSpec]) -> tuple[str, ...]:
    """The queue prefixes ``window`` serves in order of preference (unlisted: A then Z, as present)."""
    if window in window_queues:
        return window_queues[window]
    present = {q.prefix for q in queues}
    default = tuple(p for p in ("A", "Z") if p in present)
    return default or tuple(q.prefix for q in queues[:1])


def serving_windows_by_queue(queues: Sequence[QueueSpec], window_queues: dict[int, tuple[str, ...]],
                             hall_windows: int) -> dict[str, int]:
    """prefix -> how many of windows 1..``hall_windows`` serve the queue (at any preference)."""
    counts = {q.prefix: 0 for q in queues}
    for window in range(1, hall_windows + 1):
        for prefix in set(queues_of_window(window, window_queues, queues)):
            if prefix in counts:
                counts[prefix] += 1
    return counts


def queue_for_item(code: str, department: str, queues: Sequence[QueueSpec]) -> str:
    """The prefix of the queue serving an item: by code, then department, then the first catch-all."""
    for spec in queues:
        if code in spec.items:
            return spec.prefix
    for spec in queues:
        if department and department in spec.departments:
            return spec.prefix
    for spec in queues:
        if spec.claims_nothing:
            return spec.prefix
    return queues[0].prefix


# -- frozen views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketView:
    id: int
    number: str  # "A012"
    queue: str  # prefix
    queue_name: str
    state: TicketState
    priority: Priority
    taken_at: datetime
    called_at: datetime | None
    window: int | None
    ahead: int  # people before it in its queue (WAITING only; else 0)
    estimated_wait_minutes: int
    id_number_masked: str
    recalls: int
    case_numbers: tuple[str, ...]
    day: date | None = None
    target_window: int | None = None
    appointment_code: str = ""
    finished_at: datetime | None = None
    serving_windows: int = 1  # signed-in, unpaused windows serving its queue (0: no wait can be promised)

    @property
    def text(self) -> str:
        """One line for a clerk: number, queue, state."""
        where = f" · {self.window}号窗口" if self.window else ""
        return f"{self.number} {self.queue_name} · {self.state.label}{where}"


@dataclass(frozen=True)
class TicketTimes:
    """A ticket's measured times (waiting = taken -> first call; handling = last call -> finish)."""

    id: int
    number: str
    taken_queue: str
    queue: str
    priority: Priority
    state: TicketState
    taken_at: datetime
    first_called_at: datetime | None
    last_called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    no_show_at: datetime | None
    transferred_at: datetime | None
    window: int | None
    recalls: int
    transfers: int
    appointment_code: str


@dataclass(frozen=True)
class QueueFigures:
    """A queue's figures for one day (minutes): for the dashboard and the reports."""

    prefix: str
    name: str
    waiting_now: int
    longest_wait_now: float
    called: int
    mean_wait: float
    p90_wait: float
    no_shows: int
    priority_served: int


@dataclass(frozen=True)
class WindowFigures:
    window: int
    served: int
    mean_handling: float  # minutes, last call -> finish
    paused: bool
    reason: str
    current: str = ""  # the ticket called or being served there now ("" none)


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q`` percentile (0 < q <= 1) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def day_figures(times: Iterable[TicketTimes], now: datetime, queues: Sequence[QueueSpec],
                paused: dict[int, str]) -> tuple[list[QueueFigures], list[WindowFigures]]:
    """Per queue and per window figures from a day's ticket times (pure)."""
    tickets = list(times)
    result = []
    for spec in queues:
        mine = [t for t in tickets if t.taken_queue == spec.prefix]
        waiting = [t for t in tickets if t.queue == spec.prefix and t.state is TicketState.WAITING]
        waits = [(t.first_called_at - t.taken_at).total_seconds() / 60 for t in mine if t.first_called_at]
        result.append(QueueFigures(
            spec.prefix, spec.name, len(waiting),
            max(((now - t.taken_at).total_seconds() / 60 for t in waiting), default=0.0),
            len(waits), sum(waits) / len(waits) if waits else 0.0, percentile(waits, 0.9),
            sum(1 for t in mine if t.state is TicketState.NO_SHOW),
            sum(1 for t in mine if t.state is TicketState.DONE and t.priority.is_priority)))
    by_window: dict[int, list[float]] = {}
    for t in tickets:
        if t.state is TicketState.DONE and t.window is not None and t.finished_at and t.last_called_at:
            by_window.setdefault(t.window, []).append((t.finished_at - t.last_called_at).total_seconds() / 60)
    serving = {t.window: t.number for t in tickets
               if t.window is not None and t.state in (TicketState.CALLED, TicketState.SERVING)}
    windows = [WindowFigures(w, len(by_window.get(w, [])),
                             sum(by_window[w]) / len(by_window[w]) if by_window.get(w) else 0.0,
                             w in paused, paused.get(w, ""), serving.get(w, ""))
               for w in sorted(set(by_window) | set(paused) | set(serving))]
    return result, windows


@dataclass(frozen=True)
class CallView:
    number: str
    window: int
    text: str  # "请 A012 号 到 7 号窗口"
    at: datetime


@dataclass(frozen=True)
class QueueStatus:
    prefix: str
    name: str
    waiting: int
    estimated_wait_minutes: int
    open: bool
    full: bool
    serving_windows: int = 1  # signed-in, unpaused windows serving it (0: no wait can be promised)


@dataclass(frozen=True)
class BoardView:
    latest: CallView | None
    recent: list[CallView]
    queues: list[QueueStatus]
    paused: list[tuple[int, str, datetime]]  # (window, reason, since)


@dataclass(frozen=True)
class WindowStatus:
    window: int
    paused: bool
    reason: str
    since: datetime | None
    current: TicketView | None


# -- appointments (预约) ------------------------------------------------------------------------------

HALVES = ("上午", "下午")


class AppointmentState(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return {"booked": "已预约", "checked_in": "已签到", "cancelled": "已取消", "no_show": "爽约"}[self.value]


@dataclass(frozen=True)
class AppointmentView:
    code: str
    queue: str
    queue_name: str
    day: date
    half: str  # 上午 / 下午
    name: str
    id_number_masked: str
    phone_masked: str
    state: AppointmentState
    source: str = ""
    ticket_number: str = ""


def slot_bounds(spec: QueueSpec, half: str) -> tuple[str, str]:
    """Local "HH:MM" start and end of a half-day slot of ``spec`` (morning ends at lunch or 12:00)."""
    if half == HALVES[0]:
        return spec.opens, spec.lunch_from or min("12:00", spec.closes)
    return spec.lunch_to or max("13:00", spec.opens), spec.closes
