"""Back-office results and the EMS station: decisions, the mail queue, the manifest.

Mixed into ``DeskService`` (``clerk.services.desk``) next to ``FallbackDesk``.
A mail item belongs to a case; each item action changes the item and the case
in the case service's guarded transaction (one action, one transaction, one
audit event on the case).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, TypedDict

from sqlalchemy import select
from sqlmodel import col

from clerk.carriers import ManifestLine
from clerk.catalog.model import Delivery
from clerk.config import HallInfo
from clerk.domain.accounts import ClerkUser
from clerk.domain.decisions import DECISION_STATE, decision_reason
from clerk.domain.desk_views import DecisionResult, MailDirection, MailItemView, MailStatus, SupplyChannel
from clerk.domain.errors import IntakeError, NotFound, ServiceError, refuse_bad_text
from clerk.domain.lifecycle import CaseState
from clerk.domain.permissions import Action, Sight
from clerk.domain.views import DeadlineKind, Decision, NoticeLine
from clerk.identity import check_phone
from clerk.identity.text import ADDRESS_MAX, NOTE_MAX
from clerk.printing.data import ManifestData, ManifestRow
from clerk.services.pickups import mail_item_view, received_mark
from clerk.store import convert
from clerk.store.notices import queue_notice
from clerk.store.tables import CaseRow, saved_id
from clerk.store.tables_mail import MailItemRow

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlmodel import Session

    from clerk.carriers.base import Carrier
    from clerk.services.cases import CaseService
    from clerk.services.operations import Audited

#: what goes in the envelope (内件) for each decision
RESULT_CONTENTS = {
    Decision.APPROVED: "准予许可决定书及证照",
    Decision.CORRECTION: "补正材料通知书",
    Decision.REFUSED: "不予许可决定书",
}


class MailItemNotFound(NotFound):
    def __init__(self, item_id: int) -> None:
        super().__init__(f"未找到编号为 {item_id} 的邮件")


class _Timing(TypedDict, total=False):
    on_time: bool  # decided by the promised date
    late: int  # working days after it


@dataclass(frozen=True)
class Decided:
    """What ``MailRoom.decide_in`` did: the audit event's additions, the timing, the EMS item queued."""

    after: Audited
    on_time: bool | None
    late_days: int
    mail: MailItemView | None


