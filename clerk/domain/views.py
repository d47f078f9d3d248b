"""Frozen views the service returns: never ORM rows bound to a session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from clerk.calendar import DueDate
from clerk.catalog.model import Checklist, Delivery, LimitUnit, TimeLimit
from clerk.domain.intake import Applicant, MaterialMark, Outcome, Verdict
from clerk.domain.lifecycle import CaseState
from clerk.domain.notices import NoticeKind, NoticeView

if TYPE_CHECKING:
    from clerk.domain.verification import VerificationView  # it counts deadlines, which read these views


class DeadlineKind(StrEnum):
    PROMISED = "promised"  # 承诺办结时间
    NOTICE = "one_time_notice"  # 一次性告知法定期限（5个工作日）
    SUPPLY = "supply_by"  # 容缺材料补齐期限
    FOLLOW_UP = "follow_up"  # 差评整改期限（15个工作日）

    @property
    def label(self) -> str:
        return {
            DeadlineKind.PROMISED: "承诺办结时间",
            DeadlineKind.NOTICE: "一次性告知期限",
            DeadlineKind.SUPPLY: "容缺材料补齐期限",
            DeadlineKind.FOLLOW_UP: "差评整改期限",
        }[self]


class Rating(StrEnum):
    """好差评."""

    VERY_SATISFIED = "非常满意"
    SATISFIED = "满意"
    BASICALLY_SATISFIED = "基本满意"
    DISSATISFIED = "不满意"
    VERY_DISSATISFIED = "非常不满意"

    @property
    def is_bad(self) -> bool:
        return self in (Rating.DISSATISFIED, Rating.VERY_DISSATISFIED)


class Decision(StrEnum):
    """The back office's decision (后台审批结果)."""

    APPROVED = "approved"  # 符合办证条件
    CORRECTION = "correction"  # 需补正材料
    REFUSED = "refused"  # 不符合办理要求


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due: DueDate
    start_on: date  # local date the count starts after (not counted)
    working_days: int  # the count, in ``unit`` (working days unless the catalog says otherwise)
    requested_on: date | None = None
    met_at: datetime | None = None
    unit: LimitUnit = LimitUnit.WORKING_DAYS
    span: TimeLimit | None = None  # from start_on to due, when not the limit (a 容缺 date agreed earlier)

    @property
    def limit(self) -> TimeLimit:
        return TimeLimit(self.working_days, self.unit)

    @property
    def shown_span(self) -> TimeLimit:
        """How far the due date is from the start, as shown beside it: the limit, or the
        working days to an earlier date the applicant agreed (a 容缺 supply-by date)."""
        return self.span or self.limit


@dataclass(frozen=True)
class NoticeLine:
    """One material as printed on the one-time notice (kept exactly as issued)."""

    key: str
    name: str
    form: str
    copies: int
    requirement: str
    needed_by: tuple[str, ...] = ()
    choice: str = ""  # the alternatives it is one of (any one will do); "" when it stands alone


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    window: int | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class StoredMaterial:
    """A material's captured pages as the store keeps them (issue 26): what a list shows.
    The bytes are read by ``clerk.services.materials.MaterialService.open`` (an audited view)."""

    id: int
    material_key: str
    pages: int
    size: int
    sha256: str
    saved_at: datetime
    purged: bool = False  # the bytes were removed under the retention rule; the digests stay

    @property
    def badge(self) -> str:
        """``▣2``: the page count as the lists show it (``▣—`` once purged)."""
        return "▣—" if self.purged else f"▣{self.pages}"


@dataclass(frozen=True)
class CaseSummary:
    """A row in a list or search result (identity numbers masked)."""

    number: str
    name: str
    state: CaseState
    applicant_name: str
    applicant_id_masked: str
    phone_masked: str
    window: int
    received_at: datetime
    due_on: date | None
    due_provisional: bool


@dataclass(frozen=True)
class CrossRegion:
    """A 跨域通办 case's two halls (docs/exchange.md): where it was taken in (收件地), where it is
    decided (办理地), and its number at the other hall once known."""

    taken_in_hall: str
    deciding_hall: str
    remote_number: str | None = None

    def line(self) -> str:
        other = f"（对方编号 {self.remote_number}）" if self.remote_number else ""
        return f"跨域通办：收件地 {self.taken_in_hall} → 办理地 {self.deciding_hall}{other}"


@dataclass(frozen=True)
class CaseView:
    number: str
    code: str  # item or bundle code
    name: str
    department: str
    is_bundle: bool
    item_kind: str
    catalog_version: str
    checklist: Checklist
    marks: dict[str, MaterialMark]
    applicant: Applicant
    delivery: Delivery
    window: int
    clerk_id: str
    state: CaseState
    outcome: Outcome
    received_at: datetime  # aware UTC
    version: int
    deadlines: tuple[Deadline, ...] = ()
    one_time_notice: tuple[NoticeLine, ...] | None = None
    notice_issued_at: datetime | None = None
    reason: str = ""
    rating: Rating | None = None
    waybill: str | None = None
    parent_number: str | None = None
    children: tuple[CaseView, ...] = ()
    events: tuple[AuditEntry, ...] = ()
    notices: tuple[NoticeView, ...] = ()
    child_name: str = ""  # 新生儿姓名 (the newborn bundle), on the bundle's case and each item's
    files: tuple[StoredMaterial, ...] = ()  # captured pages of its materials (a bundle's items: their share)
    verifications: tuple[VerificationView, ...] = ()  # 告知承诺: its commitments to verify (clerk.domain.verification)
    cross_region: CrossRegion | None = None  # 跨域通办: handed to or taken from another hall (clerk.exchange)

    def file_of(self, material_key: str) -> StoredMaterial | None:
        """The newest stored file of one material, if any."""
        found = [f for f in self.files if f.material_key == material_key]
        return found[-1] if found else None

    def deadline(self, kind: DeadlineKind) -> Deadline | None:
        return next((d for d in self.deadlines if d.kind is kind), None)

    @property
    def promise_suspended(self) -> bool:
        """Waiting for 补正: the promise is neither kept nor running; the days the applicant
        takes move its due date on (clerk.domain.deadlines.resume_after_correction)."""
        return self.state is CaseState.CORRECTION

    @property
    def promised_due(self) -> DueDate | None:
        found = self.deadline(DeadlineKind.PROMISED)
        return found.due if found else None


@dataclass(frozen=True)
class IntakePreview:
    """What ``submit`` would do, computed without writing."""

    code: str
    name: str
    outcome: Outcome
    state: CaseState
    verdict: Verdict
    received_at: datetime
    deadlines: tuple[Deadline, ...]
    documents: tuple[NoticeKind, ...]
    problems: tuple[str, ...] = ()
    children: tuple[tuple[str, str, CaseState], ...] = field(default_factory=tuple)  # code, name, state
    child_deadlines: tuple[tuple[Deadline, ...], ...] = field(default_factory=tuple)  # per child, as children
    #: why ``documents`` cannot be printed on this machine (a character no notice font has), in Chinese
    unprintable: tuple[str, ...] = ()
    #: 告知承诺: (what is committed to, method, verification due) of the case and its items
    pledges: tuple[tuple[str, str, DueDate], ...] = ()
    pledged_materials: tuple[str, ...] = ()  # of those, the materials the applicant chose to commit for

    @property
    def ok(self) -> bool:
        return not self.problems
