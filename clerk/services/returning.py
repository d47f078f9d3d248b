"""Returning applicants: the details of an earlier case, offered for a new visit.

A checked ID number or credit code that matches an earlier case lets the
window take the applicant's name, phone and address with one key instead of
typing them again.  Showing them is a view of personal data, so every look-up
that finds someone is an audit event (action ``view``).

Kept as one small function over a ``CaseService`` so the service layer can fold
it in as a method (``CaseService.previous_applicant``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import col

from clerk.domain.intake import Applicant, ApplicantKind
from clerk.domain.permissions import Action
from clerk.store.tables import CaseRow

if TYPE_CHECKING:
    from clerk.domain.accounts import ClerkUser
    from clerk.services.cases import CaseService

#: Roles that take applicants at a window (the same as intake).
VIEW_ACTION = "view"


def previous_applicant(cases: CaseService, user: ClerkUser, window: int | None, kind: ApplicantKind,
                       id_number: str) -> tuple[Applicant, str] | None:
    """The applicant as on their latest case, and that case's number; None if there is none.

    Only a checked ID number / credit code is looked up (the caller checks it);
    a hit appends an audit event ``view`` naming the case whose data was shown.
    """
    id_number = id_number.strip().upper()
    if not id_number:
        return None
    query = (
        select(CaseRow)
        .where(col(CaseRow.applicant_id_number) == id_number, col(CaseRow.applicant_kind) == kind.value)
        .order_by(col(CaseRow.received_at).desc())
        .limit(1)
    )
    with cases.uow.begin(user, Action.INTAKE) as (session, account):  # only who may take a case in
        row = session.execute(query).scalars().first()
        if row is None:
            return None
        applicant = Applicant(
            kind=ApplicantKind(row.applicant_kind),
            name=row.applicant_name,
            id_number=row.applicant_id_number,
            phone=row.applicant_phone,
            address=row.applicant_address or "",
            postcode=row.applicant_postcode or "",
        )
        cases.uow.audit(session, account.id, window, VIEW_ACTION, row.number, None,
                        {"viewed": "applicant", "for": "returning applicant"})
        return applicant, row.number
