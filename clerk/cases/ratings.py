"""Ratings (好差评) with the applicant's comment, and the follow-up of bad ones.

Same rules as ``CaseService.rate`` / ``resolve_follow_up`` (not by the clerk
who took the case; one rating per case; 不满意/非常不满意 opens a follow-up
(回访整改) due in 15 working days, closed by a supervisor), plus the comment
and the supervisor's note stored in ``rating_notes`` in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from clerk.cases.deadlines import FOLLOW_UP_DAYS, local_date, make_deadline
from clerk.cases.desk_views import FollowUpEntry
from clerk.cases.errors import IntakeError, ServiceError
from clerk.cases.lifecycle import CaseState
from clerk.cases.operations import DESK_ROLES, MAIL_ROLES
from clerk.cases.views import CaseView, DeadlineKind, Rating
from clerk.store.accounts import ClerkUser, Role


class Ratings:
    cases: Any

    def rate(self, user: ClerkUser, window: int, number: str, rating: Rating, comment: str = "", *,
             version: int | None = None) -> CaseView:
        """Record the applicant's rating after a visit or a delivery."""
        from clerk.store.tables_mail import RatingNoteRow

        rating = Rating(rating)
        comment = comment.strip()
        if rating.is_bad and not comment:
            raise IntakeError(["差评须记录申请人的意见，以便回访整改"])

        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            cases = self.cases
            if row.clerk_id == user.id:
                raise ServiceError("不能为本人受理的案件登记评价")
            if row.rating:
                raise ServiceError(f"案件 {row.number} 已评价（{row.rating}），不能重复评价")
            if CaseState(row.state) is CaseState.RECEIVED:
                raise ServiceError("案件尚未受理，不能评价")
            row.rating = rating.value
            session.add(RatingNoteRow(case_id=row.id, rating=rating.value, comment=comment, rated_by=user.id,
                                      rated_at=now))
            if rating.is_bad:
                cases._add_deadline(session, row, make_deadline(
                    cases.calendar, DeadlineKind.FOLLOW_UP, local_date(now, cases.tz), FOLLOW_UP_DAYS))
                cases._refresh_due(session, row)
            return {"rating": rating.value, "comment": comment}

        # The EMS station rates deliveries too (评价 after a delivery).
        return self.cases._change(user, window, number, version, DESK_ROLES | MAIL_ROLES, "登记评价", "rate",
                                  mutate)

    def resolve_follow_up(self, user: ClerkUser, window: int, number: str, note: str, *,
                          version: int | None = None) -> CaseView:
        """A supervisor closes a bad rating's follow-up with what was rectified (整改情况)."""
        from clerk.store.tables_mail import RatingNoteRow

        if not note.strip():
            raise IntakeError(["请填写整改情况"])

        def mutate(session: Any, row: Any, now: datetime) -> dict[str, Any]:
            cases = self.cases
            found = cases._deadlines(session, row).get(DeadlineKind.FOLLOW_UP.value)
            if found is None or found.met_at is not None:
                raise ServiceError(f"案件 {row.number} 没有待整改的差评")
            cases._meet(session, row, now, DeadlineKind.FOLLOW_UP)
            cases._refresh_due(session, row)
            rated = session.get(RatingNoteRow, row.id)
            if rated is not None:
                rated.follow_up_note, rated.resolved_by, rated.resolved_at = note.strip(), user.id, now
                session.add(rated)
            return {"follow_up": note.strip()}

        return self.cases._change(user, window, number, version, frozenset({Role.SUPERVISOR}), "办结差评整改",
                                  "follow_up", mutate)

    def follow_ups(self, *, open_only: bool = True, today: date | None = None) -> list[FollowUpEntry]:
        """Bad ratings' follow-ups, earliest due first."""
        from sqlalchemy import select

        from clerk.store.tables import CaseRow, DeadlineRow
        from clerk.store.tables_mail import RatingNoteRow

        today = today or self.cases.today()
        query = (select(DeadlineRow, CaseRow, RatingNoteRow)
                 .join(CaseRow, CaseRow.id == DeadlineRow.case_id)
                 .outerjoin(RatingNoteRow, RatingNoteRow.case_id == CaseRow.id)
                 .where(DeadlineRow.kind == DeadlineKind.FOLLOW_UP.value)
                 .order_by(DeadlineRow.due_on, CaseRow.id))
        if open_only:
            query = query.where(DeadlineRow.met_at.is_(None))
        entries = []
        with self.cases.store.session(write=False) as session:
            for d, case, note in session.execute(query):
                left = self.cases.calendar.count_working_days(today, d.due_on)
                entries.append(FollowUpEntry(
                    number=case.number, name=case.name, rating=Rating(case.rating),
                    comment=note.comment if note else "", rated_at=note.rated_at if note else d.met_at or case.updated_at,
                    due_on=d.due_on, days_left=left.days, provisional=d.provisional or left.provisional,
                    done_at=d.met_at, note=note.follow_up_note if note else "",
                ))
        return entries
