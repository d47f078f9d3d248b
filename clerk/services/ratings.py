"""Ratings (好差评) with the applicant's comment, and the follow-up of bad ones.

The rules are ``CaseService``'s own (``_rate_in`` / ``_resolve_in``, run inside
this call's transaction: not by the clerk who took the case; one rating per
case; 不满意/非常不满意 opens a follow-up (回访整改) due in 15 working days,
closed by a supervisor); this adds the comment and the supervisor's note in
``rating_notes`` in the same transaction, and lets the EMS station rate too.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import col

from clerk.domain.accounts import ClerkUser
from clerk.domain.desk_views import FollowUpEntry
from clerk.domain.errors import IntakeError, refuse_bad_text
from clerk.domain.permissions import Action
from clerk.domain.views import CaseView, DeadlineKind, Rating
from clerk.identity.text import NOTE_MAX
from clerk.store.tables import CaseRow, DeadlineRow, saved_id
from clerk.store.tables_mail import RatingNoteRow

if TYPE_CHECKING:
    from sqlmodel import Session

    from clerk.services.cases import CaseService
    from clerk.services.operations import Audited


class Ratings:
    cases: CaseService

    def rate(self, user: ClerkUser, window: int, number: str, rating: Rating, comment: str = "", *,
             version: int | None = None) -> CaseView:
        """Record the applicant's rating after a visit or a delivery."""
        rating = Rating(rating)
        comment = comment.strip()
        if rating.is_bad and not comment:
            raise IntakeError(["差评须记录申请人的意见，以便回访整改"])
        refuse_bad_text((comment, "评价意见", NOTE_MAX))

        def mutate(session: Session, row: CaseRow, now: datetime) -> Audited:
            after = self.cases.rate_in(session, row, now, user, rating)
            session.add(RatingNoteRow(case_id=saved_id(row), rating=rating.value, comment=comment, rated_by=user.id,
                                      rated_at=now))
            return {**after, "comment": comment}

        # The EMS station rates deliveries too (评价 after a delivery).
        return self.cases.transact(user, window, number, version, Action.RATE, "rate", mutate)

    def resolve_follow_up(self, user: ClerkUser, window: int, number: str, note: str, *,
                          version: int | None = None) -> CaseView:
        """A supervisor closes a bad rating's follow-up with what was rectified (整改情况)."""
        if not note.strip():
            raise IntakeError(["请填写整改情况"])
        refuse_bad_text((note, "整改情况", NOTE_MAX))

        def mutate(session: Session, row: CaseRow, now: datetime) -> Audited:
            after = self.cases.resolve_in(session, row, now, note)
            rated = session.get(RatingNoteRow, row.id)
            if rated is not None:
                rated.follow_up_note, rated.resolved_by, rated.resolved_at = note.strip(), user.id, now
                session.add(rated)
            return after

        return self.cases.transact(user, window, number, version, Action.FOLLOW_UP, "follow_up", mutate)

    def follow_ups(self, *, open_only: bool = True, today: date | None = None) -> list[FollowUpEntry]:
        """Bad ratings' follow-ups, earliest due first."""
        today = today or self.cases.today()
        query = (select(DeadlineRow, CaseRow, RatingNoteRow)
                 .join(CaseRow, col(CaseRow.id) == DeadlineRow.case_id)
                 .outerjoin(RatingNoteRow, col(RatingNoteRow.case_id) == CaseRow.id)
                 .where(col(DeadlineRow.kind) == DeadlineKind.FOLLOW_UP.value)
                 .order_by(col(DeadlineRow.due_on), col(CaseRow.id)))
        if open_only:
            query = query.where(col(DeadlineRow.met_at).is_(None))
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
