"""Frozen views of complaints (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class ComplaintState(StrEnum):
    LOGGED = "已登记"  # with the owner (首问负责人)
    HANDED_OFF = "已转办"  # with a department, still owned by the first person asked
    ANSWERED = "已答复"  # reply given to the applicant
    CLOSED = "已回访"  # return visit done: closed

    @property
    def is_open(self) -> bool:
        return self is not ComplaintState.CLOSED


class StepAction(StrEnum):
    LOG = "登记"
    HAND_OFF = "转办"
    REPLY = "答复"
    VISIT = "回访"


@dataclass(frozen=True)
class ComplaintStep:
    at: datetime
    actor: str
    action: StepAction
    department: str = ""
    note: str = ""


@dataclass(frozen=True)
class ComplaintView:
    number: str
    category: str
    working_days: int
    summary: str
    applicant_name: str
    applicant_phone_masked: str
    case_number: str | None
    owner_id: str
    owner_name: str
    window: int | None
    department: str
    state: ComplaintState
    logged_at: datetime
    due_on: date
    due_provisional: bool
    answered_at: datetime | None
    reply: str
    visit_note: str
    visit_satisfied: bool | None
    version: int
    steps: tuple[ComplaintStep, ...] = ()

    def overdue_on(self, today: date) -> bool:
        """Still unanswered after its due date."""
        return self.answered_at is None and self.due_on < today
