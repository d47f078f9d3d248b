"""告知承诺制 after the window: the verifications due, their results, revocation (issue 28).

The back office lists what is due (by department, by deadline) and records each result
in one transaction with its audit event:

- 属实: closed;
- 无法核查: closed with the reason;
- 不实: the approval (or acceptance) is revoked — the case moves to 已撤销 and a
  撤销决定书 is queued — and the applicant is entered in the dishonesty list (失信记录)
  with the case and the finding as the reason.  A case that obtained nothing (refused)
  is not revoked; the record is still made.

A window asks ``dishonest_of`` before taking a material on commitment: an applicant
with a record signs no new 告知承诺 (the store refuses it inside the intake transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlmodel import col

from clerk.domain.errors import NotFound, ServiceError, refuse_bad_text
from clerk.domain.lifecycle import CaseState
from clerk.domain.permissions import Action
from clerk.domain.verification import VerificationResult, VerificationState, VerificationView
from clerk.domain.views import DeadlineKind
from clerk.identity import mask_name
from clerk.identity.text import NOTE_MAX
from clerk.store.notices import NoticeKind, queue_notice
from clerk.store.tables import CaseRow, NoticeRow, saved_id
from clerk.store.tables_verification import DishonestRecord, VerificationRow
from clerk.store.verifications import verification_view

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlmodel import Session

    from clerk.domain.accounts import ClerkUser
    from clerk.domain.views import CaseView
    from clerk.services.cases import CaseService
    from clerk.services.operations import Audited

__all__ = ["CommitmentFigures", "DishonestEntry", "VerificationDesk", "VerificationNotFound"]

#: what a revoked case's reason says before the finding
REVOKED_REASON = "告知承诺不实"


class VerificationNotFound(NotFound):
    def __init__(self, ident: int):
        super().__init__(f"未找到核查任务 {ident}")


@dataclass(frozen=True)
class DishonestEntry:
    """A 失信记录 as a window is told of it (the case number and when)."""

    case_number: str
    recorded_at: datetime
    reason: str


@dataclass(frozen=True)
class CommitmentFigures:
    """Commitments of one item (the report's row)."""

    department: str
    item_name: str
    total: int
    drawn: int
    due: int
    overdue: int
    true: int
    false: int
    unverifiable: int


class VerificationDesk:
    def __init__(self, cases: CaseService) -> None:
        self.cases = cases

    def today(self) -> date:
        return self.cases.today()

    # -- lists -----------------------------------------------------------------------

    def _select(self) -> Select[VerificationRow, str, str, str, str]:
        return (select(VerificationRow, col(CaseRow.number), col(CaseRow.name), col(CaseRow.department),
                       col(CaseRow.applicant_name))
                .join(CaseRow, col(CaseRow.id) == VerificationRow.case_id))

    def due(self, user: ClerkUser, *, department: str = "", include_closed: bool = False,
            limit: int = 500) -> list[VerificationView]:
        """Verifications to do, earliest deadline first (the applicant's name masked: a list
        shows no personal data); ``department`` narrows to one; ``include_closed`` also lists
        those recorded and those not drawn."""
        query = self._select()
        if not include_closed:
            query = query.where(col(VerificationRow.state) == VerificationState.DUE.value)
        if department:
            query = query.where(col(CaseRow.department) == department)
        query = query.order_by(col(VerificationRow.due_on), col(VerificationRow.id)).limit(limit)
        with self.cases.uow.begin(user, Action.VIEW_CASE, write=False) as (session, _account):
            return [verification_view(row, number, name, dept, mask_name(applicant))
                    for row, number, name, dept, applicant in session.execute(query)]

    def departments(self, user: ClerkUser) -> list[str]:
        """Departments with verifications due (the list's filter)."""
        query = (select(col(CaseRow.department)).join(VerificationRow, col(VerificationRow.case_id) == CaseRow.id)
                 .where(col(VerificationRow.state) == VerificationState.DUE.value).distinct()
                 .order_by(col(CaseRow.department)))
        with self.cases.uow.begin(user, Action.VIEW_CASE, write=False) as (session, _account):
            return [d for (d,) in session.execute(query)]

    def dishonest_of(self, id_number: str) -> list[DishonestEntry]:
        """The applicant's 失信记录 (newest first): a window says so before a 告知承诺."""
        with self.cases.store.session(write=False) as session:
            return dishonest_entries(session, id_number)

    # -- recording a result ---------------------------------------------------------

    def record(self, user: ClerkUser, window: int | None, verification_id: int, result: VerificationResult | str,
               note: str = "") -> CaseView:
        """Record one verification's result (one transaction, audited); 不实 revokes the case."""
        result = VerificationResult(result)
        note = note.strip()
        refuse_bad_text((note, "核查说明", NOTE_MAX))
        if result is not VerificationResult.TRUE and not note:
            raise ServiceError("核查不实或无法核查时必须填写核查情况说明")
        with self.cases.store.session(write=False) as session:
            found = session.execute(
                select(col(CaseRow.number)).join(VerificationRow, col(VerificationRow.case_id) == CaseRow.id)
                .where(col(VerificationRow.id) == verification_id)).scalar_one_or_none()
        if found is None:
            raise VerificationNotFound(verification_id)

        def mutate(session: Session, row: CaseRow, now: datetime) -> Audited:
            task = session.get(VerificationRow, verification_id)
            if task is None or task.case_id != row.id:
                raise VerificationNotFound(verification_id)
            state = VerificationState(task.state)
            if state not in (VerificationState.DUE, VerificationState.NOT_DRAWN):
                raise ServiceError(f"核查任务 {verification_id}（{task.name}）已登记为“{state.value}”，不能重复登记")
            task.state, task.note, task.decided_at, task.decided_by = result.value, note, now, user.id
            session.add(task)
            after: Audited = {"verification": verification_id, "material": task.material_key,
                              "result": result.value, "note": note}
            if result is VerificationResult.FALSE:
                after.update(self._false(session, row, task, now, user))
            return after

        return self.cases.transact(user, window, found, None, Action.VERIFY, "verify", mutate)

    def _false(self, session: Session, row: CaseRow, task: VerificationRow, now: datetime,
               user: ClerkUser) -> Audited:
        """A false commitment: the dishonesty record, the revocation and its notice."""
        record = DishonestRecord(
            applicant_kind=row.applicant_kind, applicant_id_number=row.applicant_id_number,
            applicant_name=row.applicant_name, case_id=saved_id(row), verification_id=task.id or 0,
            reason=f"{task.name}：{task.note}", recorded_at=now, recorded_by=user.id)
        session.add(record)
        done: Audited = {}
        if self._obtained_something(session, row):
            self.cases.move(row, CaseState.REVOKED)
            row.reason = f"{REVOKED_REASON}：{task.note}"
            self.cases.meet_and_refresh(session, row, now, *DeadlineKind)
            queue_notice(session, saved_id(row), NoticeKind.REVOCATION, at=now)
            done["revoked"] = True
            # the case's other commitments need no verifying any more
            for other in session.execute(select(VerificationRow).where(
                    col(VerificationRow.case_id) == row.id, col(VerificationRow.id) != task.id,
                    col(VerificationRow.state).in_([VerificationState.DUE.value,
                                                    VerificationState.NOT_DRAWN.value]))).scalars():
                other.state, other.note = VerificationState.UNVERIFIABLE.value, "案件已撤销，无需核查"
                other.decided_at, other.decided_by = now, user.id
                session.add(other)
        session.flush()
        done["dishonest"] = record.id
        return done

    @staticmethod
    def _obtained_something(session: Session, row: CaseRow) -> bool:
        """Whether the case got an acceptance or approval to revoke (not a refusal, not already revoked)."""
        state = CaseState(row.state)
        if state in (CaseState.REFUSED, CaseState.NOT_ACCEPTED, CaseState.REVOKED):
            return False
        if state is CaseState.CLOSED:  # closed after a refusal: nothing was granted
            refused = session.execute(select(func.count()).select_from(NoticeRow).where(
                col(NoticeRow.case_id) == row.id, col(NoticeRow.kind) == NoticeKind.RESULT_REFUSED.value)).scalar_one()
            return not refused
        return True

    # -- figures --------------------------------------------------------------------

    def figures(self, user: ClerkUser, *, start: date | None = None, end: date | None = None) -> list[CommitmentFigures]:
        """Commitments per department and item taken in from ``start`` to ``end`` (local dates,
        inclusive): how many, drawn, due, overdue, 属实, 不实, 无法核查."""
        today = self.today()
        query = self._select()
        tz = self.cases.tz
        if start is not None:
            query = query.where(col(VerificationRow.created_at) >= datetime.combine(start, datetime.min.time(), tz))
        if end is not None:
            query = query.where(col(VerificationRow.created_at) < datetime.combine(
                end, datetime.max.time(), tz))
        rows: dict[tuple[str, str], dict[str, int]] = {}
        with self.cases.uow.begin(user, Action.VIEW_CASE, write=False) as (session, _account):
            for task, _number, name, dept, _applicant in session.execute(query):
                counts = rows.setdefault((dept, name), dict.fromkeys(
                    ("total", "drawn", "due", "overdue", "true", "false", "unverifiable"), 0))
                state = VerificationState(task.state)
                counts["total"] += 1
                counts["drawn"] += state is not VerificationState.NOT_DRAWN
                counts["due"] += state is VerificationState.DUE
                counts["overdue"] += state is VerificationState.DUE and task.due_on < today
                counts["true"] += state is VerificationState.TRUE
                counts["false"] += state is VerificationState.FALSE
                counts["unverifiable"] += state is VerificationState.UNVERIFIABLE
        return [CommitmentFigures(dept, name, **counts) for (dept, name), counts in sorted(rows.items())]


def dishonest_entries(session: Session, id_number: str) -> list[DishonestEntry]:
    if not id_number:
        return []
    query = (select(col(CaseRow.number), col(DishonestRecord.recorded_at), col(DishonestRecord.reason))
             .join(CaseRow, col(CaseRow.id) == DishonestRecord.case_id)
             .where(col(DishonestRecord.applicant_id_number) == id_number)
             .order_by(col(DishonestRecord.recorded_at).desc()))
    return [DishonestEntry(number, at, reason) for number, at, reason in session.execute(query)]