class MailRoom:
    """Decisions, the mail queue (results out, pickups in) and the daily manifest."""

    cases: CaseService
    carrier: Carrier
    _supplement_in: Callable[..., Audited]
    _mail_query: Callable[..., list[MailItemView]]

    # -- back-office results ---------------------------------------------------------

    def record_decision(self, user: ClerkUser, window: int, number: str, decision: Decision, *,
                        reason: str = "", items: tuple[str, ...] | list[str] = (),
                        version: int | None = None) -> DecisionResult:
        """Record the department's decision, queue its notice and, for EMS, the mailing.

        Correction needs the items to correct (补正内容), refusal a reason.  The
        result says whether the decision came within the promised limit.
        """
        decision = Decision(decision)
        reason = decision_reason(decision, reason, items)  # the confirmation showed the same (preview_decision)
        refuse_bad_text((reason, "补正内容或理由", NOTE_MAX))
        found: list[Decided] = []

        def mutate(session: Session, row: CaseRow, now: datetime) -> Audited:
            found.append(self.decide_in(session, row, now, user, decision, reason))
            return found[0].after

        view = self.cases.transact(user, window, number, version, Action.DECIDE, "decide", mutate)
        return DecisionResult(view, found[0].on_time, found[0].late_days, found[0].mail)

    def decide_in(self, session: Session, row: CaseRow, now: datetime, user: ClerkUser, decision: Decision,
                  reason: str) -> Decided:
        """A decision inside the caller's transaction (``record_decision``'s, and a 跨域通办 status applied
        by ``clerk.exchange``): state, reason, the promise kept, its notice, the EMS item.  ``reason`` is
        the recorded text (``decision_reason``)."""
        reason = reason.strip()
        refuse_bad_text((reason, "补正内容或理由", NOTE_MAX))
        target, kind = DECISION_STATE[decision]
        timing: _Timing = {}
        cases = self.cases
        cases.move(row, target)
        row.reason = reason
        promised = cases.deadlines_of(session, row).get(DeadlineKind.PROMISED.value)
        if promised is not None:
            decided_on = now.astimezone(cases.tz).date()
            late = cases.calendar.count_working_days(promised.due_on, decided_on).days
            timing.update({"on_time": decided_on <= promised.due_on, "late": max(late, 0)})
        cases.meet_and_refresh(session, row, now, DeadlineKind.PROMISED)
        queue_notice(session, saved_id(row), kind, at=now)
        if row.parent_id is not None:  # a bundle's item: the last one decided keeps the bundle's promise
            cases.meet_bundle_promise(session, row, now)
        after: Audited = {"decision": decision.value, "reason": row.reason, **timing}
        mailed: MailItemView | None = None
        if row.delivery == Delivery.EMS.value:
            item = MailItemRow(
                case_id=saved_id(row), direction=MailDirection.OUTBOUND.value, status=MailStatus.QUEUED.value,
                contents=f"{RESULT_CONTENTS[decision]}（{row.name}）", recipient=row.applicant_name,
                phone=row.applicant_phone, address=row.applicant_address, postcode=row.applicant_postcode,
                created_by=user.id, created_at=now,
            )
            session.add(item)
            session.flush()
            mailed = mail_item_view(item, row.number)
            after["mail"] = item.id
        return Decided(after, timing.get("on_time"), timing.get("late", 0), mailed)

    # -- the mail queue ------------------------------------------------------------------

    def mail_queue(self, *, direction: MailDirection | None = None, statuses: tuple[MailStatus, ...] = (),
                   follow_up_only: bool = False, limit: int = 500) -> list[MailItemView]:
        """Outbound results and inbound pickups, oldest first; recipient, phone and address
        masked (the full ones: ``open_mail_item``, an audited view)."""
        def shape(query: Select[tuple[MailItemRow, str]]) -> Select[tuple[MailItemRow, str]]:
            if direction is not None:
                query = query.where(col(MailItemRow.direction) == MailDirection(direction).value)
            if statuses:
                query = query.where(col(MailItemRow.status).in_([MailStatus(s).value for s in statuses]))
            if follow_up_only:
                query = query.where(col(MailItemRow.follow_up).is_(True))
            return query.order_by(col(MailItemRow.created_at), col(MailItemRow.id)).limit(limit)

        return self._mail_query(shape)

    def mail_item(self, item_id: int) -> MailItemView:
        """One mail item as a list shows it (masked; no event)."""
        found = self._mail_query(lambda q: q.where(col(MailItemRow.id) == item_id))
        if not found:
            raise MailItemNotFound(item_id)
        return found[0]

    def open_mail_item(self, user: ClerkUser, window: int | None, item_id: int) -> MailItemView:
        """One mail item unmasked (recipient, phone, address) for the clerk who handles it,
        with a ``view`` event in the same transaction (lists show it masked, no event)."""
        query = (select(MailItemRow, col(CaseRow.number)).join(CaseRow, col(CaseRow.id) == MailItemRow.case_id)
                 .where(col(MailItemRow.id) == item_id))
        with self.cases.store.session(write=True) as session:
            account = self.cases.uow.authorise(session, user, Action.MAIL_ITEM)
            found = session.execute(query).first()
            if found is None:
                raise MailItemNotFound(item_id)
            view = mail_item_view(*found)
            self.cases.uow.audit(session, account.id, window, "view", view.case_number, None,
                                 {"sight": "mailing", "mail_item": item_id})
        return view

    def _item_change(self, user: ClerkUser, window: int, item_id: int, action: str,
                     change: Callable[[Session, CaseRow, MailItemRow, datetime], Audited]) -> MailItemView:
        """Change one mail item and its case in one guarded transaction."""
        number = self.mail_item(item_id).case_number
        result: list[MailItemView] = []

        def mutate(session: Session, row: CaseRow, now: datetime) -> Audited:
            item = session.get(MailItemRow, item_id)
            if item is None:
                raise MailItemNotFound(item_id)
            after = {"mail_item": item_id, **change(session, row, item, now)}
            session.add(item)
            session.flush()
            result.append(mail_item_view(item, row.number))
            return after

        self.cases.transact(user, window, number, None, Action.MAIL_ITEM, action, mutate)
        return result[0]

    def hand_over_item(self, user: ClerkUser, window: int, item_id: int, waybill: str) -> MailItemView:
        """Outbound: handed to EMS under ``waybill`` (case → 已寄出).  Inbound: collected by the courier."""
        check = self.carrier.check_waybill(waybill)
        if not check.ok:
            raise IntakeError([f"邮件号：{check.reason}"])

        def change(session: Session, row: CaseRow, item: MailItemRow, now: datetime) -> Audited:
            if item.status != MailStatus.QUEUED.value:
                raise ServiceError(f"该邮件当前为“{_label(item)}”，不能再交寄")
            used = session.execute(select(col(MailItemRow.id)).where(col(MailItemRow.waybill) == check.value,
                                                                col(MailItemRow.id) != item.id)).first()
            if used is not None:
                raise IntakeError([f"邮件号 {check.value} 已用于另一件邮件，请核对"])
            if item.direction == MailDirection.OUTBOUND.value:
                if not (CaseState(row.state) is CaseState.MAILED and row.waybill is None):  # else: 退件重寄
                    self.cases.require_mail(row)
                    self.cases.move(row, CaseState.MAILED)
                row.waybill = check.value
            item.status, item.waybill, item.handed_at = MailStatus.HANDED.value, check.value, now
            item.attempts += 1
            item.follow_up = False
            return {"waybill": check.value, "mail": item.status}

        action = "mail_hand_over" if self._direction(item_id) is MailDirection.OUTBOUND else "pickup_collected"
        return self._item_change(user, window, item_id, action, change)

    def deliver_item(self, user: ClerkUser, window: int, item_id: int) -> MailItemView:
        """Outbound: EMS delivered it (case → 已办结).  Inbound: the materials reached the hall,
        logged as a supplement by EMS (the case is accepted when complete)."""
        def change(session: Session, row: CaseRow, item: MailItemRow, now: datetime) -> Audited:
            if item.status != MailStatus.HANDED.value:
                raise ServiceError(f"该邮件当前为“{_label(item)}”，需先登记交寄/揽收")
            after: Audited = {}
            if item.direction == MailDirection.OUTBOUND.value:
                self.cases.move(row, CaseState.CLOSED)
            else:
                marks = convert.marks_from_json(row.marks)
                lines = {ln.key: ln for ln in convert.notice_lines_from_json(row.one_time_notice) or ()}
                entries = {e["key"]: e for e in row.checklist.get("entries", ())}
                arrived = {}
                for key in item.materials or ():
                    if key in marks and marks[key].status.received:
                        continue
                    if key in lines:
                        arrived[key] = received_mark(lines[key])
                    elif key in entries:
                        e = entries[key]
                        arrived[key] = received_mark(_line_of(e))
                if arrived:
                    after = self._supplement_in(session, row, now, user, window, arrived, SupplyChannel.EMS,
                                                item.waybill or "", now, False)
            item.status, item.delivered_at = MailStatus.DELIVERED.value, now
            return {"mail": item.status, **after}

        action = "mail_deliver" if self._direction(item_id) is MailDirection.OUTBOUND else "pickup_received"
        return self._item_change(user, window, item_id, action, change)

    def return_item(self, user: ClerkUser, window: int, item_id: int, reason: str) -> MailItemView:
        """Returned mail (退件) or a failed pickup: flagged for follow-up."""
        if not reason.strip():
            raise IntakeError(["请填写退回原因"])
        refuse_bad_text((reason, "退回原因", NOTE_MAX))

        def change(session: Session, row: CaseRow, item: MailItemRow, now: datetime) -> Audited:
            outbound = item.direction == MailDirection.OUTBOUND.value
            allowed = (MailStatus.HANDED.value,) if outbound else (MailStatus.QUEUED.value, MailStatus.HANDED.value)
            if item.status not in allowed:
                raise ServiceError(f"该邮件当前为“{_label(item)}”，不能登记退回")
            if outbound:
                row.waybill = None  # the case stays 已寄出 until re-sent
            item.status, item.returned_at, item.follow_up = MailStatus.RETURNED.value, now, True
            item.return_reason = reason.strip()
            return {"mail": item.status, "waybill": item.waybill, "reason": item.return_reason}

        return self._item_change(user, window, item_id, "mail_return", change)

    def requeue_item(self, user: ClerkUser, window: int, item_id: int, *, address: str | None = None,
                     phone: str | None = None) -> MailItemView:
        """After the follow-up call: send again (optionally to a corrected address)."""
        refuse_bad_text((address or "", "邮寄地址", ADDRESS_MAX))

        if phone is not None and not check_phone(phone).ok:
            raise IntakeError([f"联系电话：{check_phone(phone).reason}"])

        def change(session: Session, row: CaseRow, item: MailItemRow, now: datetime) -> Audited:
            if item.status != MailStatus.RETURNED.value:
                raise ServiceError(f"该邮件当前为“{_label(item)}”，无需重新安排")
            if address and address.strip():
                item.address = address.strip()
            if phone:
                item.phone = phone.strip()
            item.status, item.waybill, item.follow_up = MailStatus.QUEUED.value, None, False
            return {"mail": item.status, "address": item.address}

        return self._item_change(user, window, item_id, "mail_requeue", change)

    def _direction(self, item_id: int) -> MailDirection:
        return self.mail_item(item_id).direction

    # -- the daily manifest (交寄清单) ----------------------------------------------------

    def _handed_on(self, day: date) -> Callable[[Select[MailItemRow, str]], Select[MailItemRow, str]]:
        """The query shape of outbound items handed to EMS on ``day`` (local), in handover order."""
        start = datetime.combine(day, time(0), self.cases.tz).astimezone(UTC)
        end = datetime.combine(date.fromordinal(day.toordinal() + 1), time(0), self.cases.tz).astimezone(UTC)
        return lambda q: q.where(
            col(MailItemRow.direction) == MailDirection.OUTBOUND.value, col(MailItemRow.waybill).is_not(None),
            col(MailItemRow.handed_at) >= start, col(MailItemRow.handed_at) < end,
        ).order_by(col(MailItemRow.handed_at), col(MailItemRow.id))

    def manifest_items(self, day: date | None = None) -> list[MailItemView]:
        """Outbound items handed to EMS on ``day`` (local), in handover order (masked as in a list)."""
        return self._mail_query(self._handed_on(day or self.cases.today()))

    def _manifest_read(self, user: ClerkUser, window: int | None, day: date,
                       export: str) -> tuple[ClerkUser, list[MailItemView]]:
        """The day's manifest in full for an account that may mail (``Action.MAIL_ITEM``): one
        ``view`` event naming its cases and items, in the read's transaction (none when empty)."""
        query = self._handed_on(day)(
            select(MailItemRow, col(CaseRow.number)).join(CaseRow, col(CaseRow.id) == MailItemRow.case_id))
        with self.cases.store.session(write=True) as session:
            account = self.cases.uow.authorise(session, user, Action.MAIL_ITEM)
            items = [mail_item_view(item, number) for item, number in session.execute(query)]
            if items:
                self.cases.uow.audit(session, account.id, window, "view", None, None, {
                    "sight": Sight.MAILING.value, "export": export, "day": day.isoformat(),
                    "cases": list(dict.fromkeys(i.case_number for i in items)),
                    "mail_items": [i.id for i in items]})
        return account, items

    def manifest_data(self, user: ClerkUser, window: int | None, day: date | None = None, *,
                      hall: HallInfo | None = None, clerk_name: str = "") -> ManifestData:
        """``ManifestData`` for ``clerk.printing.render("manifest", …)`` (an audited view, as ``manifest_csv``);
        ``clerk_name`` defaults to the acting account's name."""
        day = day or self.cases.today()
        account, items = self._manifest_read(user, window, day, "manifest_pdf")
        rows = tuple(ManifestRow(i.waybill or "", i.case_number, i.recipient, i.phone, i.address, i.postcode,
                                 i.contents) for i in items)
        return ManifestData(hall=hall or HallInfo(), day=day, rows=rows, clerk_name=clerk_name or account.name,
                            issued_at=self.cases.clock())

    def manifest_csv(self, user: ClerkUser, window: int | None, day: date | None = None) -> bytes:
        """The day's manifest in the carrier's batch-import format (EMS: CSV), with every
        recipient's phone and address: refused unless ``user`` may mail, and one ``view``
        event naming the cases it holds."""
        day = day or self.cases.today()
        _, items = self._manifest_read(user, window, day, "manifest_csv")
        lines = [ManifestLine(i.waybill or "", i.case_number, i.recipient, i.phone, i.address, i.postcode,
                              i.contents) for i in items]
        return self.carrier.export_manifest(day, lines)


def _label(item: MailItemRow) -> str:
    return MailStatus(item.status).label(MailDirection(item.direction))


def _line_of(entry: dict[str, Any]) -> NoticeLine:
    return NoticeLine(entry["key"], entry["name"], entry["form"], int(entry["copies"]), entry["requirement"])
