"""告知承诺制: verifications and the dishonesty list (migration 0017, issue 28).

``verifications``: one row per commitment of a case (a material marked 告知承诺, or the
item's own commitment), written in the intake transaction with its due date, the
method, what it replaced and whether this case was drawn for verification; the back
office records its result.  ``dishonest_records`` (失信记录): an applicant whose
commitment was found false, with the case and verification as the reason.  Both are
covered by the audit chain.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

import clerk.store.tables  # noqa: F401  (naming convention)
from clerk.store.tracked import track


class VerificationRow(SQLModel, table=True):
    __tablename__ = "verifications"
    __table_args__ = (Index("ix_verifications_state_due", "state", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    material_key: str = Field(default="", max_length=64)  # "": the item's own commitment
    name: str = Field(max_length=200)  # the material's or the item's name
    replaces: str = Field(max_length=200)
    method: str = Field(max_length=16)
    basis: str = Field(default="", max_length=500)
    due_on: date
    due_provisional: bool = False
    sample_percent: int = 100
    state: str = Field(max_length=16)  # clerk.domain.verification.VerificationState
    note: str = Field(default="", max_length=1000)
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = Field(default=None, max_length=32)


class DishonestRecord(SQLModel, table=True):
    """失信记录: a false commitment, by the applicant's ID number."""

    __tablename__ = "dishonest_records"

    id: int | None = Field(default=None, primary_key=True)
    applicant_kind: str = Field(max_length=8)
    applicant_id_number: str = Field(max_length=32, index=True)
    applicant_name: str = Field(max_length=200)
    case_id: int = Field(foreign_key="cases.id", index=True)
    verification_id: int = Field(foreign_key="verifications.id")
    reason: str = Field(max_length=1000)
    recorded_at: datetime
    recorded_by: str = Field(max_length=32)


track("verifications")
track("dishonest_records")
