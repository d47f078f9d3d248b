"""The rating at the end of a ticket's visit (一次一评) feeds the 好差评 records.

At the window, once the visit's cases are linked to the ticket
(``TicketService.link_cases``), the applicant rates the service.  It is recorded
like ``DeskService.rate`` (the case's rating, a ``RatingNoteRow``, a follow-up due
for a bad one, the audit event), on each case of the visit, only when:

- the ticket was finished at this window and is done,
- the case is one the ticket's visit produced (``TicketView.case_numbers``),
- within ``RATE_WITHIN_MINUTES`` of the ticket's call (the visit just ended; a
  clerk cannot rate old visits from the window).

The rating is the applicant's; the clerk's case is rated at the clerk's window,
which ``rate_in(at_window=True)`` allows only on this path.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from clerk.domain.accounts import ClerkUser
from clerk.domain.errors import IntakeError, ServiceError, refuse_bad_text
from clerk.domain.permissions import Action
from clerk.domain.queueing import TicketState
from clerk.domain.views import CaseView, Rating
from clerk.identity.text import NOTE_MAX
from clerk.store.tables import saved_id
from clerk.store.tables_mail import RatingNoteRow

if TYPE_CHECKING:
    from sqlmodel import Session

    from clerk.services.cases import CaseService
    from clerk.services.operations import Audited
    from clerk.services.tickets import TicketService
    from clerk.store.tables import CaseRow

#: A visit's rating is taken at its end: not later than this after the ticket was called.
RATE_WITHIN_MINUTES = 240


def rate_visit(cases: CaseService, tickets: TicketService, user: ClerkUser, window: int, ticket_id: int, rating: Rating,
               comment: str = "", *, now: datetime | None = None) -> list[CaseView]:
    """Record the applicant's rating on every case of the ticket's visit; returns the rated cases."""
    rating = Rating(rating)
    comment = comment.strip()
    if rating.is_bad and not comment:
        raise IntakeError(["差评须记录申请人的意见，以便回访整改"])
    refuse_bad_text((comment, "评价意见", NOTE_MAX))
    ticket = tickets.get(ticket_id)
    if ticket.window != window:
        raise ServiceError(f"{ticket.number} 号不是在本窗口办理的，不能在本窗口评价")
    if ticket.state is not TicketState.DONE:
        raise ServiceError(f"{ticket.number} 的接待尚未结束，不能评价")
    if not ticket.case_numbers:
        raise ServiceError(f"{ticket.number} 没有关联的办件，无法登记评价")
    moment = now or tickets.clock()
    if ticket.called_at is not None and moment - ticket.called_at > timedelta(minutes=RATE_WITHIN_MINUTES):
        raise ServiceError(f"{ticket.number} 的接待已结束较久，请在“好差评”中登记")

    rated = []
    for number in ticket.case_numbers:
        def mutate(session: Session, row: CaseRow, at: datetime) -> Audited:
            after = cases.rate_in(session, row, at, user, rating, at_window=True)
            session.add(RatingNoteRow(case_id=saved_id(row), rating=rating.value, comment=comment, rated_by=user.id,
                                      rated_at=at))
            return {**after, "comment": comment, "ticket": ticket.number}

        rated.append(cases.transact(user, window, number, None, Action.RATE, "rate", mutate))
    return rated
