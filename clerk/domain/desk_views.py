"""Frozen views of the fallback desk, the EMS station and ratings (好差评)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from clerk.domain.lifecycle import CaseState
from clerk.domain.views import CaseView, DeadlineKind, Rating


class SupplyChannel(StrEnum):
    """How missing materials reach the fallback desk."""

    ONLINE = "online"  # 网上上传 (reference: the upload number)
    EMS = "ems"  # EMS 上门揽收 (reference: the waybill)
    IN_PERSON = "in_person"  # 现场递交

    @property
    def label(self) -> str:
        return {"online": "网上上传", "ems": "EMS揽收", "in_person": "现场递交"}[self.value]


class MailDirection(StrEnum):
    OUTBOUND = "outbound"  # 结果寄递
    INBOUND = "inbound"  # 材料揽收

    @property
    def label(self) -> str:
        return "结果寄递" if self is MailDirection.OUTBOUND else "材料揽收"


class MailStatus(StrEnum):
    QUEUED = "queued"
    HANDED = "handed"
    DELIVERED = "delivered"
    RETURNED = "returned"

    def label(self, direction: MailDirection) -> str:
        if direction is MailDirection.INBOUND:
            return {"queued": "待揽收", "handed": "已揽收", "delivered": "已收到", "returned": "揽收失败"}[self.value]
        return {"queued": "待交寄", "handed": "已交寄", "delivered": "已妥投", "returned": "已退回"}[self.value]


@dataclass(frozen=True)
class DeskDeadline:
    """A deadline as the fallback desk sees it: due date and working days left."""

    kind: DeadlineKind
    due_on: date
    days_left: int  # working days from today; negative when lapsed
    provisional: bool

    @property
    def warn(self) -> bool:
        """Lapses today or tomorrow (or already lapsed): act now."""
        return self.days_left <= 1


@dataclass(frozen=True)
class FallbackEntry:
    """One case waiting at the fallback desk (待补正 or 容缺受理)."""

    number: str
    name: str
    state: CaseState
    applicant_name: str
    window: int
    received_at: datetime
    outstanding: tuple[str, ...]  # names of the materials still owed
    deadline: DeskDeadline | None  # the one that matters (earliest unmet)
    version: int


@dataclass(frozen=True)
class MailItemView:
    id: int
    case_number: str
    direction: MailDirection
    status: MailStatus
    contents: str
    materials: tuple[str, ...]
    recipient: str
    phone: str  # full: the courier needs it; screens mask it
    address: str
    postcode: str
    pickup_on: date | None
    pickup_from: str
    pickup_to: str
    waybill: str | None
    attempts: int
    return_reason: str
    follow_up: bool
    created_at: datetime
    handed_at: datetime | None
    delivered_at: datetime | None

    @property
    def status_label(self) -> str:
        return self.status.label(self.direction)


@dataclass(frozen=True)
class SupplementEntry:
    materials: tuple[str, ...]
    channel: SupplyChannel
    reference: str
    arrived_at: datetime
    logged_by: str


@dataclass(frozen=True)
class DecisionResult:
    """The case after a back-office decision, with whether it came in time."""

    case: CaseView
    on_time: bool | None  # None: the case had no promised deadline
    late_days: int  # working days past the promised date (0 when on time)
    mail: MailItemView | None  # queued for EMS when the applicant chose EMS


@dataclass(frozen=True)
class FollowUpEntry:
    """A bad rating's follow-up (回访整改)."""

    number: str
    name: str
    rating: Rating
    comment: str
    rated_at: datetime
    due_on: date
    days_left: int
    provisional: bool
    done_at: datetime | None
    note: str
