"""CaseService through its public calls, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clerk.catalog.model import Delivery
from clerk.domain.accounts import Role
from clerk.domain.errors import (
    AuthenticationFailed,
    ConcurrentUpdate,
    IntakeError,
    OneTimeNoticeViolation,
    PermissionDenied,
    ServiceError,
    TransitionError,
)
from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome
from clerk.domain.lifecycle import CaseState
from clerk.domain.views import DeadlineKind, Decision, Rating
from clerk.store.notices import NoticeKind, NoticeStatus
from tests.support.drafts import COPY, PERSON, RECEIVED, hygiene, incomplete_hygiene


@pytest.fixture
def desk(service):
    from clerk.services.desk import DeskService

    return DeskService(service)


def supplement(desk, user, window, number, marks, **kw):
    """The fallback desk's supplement (the one path the screens use)."""
    from clerk.domain.desk_views import SupplyChannel

    return desk.log_supplement(user, window, number, marks, SupplyChannel.IN_PERSON, **kw)


def test_authenticate(service, users):
    assert service.authenticate("w01", "secret1") == users["window"]
    with pytest.raises(AuthenticationFailed, match="工号或密码不正确"):
        service.authenticate("w01", "wrong")
    with pytest.raises(AuthenticationFailed):
        service.authenticate("nobody", "secret1")


def test_accepted_case_has_number_deadline_notice_and_event(service, users, clock):
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    assert view.number == "20261125-SF-0001"
    assert view.state is CaseState.ACCEPTED and view.window == 3 and view.clerk_id == "w01"
    assert view.received_at == clock.now and view.received_at.tzinfo is not None
    # 5 working days after Wed 2026-11-25 (the day itself not counted).
    assert view.promised_due.date == date(2026, 12, 2) and not view.promised_due.provisional
    assert view.checklist.catalog_version == service.catalog.version
    assert view.marks["lease-contract"].status is MaterialStatus.COPY
    assert [n.kind for n in view.notices] == [NoticeKind.PROMISED]
    assert [e.action for e in view.events] == ["intake"]
    assert service.get(view.number) == view


def test_acceptance_date_is_local_not_utc(service, users, clock):
    clock.now = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # already Thursday 01:30 in Beijing
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    assert view.number.startswith("20261126-")
    assert view.promised_due.date == date(2026, 12, 3)


def test_preview_writes_nothing_and_matches_submit(service, users):
    preview = service.preview(hygiene(), Outcome.ACCEPT)
    assert preview.ok and preview.documents == (NoticeKind.PROMISED,)
    assert service.find("13812345678") == []
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    assert view.deadlines == preview.deadlines


def test_wrong_outcome_and_bad_applicant_are_refused(service, users):
    with pytest.raises(IntakeError, match="不能选择"):
        service.submit(users["window"], 3, incomplete_hygiene(), Outcome.ACCEPT)
    bad = IntakeDraft("T-GGWS-001", PERSON.__class__(PERSON.kind, "王五", "110105194912310021", "138"),
                      Delivery.PICKUP, {}, {})
    problems = service.preview(bad, Outcome.FALLBACK).problems
    assert any("身份证" in p for p in problems) and any("联系电话" in p for p in problems)
    with pytest.raises(IntakeError, match="理由"):
        service.submit(users["window"], 3, hygiene(), Outcome.REJECT)
    assert service.find("王五") == []


def test_roles_are_enforced(service, desk, users):
    with pytest.raises(PermissionDenied, match="无权受理案件"):
        service.submit(users["mail"], 3, hygiene(), Outcome.ACCEPT)
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    with pytest.raises(PermissionDenied, match="无权登记审批结果"):
        desk.record_decision(users["window2"], 4, view.number, Decision.APPROVED)
    result = desk.record_decision(users["office"], 30, view.number, Decision.APPROVED)
    with pytest.raises(PermissionDenied):
        desk.hand_over_item(users["window"], 3, result.mail.id, "EA123456785CN")
    with pytest.raises(PermissionDenied):
        service.add_user(users["boss"], "x1", "某人", Role.ADMIN, "secret1")


def test_fallback_one_time_notice_is_frozen_and_enforced(service, desk, users):
    view = service.submit(users["window"], 3, incomplete_hygiene(), Outcome.FALLBACK)
    assert view.state is CaseState.INCOMPLETE
    assert [line.key for line in view.one_time_notice] == ["business-licence", "hygiene-plan"]
    assert view.deadline(DeadlineKind.NOTICE).due.date == date(2026, 12, 2)
    assert [n.kind for n in view.notices] == [NoticeKind.ONE_TIME]
    with pytest.raises(OneTimeNoticeViolation, match="一次告知"):
        supplement(desk, users["fallback"], 9, view.number, {"id-card": MaterialMark(MaterialStatus.MISSING)})
    assert service.get(view.number) == view  # refused: nothing changed

    half = supplement(desk, users["fallback"], 9, view.number, {"business-licence": COPY})
    assert half.state is CaseState.INCOMPLETE and half.one_time_notice == view.one_time_notice
    done = supplement(desk, users["fallback"], 9, view.number, {"hygiene-plan": COPY})
    assert done.state is CaseState.ACCEPTED
    assert done.deadline(DeadlineKind.NOTICE).met_at is not None
    assert done.promised_due is not None
    assert [n.kind for n in done.notices] == [NoticeKind.ONE_TIME, NoticeKind.PROMISED]


