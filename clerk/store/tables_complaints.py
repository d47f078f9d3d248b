"""Tables of the complaint desk (有事您说话 / 办不成事 window), and the indexes
the supervisor's dashboard and reports need on the case tables.

Owned by migration ``0004``.  Like ``clerk.store.tables``, rows never leave
the store: ``clerk.services.complaints`` converts them to frozen views.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel, col

from clerk.store.tables import CaseRow, DeadlineRow


class ComplaintRow(SQLModel, table=True):
    """One complaint or request (诉求), owned by whoever logged it (首问负责)."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_state_due", "state", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=24, unique=True)
    category: str = Field(max_length=16)
    working_days: int  # the limit of the category when logged (0: forward at once)
    summary: str = Field(max_length=2000)
    applicant_name: str = Field(default="", max_length=200)
    applicant_phone: str = Field(default="", max_length=32)
    case_number: str | None = Field(default=None, max_length=24)
    owner_id: str = Field(max_length=32)  # 首问负责人
    owner_name: str = Field(max_length=64)
    window: int | None = None
    department: str = Field(default="", max_length=100)  # current handling department
    state: str = Field(max_length=8)
    logged_at: datetime
    due_on: date
    due_provisional: bool = False
    answered_at: datetime | None = None  # reply given (or forwarded, for 0-day categories)
    reply: str = Field(default="", max_length=2000)
    visit_note: str = Field(default="", max_length=1000)
    visit_satisfied: bool | None = None
    closed_at: datetime | None = None
    version: int = 1
    updated_at: datetime


class ComplaintStepRow(SQLModel, table=True):
    """One step of a complaint: logged, handed off, replied, visited."""

    __tablename__ = "complaint_steps"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaints.id", index=True)
    at: datetime
    actor: str = Field(max_length=32)
    action: str = Field(max_length=16)
    department: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=2000)


# Dashboard and report queries: today's cases by time, open deadlines by kind.
# Covering (received_at, parent_id, state, rating): the totals and ratings panels
# read only the index for a month or six of cases.
Index("ix_cases_received", col(CaseRow.received_at), col(CaseRow.parent_id), col(CaseRow.state),
      col(CaseRow.rating))
Index("ix_deadlines_kind_met_due", col(DeadlineRow.kind), col(DeadlineRow.met_at), col(DeadlineRow.due_on))
