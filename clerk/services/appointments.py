"""Appointments (预约; docs/tickets.md).

Slots are per queue and half-day (上午 / 下午) with the queue's
``appointment_slots`` capacity.  Booked by phone or at a window (``add``), or
imported from the online channel's CSV (``import_csv``: every problem reported
as ``FILE:LINE: message`` and nothing written unless the whole file is good).
Check-in at the kiosk by code or ID number within the slot, give or take
``appointment_grace_minutes``, turns the booking into a PENDING priority ticket
(``Priority.APPOINTMENT``) in the same transaction; the kiosk prints it
(``clerk.integration.tickets.check_in_and_print``); a failed print voids the
ticket and the booking stands again.  ``mark_no_shows`` records the bookings
whose slot (and grace) passed without a check-in.

The acting ``user`` is role-checked (window, fallback desk, supervisor);
``None`` is the command line run by the hall's administrator (actor ``cli``).
Appointments hold name, ID number and phone: the table is tracked by the audit
chain and lists show them masked.
"""

from __future__ import annotations

import builtins
import csv
import io
import re
import secrets
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlmodel import col

from clerk.characters import refusal
from clerk.domain.errors import ServiceError
from clerk.domain.permissions import Action
from clerk.domain.queueing import (
    HALVES,
    AppointmentState,
    AppointmentView,
    Priority,
    QueueSpec,
    TicketError,
    TicketView,
    slot_bounds,
)
from clerk.identity import check_phone, check_resident_id, mask_id, mask_phone
from clerk.identity.check import normalise
from clerk.identity.text import PERSON_NAME_MAX
from clerk.services.hallday import HallDay
from clerk.services.tickets import TicketService
from clerk.store.engine import Store
from clerk.store.tables_tickets import AppointmentRow as R
from clerk.store.tables_tickets import TicketRow

if TYPE_CHECKING:
    from sqlmodel import Session

    from clerk.config import Settings
    from clerk.domain.accounts import ClerkUser
    from clerk.store.tables_tickets import AppointmentRow

__all__ = ["AppointmentError", "AppointmentService", "CSV_COLUMNS"]

#: CSV header names (Chinese, as the online channel exports them; English aliases accepted)
CSV_COLUMNS = {
    "预约号": "code", "code": "code",
    "队列": "queue", "queue": "queue",
    "日期": "day", "day": "day", "date": "day",
    "时段": "half", "half": "half",
    "姓名": "name", "name": "name",
    "身份证号": "id_number", "身份证号码": "id_number", "id_number": "id_number",
    "手机号": "phone", "电话": "phone", "phone": "phone",
}
_REQUIRED = ("queue", "day", "half", "name", "id_number")
_CODE = re.compile(r"[A-Z0-9]{4,16}")
_ACTIVE = (AppointmentState.BOOKED.value, AppointmentState.CHECKED_IN.value)


