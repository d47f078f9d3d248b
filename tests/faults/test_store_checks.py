"""The after-checks the simulation and the kill test rely on do find broken stores.

``bench.hall_checks.check_store`` passing proves something only if it fails
on damage: each test here damages one thing behind the service's back.
"""

from __future__ import annotations

import pytest

from bench.hall_checks import check_store
from tests.support.drafts import hygiene, incomplete_hygiene


@pytest.fixture
def day(service):
    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome

    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    numbers = [service.submit(clerk, 1, hygiene(), Outcome.ACCEPT).number,
               service.submit(clerk, 1, incomplete_hygiene(), Outcome.FALLBACK).number,
               service.submit(clerk, 1, hygiene(), Outcome.ACCEPT).number]
    assert check_store(service.store, reported=numbers) == []
    return service, numbers


def _sql(store, statement: str, **params) -> None:
    from sqlalchemy import text

    with store.connection(write=True) as conn:  # damage done behind the application
        conn.execute(text(statement), params)


DAMAGE = {
    "a notice lost": ("DELETE FROM notices WHERE case_id = (SELECT id FROM cases WHERE number = :n)", "notices"),
    "a deadline lost": ("DELETE FROM deadlines WHERE case_id = (SELECT id FROM cases WHERE number = :n)",
                        "without deadline"),
    "a state set behind the audit trail": ("UPDATE cases SET state = '准予许可' WHERE number = :n", "audit trail ends"),
    "a serial skipped": ("UPDATE case_counters SET last = last + 1", "missing serials"),
    "an audit event edited": ("UPDATE audit_events SET actor = 'x' WHERE case_number = :n", "audit chain"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damage_is_found(day, damage):
    service, numbers = day
    statement, expected = DAMAGE[damage]
    _sql(service.store, statement, n=numbers[0])
    problems = check_store(service.store, reported=numbers)
    assert any(expected in p for p in problems), problems


def test_a_case_the_windows_never_heard_of_is_found(day):
    service, numbers = day
    problems = check_store(service.store, reported=numbers[:-1])
    assert any("never reported" in p for p in problems), problems
