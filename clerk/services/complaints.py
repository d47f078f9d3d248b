"""The complaint desk service: one call = one transaction, frozen views back.

首问负责: the person who logs a complaint owns it until it is closed; a hand-off
to a department records who handles it now but does not change the owner.
Only the owner (or a supervisor) may hand off, reply and record the return
visit.  The answer limit is counted in working days from the local date the
complaint is logged (that day not counted); a 0-day category ("forward at
once") is due the same day and is answered by its first hand-off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select, text, update
from sqlmodel import col

from clerk.calendar import DueDate, WorkCalendar
from clerk.complaint_categories import Category, categories_for
from clerk.domain.accounts import ClerkUser, Role
from clerk.domain.clock import now_utc
from clerk.domain.complaints import ComplaintState, ComplaintStep, ComplaintView, StepAction
from clerk.domain.errors import ConcurrentUpdate, IntakeError, PermissionDenied, ServiceError, refuse_bad_text
from clerk.domain.permissions import Action
from clerk.identity import check_phone, mask_phone
from clerk.identity.text import NAME_MAX, NOTE_MAX, SUMMARY_MAX, text_problems
from clerk.services.unit import UnitOfWork
from clerk.store.audit import append_event
from clerk.store.engine import Store
from clerk.store.tables import saved_id
from clerk.store.tables_complaints import ComplaintRow, ComplaintStepRow

if TYPE_CHECKING:
    from sqlmodel import Session

    from clerk.config import Settings

_COUNTER_SUFFIX = "T"  # complaint serials share case_counters under hall code + "T"


class ComplaintNotFound(ServiceError, LookupError):
    def __init__(self, number: str) -> None:
        super().__init__(f"没有找到诉求 {number}")


class ComplaintError(ServiceError):
    """An action the complaint's state does not allow (message in Chinese)."""


