"""DeskService through its public calls, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from clerk.catalog.model import Delivery
from clerk.domain.accounts import ClerkUser, Role
from clerk.domain.desk_views import MailDirection, MailStatus, SupplyChannel
from clerk.domain.errors import IntakeError, OneTimeNoticeViolation, PermissionDenied, ServiceError
from clerk.domain.intake import MaterialMark, MaterialStatus, Outcome
from clerk.domain.lifecycle import CaseState
from clerk.domain.views import DeadlineKind, Decision, Rating
from clerk.store.notices import NoticeKind
from tests.support.drafts import COPY, MISSING, hygiene, incomplete_hygiene


def test_one_time_notice_rule_holds_in_the_store(desk, service, users):
    view = service.submit(users["window"], 3, incomplete_hygiene(), Outcome.FALLBACK)
    with pytest.raises(OneTimeNoticeViolation, match="一次告知"):
        desk.log_supplement(users["fallback"], 9, view.number, {"id-card": MISSING}, SupplyChannel.IN_PERSON)
    with pytest.raises(OneTimeNoticeViolation):
        desk.schedule_pickup(users["fallback"], 9, view.number, ["id-card"], day=date(2026, 11, 26),
                             window_from="09:00", window_to="11:00")
    assert service.get(view.number) == view
    assert desk.supplements(view.number) == []


def test_fallback_queue_oldest_first_with_the_deadline_that_matters(desk, service, users, clock):
    first = service.submit(users["window"], 3, incomplete_hygiene(), Outcome.FALLBACK)
    clock.advance(hours=1)
    marks = dict(hygiene().marks, **{"business-licence": MaterialMark(MaterialStatus.TOLERATED,
                                                                      supply_by=date(2026, 11, 27))})
    second = service.submit(users["window2"], 4, hygiene(marks), Outcome.TOLERATE)
    service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)  # not at the desk

    queue = desk.fallback_queue(today=date(2026, 12, 1))
    assert [e.number for e in queue] == [first.number, second.number]
    notice, supply = queue[0].deadline, queue[1].deadline
    assert (notice.kind, notice.due_on, notice.days_left, notice.warn) == (
        DeadlineKind.NOTICE, date(2026, 12, 2), 1, True)
    assert (supply.kind, supply.due_on, supply.days_left) == (DeadlineKind.SUPPLY, date(2026, 11, 27), -2)
    assert queue[0].outstanding == ("营业执照", "卫生管理制度")
    assert queue[1].outstanding == ("营业执照",)
    assert desk.fallback_queue(today=date(2026, 11, 25))[0].deadline.warn is False


def test_supplement_by_channel_then_acceptance(desk, service, users, clock):
    view = service.submit(users["window"], 3, incomplete_hygiene(), Outcome.FALLBACK)
    with pytest.raises(IntakeError, match="上传编号"):
        desk.log_supplement(users["fallback"], 9, view.number, {"business-licence": COPY}, SupplyChannel.ONLINE)
    clock.advance(days=1)
    half = desk.log_supplement(users["fallback"], 9, view.number, {"business-licence": COPY},
                               SupplyChannel.ONLINE, reference="WS-2026-0042")
    assert half.state is CaseState.INCOMPLETE
    done = desk.log_supplement(users["fallback"], 9, view.number, {"hygiene-plan": COPY}, SupplyChannel.IN_PERSON)
    assert done.state is CaseState.ACCEPTED
    assert done.promised_due.date > view.deadline(DeadlineKind.NOTICE).due.date  # counted from now
    assert NoticeKind.PROMISED in [n.kind for n in done.notices]
    log = desk.supplements(view.number)
    assert [(s.materials, s.channel, s.reference) for s in log] == [
        (("business-licence",), SupplyChannel.ONLINE, "WS-2026-0042"),
        (("hygiene-plan",), SupplyChannel.IN_PERSON, ""),
    ]
    assert desk.fallback_queue() == []


def test_pickup_scheduled_collected_and_received_completes_the_case(desk, service, users):
    view = service.submit(users["window"], 3, incomplete_hygiene(), Outcome.FALLBACK)
    with pytest.raises(IntakeError, match="揽收时段"):
        desk.schedule_pickup(users["fallback"], 9, view.number, ["business-licence"], day=date(2026, 11, 26),
                             window_from="11:00", window_to="09:00")
    item = desk.schedule_pickup(users["fallback"], 9, view.number, ["business-licence", "hygiene-plan"],
                                day=date(2026, 11, 26), window_from="09:00", window_to="11:30")
    assert item.direction is MailDirection.INBOUND and item.status is MailStatus.QUEUED
    assert item.address == "济南市历城区山大路1号" and item.status_label == "待揽收"
    assert [p.id for p in desk.pickups(date(2026, 11, 26))] == [item.id]
    assert desk.pickups(date(2026, 11, 27)) == []
    with pytest.raises(ServiceError, match="需先登记"):
        desk.deliver_item(users["mail"], 20, item.id)
    with pytest.raises(IntakeError, match="邮件号"):
        desk.hand_over_item(users["mail"], 20, item.id, "EA123456784CN")
    desk.hand_over_item(users["mail"], 20, item.id, "EA123456785CN")
    received = desk.deliver_item(users["fallback"], 9, item.id)
    assert received.status is MailStatus.DELIVERED
    case = service.get(view.number)
    assert case.state is CaseState.ACCEPTED
    assert desk.supplements(view.number)[0].channel is SupplyChannel.EMS
    assert [e.action for e in case.events if e.action != "view"][-2:] == ["pickup_collected", "pickup_received"]


def test_decision_queues_notice_and_mail_and_reports_timing(desk, service, users, clock):
    pickup = service.submit(users["window"], 3, hygiene(delivery=Delivery.PICKUP), Outcome.ACCEPT)
    result = desk.record_decision(users["office"], 30, pickup.number, Decision.APPROVED)
    assert result.on_time is True and result.late_days == 0 and result.mail is None
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    with pytest.raises(IntakeError, match="补正内容"):
        desk.record_decision(users["office"], 30, view.number, Decision.CORRECTION)
    clock.advance(days=30)
    late = desk.record_decision(users["office"], 30, view.number, Decision.CORRECTION,
                                items=["卫生管理制度缺少消毒记录", "平面图未标注面积"])
    assert late.on_time is False and late.late_days > 0
    assert late.case.state is CaseState.CORRECTION
    assert late.case.reason == "1. 卫生管理制度缺少消毒记录；2. 平面图未标注面积"
    assert late.case.notices[-1].kind is NoticeKind.RESULT_CORRECTION
    assert late.mail.contents.startswith("补正材料通知书") and late.mail.status is MailStatus.QUEUED


def test_mail_queue_manifest_csv_return_and_resend(desk, service, users, clock):
    numbers = []
    for _ in range(2):
        view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
        desk.record_decision(users["office"], 30, view.number, Decision.APPROVED)
        numbers.append(view.number)
    queued = desk.mail_queue(direction=MailDirection.OUTBOUND, statuses=(MailStatus.QUEUED,))
    assert [i.case_number for i in queued] == numbers
    with pytest.raises(PermissionDenied):
        desk.hand_over_item(ClerkUser("a1", "管理员", Role.ADMIN), 1, queued[0].id, "EA123456785CN")
    desk.hand_over_item(users["mail"], 20, queued[0].id, "EA123456785CN")
    with pytest.raises(IntakeError, match="已用于"):
        desk.hand_over_item(users["mail"], 20, queued[1].id, "EA123456785CN")
    desk.hand_over_item(users["mail"], 20, queued[1].id, "1234567890123")
    assert service.get(numbers[0]).state is CaseState.MAILED

    data = desk.manifest_data(users["mail"], 20, date(2026, 11, 25), clerk_name="赵邮")
    assert [r.waybill for r in data.rows] == ["EA123456785CN", "1234567890123"]
    raw = desk.manifest_csv(users["mail"], 20, date(2026, 11, 25))
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "邮件号" and rows[1][:3] == ["EA123456785CN", "2026-11-25", numbers[0]]
    assert rows[1][4] == "13812345678" and len(rows) == 3
    assert desk.manifest_items(date(2026, 11, 26)) == []

    returned = desk.return_item(users["mail"], 20, queued[1].id, "查无此人")
    assert returned.follow_up and returned.status_label == "已退回"
    assert [i.id for i in desk.mail_queue(follow_up_only=True)] == [queued[1].id]
    assert service.get(numbers[1]).waybill is None
    again = desk.requeue_item(users["mail"], 20, queued[1].id, address="济南市历城区山大北路2号")
    assert again.status is MailStatus.QUEUED and not again.follow_up
    desk.hand_over_item(users["mail"], 20, queued[1].id, "EA000000014CN")
    done = desk.deliver_item(users["mail"], 20, queued[1].id)
    assert done.status is MailStatus.DELIVERED and service.get(numbers[1]).state is CaseState.CLOSED


def test_rating_with_comment_and_follow_up(desk, service, users, clock):
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    with pytest.raises(ServiceError, match="本人受理"):
        desk.rate(users["window"], 3, view.number, Rating.VERY_SATISFIED)
    with pytest.raises(IntakeError, match="意见"):
        desk.rate(users["window2"], 4, view.number, Rating.VERY_DISSATISFIED)
    rated = desk.rate(users["window2"], 4, view.number, Rating.VERY_DISSATISFIED, "等了很久")
    assert rated.deadline(DeadlineKind.FOLLOW_UP).due.date == date(2026, 12, 16)
    [entry] = desk.follow_ups()
    assert (entry.number, entry.comment, entry.days_left) == (view.number, "等了很久", 15)
    with pytest.raises(PermissionDenied):
        desk.resolve_follow_up(users["window2"], 4, view.number, "已整改")
    desk.resolve_follow_up(users["boss"], 1, view.number, "已约谈窗口人员")
    assert desk.follow_ups() == []
    [done] = desk.follow_ups(open_only=False)
    assert done.done_at is not None and done.note == "已约谈窗口人员"


def test_end_to_end_intake_fallback_accept_decide_mail_deliver_rate(desk, service, users, clock):
    view = service.submit(users["window"], 3, incomplete_hygiene(), Outcome.FALLBACK)
    assert [e.number for e in desk.fallback_queue()] == [view.number]
    clock.advance(days=1)
    desk.log_supplement(users["fallback"], 9, view.number, {"business-licence": COPY},
                        SupplyChannel.ONLINE, reference="UP-1")
    pickup = desk.schedule_pickup(users["fallback"], 9, view.number, ["hygiene-plan"], day=date(2026, 11, 27),
                                  window_from="14:00", window_to="17:00")
    desk.hand_over_item(users["mail"], 20, pickup.id, "EA123456785CN")
    desk.deliver_item(users["fallback"], 9, pickup.id)
    accepted = service.get(view.number)
    assert accepted.state is CaseState.ACCEPTED
    clock.advance(days=2)
    result = desk.record_decision(users["office"], 30, view.number, Decision.APPROVED)
    assert result.on_time
    desk.hand_over_item(users["mail"], 20, result.mail.id, "EA000000014CN")
    desk.deliver_item(users["mail"], 20, result.mail.id)
    closed = desk.rate(users["mail"], 20, view.number, Rating.SATISFIED)
    assert closed.state is CaseState.CLOSED and closed.rating is Rating.SATISFIED
    assert service.verify_audit().ok
    actions = [e.action for e in closed.events if e.action != "view"]
    assert actions[0] == "intake" and actions[-1] == "rate"
    assert {"supplement", "pickup_schedule", "pickup_received", "decide", "mail_hand_over", "mail_deliver"} <= set(actions)


def test_manifest_renders_as_the_printed_exchange_list(desk, service, users):
    from pypdf import PdfReader

    from clerk.printing import render

    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    result = desk.record_decision(users["office"], 30, view.number, Decision.APPROVED)
    desk.hand_over_item(users["mail"], 20, result.mail.id, "EA123456785CN")
    pdf = render("manifest", desk.manifest_data(users["mail"], 20, date(2026, 11, 25), clerk_name="赵邮"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "EA123456785CN" in text and view.number in text
