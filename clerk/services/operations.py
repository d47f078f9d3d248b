"""Lifecycle calls after intake: supplement, decide, mail, pick-up, rate, deadlines.

Each call loads the case, checks role, optimistic version and transition, then
bumps the version with a guarded ``UPDATE … WHERE version = :seen``: the loser
of a race between two windows gets ``ConcurrentUpdate``, and an illegal
transition raises ``TransitionError`` before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlmodel import col

from clerk.catalog import checklist_from_dict
from clerk.catalog.model import Delivery, LimitUnit
from clerk.domain.accounts import ClerkUser, Role
from clerk.domain.deadlines import (
    FOLLOW_UP_DAYS,
    due_date,
    latest_limit,
    local_date,
    make_deadline,
    resume_after_correction,
    running,
)
from clerk.domain.errors import ConcurrentUpdate, IntakeError, OneTimeNoticeViolation, ServiceError, refuse_bad_text
from clerk.domain.intake import MaterialMark, MaterialStatus, VerdictState, assess
from clerk.domain.lifecycle import CaseState, check_transition
from clerk.domain.permissions import (  # noqa: F401 - the roles re-exported
    DESK_ROLES,
    MAIL_ROLES,
    MAY,
    Action,
    Sight,
    case_sight,
    case_view_for,
    check_separation,
)
from clerk.domain.plan import supply_deadline
from clerk.domain.views import CaseView, Deadline, DeadlineKind, Decision, Rating
from clerk.identity.text import NOTE_MAX
from clerk.store import convert
from clerk.store.audited import KEYS
from clerk.store.notices import NoticeKind, queue_notice
from clerk.store.tables import CaseRow, DeadlineRow, saved_id
from clerk.store.tables_mail import MailItemRow

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy import CursorResult
    from sqlmodel import Session

    from clerk.calendar import WorkCalendar
    from clerk.catalog.catalog import Catalog
    from clerk.catalog.model import TimeLimit
    from clerk.services.unit import UnitOfWork
    from clerk.store.engine import Store
    from clerk.store.notices import NoticeQueue

RESULT_STATES = (CaseState.APPROVED, CaseState.CORRECTION, CaseState.REFUSED)

#: what a change does to the locked case row; returns what the audit event adds
Mutation = Callable[["Session", "CaseRow", datetime], "dict[str, object] | None"]
#: JSON-plain values of an audit event
Audited = dict[str, object]


class LifecycleOperations:
    """Mixed into ``CaseService``; relies on its ``store``, ``clock``, ``uow``, ``load``, ``_audit``.

    ``transact`` and the public helpers below (``move``, ``meet``, ``deadlines_of``,
    ``refresh_due``, ``supplement_in``, ``rate_in`` …) are what the desk services
    (``clerk.services.desk``) build their use cases from, inside ``transact``.
    """

    store: Store
    catalog: Catalog
    calendar: WorkCalendar
    clock: Callable[[], datetime]
    tz: ZoneInfo
    notices: NoticeQueue
    uow: UnitOfWork
    get: Callable[[str], CaseView]
    load: Callable[[Session, str], CaseRow]
    _audit: Callable[[Session, str, int | None, str, str | None, Audited | None, Audited | None], None]

    # -- the one transaction every call goes through ----------------------------

    def transact(self, user: ClerkUser, window: int | None, number: str, version: int | None,
                 permission: Action, action: str, mutate: Mutation) -> CaseView:
        """The one unit of work every case change goes through (every service calls it).

        In one transaction: re-read the acting account (unknown or deactivated:
        refused), check its stored role against the domain's table and the
        separation of duties, check the optimistic version, ``mutate``, append
        the audit event, commit.  A refusal raises before anything is written.

        The case comes back as the acting account may see it (``reader_sight``: the
        mail room gets the ID number and phone masked, on any case); when anything in
        it is unmasked, a ``view`` event follows the change's event in the same
        transaction (every unmasked read is an audited view).
        """
        with self.store.session(write=True) as session:
            account = self.uow.authorise(session, user, permission)
            row = self.load(session, number)
            check_separation(account, permission, row.clerk_id, row.number)
            self.bump_version(session, row, version)
            before = {"state": row.state, "version": row.version - 1}
            after = mutate(session, row, self.clock()) or {}
            after = {"state": row.state, "version": row.version, **after}
            row.updated_at = self.clock()
            session.add(row)
            session.flush()
            self._audit(session, account.id, window, action, row.number, before, after)
            sight = self.reader_sight(session, account, row)
            if sight.unmasked:
                self._audit(session, account.id, window, "view", row.number, None, {"sight": sight.value})
            number = row.number
        # read after commit: row and audit-head locks already released
        return case_view_for(self.get(number), sight if sight is not Sight.NONE else Sight.MASKED)

    @staticmethod
    def reader_sight(session: Session, account: ClerkUser, row: CaseRow) -> Sight:
        """How much of ``row``'s applicant ``account`` sees, the case being in hand (named by its
        number): ``clerk.domain.permissions.case_sight``, with "mails it" read from the store."""
        mails_it = account.role is Role.MAILROOM and session.execute(
            select(col(MailItemRow.id)).where(col(MailItemRow.case_id) == row.id).limit(1)).first() is not None
        return case_sight(account.role, in_hand=True, mails_it=mails_it)

    @staticmethod
    def bump_version(session: Session, row: CaseRow, seen: int | None) -> None:
        expected = row.version if seen is None else seen
        if expected != row.version:
            raise ConcurrentUpdate()
        # An UPDATE gives a CursorResult; Session.execute is typed to give a Result.
        # The WHERE is the key: the audit hook is told it, reads nothing.
        result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(CaseRow).where(col(CaseRow.id) == row.id, col(CaseRow.version) == expected)
            .values(version=expected + 1).execution_options(synchronize_session=False, **{KEYS: [(row.id,)]})
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate()
        row.version = expected + 1

    def move(self, row: CaseRow, target: CaseState) -> None:
        check_transition(row.number, CaseState(row.state), target)
        row.state = target.value

    def deadlines_of(self, session: Session, row: CaseRow) -> dict[str, DeadlineRow]:
        return {d.kind: d for (d,) in session.execute(select(DeadlineRow).where(col(DeadlineRow.case_id) == row.id))}

    def refresh_due(self, session: Session, row: CaseRow, deadlines: dict[str, DeadlineRow] | None = None) -> None:
        """``row.due_*`` from its earliest unmet deadline (``deadlines``: as just read by ``meet``)."""
        if deadlines is None:
            deadlines = self.deadlines_of(session, row)
        found = [convert.deadline_of(d) for d in deadlines.values()]
        current: Deadline | None = running(found)
        row.due_on = current.due.date if current else None
        row.due_kind = current.kind.value if current else None
        row.due_provisional = current.due.provisional if current else False

    def meet(self, session: Session, row: CaseRow, at: datetime, *kinds: DeadlineKind) -> dict[str, DeadlineRow]:
        """Mark ``kinds`` met at ``at``; the case's deadlines (pass them on to ``refresh_due``)."""
        deadlines = self.deadlines_of(session, row)
        for kind, deadline in deadlines.items():
            if kind in {k.value for k in kinds} and deadline.met_at is None:
                deadline.met_at = at
                session.add(deadline)
        session.flush()
        return deadlines

    def meet_and_refresh(self, session: Session, row: CaseRow, at: datetime, *kinds: DeadlineKind) -> None:
        """``meet`` then ``refresh_due`` on one read of the deadlines."""
        self.refresh_due(session, row, self.meet(session, row, at, *kinds))

    def add_deadline(self, session: Session, row: CaseRow, deadline: Deadline,
                     deadlines: dict[str, DeadlineRow] | None = None) -> dict[str, DeadlineRow]:
        """Add or replace one deadline; the case's deadlines after it (``deadlines``: as read
        already in this transaction, by ``meet`` or an earlier ``add_deadline``)."""
        if deadlines is None:
            deadlines = self.deadlines_of(session, row)
        existing = deadlines.get(deadline.kind.value)
        columns = convert.deadline_columns(deadline)
        if existing is None:
            existing = deadlines[deadline.kind.value] = DeadlineRow(case_id=saved_id(row), **columns)
        else:
            for key, value in columns.items():
                setattr(existing, key, value)
        session.add(existing)
        session.flush()
        return deadlines

    # -- supplements (兜底窗口; the use case is ``DeskService.log_supplement``) -------

    def supplement_in(self, session: Session, row: CaseRow, now: datetime, user: ClerkUser, window: int,
                       marks: dict[str, MaterialMark], tolerate: bool) -> list[str]:
        """The supplement in the caller's transaction (also ``DeskService``'s); the materials changed."""
        state = CaseState(row.state)
        if state not in (CaseState.INCOMPLETE, CaseState.TOLERATED, CaseState.CORRECTION):
            raise ServiceError(f"案件 {row.number} 当前状态为“{state.value}”，无需补充材料")
        if row.parent_id is not None and state is not CaseState.CORRECTION:
            raise ServiceError(f"案件 {row.number} 属于“一件事”，请在主案件上登记补充材料，各分项同步更新")
        changed = self._apply_marks(session, row, marks, now, tolerate)
        for kid in self.children_of(session, row):
            own = {e["key"] for e in kid.checklist["entries"]}
            part = {k: m for k, m in marks.items() if k in own}
            if part and CaseState(kid.state) in (CaseState.INCOMPLETE, CaseState.TOLERATED):
                self.bump_version(session, kid, None)
                kid_before = kid.state
                self._apply_marks(session, kid, part, now, tolerate)
                kid.updated_at = now
                session.add(kid)
                session.flush()
                self._audit(session, user.id, window, "supplement", kid.number,
                            {"state": kid_before}, {"state": kid.state, "materials": sorted(part)})
        return changed

    def _apply_marks(self, session: Session, row: CaseRow, marks: dict[str, MaterialMark], now: datetime,
                     tolerate: bool) -> list[str]:
        checklist = checklist_from_dict(row.checklist)
        listed = {e.material.key for e in checklist.entries}
        unknown = sorted(set(marks) - listed)
        if unknown:
            raise IntakeError([f"材料 {k} 不在本案件的材料清单上" for k in unknown])
        current = convert.marks_from_json(row.marks)
        # 一次告知: what the applicant was told they owe — the one-time notice, or
        # for 容缺 the materials on the signed commitment — is all that may be asked.
        if row.one_time_notice is not None:
            owed, paper = {line["key"] for line in row.one_time_notice}, "一次性告知书"
        elif CaseState(row.state) is CaseState.TOLERATED:
            owed = {k for k, m in current.items() if m.status is MaterialStatus.TOLERATED}
            paper = "容缺受理承诺书"
        else:
            owed, paper = None, ""
        asked = [k for k, m in marks.items()
                 if m.status in (MaterialStatus.MISSING, MaterialStatus.TOLERATED, MaterialStatus.PENDING)]
        if owed is not None and set(asked) - owed:
            names = "、".join(e.material.name for e in checklist.entries if e.material.key in set(asked) - owed)
            raise OneTimeNoticeViolation(f"一次告知：“{names}”不在已出具的{paper}上，不得再要求申请人补充")
        start = local_date(now, self.tz)
        early = [k for k, m in marks.items()
                 if m.status is MaterialStatus.TOLERATED and m.supply_by is not None and m.supply_by <= start]
        if early:
            raise IntakeError([f"容缺材料的补齐日期 {marks[k].supply_by:%Y-%m-%d} 必须晚于今天" for k in early])
        # A 容缺 material that arrives keeps the date it was promised by: it stays on the signed
        # commitment, which a 补打 reproduces as signed.
        current.update({k: replace(m, supply_by=current[k].supply_by) if m.status.received and m.supply_by is None
                        and k in current and current[k].status is MaterialStatus.TOLERATED else m
                        for k, m in marks.items()})
        row.marks = convert.marks_to_json(current)
        verdict = assess(checklist, current)
        state = CaseState(row.state)
        promised_days = self.promised_limit(row, start)
        known: dict[str, DeadlineRow] | None = None  # the deadlines, once read: read once per supplement
        if verdict.state is VerdictState.COMPLETE:
            self.move(row, CaseState.ACCEPTED)
            known = self.meet(session, row, now, DeadlineKind.NOTICE, DeadlineKind.SUPPLY)
            stopped = known.get(DeadlineKind.PROMISED.value)
            if state is CaseState.CORRECTION and stopped is not None and stopped.met_at is not None:
                known = self.resume_promise(session, row, now, stopped, known)
                queue_notice(session, saved_id(row), NoticeKind.PROMISED, at=now)
            elif state is not CaseState.TOLERATED:  # 容缺 was already an acceptance: its promise stands
                known = self.add_deadline(session, row, make_deadline(self.calendar, DeadlineKind.PROMISED, start,
                                                                       promised_days), known)
                queue_notice(session, saved_id(row), NoticeKind.PROMISED, at=now)
        elif state is CaseState.INCOMPLETE and tolerate and verdict.state is VerdictState.TOLERABLE:
            self.move(row, CaseState.TOLERATED)
            known = self.meet(session, row, now, DeadlineKind.NOTICE)
            known = self.add_deadline(session, row, make_deadline(self.calendar, DeadlineKind.PROMISED, start,
                                                                   promised_days), known)
            known = self.add_deadline(session, row, supply_deadline(self.calendar, start, promised_days, current,
                                                                    verdict), known)
            queue_notice(session, saved_id(row), NoticeKind.PROMISED, at=now)
            queue_notice(session, saved_id(row), NoticeKind.COMMITMENT, at=now)
        self.refresh_due(session, row, known)
        return sorted(marks)

    def resume_promise(self, session: Session, row: CaseRow, now: datetime, stopped: DeadlineRow,
                       known: dict[str, DeadlineRow]) -> dict[str, DeadlineRow]:
        """The correction arrived: the promise, stopped when the correction was asked for (its
        ``met_at``), runs again, moved on by the days the case waited; a bundle's too, for its item
        (clerk.domain.deadlines.resume_after_correction)."""
        resumed_on = local_date(now, self.tz)
        assert stopped.met_at is not None
        decided_on = local_date(stopped.met_at if stopped.met_at.tzinfo else stopped.met_at.replace(tzinfo=UTC),
                                self.tz)
        moved, _ = resume_after_correction(self.calendar, convert.deadline_of(stopped), decided_on, resumed_on)
        known = self.add_deadline(session, row, moved, known)
        if row.parent_id is not None:
            parent = session.get_one(CaseRow, row.parent_id)
            theirs = self.deadlines_of(session, parent)
            bundle = theirs.get(DeadlineKind.PROMISED.value)
            if bundle is not None and bundle.met_at is None:
                moved, _ = resume_after_correction(self.calendar, convert.deadline_of(bundle), decided_on, resumed_on)
                self.refresh_due(session, parent, self.add_deadline(session, parent, moved, theirs))
                session.add(parent)
        return known

    @staticmethod
    def children_of(session: Session, row: CaseRow) -> list[CaseRow]:
        if not row.is_bundle:
            return []
        found = session.execute(select(CaseRow).where(col(CaseRow.parent_id) == row.id).order_by(col(CaseRow.id)))
        return [kid for (kid,) in found]

    def meet_bundle_promise(self, session: Session, child: CaseRow, now: datetime) -> None:
        """Once every item of a bundle is decided, the bundle's promise is kept."""
        parent = session.get_one(CaseRow, child.parent_id)
        waiting = (CaseState.ACCEPTED, CaseState.INCOMPLETE, CaseState.TOLERATED, CaseState.CORRECTION)
        if all(CaseState(kid.state) not in waiting for kid in self.children_of(session, parent)):
            self.meet_and_refresh(session, parent, now, DeadlineKind.PROMISED)
            session.add(parent)

    def promised_limit(self, row: CaseRow, start: date) -> TimeLimit:
        """The case's promised limit in its unit (a bundle: the item limit ending last)."""
        codes = row.checklist.get("item_codes") or [row.code]
        limits = [self.catalog.items[c].promised for c in codes if c in self.catalog.items]
        if not limits:
            raise ServiceError(f"事项 {row.code} 已不在当前事项目录中，无法计算承诺时限")
        return latest_limit(self.calendar, start, limits)

    def reject(self, user: ClerkUser, window: int, number: str, reason: str, *,
               version: int | None = None) -> CaseView:
        """不予受理 after intake (incomplete or 容缺 not supplied)."""
        if not reason.strip():
            raise IntakeError(["不予受理必须填写理由"])
        refuse_bad_text((reason, "不予受理理由", NOTE_MAX))

        def mutate(session: Session, row: CaseRow, now: datetime) -> Audited | None:
            self.move(row, CaseState.NOT_ACCEPTED)
            row.reason = reason.strip()
            self.meet_and_refresh(session, row, now, *DeadlineKind)
            queue_notice(session, saved_id(row), NoticeKind.REJECTION, at=now)
            for kid in self.children_of(session, row):  # a bundle is not accepted as a whole
                if CaseState(kid.state) in (CaseState.INCOMPLETE, CaseState.TOLERATED):
                    self.bump_version(session, kid, None)
                    before = kid.state
                    self.move(kid, CaseState.NOT_ACCEPTED)
                    kid.reason, kid.updated_at = row.reason, now
                    self.meet_and_refresh(session, kid, now, *DeadlineKind)
                    session.add(kid)
                    self._audit(session, user.id, window, "reject", kid.number, {"state": before},
                                {"state": kid.state, "reason": kid.reason})
            return {"reason": row.reason}

        return self.transact(user, window, number, version, Action.REJECT, "reject", mutate)

    # -- results at the window (decisions: ``DeskService.record_decision``) ----

    def pick_up(self, user: ClerkUser, window: int, number: str, *, version: int | None = None) -> CaseView:
        """The applicant collects the result at the window → 已领取."""
        def mutate(session: Session, row: CaseRow, now: datetime) -> Audited | None:
            self.move(row, CaseState.PICKED_UP)
            return None

        return self.transact(user, window, number, version, Action.COLLECT, "pick_up", mutate)

    def close(self, user: ClerkUser, window: int, number: str, *, version: int | None = None) -> CaseView:
        def mutate(session: Session, row: CaseRow, now: datetime) -> Audited | None:
            self.move(row, CaseState.CLOSED)
            return None

        return self.transact(user, window, number, version, Action.CLOSE, "close", mutate)

    @staticmethod
    def require_mail(row: CaseRow) -> None:
        if row.delivery != Delivery.EMS.value:
            raise ServiceError(f"案件 {row.number} 选择的是{row.delivery}，不需要邮寄")
        if CaseState(row.state) not in RESULT_STATES:
            raise ServiceError(f"案件 {row.number} 当前状态为“{row.state}”，还没有可寄送的结果")

    # -- ratings (好差评; the use cases are ``DeskService.rate`` / ``resolve_follow_up``) --

    def rate_in(self, session: Session, row: CaseRow, now: datetime, user: ClerkUser, rating: Rating, *,
                at_window: bool = False) -> Audited:
        """The rating inside the caller's transaction (shared with ``DeskService.rate``).

        ``at_window``: the applicant's own rating at the end of the ticket's visit, given at the
        window that served them (clerk.services.visit_rating checks the ticket); the clerk did
        not type it, so the rule against rating one's own case does not apply."""
        if row.clerk_id == user.id and not at_window:
            raise ServiceError("不能为本人受理的案件登记评价")
        if row.rating:
            raise ServiceError(f"案件 {row.number} 已评价（{row.rating}），不能重复评价")
        if CaseState(row.state) is CaseState.RECEIVED:
            raise ServiceError("案件尚未受理，不能评价")
        row.rating = rating.value
        if rating.is_bad:
            self.add_deadline(session, row, make_deadline(
                self.calendar, DeadlineKind.FOLLOW_UP, local_date(now, self.tz), FOLLOW_UP_DAYS))
            self.refresh_due(session, row)
        return {"rating": rating.value}

    def resolve_in(self, session: Session, row: CaseRow, now: datetime, note: str) -> Audited:
        """Closing a follow-up inside the caller's transaction (shared with ``DeskService``)."""
        found = self.deadlines_of(session, row).get(DeadlineKind.FOLLOW_UP.value)
        if found is None or found.met_at is not None:
            raise ServiceError(f"案件 {row.number} 没有待整改的差评")
        self.meet_and_refresh(session, row, now, DeadlineKind.FOLLOW_UP)
        return {"follow_up": note.strip()}

    def reprint(self, user: ClerkUser, window: int, number: str, kind: NoticeKind) -> CaseView:
        """Queue a reprint of a notice the case already has."""
        def mutate(session: Session, row: CaseRow, now: datetime) -> Audited | None:
            if not any(n.kind is kind for n in self.notices.for_case(session, saved_id(row), row.number)):
                raise ServiceError(f"案件 {row.number} 没有可补打的“{kind.title}”")
            queue_notice(session, saved_id(row), kind, at=now, is_reprint=True)
            return {"reprint": kind.value}

        return self.transact(user, window, number, None, Action.REPRINT, "reprint_queue", mutate)

    # -- deadlines when a year's calendar arrives ------------------------------------

    def recompute_provisional_deadlines(self) -> int:
        """Recompute every provisional deadline with the loaded calendar; returns how many changed."""
        changed = 0
        with self.store.session(write=True) as session:
            rows = session.execute(select(DeadlineRow).where(col(DeadlineRow.provisional).is_(True))).scalars().all()
            touched: dict[int, list[Audited]] = {}
            for d in rows:
                unit = LimitUnit(d.unit) if d.unit else LimitUnit.WORKING_DAYS
                due = due_date(self.calendar, d.start_on, d.working_days, d.requested_on, unit)
                if due.date == d.due_on and due.provisional == d.provisional:
                    continue
                touched.setdefault(d.case_id, []).append(
                    {"kind": d.kind, "from": d.due_on.isoformat(), "to": due.date.isoformat(),
                     "provisional": due.provisional})
                d.due_on, d.provisional = due.date, due.provisional
                d.missing_years = ",".join(str(y) for y in due.missing_years)
                session.add(d)
                changed += 1
            session.flush()
            for case_id, changes in touched.items():
                case = session.get_one(CaseRow, case_id)
                self.refresh_due(session, case)
                session.add(case)
                self._audit(session, "system", None, "deadline_recompute", case.number, None, {"changes": changes})
        return changed
