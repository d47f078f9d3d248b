"""``ExchangeService``: hand a case to the hall that decides it, and apply what comes back.

- ``export``: at the hall that took the case in (收件地), the first export of an accepted
  case makes a ``case`` packet for the deciding hall (办理地, ``to``); at the deciding hall,
  an export makes a ``status`` packet of the case's state (受理 / 补正 / 办结 / 不予许可)
  for the hall that took it in.  The packet is recorded (``exchange_packets``, its
  sequence number the next of this hall for the case) and audited (``exchange_export``)
  in the same transaction, and ``deliver`` (writing the file) runs inside it: a packet
  that could not be written is not recorded.
- ``import_packet``: the checks of ``clerk.exchange.packet.read_packet`` (format,
  signature, digests, receiver), then in the transaction replay and order, then the
  packet is applied through the case lifecycle (``case``: a new case at this hall with
  its materials; ``status``: the decision recorded with ``MailRoom.decide_in``, as the
  back office's would be), recorded and audited (``exchange_import``).  Any refusal
  rolls everything back: the store is as it was.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from clerk.catalog.model import Delivery
from clerk.domain.deadlines import local_date
from clerk.domain.errors import PermissionDenied, ServiceError
from clerk.domain.lifecycle import CaseState, TransitionError
from clerk.domain.permissions import Action
from clerk.domain.scans import MaterialFile, sha256_hex, sm3_hex
from clerk.exchange.errors import ExchangeError, PacketRefused
from clerk.exchange.files import materials, notice_key, notices
from clerk.exchange.keys import HallKeyPair, TrustedHall, read_private_key, read_trusted
from clerk.exchange.listing import CrossRegionCase, cross_region_cases
from clerk.exchange.packet import Packet, build_packet, read_packet
from clerk.exchange.payload import (
    DECISION_OF_STATUS,
    HANDED_OVER_STATES,
    STATUS_OF_STATE,
    Status,
    case_body,
    case_columns,
    deadline_columns,
    status_body,
    status_of,
    supplement_marks,
)
from clerk.services.desk import DeskService
from clerk.store.convert import aware
from clerk.store.materials import save_file
from clerk.store.numbering import allocate_number
from clerk.store.tables import CaseRow, DeadlineRow, saved_id
from clerk.store.tables_exchange import ExchangeCaseRow, ExchangePacketRow
from clerk.store.tables_mail import SupplementRow

if TYPE_CHECKING:
    from sqlmodel import Session

    from clerk.config import Settings
    from clerk.domain.accounts import ClerkUser
    from clerk.services.cases import CaseService
    from clerk.services.operations import Audited

OUT, IN = "out", "in"


@dataclass(frozen=True)
class Exported:
    """A packet made: its id, kind, status (``status`` packets), receiver, sequence, files, bytes."""

    packet_id: str
    kind: str
    status: str | None
    receiver: str
    sequence: int
    files: int
    data: bytes


@dataclass(frozen=True)
class Imported:
    """A packet applied: its id, kind, status, sender and this hall's case number."""

    packet_id: str
    kind: str
    status: str | None
    sender: str
    number: str
    state: str