def test_tolerated_supply_date_never_beyond_the_promise(service, users):
    marks = dict(hygiene().marks, **{"business-licence": MaterialMark(MaterialStatus.TOLERATED,
                                                                      supply_by=date(2027, 3, 1))})
    view = service.submit(users["window"], 3, hygiene(marks), Outcome.TOLERATE)
    assert view.state is CaseState.TOLERATED
    assert view.deadline(DeadlineKind.SUPPLY).due.date == view.promised_due.date == date(2026, 12, 2)
    marks["business-licence"] = MaterialMark(MaterialStatus.TOLERATED, supply_by=date(2026, 11, 27))
    view = service.submit(users["window"], 3, hygiene(marks), Outcome.TOLERATE)
    assert view.deadline(DeadlineKind.SUPPLY).due.date == date(2026, 11, 27)
    assert {n.kind for n in view.notices} == {NoticeKind.PROMISED, NoticeKind.COMMITMENT}


def test_bundle_makes_parent_and_children_with_own_numbers(service, desk, users):
    draft = IntakeDraft("T-YJS-CY", PERSON, Delivery.EMS, {},
                        {"id-card": RECEIVED, "hygiene-plan": COPY, "lease-contract": COPY})
    view = service.submit(users["window"], 3, draft, Outcome.FALLBACK)
    assert view.is_bundle and view.state is CaseState.INCOMPLETE
    assert [c.number for c in view.children] == ["20261125-SF-0002", "20261125-SF-0003"]
    assert all(c.parent_number == view.number for c in view.children)
    assert {line.key for line in view.one_time_notice} == {"business-licence", "food-layout"}
    assert [line.key for line in view.children[0].one_time_notice] == ["business-licence"]
    done = supplement(desk, users["fallback"], 9, view.number, {"business-licence": COPY, "food-layout": RECEIVED})
    assert done.state is CaseState.ACCEPTED
    assert [c.state for c in done.children] == [CaseState.ACCEPTED, CaseState.ACCEPTED]
    assert done.promised_due.date == max(c.promised_due.date for c in done.children)


def test_on_the_spot_item(service, users):
    draft = IntakeDraft("T-JB-003", PERSON, Delivery.PICKUP, {}, {"id-card": RECEIVED})
    view = service.submit(users["window"], 3, draft, Outcome.ACCEPT)
    assert view.state is CaseState.DONE_ON_THE_SPOT and view.deadlines == ()
    assert [n.kind for n in view.notices] == [NoticeKind.ON_THE_SPOT]


def test_illegal_transition_leaves_the_store_unchanged(service, users):
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    with pytest.raises(TransitionError, match="不能转为"):
        service.pick_up(users["window"], 3, view.number)
    assert service.get(view.number) == view


def test_stale_version_loses_with_concurrent_update(service, desk, users):
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    desk.record_decision(users["office"], 30, view.number, Decision.APPROVED, version=view.version)
    with pytest.raises(ConcurrentUpdate, match="已被其他窗口更新，请重新载入"):
        desk.record_decision(users["office"], 31, view.number, Decision.REFUSED, reason="不符合",
                             version=view.version)
    assert service.get(view.number).state is CaseState.APPROVED


def test_mail_flow_and_prints(service, desk, users):
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    item = desk.record_decision(users["office"], 30, view.number, Decision.APPROVED).mail
    desk.hand_over_item(users["mail"], 20, item.id, "EA123456785CN")
    mailed = service.get(view.number)
    assert mailed.state is CaseState.MAILED and mailed.waybill == "EA123456785CN"
    desk.return_item(users["mail"], 20, item.id, "地址不详")
    returned = service.get(view.number)
    assert returned.waybill is None and returned.state is CaseState.MAILED
    desk.requeue_item(users["mail"], 20, item.id)
    desk.hand_over_item(users["mail"], 20, item.id, "EA123456785CN")
    desk.deliver_item(users["mail"], 20, item.id)
    closed = service.get(view.number)
    assert closed.state is CaseState.CLOSED
    kinds = [n.kind for n in closed.notices]
    assert kinds == [NoticeKind.PROMISED, NoticeKind.RESULT_READY]

    pending = service.pending_notices()
    assert [n.kind for n in pending] == kinds
    failed = service.mark_failed(pending[0].id, "打印机缺纸")
    assert failed.status is NoticeStatus.FAILED and failed.attempts == 1
    printed = service.mark_printed(pending[0].id, path="/tmp/x.pdf", sha256="ab" * 32, user=users["window"], window=3)
    assert printed.status is NoticeStatus.PRINTED and printed.attempts == 2 and printed.printed_at is not None
    assert [n.id for n in service.pending_notices()] == [n.id for n in pending[1:]]
    assert service.get(view.number).events[-1].action == "print"
    assert service.verify_audit().ok


