"""Notice kinds and the stored notice view (pure; the store and printing share them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["TITLES", "NoticeKind", "NoticeStatus", "NoticeView"]


class NoticeKind(StrEnum):
    """Every document clerk prints; the value is used in file names."""

    PROMISED = "promised"  # 承诺件通知书
    ON_THE_SPOT = "on-the-spot"  # 即办件办结回执
    ONE_TIME = "one-time"  # 一次性告知书（补正材料通知书）
    COMMITMENT = "commitment"  # 容缺受理承诺书
    REJECTION = "rejection"  # 不予受理通知书
    RESULT_READY = "result-ready"  # 办结通知书 (licence ready)
    RESULT_CORRECTION = "result-correction"  # 补正材料通知书 (back office)
    RESULT_REFUSED = "result-refused"  # 不予许可通知书
    PLEDGE = "pledge"  # 告知承诺书 (告知承诺制: signed in place of a certificate or a check)
    REVOCATION = "revocation"  # 撤销决定书 (a commitment found false: the approval revoked)
    MANIFEST = "manifest"  # EMS 交寄清单

    @property  # the notice's Chinese title; shadows str.title on purpose (screens read kind.title)
    def title(self) -> str:  # type: ignore[override]
        return TITLES[self]


TITLES = {
    NoticeKind.PROMISED: "承诺件通知书",
    NoticeKind.ON_THE_SPOT: "即办件办结回执",
    NoticeKind.ONE_TIME: "一次性告知书",
    NoticeKind.COMMITMENT: "容缺受理承诺书",
    NoticeKind.REJECTION: "不予受理通知书",
    NoticeKind.RESULT_READY: "办结通知书",
    NoticeKind.RESULT_CORRECTION: "补正材料通知书",
    NoticeKind.RESULT_REFUSED: "不予许可通知书",
    NoticeKind.PLEDGE: "告知承诺书",
    NoticeKind.REVOCATION: "撤销决定书",
    NoticeKind.MANIFEST: "EMS交寄清单",
}


class NoticeStatus(StrEnum):
    QUEUED = "queued"
    PRINTED = "printed"  # the printer printed it
    SAVED = "saved"  # issued as a PDF only: no printer was set where it was issued
    FAILED = "failed"  # not printed (the reason says why); retried or reprinted
    UNKNOWN = "unknown"  # the print server took the job and was lost before it finished:
    # the paper may still come out; settled (printed or failed) when the server answers again

    @property
    def issued(self) -> bool:
        """The applicant has (or was given) this notice: printed, or saved as the PDF."""
        return self in (NoticeStatus.PRINTED, NoticeStatus.SAVED)


@dataclass(frozen=True)
class NoticeView:
    id: int
    case_number: str
    kind: NoticeKind
    paper: str
    path: str
    sha256: str
    status: NoticeStatus
    reason: str
    attempts: int
    is_reprint: bool
    created_at: datetime
    printed_at: datetime | None
