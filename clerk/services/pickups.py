"""The fallback desk (兜底窗口): its queue, supplements by channel, EMS pickups.

Mixed into ``DeskService`` (``clerk.services.desk``), which holds the
``CaseService`` as ``self.cases``.  Every write goes through the case service's
guarded transaction (role, optimistic version, audit event) so a supplement or
pickup and the case change it causes are one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlmodel import col

from clerk.carriers import PickupRequest
from clerk.catalog import checklist_from_dict
from clerk.domain.accounts import ClerkUser
from clerk.domain.desk_views import (
    DeskDeadline,
    FallbackEntry,
    MailDirection,
    MailItemView,
    MailStatus,
    SupplementEntry,
    SupplyChannel,
)
from clerk.domain.errors import IntakeError, OneTimeNoticeViolation, ServiceError, refuse_bad_text
from clerk.domain.intake import MaterialMark, MaterialStatus
from clerk.domain.lifecycle import CaseState
from clerk.domain.permissions import Action, masked_mail_item
from clerk.domain.views import CaseView, DeadlineKind, NoticeLine
from clerk.identity import check_phone
from clerk.identity.text import ADDRESS_MAX, NOTE_MAX, text_problems
from clerk.store import convert
from clerk.store.materials import save_file
from clerk.store.tables import CaseRow, DeadlineRow, saved_id
from clerk.store.tables_mail import MailItemRow, SupplementRow

if TYPE_CHECKING:
    from sqlmodel import Session

    from clerk.carriers.base import Carrier
    from clerk.domain.scans import MaterialFile
    from clerk.services.cases import CaseService
    from clerk.services.operations import Audited

DESK_STATES = (CaseState.INCOMPLETE, CaseState.TOLERATED)
SUPPLY_STATES = (CaseState.INCOMPLETE, CaseState.TOLERATED, CaseState.CORRECTION)
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def received_mark(line: NoticeLine) -> MaterialMark:
    """The mark of a material from the one-time notice that has now arrived as asked."""
    status = MaterialStatus.ORIGINAL if line.form == "原件" else MaterialStatus.COPY
    return MaterialMark(status, max(line.copies, 1))


def mail_item_view(row: MailItemRow, case_number: str) -> MailItemView:
    return MailItemView(
        id=saved_id(row), case_number=case_number, direction=MailDirection(row.direction),
        status=MailStatus(row.status), contents=row.contents, materials=tuple(row.materials or ()),
        recipient=row.recipient, phone=row.phone, address=row.address, postcode=row.postcode,
        pickup_on=row.pickup_on, pickup_from=row.pickup_from, pickup_to=row.pickup_to,
        waybill=row.waybill, attempts=row.attempts, return_reason=row.return_reason,
        follow_up=row.follow_up, created_at=row.created_at, handed_at=row.handed_at,
        delivered_at=row.delivered_at,
    )


class FallbackDesk:
    """Queue, supplements and pickups of the fallback desk."""

    cases: CaseService
    carrier: Carrier

    # -- the queue ------------------------------------------------------------

    def fallback_queue(self, today: date | None = None, limit: int = 500) -> list[FallbackEntry]:
        """Incomplete and 容缺 cases of every window, oldest first, with the deadline that matters."""
        today = today or self.cases.today()
        query = (select(CaseRow).where(col(CaseRow.state).in_([s.value for s in DESK_STATES]),
                                       col(CaseRow.parent_id).is_(None))
                 .order_by(col(CaseRow.received_at), col(CaseRow.id)).limit(limit))
        with self.cases.store.session(write=False) as session:
            rows = session.execute(query).scalars().all()
            ids = [r.id for r in rows]
            deadlines: dict[int, list[DeadlineRow]] = {}
            if ids:
                found = session.execute(select(DeadlineRow).where(col(DeadlineRow.case_id).in_(ids),
                                                                   col(DeadlineRow.met_at).is_(None)))
                for d in found.scalars():
                    deadlines.setdefault(d.case_id, []).append(d)
            entries = []
            for row in rows:
                marks = convert.marks_from_json(row.marks)
                mine = [d for d in deadlines.get(row.id, []) if d.kind in (DeadlineKind.NOTICE, DeadlineKind.SUPPLY)]
                current = min(mine or deadlines.get(row.id, []), key=lambda d: d.due_on, default=None)
                entries.append(FallbackEntry(
                    number=row.number, name=row.name, state=CaseState(row.state),
                    applicant_name=row.applicant_name, window=row.window, received_at=row.received_at,
                    outstanding=tuple(_outstanding(row, marks)),
                    deadline=self._desk_deadline(today, current) if current else None, version=row.version,
                ))
        return entries

    def _desk_deadline(self, today: date, row: DeadlineRow) -> DeskDeadline:
        left = self.cases.calendar.count_working_days(today, row.due_on)
        return DeskDeadline(DeadlineKind(row.kind), row.due_on, left.days, row.provisional or left.provisional)

    # -- supplements ---------------------------------------------------------------

    def log_supplement(self, user: ClerkUser, window: int, number: str, marks: dict[str, MaterialMark],
                       channel: SupplyChannel, *, reference: str = "", arrived_at: datetime | None = None,
                       tolerate: bool = False, version: int | None = None,
                       files: Mapping[str, MaterialFile] | None = None) -> CaseView:
        """Materials that arrived by ``channel``; the case is accepted once nothing is missing.

        一次告知 holds: a material not on the issued notice can never be asked
        for (``OneTimeNoticeViolation``).  An acceptance queues the 承诺件通知书,
        its completion date counted from now.

        ``files``: the arriving materials' scans (captured at the desk, or an online
        supplement's file), saved with the supplement or not at all (issue 26).
        """
        channel = SupplyChannel(channel)
        refuse_bad_text((reference, "上传编号/邮件号", NOTE_MAX))
        if not marks:
            raise IntakeError(["请勾选收到的材料"])
        if channel is SupplyChannel.ONLINE and not reference.strip():
            raise IntakeError(["网上上传须填写上传编号"])
        if channel is SupplyChannel.EMS and reference.strip():
            check = self.carrier.check_waybill(reference)
            if not check.ok:
                raise IntakeError([f"邮件号：{check.reason}"])
            reference = check.value
        now = self.cases.clock()
        if arrived_at is not None and arrived_at > now:
            raise IntakeError(["材料收到时间不能晚于现在"])

        scans = dict(files or {})

        def mutate(session: Session, row: CaseRow, at: datetime) -> Audited:
            after = self._supplement_in(session, row, at, user, window, marks, channel, reference.strip(),
                                        arrived_at or at, tolerate)
            if scans:
                keys = {entry.material.key for entry in checklist_from_dict(row.checklist).entries}
                wrong = [k for k, f in sorted(scans.items()) if k not in keys or f.material_key != k
                         or not f.intact() or f.pages < 1]
                if wrong:
                    raise IntakeError([f"扫描件“{k}”不是本案件材料清单中的材料或已损坏，无法保存" for k in wrong])
                for file in scans.values():
                    save_file(session, saved_id(row), file, by=user.id, at=at)
                after["files"] = {k: {"pages": f.pages, "sha256": f.sha256, "sm3": f.sm3} for k, f in sorted(scans.items())}
            return after

        return self.cases.transact(user, window, number, version, Action.SUPPLEMENT, "supplement", mutate)

    def _supplement_in(self, session: Session, row: CaseRow, now: datetime, user: ClerkUser, window: int,
                       marks: dict[str, MaterialMark], channel: SupplyChannel, reference: str,
                       arrived_at: datetime, tolerate: bool) -> Audited:
        """The supplement inside the caller's transaction (also used when a pickup arrives)."""
        changed = self.cases.supplement_in(session, row, now, user, window, marks, tolerate)
        arrived = sorted(k for k, m in marks.items() if m.status.received)
        if arrived:
            session.add(SupplementRow(case_id=saved_id(row), materials=arrived, channel=channel.value,
                                      reference=reference, arrived_at=arrived_at, logged_at=now,
                                      logged_by=user.id, window=window))
        return {"materials": changed, "channel": channel.value, "reference": reference}

    def supplements(self, number: str) -> list[SupplementEntry]:
        with self.cases.store.session(write=False) as session:
            row = self.cases.load(session, number)
            found = session.execute(select(SupplementRow).where(col(SupplementRow.case_id) == row.id)
                                    .order_by(col(SupplementRow.id))).scalars()
            return [SupplementEntry(tuple(s.materials), SupplyChannel(s.channel), s.reference, s.arrived_at,
                                    s.logged_by) for s in found]

    # -- EMS pickups of missing materials -------------------------------------------

    def schedule_pickup(self, user: ClerkUser, window: int, number: str, materials: Iterable[str], *,
                        day: date, window_from: str, window_to: str, address: str | None = None,
                        phone: str | None = None, postcode: str | None = None,
                        version: int | None = None) -> MailItemView:
        """Arrange an EMS pickup (政府买单) of materials still owed, at the applicant's."""
        keys = list(dict.fromkeys(materials))
        problems = text_problems((address or "", "揽收地址", ADDRESS_MAX))
        if not keys:
            problems.append("请选择需要揽收的材料")
        if day < self.cases.today():
            problems.append("揽收日期不能早于今天")
        if not (_TIME.match(window_from) and _TIME.match(window_to)) or window_from >= window_to:
            problems.append("揽收时段应为“09:00-11:30”这样的起止时间")
        if phone is not None and not check_phone(phone).ok:
            problems.append(f"联系电话：{check_phone(phone).reason}")
        if problems:
            raise IntakeError(problems)
        made: list[MailItemView] = []

        def mutate(session: Session, row: CaseRow, now: datetime) -> Audited:
            if CaseState(row.state) not in SUPPLY_STATES:
                raise ServiceError(f"案件 {row.number} 当前状态为“{row.state}”，没有需要揽收的材料")
            owed = _owed(row, convert.marks_from_json(row.marks))
            asked = [k for k in keys if k not in owed]
            if asked:
                raise OneTimeNoticeViolation(
                    f"一次告知：{'、'.join(asked)} 不在一次性告知书（或容缺承诺）上，或已收到，不能要求揽收")
            item = MailItemRow(
                case_id=saved_id(row), direction=MailDirection.INBOUND.value, status=MailStatus.QUEUED.value,
                contents="补充材料：" + "、".join(owed[k] for k in keys), materials=keys,
                recipient=row.applicant_name, phone=(phone or row.applicant_phone).strip(),
                address=(address or row.applicant_address).strip(),
                postcode=(postcode if postcode is not None else row.applicant_postcode).strip(),
                pickup_on=day, pickup_from=window_from, pickup_to=window_to, created_by=user.id, created_at=now,
            )
            if not item.address:
                raise IntakeError(["请填写揽收地址"])
            session.add(item)
            session.flush()
            booking = self.carrier.book_pickup(PickupRequest(row.number, item.recipient, item.phone, item.address,
                                                             day, window_from, window_to, item.contents))
            made.append(mail_item_view(item, row.number))
            return {"pickup": item.id, "materials": keys, "day": day.isoformat(),
                    "time": f"{window_from}-{window_to}", "booking": booking}

        self.cases.transact(user, window, number, version, Action.SCHEDULE_PICKUP, "pickup_schedule", mutate)
        return made[0]

    def pickups(self, day: date | None = None) -> list[MailItemView]:
        """The pickups agreed for ``day`` (default today), by time window (masked as in a list)."""
        day = day or self.cases.today()
        return self._mail_query(lambda q: q.where(col(MailItemRow.direction) == MailDirection.INBOUND.value,
                                                  col(MailItemRow.pickup_on) == day)
                                .order_by(col(MailItemRow.pickup_from), col(MailItemRow.id)))

    def _mail_query(self, shape: Any) -> list[MailItemView]:
        """Mail items as lists show them: recipient, phone and address masked (no event).
        The full values are read one item at a time (``open_mail_item``) or as the day's
        manifest (``manifest_csv`` / ``manifest_data``), each an audited view."""
        query = shape(select(MailItemRow, col(CaseRow.number)).join(CaseRow, col(CaseRow.id) == MailItemRow.case_id))
        with self.cases.store.session(write=False) as session:
            return [masked_mail_item(mail_item_view(item, number)) for item, number in session.execute(query)]


def _owed(row: CaseRow, marks: dict[str, MaterialMark]) -> dict[str, str]:
    """Materials the applicant may still be asked for: on the notice (or 容缺), not yet received."""
    names = {e["key"]: e["name"] for e in row.checklist.get("entries", ())}
    owed: dict[str, str] = {}
    for line in row.one_time_notice or ():
        owed[line["key"]] = line["name"]
    for key, mark in marks.items():
        if mark.status is MaterialStatus.TOLERATED:
            owed[key] = names.get(key, key)
    return {k: n for k, n in owed.items() if not marks.get(k, MaterialMark()).status.received}


def _outstanding(row: CaseRow, marks: dict[str, MaterialMark]) -> list[str]:
    return list(_owed(row, marks).values())
