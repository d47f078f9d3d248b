"""告知承诺制: what a case's commitments put to verification, and how it ends (pure).

A material marked 告知承诺 at the window never comes: the applicant signs the
告知承诺书 and the authority verifies afterwards (事中事后核查) within the catalog's
limit.  An item that 实行告知承诺制 takes every case on commitment (e.g. in place
of the on-site inspection).  Where the catalog verifies only a share of the cases,
the store draws which at intake (``drawn``) and says so on the case.

A verification ends 属实 (the commitment was true), 不实 (false: the approval is
revoked with a 撤销决定书 and the applicant is recorded as dishonest) or 无法核查
(with the reason why).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from clerk.catalog.model import Commitment, TimeLimit
from clerk.domain.deadlines import limit_due_date
from clerk.domain.intake import MaterialMark, MaterialStatus

if TYPE_CHECKING:
    from clerk.calendar import DueDate, WorkCalendar
    from clerk.catalog.model import Checklist, ServiceItem

__all__ = [
    "VerificationPlan",
    "VerificationResult",
    "VerificationState",
    "VerificationView",
    "drawn",
    "plan_verifications",
]


class VerificationState(StrEnum):
    DUE = "待核查"
    TRUE = "属实"
    FALSE = "不实"
    UNVERIFIABLE = "无法核查"
    NOT_DRAWN = "未抽中"  # the item verifies a share of its cases; this one was not drawn

    @property
    def open(self) -> bool:
        return self is VerificationState.DUE


class VerificationResult(StrEnum):
    """What the back office records (a subset of the states)."""

    TRUE = VerificationState.TRUE.value
    FALSE = VerificationState.FALSE.value
    UNVERIFIABLE = VerificationState.UNVERIFIABLE.value


@dataclass(frozen=True)
class VerificationPlan:
    """One commitment of a case, to verify by ``due`` (what intake stores)."""

    material_key: str  # "" for the item's own commitment (实行告知承诺制)
    name: str  # the material's name, or the item's
    commitment: Commitment
    due: DueDate

    @property
    def limit(self) -> TimeLimit:
        return self.commitment.within


@dataclass(frozen=True)
class VerificationView:
    """A verification as the back office lists it (the applicant masked unless the case is in hand)."""

    id: int
    case_number: str
    item_name: str
    department: str
    material_key: str
    name: str
    replaces: str
    method: str
    due_on: date
    sample_percent: int
    state: VerificationState
    note: str
    applicant_name: str
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    basis: str = ""  # the legal requirement committed to (printed on the 告知承诺书)
    due_provisional: bool = False  # counted over a year whose holidays are not published

    @property
    def every_case(self) -> bool:
        """Every case of the item is verified (no share drawn)."""
        return self.sample_percent >= 100

    def overdue(self, today: date) -> bool:
        return self.state.open and self.due_on < today


def plan_verifications(
    calendar: WorkCalendar, start: date, item: ServiceItem | None, checklist: Checklist,
    marks: dict[str, MaterialMark],
) -> list[VerificationPlan]:
    """The verifications a case taken in on ``start`` owes: one per material marked 告知承诺
    that allows it, and one for the item itself when it 实行告知承诺制."""
    found: list[VerificationPlan] = []
    if item is not None and item.commitment is not None:
        found.append(VerificationPlan("", item.name, item.commitment,
                                      limit_due_date(calendar, start, item.commitment.within)))
    seen: set[str] = set()
    for entry in checklist.entries:
        material = entry.material
        mark = marks.get(material.key)
        if (material.commitment is None or mark is None or mark.status is not MaterialStatus.COMMITTED
                or material.key in seen):
            continue
        seen.add(material.key)
        found.append(VerificationPlan(material.key, material.name, material.commitment,
                                      limit_due_date(calendar, start, material.commitment.within)))
    return found


def drawn(sample_percent: int, draw: int | None = None) -> bool:
    """Whether a case is verified when its item verifies ``sample_percent`` % of cases.

    ``draw`` (0–99) is for tests; the store draws with ``secrets`` so that nobody at a
    window can predict or steer which cases are checked."""
    if sample_percent >= 100:
        return True
    value = secrets.randbelow(100) if draw is None else draw
    return value < sample_percent
