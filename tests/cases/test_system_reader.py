"""Scripts read cases as a named system reader: masked without a trace, or unmasked with a view event."""

from __future__ import annotations

import pytest

from clerk.domain.accounts import Role
from clerk.domain.errors import ServiceError
from clerk.domain.intake import Outcome
from clerk.services.system_reader import SystemReader
from clerk.store.audit import verify_chain
from tests.support.drafts import hygiene


def _views(service) -> list[tuple[str, str, dict]]:
    from sqlalchemy import select

    from clerk.store.tables import AuditEvent

    with service.store.session(write=False) as session:
        rows = session.execute(select(AuditEvent).where(AuditEvent.action == "view").order_by(AuditEvent.seq))
        return [(e.actor, e.case_number, e.after) for (e,) in rows]


def test_masked_reads_leave_no_trace_and_show_no_personal_data(service):
    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    number = service.submit(clerk, 1, hygiene(), Outcome.ACCEPT).number
    case = SystemReader(service, "demo").masked(number)
    assert case.applicant.id_number != "11010519491231002X" and "*" in case.applicant.id_number
    assert "13812345678" not in case.applicant.phone
    assert case.marks and case.version >= 1  # what a script decides by
    assert _views(service) == []


def test_an_unmasked_read_names_its_reader_and_purpose_in_the_audit_chain(service):
    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    number = service.submit(clerk, 1, hygiene(), Outcome.ACCEPT).number
    with pytest.raises(ServiceError, match="用途"):
        SystemReader(service, "export").full(number)
    assert _views(service) == []
    case = SystemReader(service, "export", purpose="省平台数据对账").full(number)
    assert case.applicant.id_number == "11010519491231002X"
    assert _views(service) == [("system:export", number, {"sight": "full", "purpose": "省平台数据对账"})]
    with service.store.session(write=False) as session:
        assert verify_chain(session, key=service.store.hall_key()).ok
