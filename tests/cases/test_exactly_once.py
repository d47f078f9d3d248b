"""Exactly once: one case per visit key, bounded saves, the hall check (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from bench.hall_checks import check_store, one_case_per_visit
from clerk.domain.accounts import Role
from clerk.domain.intake import Outcome
from clerk.services.visits import SaveNotKnown, VisitSaver, new_visit_key
from tests.support.drafts import hygiene, incomplete_hygiene


def _cases(store) -> list:
    from sqlalchemy import select

    from clerk.store.tables import CaseRow

    with store.session(write=False) as session:
        return list(session.execute(select(CaseRow)).scalars())


def test_a_second_submit_with_the_same_key_returns_the_first_case(service):
    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    key = new_visit_key()
    first = service.submit(clerk, 1, hygiene(), Outcome.ACCEPT, visit_key=key)
    again = service.submit(clerk, 1, hygiene(), Outcome.ACCEPT, visit_key=key)
    other = service.submit(clerk, 1, hygiene(), Outcome.ACCEPT, visit_key=new_visit_key())
    assert again.number == first.number
    assert other.number != first.number
    assert len(_cases(service.store)) == 2
    assert service.saved_visit(key).number == first.number
    assert service.saved_visit(new_visit_key()) is None
    assert check_store(service.store, reported=[first.number, other.number]) == []


def test_racing_submits_of_one_visit_store_one_case(service):
    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    key, start, numbers = new_visit_key(), threading.Barrier(4), []

    def attempt() -> None:
        start.wait()
        numbers.append(service.submit(clerk, 1, incomplete_hygiene(), Outcome.FALLBACK, visit_key=key).number)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(numbers) == 4 and len(set(numbers)) == 1
    assert len(_cases(service.store)) == 1
    assert check_store(service.store, reported=numbers[:1]) == []


def test_the_unique_index_refuses_a_second_case_for_a_key(store):
    from sqlalchemy.exc import IntegrityError

    row = dict(number="20261125-SF-0001", code="X", name="x", catalog_version="1", checklist={}, marks={},
               applicant_kind="个人", applicant_name="甲", applicant_id_number="1", applicant_phone="1",
               delivery="窗口领取", window=1, clerk_id="w01", state="已受理", outcome="accept")
    from datetime import UTC, datetime

    from clerk.store.tables import CaseRow

    at = datetime(2026, 11, 25, 2, tzinfo=UTC)
    with store.session() as session:
        session.add(CaseRow(**row, received_at=at, updated_at=at, visit_key="k1"))
    with pytest.raises(IntegrityError):
        with store.session() as session:
            session.add(CaseRow(**{**row, "number": "20261125-SF-0002"}, received_at=at, updated_at=at,
                               visit_key="k1"))


class SlowCases:
    """A CaseService stand-in whose submit waits until released (a frozen server)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0
        self.stored: dict[str, str] = {}

    def submit(self, user, window, draft, outcome, reason="", *, visit_key=None, received_at=None):
        self.calls += 1
        self.release.wait(30)
        self.stored.setdefault(visit_key, f"case-{len(self.stored) + 1}")
        return self.stored[visit_key]

    def saved_visit(self, key):
        return self.stored.get(key)


def test_a_save_that_outlives_the_deadline_is_not_known_and_never_doubled():
    cases = SlowCases()
    saver = VisitSaver(cases, deadline=0.2)
    key = new_visit_key()
    with pytest.raises(SaveNotKnown) as raised:
        saver.save(None, 1, None, None, "", key)
    assert "暂未知" in str(raised.value)
    with pytest.raises(SaveNotKnown):  # F10 again / the retry loop: joins the attempt in flight
        saver.save(None, 1, None, None, "", key)
    assert saver.in_flight(key)
    with pytest.raises(SaveNotKnown):  # the store is not even asked while the attempt may still commit
        saver.resolve(key)
    assert cases.calls == 1
    cases.release.set()
    for _ in range(50):
        if not saver.in_flight(key):
            break
        threading.Event().wait(0.05)
    assert saver.resolve(key) == "case-1"  # resolved by asking the store for the key
    assert cases.calls == 1


def test_the_hall_check_finds_one_visit_saved_twice(service, clock):
    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    first = service.submit(clerk, 1, hygiene(), Outcome.ACCEPT)
    clock.advance(seconds=40)
    second = service.submit(clerk, 1, hygiene(), Outcome.ACCEPT)  # no key: the old way, saved twice
    assert check_store(service.store, reported=[first.number, second.number]) == []  # tests repeat drafts
    problems = check_store(service.store, reported=[first.number, second.number], visits=True)
    assert any("one visit saved twice" in p and first.number in p and second.number in p for p in problems)
    assert any("without a visit key" in p for p in problems)
    clock.advance(minutes=10)  # the same applicant back later is another visit
    third = service.submit(clerk, 1, hygiene(), Outcome.ACCEPT)
    assert not any(third.number in p for p in one_case_per_visit(_cases(service.store)) if "saved twice" in p)
