"""一次告知 and bundles: what may be asked after intake, and a bundle moving as one."""

from __future__ import annotations

from datetime import date

import pytest

from clerk.catalog.model import Delivery
from clerk.domain.accounts import Role
from clerk.domain.errors import IntakeError, OneTimeNoticeViolation, ServiceError
from clerk.domain.intake import IntakeDraft, MaterialMark, MaterialStatus, Outcome
from clerk.domain.lifecycle import CaseState
from clerk.domain.views import DeadlineKind, Decision
from tests.support.drafts import COPY, MISSING, PERSON, RECEIVED, hygiene, incomplete_hygiene


@pytest.fixture
def staff(service):
    add = lambda i, r: service.add_user(None, i, i, r, "secret1")  # noqa: E731
    return {"window": add("w01", Role.WINDOW), "desk": add("f01", Role.FALLBACK), "mail": add("m01", Role.MAILROOM),
            "office": add("b01", Role.BACKOFFICE)}


def supplement(service, user, window, number, marks, **kw):
    """The fallback desk's supplement (the one path the screens use)."""
    from clerk.domain.desk_views import SupplyChannel
    from clerk.services.desk import DeskService

    return DeskService(service).log_supplement(user, window, number, marks, SupplyChannel.IN_PERSON, **kw)


def tolerated_case(service, clerk):
    owed = MaterialMark(MaterialStatus.TOLERATED, supply_by=date(2026, 11, 30))
    return service.submit(clerk, 1, hygiene(dict(hygiene().marks, **{"business-licence": owed})), Outcome.TOLERATE)


def test_a_tolerated_case_cannot_be_asked_for_more_than_its_commitment(service, staff):
    view = tolerated_case(service, staff["window"])
    with pytest.raises(OneTimeNoticeViolation, match="容缺受理承诺书"):
        supplement(service, staff["desk"], 9, view.number, {"hygiene-plan": MISSING})
    assert service.get(view.number).marks == view.marks  # unchanged
    done = supplement(service, staff["desk"], 9, view.number, {"business-licence": COPY})
    assert done.state is CaseState.ACCEPTED


def test_a_supply_by_date_in_the_past_is_refused_at_the_fallback_desk(service, staff):
    view = service.submit(staff["window"], 1, incomplete_hygiene(), Outcome.FALLBACK)
    past = MaterialMark(MaterialStatus.TOLERATED, supply_by=date(2026, 1, 1))
    with pytest.raises(IntakeError, match="必须晚于今天"):
        supplement(service, staff["desk"], 9, view.number, {"business-licence": past, "hygiene-plan": COPY},
                           tolerate=True)
    assert service.get(view.number).state is CaseState.INCOMPLETE


def bundle(service, clerk):
    draft = IntakeDraft("T-YJS-CY", PERSON, Delivery.EMS, {},
                        {"id-card": RECEIVED, "hygiene-plan": COPY, "lease-contract": COPY})
    return service.submit(clerk, 3, draft, Outcome.FALLBACK)


def test_a_bundle_child_is_supplemented_through_its_parent(service, staff):
    view = bundle(service, staff["window"])
    with pytest.raises(ServiceError, match="请在主案件上登记"):
        supplement(service, staff["desk"], 9, view.children[0].number, {"business-licence": COPY})
    assert service.get(view.children[0].number).state is CaseState.INCOMPLETE


def test_rejecting_a_bundle_rejects_its_open_items(service, staff):
    view = bundle(service, staff["window"])
    done = service.reject(staff["desk"], 9, view.number, "申请人放弃办理")
    assert [c.state for c in done.children] == [CaseState.NOT_ACCEPTED, CaseState.NOT_ACCEPTED]
    assert not service.open_cases()


def test_a_bundle_keeps_its_promise_once_every_item_is_decided(service, staff, clock):
    """Decided item by item through the decision screen's path (DeskService.record_decision)."""
    from clerk.services.desk import DeskService

    desk = DeskService(service)
    view = bundle(service, staff["window"])
    view = supplement(service, staff["desk"], 9, view.number, {"business-licence": COPY, "food-layout": RECEIVED})
    first, second = (c.number for c in view.children)
    desk.record_decision(staff["office"], 30, first, Decision.APPROVED)
    assert service.get(view.number).deadline(DeadlineKind.PROMISED).met_at is None
    desk.record_decision(staff["office"], 30, second, Decision.REFUSED, reason="经营场所不符合要求")
    assert service.get(view.number).deadline(DeadlineKind.PROMISED).met_at == clock()
    clock.advance(days=60)
    assert view.number not in [c.number for c in service.overdue()]


def test_a_window_clerk_cannot_hand_mail_to_ems(service, staff):
    from clerk.domain.errors import PermissionDenied
    from clerk.services.desk import DeskService

    desk = DeskService(service)
    view = service.submit(staff["window"], 1, hygiene(), Outcome.ACCEPT)
    desk.record_decision(staff["office"], 30, view.number, Decision.APPROVED)
    (item,) = [i for i in desk.mail_queue() if i.case_number == view.number]
    with pytest.raises(PermissionDenied):
        desk.hand_over_item(staff["window"], 1, item.id, "1234567890123")
