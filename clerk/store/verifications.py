"""Writing and reading a case's 告知承诺 verifications inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlmodel import col

from clerk.domain.verification import VerificationPlan, VerificationState, VerificationView, drawn
from clerk.store.tables_verification import VerificationRow

if TYPE_CHECKING:
    from sqlmodel import Session


def add_verifications(session: Session, case_id: int, plans: list[VerificationPlan], at: datetime) -> list[Any]:
    """One row per commitment, drawn for verification or not (its item's share); returns
    what the audit event records of them."""
    recorded: list[Any] = []
    for plan in plans:
        commitment = plan.commitment
        state = VerificationState.DUE if drawn(commitment.sample_percent) else VerificationState.NOT_DRAWN
        session.add(VerificationRow(
            case_id=case_id, material_key=plan.material_key, name=plan.name, replaces=commitment.replaces,
            method=commitment.method.value, basis=commitment.basis, due_on=plan.due.date,
            due_provisional=plan.due.provisional, sample_percent=commitment.sample_percent, state=state.value,
            created_at=at,
        ))
        recorded.append({"material": plan.material_key, "due_on": plan.due.date.isoformat(), "state": state.value})
    return recorded


def verifications_of(session: Session, case_id: int) -> list[VerificationRow]:
    return list(session.execute(select(VerificationRow).where(col(VerificationRow.case_id) == case_id)
                                .order_by(col(VerificationRow.id))).scalars())


def verification_view(row: VerificationRow, number: str, item_name: str, department: str,
                      applicant_name: str) -> VerificationView:
    """The row as the domain sees it (``applicant_name`` as the reader may see it)."""
    return VerificationView(
        id=row.id or 0, case_number=number, item_name=item_name, department=department,
        material_key=row.material_key, name=row.name, replaces=row.replaces, method=row.method,
        due_on=row.due_on, sample_percent=row.sample_percent, state=VerificationState(row.state), note=row.note,
        applicant_name=applicant_name, created_at=row.created_at, decided_at=row.decided_at,
        decided_by=row.decided_by, basis=row.basis, due_provisional=row.due_provisional,
    )