class AppointmentError(ServiceError):
    """An appointment request refused, or a CSV file with problems (``problems``: one line each)."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        self.problems = problems
        super().__init__(message)


@dataclass(frozen=True)
class _Booking:
    code: str
    queue: str
    day: date
    half: str
    name: str
    id_number: str
    phone: str


def _records(reader: Any) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """Each record of ``reader`` with the file line it starts on (a quoted field may span lines);
    a record that cannot be parsed ends the file with its ``csv.Error``."""
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, exc
            return
        yield start, values


class AppointmentService(HallDay):

    @classmethod
    def from_settings(cls, settings: Settings, *, store: Store | None = None) -> AppointmentService:
        return cls(store or Store.from_settings(settings), settings)

    # -- checks ------------------------------------------------------------------------------------
    def _check(self, queue: str, day: Any, half: str, name: str, id_number: str, phone: str,
               code: str = "") -> _Booking:
        """A checked booking, or ``AppointmentError`` naming the first problem (Chinese)."""
        for label, value in (("队列", queue), ("日期", day), ("时段", half), ("姓名", name), ("身份证号", id_number),
                             ("电话", phone), ("预约号", code)):
            # the one text rule first, so that no later message repeats a hidden character
            if isinstance(value, str) and (refused := refusal(label, value, PERSON_NAME_MAX)) is not None:
                raise AppointmentError(refused)
        prefix = (queue or "").strip().upper()
        spec = self.queues.get(prefix) or next((q for q in self.queues.values() if q.name == queue.strip()), None)
        if spec is None:
            raise AppointmentError(f"没有队列“{queue}”（可选：{'、'.join(self.queues)}）")
        if spec.appointment_slots <= 0:
            raise AppointmentError(f"{spec.name}（{spec.prefix}）不接受预约")
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day.strip())
            except ValueError:
                raise AppointmentError(f"日期“{day}”应为 YYYY-MM-DD") from None
        if day < self.today():
            raise AppointmentError(f"日期 {day.isoformat()} 已过")
        half = (half or "").strip()
        if half not in HALVES:
            raise AppointmentError(f"时段“{half}”应为“上午”或“下午”")
        if day == self.today() and self.clock() > self._slot_window(spec, day, half)[1]:
            raise AppointmentError(f"今天{half}的预约时段已过，请预约其他时段")
        name = " ".join((name or "").split())  # LF and U+0085 were refused above, not turned into blanks
        if not name:
            raise AppointmentError(f"姓名应为 1 至 {PERSON_NAME_MAX} 个字符")
        checked = check_resident_id(id_number or "", today=self.today())
        if not checked.ok:
            raise AppointmentError(f"身份证号码无效：{checked.reason}")
        phone_text = ""
        if phone and phone.strip():
            phone_check = check_phone(phone)
            if not phone_check.ok:
                raise AppointmentError(f"电话号码无效：{phone_check.reason}")
            phone_text = phone_check.value
        code = (code or "").strip().upper()
        if code and not _CODE.fullmatch(code):
            raise AppointmentError(f"预约号“{code[:20]}”应为 4 至 16 位字母或数字")
        return _Booking(code, spec.prefix, day, half, name, checked.value, phone_text)

    def _authorise(self, session: Session, user: ClerkUser | None) -> str:
        if user is None:
            return "cli"
        return self.uow.authorise(session, user, Action.APPOINTMENT).id

    def _insert(self, session: Session, booking: _Booking, actor: str, source: str, now: datetime,
                booked: dict[tuple[str, date, str], int]) -> AppointmentRow:
        spec = self.queues[booking.queue]
        slot = (booking.queue, booking.day, booking.half)
        if not self.store.is_sqlite:
            # Two windows booking the last place (or the same person twice) at once: one at a time
            # per queue and day, so the capacity and the one-booking-per-day checks see each other.
            key = zlib.crc32(f"appointments|{booking.queue}|{booking.day.isoformat()}".encode())
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        if slot not in booked:
            booked[slot] = len(session.execute(select(col(R.id)).where(
                col(R.queue) == booking.queue, col(R.day) == booking.day, col(R.half) == booking.half,
                col(R.state).in_(_ACTIVE))).all())
        if booked[slot] >= spec.appointment_slots:
            raise AppointmentError(f"{booking.day.isoformat()} {booking.half} {spec.name} 的预约已满"
                                   f"（{spec.appointment_slots} 个）")
        twin = session.execute(select(col(R.code)).where(
            col(R.id_number) == booking.id_number, col(R.day) == booking.day, col(R.queue) == booking.queue,
            col(R.state).in_(_ACTIVE))).scalar_one_or_none()
        if twin is not None:
            raise AppointmentError(f"此身份证号当天已有{spec.name}的预约（预约号 {twin}）")
        code = booking.code
        if code:
            if session.execute(select(col(R.id)).where(col(R.code) == code)).first() is not None:
                raise AppointmentError(f"预约号 {code} 已存在")
        else:
            while True:
                code = f"{booking.day:%m%d}{secrets.randbelow(10**4):04d}"
                if session.execute(select(col(R.id)).where(col(R.code) == code)).first() is None:
                    break
        row = R(code=code, queue=booking.queue, day=booking.day, half=booking.half, name=booking.name,
                id_number=booking.id_number, phone=booking.phone, state=AppointmentState.BOOKED.value,
                source=source, created_at=now, created_by=actor, updated_at=now)
        session.add(row)
        session.flush()
        booked[slot] += 1
        return row

    def _view(self, session: Session, row: AppointmentRow) -> AppointmentView:
        spec = self.queues.get(row.queue)
        ticket = session.get(TicketRow, row.ticket_id) if row.ticket_id else None
        return AppointmentView(row.code, row.queue, spec.name if spec else row.queue, row.day, row.half, row.name,
                               mask_id(row.id_number), mask_phone(row.phone) if row.phone else "",
                               AppointmentState(row.state), row.source, ticket.number if ticket else "")

    # -- use cases ---------------------------------------------------------------------------------
    def add(self, user: ClerkUser | None, queue: str, day: Any, half: str, name: str, id_number: str, phone: str = "", *,
            source: str = "窗口", code: str = "") -> AppointmentView:
        """Book a slot (by phone or at a window); refuses a full slot or a second booking of the day."""
        booking = self._check(queue, day, half, name, id_number, phone, code)
        now = self.clock()
        with self.store.session() as session:
            actor = self._authorise(session, user)
            row = self._insert(session, booking, actor, source, now, {})
            self.uow.audit(session, actor, None, "预约", None, None, {"appointment": row.code})
            return self._view(session, row)

    def list(self, day: date, queue: str | None = None) -> list[AppointmentView]:
        """The appointments of ``day`` (ID and phone masked), by queue, half and code."""
        with self.store.session(write=False) as session:
            query = select(R).where(col(R.day) == day)
            if queue:
                query = query.where(col(R.queue) == queue.strip().upper())
            rows = session.execute(query.order_by(col(R.queue), col(R.half).desc(), col(R.code))).scalars().all()
            # 上午 sorts after 下午 by code point; order by HALVES instead
            rows = sorted(rows, key=lambda r: (r.queue, HALVES.index(r.half) if r.half in HALVES else 2, r.code))
            return [self._view(session, r) for r in rows]

    def cancel(self, user: ClerkUser | None, code: str) -> AppointmentView:
        code = (code or "").strip().upper()
        with self.store.session() as session:
            actor = self._authorise(session, user)
            row = session.execute(select(R).where(col(R.code) == code)).scalar_one_or_none()
            if row is None:
                raise AppointmentError(f"预约号 {code} 不存在")
            if row.state != AppointmentState.BOOKED.value:
                raise AppointmentError(f"预约 {code} 的状态是“{AppointmentState(row.state).label}”，不能取消")
            row.state, row.updated_at = AppointmentState.CANCELLED.value, self.clock()
            session.add(row)
            self.uow.audit(session, actor, None, "取消预约", None, {"appointment": code}, None)
            session.flush()
            return self._view(session, row)

    def import_csv(self, path: Path | str, *, user: ClerkUser | None = None,
                   source: str = "网上") -> builtins.list[AppointmentView]:
        """Import the online channel's bookings; all or nothing, problems as ``FILE:LINE: message``."""
        path = Path(path)
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise AppointmentError(f"{path}: 不是 UTF-8 编码的 CSV 文件") from None
        except OSError as exc:
            raise AppointmentError(f"{path}: 无法读取（{exc.strerror or exc}）") from None
        # csv.reader over the text itself: a quoted field may hold a line break (refused below,
        # reported at the line its record starts on); U+0085 and U+2028 are data, not line ends.
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise AppointmentError(f"{path}:1: 无法读取表头（{exc}）") from None
        if not header:
            raise AppointmentError(f"{path}:1: 文件为空，应有表头：{'、'.join(('预约号', '队列', '日期', '时段', '姓名', '身份证号', '手机号'))}")
        columns = [CSV_COLUMNS.get(h.strip().lower() if h.strip().isascii() else h.strip()) for h in header]
        missing = [k for k in _REQUIRED if k not in columns]
        if missing:
            names = {"queue": "队列", "day": "日期", "half": "时段", "name": "姓名", "id_number": "身份证号"}
            raise AppointmentError(f"{path}:1: 缺少列 {'、'.join(names[k] for k in missing)}")
        problems: list[str] = []
        bookings: list[tuple[int, _Booking]] = []
        seen_codes: dict[str, int] = {}
        for line, values in _records(reader):
            if isinstance(values, csv.Error):
                problems.append(f"{path}:{line}: 无法读取此行（{values}）")
                break
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                problems.append(f"{path}:{line}: 应有 {len(header)} 列，实有 {len(values)} 列")
                continue
            record = {k: v for k, v in zip(columns, values, strict=True) if k}
            try:
                booking = self._check(record["queue"], record["day"], record["half"], record["name"],
                                      record["id_number"], record.get("phone", ""), record.get("code", ""))
            except AppointmentError as exc:
                problems.append(f"{path}:{line}: {exc}")
                continue
            if booking.code and booking.code in seen_codes:
                problems.append(f"{path}:{line}: 预约号 {booking.code} 与第 {seen_codes[booking.code]} 行重复")
                continue
            if booking.code:
                seen_codes[booking.code] = line
            bookings.append((line, booking))
        now = self.clock()
        with self.store.session() as session:  # the good rows are tried too: every problem at once
            actor = self._authorise(session, user)
            booked: dict[tuple[str, date, str], int] = {}
            rows = []
            for line, booking in bookings:
                try:
                    rows.append(self._insert(session, booking, actor, source, now, booked))
                except AppointmentError as exc:
                    problems.append(f"{path}:{line}: {exc}")
            if problems:  # raised inside the transaction: nothing is written
                problems.sort(key=lambda p: int(p[len(str(path)) + 1:].split(":", 1)[0]))
                raise AppointmentError(f"{path}: 有 {len(problems)} 处问题，未导入任何预约", tuple(problems))
            self.uow.audit(session, actor, None, "导入预约", None, None,
                           {"file": path.name, "appointments": len(rows)})
            return [self._view(session, r) for r in rows]

    def _slot_window(self, spec: QueueSpec, day: date, half: str) -> tuple[datetime, datetime]:
        start, end = slot_bounds(spec, half)
        grace = timedelta(minutes=self.settings.appointment_grace_minutes)

        def at(hhmm: str) -> datetime:
            return datetime.combine(day, time.fromisoformat(hhmm), self.tz)

        return at(start) - grace, at(end) + grace

    def check_in(self, code_or_id_number: str, now: datetime | None = None) -> TicketView:
        """Check in at the kiosk: a PENDING priority ticket for the booking (print it, then count it)."""
        now = now or self.clock()
        today = self.today(now)
        text = normalise(code_or_id_number or "")
        if not text:
            raise TicketError("请输入预约号或身份证号")
        tickets = TicketService(self.store, self.settings, None, self.clock)
        with self.store.session() as session:
            if len(text) == 18:
                rows = session.execute(select(R).where(col(R.id_number) == text, col(R.day) == today)).scalars().all()
                if not rows:
                    raise TicketError("没有此身份证号今天的预约，请取普通号")
                row = next((r for r in rows if r.state == AppointmentState.BOOKED.value), rows[0])
                label = "此身份证号的预约"
            else:
                row = session.execute(select(R).where(col(R.code) == text)).scalar_one_or_none()
                if row is None:
                    raise TicketError(f"预约号 {text[:16]} 不存在，请核对后重新输入")
                label = f"预约号 {row.code}"
                if row.day != today:
                    raise TicketError(f"{label} 是 {row.day.isoformat()} {row.half}的预约，不是今天的，请按预约日期前来")
            state = AppointmentState(row.state)
            if state is AppointmentState.CHECKED_IN:
                raise TicketError(f"{label} 已签到，请留意叫号")
            if state is not AppointmentState.BOOKED:
                raise TicketError(f"{label} {state.label}，请取普通号")
            spec = self.queues.get(row.queue)
            if spec is None:
                raise TicketError(f"{label} 的队列 {row.queue} 已不再开设，请咨询引导台")
            opens, closes = self._slot_window(spec, row.day, row.half)
            if now < opens:
                raise TicketError(f"{label} 是{row.half}的预约，请于 {opens.astimezone(self.tz):%H:%M} 后签到")
            if now > closes:
                raise TicketError(f"{label} 已超过预约时段（{row.half}，含 {self.settings.appointment_grace_minutes} 分钟宽限），请取普通号")
            ticket = tickets.take_in(session, spec, now, row.id_number, Priority.APPOINTMENT, row.code)
            row.state, row.ticket_id, row.updated_at = AppointmentState.CHECKED_IN.value, ticket.id, now
            session.add(row)
            session.flush()
            return tickets.view_in(session, ticket, now)

    def mark_no_shows(self, now: datetime | None = None) -> int:
        """Record as no-shows the bookings whose slot and grace passed; returns how many."""
        now = now or self.clock()
        count = 0
        with self.store.session() as session:
            rows = session.execute(select(R).where(col(R.state) == AppointmentState.BOOKED.value,
                                                   col(R.day) <= self.today(now))).scalars().all()
            for row in rows:
                spec = self.queues.get(row.queue)
                ends = self._slot_window(spec, row.day, row.half)[1] if spec else datetime.combine(
                    row.day, time(23, 59), self.tz)
                if now > ends:
                    row.state, row.updated_at = AppointmentState.NO_SHOW.value, now
                    session.add(row)
                    count += 1
            if count:
                self.uow.audit(session, "system", None, "预约爽约", None, None, {"appointments": count})
        return count
