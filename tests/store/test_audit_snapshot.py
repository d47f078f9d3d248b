"""`clerk audit verify` on a hall that keeps working: the chain, its head and the tracked rows are
read at one moment, so a window committing meanwhile is no false alarm ("审计链末端不符")."""

from __future__ import annotations

from sqlalchemy import func, select

from clerk.domain.accounts import Role
from clerk.store.audit import verify_chain
from clerk.store.tables import AuditEvent


def test_a_commit_during_the_check_does_not_reach_it(service):
    service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    with service.store.session(write=False, snapshot=True) as session:
        count = lambda: session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()  # noqa: E731
        before = count()
        service.add_user(None, "w02", "李四", Role.WINDOW, "secret1")  # another window commits an event
        assert count() == before  # the check still sees the moment it began
        report = verify_chain(session)
    assert report.ok, report.message
    assert service.verify_audit().ok  # and the next check sees the new event, sound