class ExchangeService:
    def __init__(self, cases: CaseService, hall_id: str, hall_name: str, key_file: Path, trusted_keys: Path) -> None:
        if not hall_id:
            raise ExchangeError("本大厅尚未设置跨域通办标识：请在配置文件的 [exchange] 中设置 hall_id")
        self.cases = cases
        self.hall_id = hall_id
        self.hall_name = hall_name
        self.key_file = key_file
        self.trusted_keys = trusted_keys

    @classmethod
    def from_settings(cls, settings: Settings, cases: CaseService) -> ExchangeService:
        return cls(cases, settings.exchange.hall_id, settings.hall.name, settings.exchange_key_file,
                   settings.exchange_trusted_keys)

    def key(self) -> HallKeyPair:
        return read_private_key(self.key_file)

    def trusted(self) -> dict[str, TrustedHall]:
        return read_trusted(self.trusted_keys)

    # -- export -------------------------------------------------------------------------

    def export(self, user: ClerkUser, window: int | None, number: str, *, to: str | None = None,
               deliver: Callable[[Exported], None] = lambda packet: None) -> Exported:
        try:
            return self._export(user, window, number, to, deliver)
        except IntegrityError:
            raise ExchangeError(f"另一窗口刚刚导出了办件 {number.strip().upper()} 的数据包：请查看后再导出") from None

    def _export(self, user: ClerkUser, window: int | None, number: str, to: str | None,
                deliver: Callable[[Exported], None]) -> Exported:
        key = self.key()
        trusted = self.trusted()
        cases = self.cases
        with cases.store.session(write=True) as session:
            account = cases.uow.authorise(session, user, Action.EXCHANGE)
            row = cases.load(session, number)
            if row.is_bundle or row.parent_id is not None:
                raise ExchangeError(f"办件 {row.number} 属于“一件事”：跨域通办按单个事项移交")
            now = cases.clock()
            link = session.execute(select(ExchangeCaseRow).where(
                col(ExchangeCaseRow.case_id) == row.id)).scalar_one_or_none()
            status: Status | None = None
            # A link without any packet: another region's item, its 办理地 named at intake (clerk.catalog).
            named = link is not None and self._last_packet(session, row) is None
            if link is None or named:
                kind = "case"
                link = (self._hand_over_named(row, link, to, trusted) if link is not None
                        else self._hand_over(session, row, to, trusted, now))
                body = case_body(row, self._deadlines(session, row),
                                 {"hall": self.hall_id, "name": self.hall_name}, {"hall": link.deciding_hall})
                files = materials(session, row) + notices(session, row, None)
            elif link.taken_in_hall == self.hall_id:  # after a 补正: what the applicant brought here
                kind, since = "supplement", self._correction_asked(session, row, link)
                supplied = sorted({key for (keys,) in session.execute(select(col(SupplementRow.materials)).where(
                    col(SupplementRow.case_id) == row.id, col(SupplementRow.logged_at) >= since)) for key in keys})
                body = {"marks": {key: row.marks[key] for key in supplied if key in row.marks}, "number": row.number}
                files = materials(session, row, since)
            else:
                kind, status = "status", self._status(session, row, link)
                body = status_body(row, now)
                files = notices(session, row, status)
            receiver = link.taken_in_hall if kind == "status" else link.deciding_hall
            sequence = 1 + int(session.execute(select(func.count()).select_from(ExchangePacketRow).where(
                col(ExchangePacketRow.case_id) == row.id, col(ExchangePacketRow.direction) == OUT)).scalar_one())
            packet_id = str(uuid.uuid4())
            manifest = {"packet_id": packet_id, "sender": self.hall_id, "receiver": receiver, "kind": kind,
                        "sequence": sequence, "created_at": now.isoformat(), "sender_number": row.number,
                        "case_ref": {"hall": link.taken_in_hall, "number": link.ref_number}, kind: body}
            data = build_packet(manifest, files, key)
            session.add(ExchangePacketRow(
                packet_id=packet_id, direction=OUT, sender=self.hall_id, receiver=receiver, case_id=saved_id(row),
                sequence=sequence, kind=kind, status=status.value if status else None,
                manifest_sm3=_manifest_sm3(data), at=now, by=account.id))
            cases.uow.audit(session, account.id, window, "exchange_export", row.number, None, {
                "packet": packet_id, "kind": kind, "status": status.value if status else None, "to": receiver,
                "sequence": sequence, "files": {f.name: sha256_hex(f.data) for f in files}})
            session.flush()  # another window's export of this case at the same moment fails here, before the file
            made = Exported(packet_id, kind, status.value if status else None, receiver, sequence, len(files), data)
            deliver(made)
        return made

    def _hand_over(self, session: Session, row: CaseRow, to: str | None, trusted: dict[str, TrustedHall],
                   now: datetime) -> ExchangeCaseRow:
        if not to:
            raise ExchangeError(f"办件 {row.number} 是本大厅收件的：首次移交须指明办理地大厅（--to 大厅标识）")
        if to == self.hall_id:
            raise ExchangeError("办理地不能是本大厅")
        if to not in trusted:
            raise ExchangeError(f"{to} 不在本大厅的受信任公钥中：先安装对方公钥（clerk exchange trust），"
                                "以便核验对方发回的办理结果")
        if CaseState(row.state) not in HANDED_OVER_STATES:
            raise ExchangeError(f"办件 {row.number} 当前状态为“{row.state}”：只能移交已受理（含容缺受理）的办件")
        link = ExchangeCaseRow(case_id=saved_id(row), taken_in_hall=self.hall_id, deciding_hall=to,
                               ref_number=row.number, created_at=now)
        session.add(link)
        session.flush()
        return link

    def _hand_over_named(self, row: CaseRow, link: ExchangeCaseRow, to: str | None,
                         trusted: dict[str, TrustedHall]) -> ExchangeCaseRow:
        """The first export of a case for another region's item: to the hall the catalog named at
        intake (``--to`` may repeat it, not change it); 收件地 is this hall's id from now on."""
        if link.deciding_hall == self.hall_id:
            raise ExchangeError(f"办件 {row.number} 的办理地是本大厅，无需移交")
        if to and to != link.deciding_hall:
            raise ExchangeError(f"办件 {row.number} 受理时的办理地是 {link.deciding_hall}，不能改为移交 {to}")
        if link.deciding_hall not in trusted:
            raise ExchangeError(f"{link.deciding_hall} 不在本大厅的受信任公钥中：先安装对方公钥（clerk exchange trust），"
                                "以便核验对方发回的办理结果")
        if CaseState(row.state) not in HANDED_OVER_STATES:
            raise ExchangeError(f"办件 {row.number} 当前状态为“{row.state}”：只能移交已受理（含容缺受理）的办件")
        link.taken_in_hall = self.hall_id  # named at intake before [exchange] hall_id was set, perhaps
        return link

    @staticmethod
    def _last_packet(session: Session, row: CaseRow) -> ExchangePacketRow | None:
        query = select(ExchangePacketRow).where(col(ExchangePacketRow.case_id) == row.id)
        return session.execute(query.order_by(col(ExchangePacketRow.id).desc()).limit(1)).scalar_one_or_none()

    def _correction_asked(self, session: Session, row: CaseRow, link: ExchangeCaseRow) -> datetime:
        """When the deciding hall's 补正 was applied here, for a case whose correction has been logged since
        (its new scans are those saved after it); otherwise the case was handed over already."""
        last = self._last_packet(session, row)
        assert last is not None  # the case packet, at least
        if last.direction != IN or last.status != Status.CORRECTION.value \
                or CaseState(row.state) not in HANDED_OVER_STATES:
            raise ExchangeError(f"办件 {row.number} 已移交 {link.deciding_hall}：同一办件不重复移交（对方未收到时请重新"
                                "发送原数据包文件；对方要求补正的，登记申请人补交的材料后再导出）")
        return aware(last.at)

    def _status(self, session: Session, row: CaseRow, link: ExchangeCaseRow) -> Status:
        status = STATUS_OF_STATE.get(CaseState(row.state))
        if status is None:
            raise ExchangeError(f"办件 {row.number} 当前状态为“{row.state}”：没有要发回 {link.taken_in_hall} 的办理状态")
        last = self._last_packet(session, row)  # the same status again, with nothing come in since
        if last is not None and last.direction == OUT and last.status == status.value:
            raise ExchangeError(f"办件 {row.number} 的“{status.value}”已导出过（数据包 {last.packet_id}）："
                                "对方未收到时请重新发送原数据包文件")
        return status

    @staticmethod
    def _deadlines(session: Session, row: CaseRow) -> list[DeadlineRow]:
        query = select(DeadlineRow).where(col(DeadlineRow.case_id) == row.id).order_by(col(DeadlineRow.id))
        return list(session.execute(query).scalars())

    # -- the list -----------------------------------------------------------------------

    def cross_region_cases(self, *, open_only: bool = False) -> list[CrossRegionCase]:
        """This hall's 跨域 cases, by the other hall, then newest first (``open_only``: still owing something)."""
        return cross_region_cases(self.cases.store, self.hall_id, open_only=open_only)

    # -- import -------------------------------------------------------------------------

    def import_packet(self, user: ClerkUser, window: int | None, data: bytes) -> Imported:
        packet = read_packet(data, self.trusted(), self.hall_id)
        try:
            if packet.kind == "case":
                return self._import_case(user, window, packet, data)
            if packet.kind == "supplement":
                return self._import_supplement(user, window, packet, data)
            return self._import_status(user, window, packet, data)
        except IntegrityError:  # the same packet applied by another window meanwhile
            raise PacketRefused("replay", f"数据包 {packet.packet_id} 刚刚已由其他窗口导入") from None
        except (PacketRefused, PermissionDenied):
            raise
        except (TransitionError, ServiceError) as exc:  # the lifecycle refuses the change: said as such
            raise PacketRefused("apply", str(exc)) from None

    def _checks(self, session: Session, packet: Packet, case_id: int | None) -> None:
        """Replay (this packet id applied already), then order (the sender's next number for the case)."""
        seen = session.execute(select(ExchangePacketRow).where(
            col(ExchangePacketRow.packet_id) == packet.packet_id)).scalar_one_or_none()
        if seen is not None:
            at = aware(seen.at).astimezone(self.cases.tz)
            raise PacketRefused("replay", f"数据包 {packet.packet_id} 已于 {at:%Y-%m-%d %H:%M} 由 {seen.by} 导入过")
        last = 0
        if case_id is not None:
            last = int(session.execute(select(func.coalesce(func.max(col(ExchangePacketRow.sequence)), 0)).where(
                col(ExchangePacketRow.case_id) == case_id, col(ExchangePacketRow.direction) == IN,
                col(ExchangePacketRow.sender) == packet.sender)).scalar_one())
        if packet.sequence != last + 1:
            hall, number = packet.case_ref
            raise PacketRefused("order", f"这是 {packet.sender} 关于办件 {number} 的第 {packet.sequence} 个数据包，"
                                         f"本大厅应导入的是第 {last + 1} 个（{'缺少前面的数据包' if packet.sequence > last + 1 else '较早的数据包'}）")

    def _record(self, session: Session, packet: Packet, data: bytes, case_id: int, by: str, status: str | None) -> None:
        session.add(ExchangePacketRow(
            packet_id=packet.packet_id, direction=IN, sender=packet.sender, receiver=packet.receiver, case_id=case_id,
            sequence=packet.sequence, kind=packet.kind, status=status, manifest_sm3=_manifest_sm3(data),
            at=self.cases.clock(), by=by))

    def _link(self, session: Session, packet: Packet) -> ExchangeCaseRow | None:
        hall, number = packet.case_ref
        return session.execute(select(ExchangeCaseRow).where(col(ExchangeCaseRow.taken_in_hall) == hall,
                                                             col(ExchangeCaseRow.ref_number) == number)
                               ).scalar_one_or_none()

    def _import_case(self, user: ClerkUser, window: int | None, packet: Packet, data: bytes) -> Imported:
        body = packet.body()
        hall, ref_number = packet.case_ref
        if hall != packet.sender:
            raise PacketRefused("apply", f"办件 {ref_number} 不是发送方 {packet.sender} 收件的")
        columns, deadlines = case_columns(body), deadline_columns(body)
        cases = self.cases
        with cases.store.session(write=True) as session:
            account = cases.uow.authorise(session, user, Action.EXCHANGE)
            link = self._link(session, packet)
            self._checks(session, packet, link.case_id if link is not None else None)
            if link is not None:
                raise PacketRefused("apply", f"办件 {ref_number} 已导入（本大厅编号 {link.remote_number}）")
            now = cases.clock()
            # The result goes back to the hall that took the case in, which delivers it as the applicant
            # chose (EMS or its window) when it applies the status: here it is mailed to nobody.
            chosen, columns["delivery"] = columns["delivery"], Delivery.PICKUP.value
            row = CaseRow(number=allocate_number(session, local_date(now, cases.tz), cases.hall_code),
                          window=window or 0, clerk_id=account.id, version=1, updated_at=now, **columns)
            session.add(row)
            session.flush()
            for entry in deadlines:
                session.add(DeadlineRow(case_id=saved_id(row), **entry))
            session.flush()
            cases.refresh_due(session, row)
            session.add(row)
            for file in packet.files:
                key = file.key if file.role == "material" else notice_key(file.key, "收件地")
                save_file(session, saved_id(row), MaterialFile.of(key[:64], file.data, file.pages),
                          by=account.id, at=now)
            session.add(ExchangeCaseRow(case_id=saved_id(row), taken_in_hall=packet.sender,
                                        deciding_hall=self.hall_id, ref_number=ref_number,
                                        remote_number=ref_number, created_at=now))
            self._record(session, packet, data, saved_id(row), account.id, None)
            session.flush()
            cases.uow.audit(session, account.id, window, "exchange_import", row.number, None, {
                "packet": packet.packet_id, "kind": "case", "from": packet.sender, "sequence": packet.sequence,
                "remote_number": ref_number, "state": row.state, "code": row.code, "delivery_there": chosen,
                "files": {f.name: {"key": f.key, "sha256": sha256_hex(f.data), "sm3": sm3_hex(f.data)}
                          for f in packet.files}})
            number, state = row.number, row.state
        return Imported(packet.packet_id, "case", None, packet.sender, number, state)

    def _import_supplement(self, user: ClerkUser, window: int | None, packet: Packet, data: bytes) -> Imported:
        """What the applicant brought to the taking-in hall after a 补正: the new marks and scans, applied as a
        supplement (``LifecycleOperations.supplement_in``: the case is accepted again, its promise resumed)."""
        arrived = supplement_marks(packet.body())
        hall, ref_number = packet.case_ref
        with self.cases.store.session(write=False) as session:
            link = self._link(session, packet)
            number = session.get_one(CaseRow, link.case_id).number if link is not None else ""
        if link is None or hall != packet.sender or link.deciding_hall != self.hall_id:
            raise PacketRefused("apply", f"本大厅没有 {packet.sender} 移交来的办件 {ref_number}")

        def mutate(session: Session, row: CaseRow, now: datetime) -> Audited:
            self._checks(session, packet, saved_id(row))
            self._record(session, packet, data, saved_id(row), user.id, None)
            if not arrived:
                raise PacketRefused("apply", "数据包中没有补交的材料")
            keys = {entry["key"] for entry in row.checklist.get("entries", ())}
            for file in packet.files:
                if file.key not in keys:
                    raise PacketRefused("apply", f"扫描件“{file.key}”不是本办件材料清单中的材料")
                save_file(session, saved_id(row), MaterialFile.of(file.key, file.data, file.pages), by=user.id, at=now)
            supplied = self.cases.supplement_in(session, row, now, user, window or 0, arrived, False)
            return {"packet": packet.packet_id, "kind": "supplement", "from": packet.sender,
                    "sequence": packet.sequence, "materials": supplied,
                    "files": {f.name: {"key": f.key, "sha256": sha256_hex(f.data), "sm3": sm3_hex(f.data)}
                              for f in packet.files}}

        view = self.cases.transact(user, window, number, None, Action.EXCHANGE, "exchange_import", mutate)
        return Imported(packet.packet_id, "supplement", None, packet.sender, view.number, view.state.value)

    def _import_status(self, user: ClerkUser, window: int | None, packet: Packet, data: bytes) -> Imported:
        status, text, remote_number = status_of(packet.body())
        hall, ref_number = packet.case_ref
        with self.cases.store.session(write=False) as session:
            link = self._link(session, packet)
        if hall != self.hall_id or link is None or link.deciding_hall != packet.sender:
            raise PacketRefused("apply", f"本大厅没有移交给 {packet.sender} 的办件 {ref_number}")
        desk = DeskService(self.cases)

        def mutate(session: Session, row: CaseRow, now: datetime) -> Audited:
            self._checks(session, packet, saved_id(row))
            found = session.get_one(ExchangeCaseRow, link.id)
            found.remote_number = remote_number
            session.add(found)
            self._record(session, packet, data, saved_id(row), user.id, status.value)
            for file in packet.files:  # the deciding hall's own paper (its decision), kept with the case
                save_file(session, saved_id(row), MaterialFile.of(notice_key(file.key, "办理地"), file.data, file.pages),
                          by=user.id, at=now)
            after: Audited = {"packet": packet.packet_id, "kind": "status", "status": status.value,
                              "from": packet.sender, "sequence": packet.sequence, "remote_number": remote_number,
                              "files": {f.name: {"key": f.key, "sha256": sha256_hex(f.data), "sm3": sm3_hex(f.data)}
                                        for f in packet.files}}
            decision = DECISION_OF_STATUS.get(status)
            if decision is None:  # 受理: the deciding hall accepted what this hall handed over
                if CaseState(row.state) not in HANDED_OVER_STATES:
                    raise PacketRefused("apply", f"办件 {row.number} 在本大厅的状态为“{row.state}”，不能记为对方已受理"
                                                 "（对方曾要求补正的，请先登记申请人补交的材料）")
                return after
            return {**after, **desk.decide_in(session, row, now, user, decision, text).after}

        view = self.cases.transact(user, window, ref_number, None, Action.EXCHANGE, "exchange_import", mutate)
        return Imported(packet.packet_id, "status", status.value, packet.sender, view.number, view.state.value)


def _manifest_sm3(data: bytes) -> str:
    """The SM3 of the manifest inside packet ``data`` (as signed)."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sm3_hex(archive.read("manifest.json"))