class ComplaintDesk:
    def __init__(self, store: Store, calendar: WorkCalendar, categories: Mapping[str, Category],
                 clock: Callable[[], datetime] = now_utc, *, hall_code: str = "SF",
                 timezone: str = "Asia/Shanghai") -> None:
        self.store, self.calendar, self.categories = store, calendar, dict(categories)
        self.clock, self.hall_code, self.tz = clock, hall_code, ZoneInfo(timezone)
        self.uow = UnitOfWork(store, lambda: self.clock())

    @classmethod
    def from_settings(cls, settings: Settings, *, store: Store | None = None,
                      calendar: WorkCalendar | None = None) -> ComplaintDesk:
        return cls(store or Store.from_settings(settings), calendar or WorkCalendar.load(settings.calendar_dir),
                   categories_for(settings), hall_code=settings.hall.code, timezone=settings.timezone)

    def today(self) -> date:
        return self.clock().astimezone(self.tz).date()

    def due_for(self, category: str, logged_on: date) -> DueDate:
        """The answer deadline of ``category`` for a complaint logged on ``logged_on``."""
        cat = self._category(category)
        if cat.forward_at_once:
            return DueDate(logged_on, False, ())
        return self.calendar.add_working_days(logged_on, cat.days)

    # -- calls ---------------------------------------------------------------
    def log(self, user: ClerkUser, window: int | None, category: str, summary: str, *,
            applicant_name: str = "", applicant_phone: str = "", case_number: str | None = None) -> ComplaintView:
        """Log a complaint or request; ``user`` owns it (首问负责)."""
        cat = self._category(category)
        problems = []
        if not summary.strip():
            problems.append("请填写诉求内容")
        problems.extend(text_problems((summary, "诉求内容", SUMMARY_MAX), (applicant_name, "诉求人", NAME_MAX),
                                      (case_number or "", "受理编号", NAME_MAX)))
        if applicant_phone.strip():
            check = check_phone(applicant_phone)
            if not check.ok:
                problems.append(f"联系电话：{check.reason}")
        if problems:
            raise IntakeError(problems)
        now = self.clock()
        logged_on = now.astimezone(self.tz).date()
        due = self.due_for(cat.name, logged_on)
        with self.store.session(write=True) as session:
            user = self.uow.authorise(session, user, Action.COMPLAINT)  # the account as stored, before anything
            hall = f"{self.hall_code}{_COUNTER_SUFFIX}"[:8]
            serial = session.execute(
                text("INSERT INTO case_counters (day, hall, last) VALUES (:day, :hall, 1) "
                     "ON CONFLICT (day, hall) DO UPDATE SET last = case_counters.last + 1 RETURNING last"),
                {"day": f"{logged_on:%Y%m%d}", "hall": hall}).scalar_one()
            row = ComplaintRow(
                number=f"{logged_on:%Y%m%d}-{self.hall_code}-T{serial:03d}", category=cat.name,
                working_days=cat.days, summary=summary.strip(), applicant_name=applicant_name.strip(),
                applicant_phone=applicant_phone.strip(), case_number=(case_number or "").strip().upper() or None,
                owner_id=user.id, owner_name=user.name, window=window, state=ComplaintState.LOGGED.value,
                logged_at=now, due_on=due.date, due_provisional=due.provisional, version=1, updated_at=now,
            )
            session.add(row)
            session.flush()
            self._step(session, row, user, StepAction.LOG, note=cat.limit_text)
            return self._view(session, row)

    def hand_off(self, user: ClerkUser, number: str, department: str, note: str = "", *,
                 version: int | None = None) -> ComplaintView:
        """Forward to a department (转办); the owner stays the first person asked."""
        if not department.strip():
            raise IntakeError(["请填写承办部门"])
        refuse_bad_text((department, "承办部门", NAME_MAX), (note, "转办说明", NOTE_MAX))

        def change(session: Session, row: ComplaintRow, now: datetime) -> None:
            if ComplaintState(row.state) is not ComplaintState.LOGGED and row.state != ComplaintState.HANDED_OFF:
                raise ComplaintError(f"诉求 {row.number} 已答复，不能再转办")
            row.department, row.state = department.strip(), ComplaintState.HANDED_OFF.value
            if row.working_days == 0 and row.answered_at is None:
                row.answered_at = now  # "forward at once" is met by forwarding
            self._step(session, row, user, StepAction.HAND_OFF, department=row.department, note=note)

        return self._change(user, number, version, "转办诉求", change)

    def reply(self, user: ClerkUser, number: str, text: str, *, version: int | None = None) -> ComplaintView:
        """The answer given to the applicant (答复)."""
        if not text.strip():
            raise IntakeError(["请填写答复内容"])
        refuse_bad_text((text, "答复内容", SUMMARY_MAX))

        def change(session: Session, row: ComplaintRow, now: datetime) -> None:
            if not ComplaintState(row.state).is_open or row.state == ComplaintState.ANSWERED:
                raise ComplaintError(f"诉求 {row.number} 已答复")
            row.reply, row.state = text.strip(), ComplaintState.ANSWERED.value
            row.answered_at = row.answered_at or now
            self._step(session, row, user, StepAction.REPLY, note=row.reply)

        return self._change(user, number, version, "答复诉求", change)

    def return_visit(self, user: ClerkUser, number: str, note: str, satisfied: bool, *,
                     version: int | None = None) -> ComplaintView:
        """The return visit (回访) after the answer; closes the complaint."""
        if not note.strip():
            raise IntakeError(["请填写回访情况"])
        refuse_bad_text((note, "回访情况", NOTE_MAX))

        def change(session: Session, row: ComplaintRow, now: datetime) -> None:
            if ComplaintState(row.state) is not ComplaintState.ANSWERED:
                raise ComplaintError(f"诉求 {row.number} 尚未答复，不能回访")
            row.visit_note, row.visit_satisfied = note.strip(), satisfied
            row.state, row.closed_at = ComplaintState.CLOSED.value, now
            self._step(session, row, user, StepAction.VISIT, note=f"{'满意' if satisfied else '不满意'}：{note.strip()}")

        return self._change(user, number, version, "登记回访", change)

    def get(self, number: str) -> ComplaintView:
        with self.store.session(write=False) as session:
            return self._view(session, self._load(session, number))

    def open_complaints(self, limit: int = 200, *, user: ClerkUser | None = None) -> list[ComplaintView]:
        """Open complaints, earliest due first (no step history; phones masked).

        With ``user`` (the complaints screen), the reader's stored account and role
        are checked first (the administrator manages accounts, not applicants).
        """
        query = (select(ComplaintRow).where(col(ComplaintRow.state) != ComplaintState.CLOSED.value)
                 .order_by(col(ComplaintRow.due_on), col(ComplaintRow.id)).limit(limit))
        with self.store.session(write=False) as session:
            if user is not None:
                self.uow.authorise(session, user, Action.COMPLAINT)
            return [_view_of(row) for row in session.execute(query).scalars()]

    def overdue(self, today: date | None = None) -> list[ComplaintView]:
        today = today or self.today()
        return [c for c in self.open_complaints(1000) if c.overdue_on(today)]

    # -- helpers ---------------------------------------------------------------
    def _category(self, name: str) -> Category:
        try:
            return self.categories[name]
        except KeyError:
            names = "、".join(self.categories)
            raise IntakeError([f"未知的诉求类别“{name}”，可选：{names}"]) from None

    def _change(self, user: ClerkUser, number: str, version: int | None, action: str,
                change: Callable[[Session, ComplaintRow, datetime], None]) -> ComplaintView:
        now = self.clock()
        with self.store.session(write=True) as session:
            user = self.uow.authorise(session, user, Action.COMPLAINT)
            row = self._load(session, number)
            if user.id != row.owner_id and user.role is not Role.SUPERVISOR:
                raise PermissionDenied(f"首问负责：诉求 {row.number} 由 {row.owner_name} 负责，{user.name}无权{action}")
            seen = row.version if version is None else version
            bumped = session.execute(  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
                update(ComplaintRow).where(col(ComplaintRow.id) == row.id, col(ComplaintRow.version) == seen)
                .values(version=seen + 1)).rowcount
            if bumped != 1:
                raise ConcurrentUpdate()
            session.refresh(row)
            change(session, row, now)
            row.updated_at = now
            session.add(row)
            session.flush()
            return self._view(session, row)

    def _step(self, session: Session, row: ComplaintRow, user: ClerkUser, action: StepAction, *, department: str = "",
              note: str = "") -> None:
        at = self.clock()
        session.add(ComplaintStepRow(complaint_id=saved_id(row), at=at, actor=user.id, action=action.value,
                                     department=department, note=note))
        append_event(session, at=at, actor=user.id, window=row.window, action=f"complaint_{action.name.lower()}",
                     case_number=row.number, before=None,
                     after={"state": row.state, "department": department, "category": row.category})

    @staticmethod
    def _load(session: Session, number: str) -> ComplaintRow:
        key = number.strip().upper()
        row: ComplaintRow | None = session.execute(
            select(ComplaintRow).where(col(ComplaintRow.number) == key)).scalar_one_or_none()
        if row is None:
            raise ComplaintNotFound(number.strip())
        return row

    @staticmethod
    def _view(session: Session, row: ComplaintRow) -> ComplaintView:
        steps = session.execute(select(ComplaintStepRow).where(col(ComplaintStepRow.complaint_id) == row.id)
                                .order_by(col(ComplaintStepRow.id))).scalars()
        return _view_of(row, tuple(ComplaintStep(s.at, s.actor, StepAction(s.action), s.department, s.note)
                                   for s in steps))


def _view_of(row: ComplaintRow, steps: tuple[ComplaintStep, ...] = ()) -> ComplaintView:
    return ComplaintView(
        number=row.number, category=row.category, working_days=row.working_days, summary=row.summary,
        applicant_name=row.applicant_name,
        applicant_phone_masked=mask_phone(row.applicant_phone) if row.applicant_phone else "",
        case_number=row.case_number, owner_id=row.owner_id, owner_name=row.owner_name, window=row.window,
        department=row.department, state=ComplaintState(row.state), logged_at=row.logged_at, due_on=row.due_on,
        due_provisional=row.due_provisional, answered_at=row.answered_at, reply=row.reply,
        visit_note=row.visit_note, visit_satisfied=row.visit_satisfied, version=row.version, steps=steps,
    )
