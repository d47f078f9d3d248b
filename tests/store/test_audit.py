"""The audit chain detects a row edited, removed or appended behind its back."""

from __future__ import annotations

import os

from sqlalchemy import text

from clerk.store.audit import verify_chain
from tests.support.drafts import hygiene


def _visits(service, clock, n=3):
    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome

    user = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    return [service.submit(user, 3, hygiene(), Outcome.ACCEPT).number for _ in range(n)]


def _verify(store):
    with store.session(write=False) as session:
        return verify_chain(session)


def test_untouched_chain_verifies(service, store, clock):
    _visits(service, clock)
    report = _verify(store)
    assert report.ok and report.events == 4  # one account + three intakes


def test_edited_event_is_named(service, store, clock, monkeypatch):
    numbers = _visits(service, clock)
    with store.connection() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE case_number = :n"), {"n": numbers[1]})
    report = _verify(store)
    assert not report.ok and report.bad_seq == 3

    from clerk.cli import main

    monkeypatch.setenv("CLERK_DATABASE_URL", store.url)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    from clerk.config import get_settings

    get_settings.cache_clear()
    try:
        assert main(["audit", "verify"]) == 1
    finally:
        get_settings.cache_clear()


def test_removed_last_event_is_detected(service, store, clock):
    _visits(service, clock)
    with store.connection() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 4"))
    report = _verify(store)
    assert not report.ok and report.bad_seq == 4


def test_rehashed_forgery_without_the_key_is_named(service, store, clock):
    from clerk.store.audit import event_hash
    from clerk.store.tables import AuditEvent

    _visits(service, clock)
    with store.session() as session:
        event = session.get(AuditEvent, 2)
        event.actor = "mallory"
        event.hash = event_hash(event.prev_hash, event.model_dump())
        session.add(event)
    report = _verify(store)
    assert not report.ok and report.bad_seq == 2  # keyed: the forged event itself fails
