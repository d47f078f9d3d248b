"""The calling order, priorities from the ID, waits and ticket numbers (pure; property-tested)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from clerk.domain.queueing import (
    DEFAULT_QUEUES,
    Priority,
    call_order,
    choose_next,
    estimate_wait,
    parse_ticket_number,
    priority_for_id,
    queue_for_item,
    queues_of_window,
)

NOW = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
MAX_WAIT = timedelta(minutes=30)


@dataclass(frozen=True)
class T:
    id: int
    queue: str
    priority: str
    taken_at: datetime
    target_window: int | None = None


tickets = st.lists(
    st.builds(lambda i, q, p, age, target: T(i, q, p, NOW - timedelta(minutes=age), target),
              st.integers(1, 10**6), st.sampled_from("ACZ"),
              st.sampled_from([Priority.NONE.value] * 3 + [Priority.ELDERLY.value, Priority.APPOINTMENT.value]),
              st.integers(0, 120), st.one_of(st.none(), st.just(7))),
    max_size=25, unique_by=lambda t: t.id)
preferences = st.permutations("ACZ").map(tuple)


@settings(max_examples=300, deadline=None)
@given(tickets, preferences)
def test_call_order_is_choose_next_again_and_again(waiting, preference):
    left, expected = list(waiting), []
    while left:
        pick = choose_next(left, NOW, MAX_WAIT, preference)
        expected.append(pick)
        left.remove(pick)
    assert call_order(waiting, NOW, MAX_WAIT, preference) == expected
    assert choose_next([], NOW, MAX_WAIT, preference) is None


@settings(max_examples=300, deadline=None)
@given(tickets, preferences)
def test_no_ordinary_ticket_waits_longer_than_the_limit_behind_a_priority_one(waiting, preference):
    order = call_order(waiting, NOW, MAX_WAIT, preference)
    overdue = [i for i, t in enumerate(order) if t.priority == Priority.NONE.value and NOW - t.taken_at >= MAX_WAIT]
    priority = [i for i, t in enumerate(order) if t.priority != Priority.NONE.value]
    if overdue and priority:
        assert max(overdue) < min(priority)


@settings(max_examples=200, deadline=None)
@given(tickets, preferences)
def test_priority_tickets_keep_their_own_order_and_come_before_fresh_ordinary_ones(waiting, preference):
    order = call_order(waiting, NOW, MAX_WAIT, preference)
    priority = [t for t in order if t.priority != Priority.NONE.value]
    assert priority == sorted(priority, key=lambda t: (t.taken_at, t.id))
    fresh = [i for i, t in enumerate(order) if t.priority == Priority.NONE.value and NOW - t.taken_at < MAX_WAIT]
    if priority and fresh:
        assert order.index(priority[-1]) < min(fresh)


def test_the_limit_lets_an_old_ordinary_ticket_go_first():
    old = T(1, "A", "none", NOW - timedelta(minutes=31))
    green = T(2, "A", "elderly", NOW - timedelta(minutes=1))
    assert choose_next([old, green], NOW, MAX_WAIT, ("A",)) is old
    assert choose_next([T(1, "A", "none", NOW - timedelta(minutes=29)), green], NOW, MAX_WAIT, ("A",)) is green


def test_preference_and_transfers_order_ordinary_tickets():
    a = T(1, "A", "none", NOW - timedelta(minutes=20))
    b = T(2, "B", "none", NOW - timedelta(minutes=5))
    moved = T(3, "Z", "none", NOW - timedelta(minutes=1), target_window=7)
    assert call_order([a, b, moved], NOW, MAX_WAIT, ("B", "A")) == [moved, b, a]


def test_priority_for_id_uses_the_birth_date():
    assert priority_for_id("110101195611250014", date(2026, 11, 25)) is Priority.ELDERLY  # 70 today
    assert priority_for_id("110101195611260011", date(2026, 11, 25)) is Priority.NONE  # 70 tomorrow
    assert priority_for_id("", date(2026, 11, 25)) is Priority.NONE
    assert priority_for_id("11010119561125001", date(2026, 11, 25)) is Priority.NONE


def test_estimate_wait_and_numbers():
    assert estimate_wait(0, 3, 10) == 0
    assert estimate_wait(5, 2, 10) == 25
    assert estimate_wait(5, 0, 10) == 50
    assert parse_ticket_number(" a12 ", "ABZ") == "A012"
    assert parse_ticket_number("Q12", "ABZ") is None
    assert parse_ticket_number("A0", "ABZ") is None


def test_default_queues_route_items_and_windows():
    assert queue_for_item("X-1", "区医疗保障局", DEFAULT_QUEUES) == "C"
    assert queue_for_item("X-2", "区民政局", DEFAULT_QUEUES) == "A"
    assert queues_of_window(9, {9: ("F",)}, DEFAULT_QUEUES) == ("F",)
    assert queues_of_window(12, {}, DEFAULT_QUEUES) == ("A", "Z")
