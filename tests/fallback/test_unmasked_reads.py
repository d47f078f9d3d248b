"""Every unmasked read of personal data is an audited view (issue 23, medium 5).

Per path: what the mail room gets back is masked; a role that may see the case gets it in
full, with exactly one ``view`` event; the day's EMS manifest is role-checked and is one
``view`` event naming its cases.  On SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from clerk.catalog.model import Delivery
from clerk.domain.errors import PermissionDenied
from clerk.domain.intake import Outcome
from clerk.domain.views import Decision, Rating
from clerk.store.tables import AuditEvent
from tests.support.drafts import PERSON, hygiene

FULL_ID, FULL_PHONE = PERSON.id_number, PERSON.phone


def _head(service) -> int:
    with service.store.session(write=False) as session:
        return int(session.execute(select(func.coalesce(func.max(AuditEvent.seq), 0))).scalar_one())


def _since(service, seq: int) -> list[AuditEvent]:
    with service.store.session(write=False) as session:
        rows = session.execute(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq))
        return [e for (e,) in rows]


def _views_since(service, seq: int) -> list[tuple[str, str | None, dict]]:
    return [(e.actor, e.case_number, e.after) for e in _since(service, seq) if e.action == "view"]


def _mailed(desk, service, users) -> str:
    """A decided EMS case: its result is in the mail room's queue."""
    number = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT).number
    desk.record_decision(users["office"], 30, number, Decision.APPROVED)
    return number


def test_the_mail_room_rating_a_case_it_does_not_mail_gets_it_masked_and_leaves_no_view(desk, service, users):
    number = service.submit(users["window"], 3, hygiene(delivery=Delivery.PICKUP), Outcome.ACCEPT).number
    seen = _head(service)
    rated = desk.rate(users["mail"], 20, number, Rating.SATISFIED)
    a = rated.applicant
    assert FULL_ID not in a.id_number and "*" in a.id_number
    assert FULL_PHONE not in a.phone and "*" in a.phone
    assert a.address == ""
    assert [e.action for e in _since(service, seen)] == ["rate"]


def test_the_mail_room_reprinting_a_case_it_mails_sees_name_and_address_with_one_view(desk, service, users):
    number = _mailed(desk, service, users)
    kind = service.get(number).notices[0].kind
    seen = _head(service)
    view = service.reprint(users["mail"], 20, number, kind)
    a = view.applicant
    assert FULL_ID not in a.id_number and FULL_PHONE not in a.phone
    assert (a.name, a.address) == (PERSON.name, PERSON.address)
    assert [e.action for e in _since(service, seen)] == ["reprint_queue", "view"]
    assert _views_since(service, seen) == [("m01", number, {"sight": "mailing"})]


def test_the_mail_room_rating_a_case_it_mails_never_gets_the_id_or_phone(desk, service, users):
    number = _mailed(desk, service, users)
    rated = desk.rate(users["mail"], 20, number, Rating.SATISFIED)
    assert FULL_ID not in rated.applicant.id_number and FULL_PHONE not in rated.applicant.phone


@pytest.mark.parametrize("who", ["window2", "boss"])
def test_a_role_that_may_see_the_case_gets_it_in_full_with_exactly_one_view(desk, service, users, who):
    number = service.submit(users["window"], 3, hygiene(delivery=Delivery.PICKUP), Outcome.ACCEPT).number
    seen = _head(service)
    rated = desk.rate(users[who], 4, number, Rating.SATISFIED)
    assert rated.applicant == PERSON
    assert _views_since(service, seen) == [(users[who].id, number, {"sight": "full"})]
    seen = _head(service)
    reprinted = service.reprint(users[who], 4, number, rated.notices[0].kind)
    assert reprinted.applicant == PERSON
    assert _views_since(service, seen) == [(users[who].id, number, {"sight": "full"})]
    assert service.verify_audit().ok


def test_the_mail_queue_comes_back_masked_and_leaves_no_trace(desk, service, users):
    number = _mailed(desk, service, users)
    seen = _head(service)
    (item,) = desk.mail_queue()
    assert item.case_number == number
    assert item.phone == "138****5678" and item.recipient == "王*"
    assert PERSON.address not in item.address and item.address.endswith("****")
    assert desk.mail_item(item.id).phone == "138****5678"
    assert _since(service, seen) == []
    opened = desk.open_mail_item(users["mail"], 20, item.id)  # the full one: an audited view
    assert (opened.phone, opened.address) == (FULL_PHONE, PERSON.address)
    assert len(_views_since(service, seen)) == 1


def test_the_manifest_is_role_checked_and_one_view_naming_its_cases(desk, service, users):
    numbers = [_mailed(desk, service, users) for _ in range(2)]
    items = {i.case_number: i.id for i in desk.mail_queue()}
    desk.hand_over_item(users["mail"], 20, items[numbers[0]], "EA123456785CN")
    desk.hand_over_item(users["mail"], 20, items[numbers[1]], "1234567890123")
    day = date(2026, 11, 25)
    assert [i.phone for i in desk.manifest_items(day)] == ["138****5678"] * 2  # the count, masked

    seen = _head(service)
    for refused in ("window", "office"):
        with pytest.raises(PermissionDenied):
            desk.manifest_csv(users[refused], 3, day)
        with pytest.raises(PermissionDenied):
            desk.manifest_data(users[refused], 3, day)
    assert _since(service, seen) == []

    raw = desk.manifest_csv(users["mail"], 20, day)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r[4] for r in rows[1:]] == [FULL_PHONE, FULL_PHONE]
    (event,) = _since(service, seen)
    assert (event.action, event.actor, event.window, event.case_number) == ("view", "m01", 20, None)
    assert event.after["cases"] == numbers and event.after["export"] == "manifest_csv"
    assert event.after["mail_items"] == [items[n] for n in numbers]

    seen = _head(service)
    data = desk.manifest_data(users["boss"], 1, day)
    assert [r.phone for r in data.rows] == [FULL_PHONE, FULL_PHONE] and data.clerk_name == "钱主任"
    (event,) = _since(service, seen)
    assert (event.action, event.actor, event.after["cases"]) == ("view", "s01", numbers)
    assert service.verify_audit().ok


def test_an_empty_manifest_reads_nothing_and_writes_nothing(desk, service, users):
    seen = _head(service)
    assert desk.manifest_data(users["mail"], 20, date(2026, 11, 25)).rows == ()
    assert _since(service, seen) == []


def test_the_desk_s_own_read_is_masked_and_leaves_no_trace(desk, service, users):
    number = _mailed(desk, service, users)
    seen = _head(service)
    case = desk.get(number)  # what a desk screen checks (version, state) or shows without personal data
    assert FULL_ID not in case.applicant.id_number and FULL_PHONE not in case.applicant.phone
    assert case.applicant.address == "" and case.version == service.get(number).version
    assert _since(service, seen) == []