def test_rating_rules_and_follow_up(service, desk, users):
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    with pytest.raises(ServiceError, match="本人受理"):
        desk.rate(users["window"], 3, view.number, Rating.VERY_SATISFIED)
    rated = desk.rate(users["window2"], 4, view.number, Rating.DISSATISFIED, "等候太久")
    follow = rated.deadline(DeadlineKind.FOLLOW_UP)
    assert rated.rating is Rating.DISSATISFIED and follow.working_days == 15
    assert follow.due.date == date(2026, 12, 16)
    with pytest.raises(ServiceError, match="已评价"):
        desk.rate(users["boss"], 1, view.number, Rating.SATISFIED)
    with pytest.raises(PermissionDenied):
        desk.resolve_follow_up(users["window2"], 4, view.number, "已整改")
    done = desk.resolve_follow_up(users["boss"], 1, view.number, "已约谈整改")
    assert done.deadline(DeadlineKind.FOLLOW_UP).met_at is not None


def test_find_by_number_id_phone_and_name(service, users):
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    for text in (view.number, view.number.lower(), "11010519491231002x", "13812345678", "王五", "王"):
        found = service.find(text)
        assert [s.number for s in found] == [view.number], text
    hit = service.find("王五")[0]
    assert hit.applicant_id_masked == "1101**********002X" and hit.phone_masked == "138****5678"
    assert service.find("赵") == []


def test_open_and_overdue_queues(service, desk, users, clock):
    first = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    second = service.submit(users["window2"], 4, incomplete_hygiene(), Outcome.FALLBACK)
    assert [s.number for s in service.open_cases(window=3)] == [first.number]
    assert {s.number for s in service.open_cases()} == {first.number, second.number}
    assert service.overdue(date(2026, 12, 2)) == []
    assert [s.number for s in service.overdue(date(2026, 12, 3))] == [first.number, second.number]
    desk.record_decision(users["office"], 30, first.number, Decision.APPROVED)
    assert [s.number for s in service.overdue(date(2026, 12, 3))] == [second.number]


def test_provisional_deadlines_are_recomputed_when_the_year_arrives(store, catalog, calendar, clock, service, users):
    from clerk.calendar import WorkCalendar, YearSchedule
    from clerk.calendar.workcal import library_schedules
    from clerk.services.cases import CaseService

    clock.now = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)  # Monday; 5 working days reach into 2027
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    # Dec 29-31 (3), 元旦 assumed off, Jan 4-5 (5): erring late, never earlier than published.
    assert view.promised_due.provisional and view.promised_due.date == date(2027, 1, 5)
    assert service.recompute_provisional_deadlines() == 0  # nothing new known yet

    # Published with a make-up Saturday (Jan 2): the real date is a day earlier.
    year = YearSchedule(2027, "test", {date(2027, 1, 1): "元旦"}, {date(2027, 1, 2): "元旦"})
    loaded = CaseService(store, catalog, WorkCalendar({**library_schedules(), 2027: year}), clock)
    assert loaded.recompute_provisional_deadlines() == 1
    after = loaded.get(view.number)
    assert after.promised_due.date == date(2027, 1, 4) and not after.promised_due.provisional
    assert after.events[-1].action == "deadline_recompute"
    assert [s.due_on for s in loaded.find(view.number)] == [date(2027, 1, 4)]


def test_an_outage_after_the_commit_cannot_hide_the_saved_case(service, users, monkeypatch):
    """The case handed back is built from what the save wrote: no read after the commit that
    an outage could fail (it used to be read back, and then only its number could be said)."""
    from clerk.domain.errors import StoreUnavailable

    real_get, real_saved = service.get, service.saved_visit

    def outage(number):
        raise StoreUnavailable()

    monkeypatch.setattr(service, "get", outage)
    monkeypatch.setattr(service, "saved_visit", outage)
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT, visit_key="k" * 32)
    assert view.number == "20261125-SF-0001" and view.state is CaseState.ACCEPTED
    assert real_get(view.number) == view == real_saved("k" * 32)


def test_a_name_is_found_by_any_part_of_it_prefix_hits_first(service, users):
    """``王五`` finds ``[red]王五[/red]`` and ``张王五`` too (it found names starting with it only);
    ``%`` and ``_`` in the search are letters, not wildcards."""
    def submitted(name: str) -> str:
        draft = hygiene(applicant=Applicant(ApplicantKind.PERSON, name, "11010519491231002X", "13812345678", "济南市"))
        return service.submit(users["window"], 3, draft, Outcome.ACCEPT).number

    marked, inside, plain = submitted("[red]王五[/red]"), submitted("张王五"), submitted("王五")
    assert [s.number for s in service.find("王五")][:1] == [plain]
    assert {s.number for s in service.find("王五")} >= {plain, marked, inside}
    assert [s.number for s in service.find("[red]")] == [marked]
    assert service.find("%") == [] and service.find("_") == []
