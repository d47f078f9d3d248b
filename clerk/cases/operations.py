"""Lifecycle calls after intake: supplement, decide, mail, pick-up, rate, deadlines.

Each call loads the case, checks role, optimistic version and transition, then
bumps the version with a guarded ``UPDATE … WHERE version = :seen``: the loser
of a race between two windows gets ``ConcurrentUpdate``, and an illegal
transition raises ``TransitionError`` before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from clerk.cases import convert
from clerk.cases.deadlines import FOLLOW_UP_DAYS, local_date, make_deadline, running
from clerk.cases.domain import MaterialMark, MaterialStatus, VerdictState, assess
from clerk.cases.errors import ConcurrentUpdate, IntakeError, OneTimeNoticeViolation, ServiceError, refuse_bad_text
from clerk.identity.text import NOTE_MAX
from clerk.cases.lifecycle import CaseState, check_transition
from clerk.cases.views import CaseView, Deadline, DeadlineKind, Decision, Rating
from clerk.catalog.model import Delivery
from clerk.store.accounts import ClerkUser, Role
from clerk.store.notices import NoticeKind, queue_notice

DESK_ROLES = frozenset({Role.WINDOW, Role.FALLBACK, Role.SUPERVISOR})
MAIL_ROLES = frozenset({Role.MAILROOM, Role.SUPERVISOR})
RESULT_STATES = (CaseState.APPROVED, CaseState.CORRECTION, CaseState.REFUSED)
_DECISION_STATE = {
    Decision.APPROVED: (CaseState.APPROVED, NoticeKind.RESULT_READY),
    Decision.CORRECTION: (CaseState.CORRECTION, NoticeKind.RESULT_CORRECTION),
    Decision.REFUSED: (CaseState.REFUSED, NoticeKind.RESULT_REFUSED),
}

Mutation = Callable[[Any, Any, datetime], "dict[str, Any] | None"]


class LifecycleOperations:
    """Mixed into ``CaseService``; relies on its ``store``, ``clock``, ``_load``, ``_view``, ``_audit``."""

    # -- the one transaction every call goes through ----------------------------

    def _change(self, user: ClerkUser, window: int, number: str, version: int | None,
                roles: frozenset[Role], what: str, action: str, mutate: Mutation) -> CaseView:
        from clerk.cases.service import require_role

        require_role(user, roles, what)
        with self.store.session(write=True) as session:
            row = self._load(session, number)
            self._bump_version(session, row, version)
            before = {"state": row.state, "version": row.version - 1}
            after = mutate(session, row, self.clock()) or {}
            after = {"state": row.state, "version": row.version, **after}
            row.updated_at = self.clock()
            session.add(row)
            session.flush()
            self._audit(session, user.id, window, action, row.number, before, after)
            number = row.number
        return self.get(number)  # read after commit: row and audit-head locks already released

    @staticmethod
    def _bump_version(session: Any, row: Any, seen: int | None) -> None:
        from sqlalchemy import update

        from clerk.store.tables import CaseRow

        expected = row.version if seen is None else seen
        if expected != row.version:
            raise ConcurrentUpdate()
        result = session.execute(
            update(CaseRow).where(CaseRow.id == row.id, CaseRow.version == expected)
            .values(version=expected + 1).execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate()
        row.version = expected + 1

    def _move(self, row: Any, target: CaseState) -> None:
        check_transition(row.number, CaseState(row.state), target)
        row.state = target.value

    def _deadlines(self, session: Any, row: Any) -> dict[str, Any]:
        from sqlalchemy import select

        from clerk.store.tables import DeadlineRow

        return {d.kind: d for (d,) in session.execute(select(DeadlineRow).where(DeadlineRow.case_id == row.id))}

    def _refresh_due(self, session: Any, row: Any) -> None:
        found = [convert.deadline_of(d) for d in self._deadlines(session, row).values()]
        current: Deadline | None = running(found)
        row.due_on = current.due.date if current else None
        row.due_kind = current.kind.value if current else None
        row.due_provisional = current.due.provisional if current else False

    def _meet(self, session: Any, row: Any, at: datetime, *kinds: DeadlineKind) -> None:
        for kind, deadline in self._deadlines(session, row).items():
            if kind in {k.value for k in kinds} and deadline.met_at is None:
                deadline.met_at = at
                session.add(deadline)
        session.flush()

    def _add_deadline(self, session: Any, row: Any, deadline: Deadline) -> None:
        from clerk.store.tables import DeadlineRow

        existing = self._deadlines(session, row).get(deadline.kind.value)
        columns = convert.deadline_columns(deadline)
        if existing is None:
            session.add(DeadlineRow(case_id=row.id, **columns))
        else:
            for key, value in columns.items():
                setattr(existing, key, value)
            session.add(existing)
        session.flush()

    # -- supplements (兜底窗口) ---------------------------------------------------

    def supplement(self, user: ClerkUser, window: int, number: str, marks: dict[str, MaterialMark],
                   *, version: int | None = None, tolerate: bool = False) -> CaseView:
        """Log materials brought later; the case is accepted once nothing is missing.

        一次告知: only materials on the issued one-time notice may be asked for
        again; marking any other material missing is refused.
        """
        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            return {"materials": self._supplement_in(session, row, now, user, window, marks, tolerate)}

        return self._change(user, window, number, version, DESK_ROLES, "登记补充材料", "supplement", mutate)

    def _supplement_in(self, session: Any, row: Any, now: datetime, user: ClerkUser, window: int,
                       marks: dict[str, MaterialMark], tolerate: bool) -> list[str]:
        """The supplement in the caller's transaction (also ``DeskService``'s); the materials changed."""
        state = CaseState(row.state)
        if state not in (CaseState.INCOMPLETE, CaseState.TOLERATED, CaseState.CORRECTION):
            raise ServiceError(f"案件 {row.number} 当前状态为“{state.value}”，无需补充材料")
        if row.parent_id is not None and state is not CaseState.CORRECTION:
            raise ServiceError(f"案件 {row.number} 属于“一件事”，请在主案件上登记补充材料，各分项同步更新")
        changed = self._apply_marks(session, row, marks, now, tolerate)
        for kid in self._children(session, row):
            own = {e["key"] for e in kid.checklist["entries"]}
            part = {k: m for k, m in marks.items() if k in own}
            if part and CaseState(kid.state) in (CaseState.INCOMPLETE, CaseState.TOLERATED):
                self._bump_version(session, kid, None)
                kid_before = kid.state
                self._apply_marks(session, kid, part, now, tolerate)
                kid.updated_at = now
                session.add(kid)
                session.flush()
                self._audit(session, user.id, window, "supplement", kid.number,
                            {"state": kid_before}, {"state": kid.state, "materials": sorted(part)})
        return changed

    def _apply_marks(self, session: Any, row: Any, marks: dict[str, MaterialMark], now: datetime,
                     tolerate: bool) -> list[str]:
        from clerk.catalog import checklist_from_dict

        checklist = checklist_from_dict(row.checklist)
        known = {e.material.key for e in checklist.entries}
        unknown = sorted(set(marks) - known)
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
        current.update(marks)
        row.marks = convert.marks_to_json(current)
        verdict = assess(checklist, current)
        state = CaseState(row.state)
        promised_days = self._promised_days(row)
        if verdict.state is VerdictState.COMPLETE:
            self._move(row, CaseState.ACCEPTED)
            self._meet(session, row, now, DeadlineKind.NOTICE, DeadlineKind.SUPPLY)
            if state is not CaseState.TOLERATED:  # 容缺 was already an acceptance: its promise stands
                self._add_deadline(session, row, make_deadline(self.calendar, DeadlineKind.PROMISED, start,
                                                               promised_days))
                queue_notice(session, row.id, NoticeKind.PROMISED, at=now)
        elif state is CaseState.INCOMPLETE and tolerate and verdict.state is VerdictState.TOLERABLE:
            from clerk.cases.intake import supply_deadline

            self._move(row, CaseState.TOLERATED)
            self._meet(session, row, now, DeadlineKind.NOTICE)
            self._add_deadline(session, row, make_deadline(self.calendar, DeadlineKind.PROMISED, start,
                                                           promised_days))
            self._add_deadline(session, row, supply_deadline(self.calendar, start, promised_days, current, verdict))
            queue_notice(session, row.id, NoticeKind.PROMISED, at=now)
            queue_notice(session, row.id, NoticeKind.COMMITMENT, at=now)
        self._refresh_due(session, row)
        return sorted(marks)

    @staticmethod
    def _children(session: Any, row: Any) -> list[Any]:
        from sqlalchemy import select

        from clerk.store.tables import CaseRow

        if not row.is_bundle:
            return []
        found = session.execute(select(CaseRow).where(CaseRow.parent_id == row.id).order_by(CaseRow.id))
        return [kid for (kid,) in found]

    def _meet_bundle_promise(self, session: Any, child: Any, now: datetime) -> None:
        """Once every item of a bundle is decided, the bundle's promise is kept."""
        from clerk.store.tables import CaseRow

        parent = session.get(CaseRow, child.parent_id)
        waiting = (CaseState.ACCEPTED, CaseState.INCOMPLETE, CaseState.TOLERATED)
        if all(CaseState(kid.state) not in waiting for kid in self._children(session, parent)):
            self._meet(session, parent, now, DeadlineKind.PROMISED)
            self._refresh_due(session, parent)
            session.add(parent)

    def _promised_days(self, row: Any) -> int:
        codes = row.checklist.get("item_codes") or [row.code]
        days = [self.catalog.items[c].promised_days for c in codes if c in self.catalog.items]
        if not days:
            raise ServiceError(f"事项 {row.code} 已不在当前事项目录中，无法计算承诺时限")
        return max(days)

    def reject(self, user: ClerkUser, window: int, number: str, reason: str, *,
               version: int | None = None) -> CaseView:
        """不予受理 after intake (incomplete or 容缺 not supplied)."""
        if not reason.strip():
            raise IntakeError(["不予受理必须填写理由"])
        refuse_bad_text((reason, "不予受理理由", NOTE_MAX))

        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            self._move(row, CaseState.NOT_ACCEPTED)
            row.reason = reason.strip()
            self._meet(session, row, now, *DeadlineKind)
            self._refresh_due(session, row)
            queue_notice(session, row.id, NoticeKind.REJECTION, at=now)
            for kid in self._children(session, row):  # a bundle is not accepted as a whole
                if CaseState(kid.state) in (CaseState.INCOMPLETE, CaseState.TOLERATED):
                    self._bump_version(session, kid, None)
                    before = kid.state
                    self._move(kid, CaseState.NOT_ACCEPTED)
                    kid.reason, kid.updated_at = row.reason, now
                    self._meet(session, kid, now, *DeadlineKind)
                    self._refresh_due(session, kid)
                    session.add(kid)
                    self._audit(session, user.id, window, "reject", kid.number, {"state": before},
                                {"state": kid.state, "reason": kid.reason})
            return {"reason": row.reason}

        return self._change(user, window, number, version, DESK_ROLES, "作出不予受理", "reject", mutate)

    # -- back-office decision and results -------------------------------------

    def decide(self, user: ClerkUser, window: int, number: str, decision: Decision, reason: str = "", *,
               version: int | None = None) -> CaseView:
        target, kind = _DECISION_STATE[decision]
        if decision is not Decision.APPROVED and not reason.strip():
            raise IntakeError(["需补正或不予许可时必须填写理由"])
        refuse_bad_text((reason, "理由", NOTE_MAX))

        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            self._move(row, target)
            row.reason = reason.strip()
            self._meet(session, row, now, DeadlineKind.PROMISED)
            self._refresh_due(session, row)
            queue_notice(session, row.id, kind, at=now)
            if row.parent_id is not None:
                self._meet_bundle_promise(session, row, now)
            return {"decision": decision.value, "reason": row.reason}

        return self._change(user, window, number, version, DESK_ROLES, "登记审批结果", "decide", mutate)

    def queue_mail(self, user: ClerkUser, window: int, number: str, *, version: int | None = None) -> CaseView:
        """Put a decided EMS case on the mailing manifest (no state change yet)."""
        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            self._require_mail(row)
            queue_notice(session, row.id, NoticeKind.MANIFEST, at=now)
            return {"mail": "queued"}

        return self._change(user, window, number, version, MAIL_ROLES, "安排邮寄", "mail_queue", mutate)

    def hand_over(self, user: ClerkUser, window: int, number: str, waybill: str, *,
                  version: int | None = None) -> CaseView:
        """The result is handed to EMS under a waybill number → 已寄出."""
        from clerk.identity import check_waybill

        check = check_waybill(waybill)
        if not check.ok:
            raise IntakeError([f"运单号：{check.reason}"])

        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            if CaseState(row.state) is CaseState.MAILED and row.waybill is None:
                pass  # re-sent after a return (退件重寄)
            else:
                self._require_mail(row)
                self._move(row, CaseState.MAILED)
            row.waybill = check.value
            return {"waybill": check.value}

        return self._change(user, window, number, version, MAIL_ROLES, "交寄邮件", "mail_hand_over", mutate)

    def deliver(self, user: ClerkUser, window: int, number: str, *, version: int | None = None) -> CaseView:
        """EMS confirms delivery → 已办结."""
        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            self._move(row, CaseState.CLOSED)
            return {"mail": "delivered"}

        return self._change(user, window, number, version, MAIL_ROLES, "登记妥投", "mail_deliver", mutate)

    def return_mail(self, user: ClerkUser, window: int, number: str, reason: str, *,
                    version: int | None = None) -> CaseView:
        """EMS returned the item (退件): recorded; the case stays 已寄出 until re-sent."""
        if not reason.strip():
            raise IntakeError(["退件必须填写原因"])
        refuse_bad_text((reason, "退件原因", NOTE_MAX))

        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            if CaseState(row.state) is not CaseState.MAILED:
                raise ServiceError(f"案件 {row.number} 尚未寄出，不能登记退件")
            old, row.waybill = row.waybill, None
            return {"mail": "returned", "waybill": old, "reason": reason.strip()}

        return self._change(user, window, number, version, MAIL_ROLES, "登记退件", "mail_return", mutate)

    def pick_up(self, user: ClerkUser, window: int, number: str, *, version: int | None = None) -> CaseView:
        """The applicant collects the result at the window → 已领取."""
        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            self._move(row, CaseState.PICKED_UP)
            return None

        return self._change(user, window, number, version, DESK_ROLES, "登记领取", "pick_up", mutate)

    def close(self, user: ClerkUser, window: int, number: str, *, version: int | None = None) -> CaseView:
        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            self._move(row, CaseState.CLOSED)
            return None

        return self._change(user, window, number, version, DESK_ROLES | MAIL_ROLES, "办结案件", "close", mutate)

    @staticmethod
    def _require_mail(row: Any) -> None:
        if row.delivery != Delivery.EMS.value:
            raise ServiceError(f"案件 {row.number} 选择的是{row.delivery}，不需要邮寄")
        if CaseState(row.state) not in RESULT_STATES:
            raise ServiceError(f"案件 {row.number} 当前状态为“{row.state}”，还没有可寄送的结果")

    # -- ratings (好差评) -----------------------------------------------------------

    def rate(self, user: ClerkUser, window: int, number: str, rating: Rating, *,
             version: int | None = None) -> CaseView:
        """Record the applicant's rating; a bad one opens a follow-up due in 15 working days."""
        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            return self._rate_in(session, row, now, user, rating)

        return self._change(user, window, number, version, DESK_ROLES, "登记评价", "rate", mutate)

    def _rate_in(self, session: Any, row: Any, now: datetime, user: ClerkUser, rating: Rating) -> dict[str, Any]:
        """The rating inside the caller's transaction (shared with ``DeskService.rate``)."""
        if row.clerk_id == user.id:
            raise ServiceError("不能为本人受理的案件登记评价")
        if row.rating:
            raise ServiceError(f"案件 {row.number} 已评价（{row.rating}），不能重复评价")
        if CaseState(row.state) is CaseState.RECEIVED:
            raise ServiceError("案件尚未受理，不能评价")
        row.rating = rating.value
        if rating.is_bad:
            self._add_deadline(session, row, make_deadline(
                self.calendar, DeadlineKind.FOLLOW_UP, local_date(now, self.tz), FOLLOW_UP_DAYS))
            self._refresh_due(session, row)
        return {"rating": rating.value}

    def resolve_follow_up(self, user: ClerkUser, window: int, number: str, note: str, *,
                          version: int | None = None) -> CaseView:
        """A supervisor closes the follow-up of a bad rating (整改完成)."""
        if not note.strip():
            raise IntakeError(["请填写整改情况"])
        refuse_bad_text((note, "整改情况", NOTE_MAX))

        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            return self._resolve_in(session, row, now, note)

        return self._change(user, window, number, version, {Role.SUPERVISOR}, "办结差评整改", "follow_up", mutate)

    def _resolve_in(self, session: Any, row: Any, now: datetime, note: str) -> dict[str, Any]:
        """Closing a follow-up inside the caller's transaction (shared with ``DeskService``)."""
        found = self._deadlines(session, row).get(DeadlineKind.FOLLOW_UP.value)
        if found is None or found.met_at is not None:
            raise ServiceError(f"案件 {row.number} 没有待整改的差评")
        self._meet(session, row, now, DeadlineKind.FOLLOW_UP)
        self._refresh_due(session, row)
        return {"follow_up": note.strip()}

    def reprint(self, user: ClerkUser, window: int, number: str, kind: NoticeKind) -> CaseView:
        """Queue a reprint of a notice the case already has."""
        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            if not any(n.kind is kind for n in self.notices.for_case(session, row.id, row.number)):
                raise ServiceError(f"案件 {row.number} 没有可补打的“{kind.title}”")
            queue_notice(session, row.id, kind, at=now, is_reprint=True)
            return {"reprint": kind.value}

        return self._change(user, window, number, None, frozenset(Role), "补打通知书", "reprint_queue", mutate)

    # -- deadlines when a year's calendar arrives ------------------------------------

    def recompute_provisional_deadlines(self) -> int:
        """Recompute every provisional deadline with the loaded calendar; returns how many changed."""
        from sqlalchemy import select

        from clerk.cases.deadlines import due_date
        from clerk.store.tables import CaseRow, DeadlineRow

        changed = 0
        with self.store.session(write=True) as session:
            rows = session.execute(select(DeadlineRow).where(DeadlineRow.provisional.is_(True))).scalars().all()
            touched: dict[int, list[dict[str, Any]]] = {}
            for d in rows:
                due = due_date(self.calendar, d.start_on, d.working_days, d.requested_on)
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
                case = session.get(CaseRow, case_id)
                self._refresh_due(session, case)
                session.add(case)
                self._audit(session, "system", None, "deadline_recompute", case.number, None, {"changes": changes})
        return changed
