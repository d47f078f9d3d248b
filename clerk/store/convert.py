"""Converters between table rows / JSON columns and the frozen domain views."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypedDict, overload

from clerk.calendar import DueDate
from clerk.catalog.checklist import checklist_from_dict
from clerk.catalog.model import Delivery, LimitUnit
from clerk.domain.intake import Applicant, ApplicantKind, MaterialMark, MaterialStatus, Outcome
from clerk.domain.lifecycle import CaseState
from clerk.domain.verification import VerificationView
from clerk.domain.views import (
    AuditEntry,
    CaseSummary,
    CaseView,
    Deadline,
    DeadlineKind,
    NoticeLine,
    Rating,
    StoredMaterial,
)
from clerk.identity import check_phone, check_resident_id, check_uscc, mask_id, mask_phone, mask_uscc

if TYPE_CHECKING:
    from sqlalchemy.engine import Row

    from clerk.domain.notices import NoticeView
    from clerk.store.tables import AuditEvent, CaseRow, DeadlineRow


@overload
def aware(at: datetime) -> datetime: ...
@overload
def aware(at: None) -> None: ...
@overload
def aware(at: datetime | None) -> datetime | None: ...
def aware(at: datetime | None) -> datetime | None:
    """A stored time as aware UTC: SQLite hands back UTC without an offset."""
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def marks_to_json(marks: dict[str, MaterialMark]) -> dict[str, Any]:
    return {
        key: {
            "status": mark.status.value,
            "copies": mark.copies,
            "note": mark.note,
            "supply_by": mark.supply_by.isoformat() if mark.supply_by else None,
        }
        for key, mark in sorted(marks.items())
    }


def marks_from_json(data: dict[str, Any]) -> dict[str, MaterialMark]:
    return {
        key: MaterialMark(
            status=MaterialStatus(value["status"]),
            copies=int(value.get("copies", 0)),
            note=value.get("note", ""),
            supply_by=date.fromisoformat(value["supply_by"]) if value.get("supply_by") else None,
        )
        for key, value in data.items()
    }


def notice_lines_to_json(lines: tuple[NoticeLine, ...]) -> list[dict[str, Any]]:
    return [
        {"key": ln.key, "name": ln.name, "form": ln.form, "copies": ln.copies,
         "requirement": ln.requirement, "needed_by": list(ln.needed_by), **({"choice": ln.choice} if ln.choice else {})}
        for ln in lines
    ]


def notice_lines_from_json(data: list[dict[str, Any]] | None) -> tuple[NoticeLine, ...] | None:
    if data is None:
        return None
    return tuple(
        NoticeLine(d["key"], d["name"], d["form"], int(d["copies"]), d["requirement"], tuple(d["needed_by"]),
                   d.get("choice", ""))  # none in notices issued before alternatives were told apart
        for d in data
    )


def normalised(check: Any, value: str) -> str:
    """The checked form (half-width, no spaces, upper-case X) so lookups find it."""
    result = check(value)
    return result.value if result.ok else value.strip().upper()


class ApplicantColumns(TypedDict):
    """The applicant's columns of ``CaseRow`` (and of the mail and ticket rows that copy them)."""

    applicant_kind: str
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str
    applicant_address: str
    applicant_postcode: str


def applicant_columns(applicant: Applicant) -> ApplicantColumns:
    id_check = check_resident_id if applicant.kind is ApplicantKind.PERSON else check_uscc
    return {
        "applicant_kind": applicant.kind.value,
        "applicant_name": applicant.name.strip(),
        "applicant_id_number": normalised(id_check, applicant.id_number),
        "applicant_phone": normalised(check_phone, applicant.phone),
        "applicant_address": applicant.address.strip(),
        "applicant_postcode": applicant.postcode.strip(),
    }


def applicant_of(row: CaseRow) -> Applicant:
    return Applicant(
        kind=ApplicantKind(row.applicant_kind),
        name=row.applicant_name,
        id_number=row.applicant_id_number,
        phone=row.applicant_phone,
        address=row.applicant_address,
        postcode=row.applicant_postcode,
    )


def deadline_of(row: DeadlineRow) -> Deadline:
    missing = tuple(int(y) for y in row.missing_years.split(",") if y)
    return Deadline(
        kind=DeadlineKind(row.kind),
        due=DueDate(row.due_on, row.provisional, missing),
        start_on=row.start_on,
        working_days=row.working_days,
        requested_on=row.requested_on,
        met_at=row.met_at,
        unit=LimitUnit(row.unit) if row.unit else LimitUnit.WORKING_DAYS,
    )


class DeadlineColumns(TypedDict):
    """The columns of a ``DeadlineRow`` but its key and case."""

    kind: str
    start_on: date
    working_days: int
    requested_on: date | None
    due_on: date
    provisional: bool
    missing_years: str
    met_at: datetime | None
    unit: str | None


def deadline_columns(deadline: Deadline) -> DeadlineColumns:
    return {
        "kind": deadline.kind.value,
        "start_on": deadline.start_on,
        "working_days": deadline.working_days,
        "requested_on": deadline.requested_on,
        "due_on": deadline.due.date,
        "provisional": deadline.due.provisional,
        "missing_years": ",".join(str(y) for y in deadline.due.missing_years),
        "met_at": deadline.met_at,
        # NULL for working days: rows written before units existed read the same.
        "unit": None if deadline.unit is LimitUnit.WORKING_DAYS else deadline.unit.value,
    }


def audit_entry_of(row: AuditEvent) -> AuditEntry:
    return AuditEntry(row.seq, row.at, row.actor, row.window, row.action, row.before, row.after)


def case_view(
    row: CaseRow,
    *,
    deadlines: tuple[Deadline, ...] = (),
    children: tuple[CaseView, ...] = (),
    events: tuple[AuditEntry, ...] = (),
    notices: tuple[NoticeView, ...] = (),
    parent_number: str | None = None,
    files: tuple[StoredMaterial, ...] = (),
    verifications: tuple[VerificationView, ...] = (),
) -> CaseView:
    return CaseView(
        number=row.number,
        code=row.code,
        name=row.name,
        department=row.department,
        is_bundle=row.is_bundle,
        item_kind=row.item_kind,
        catalog_version=row.catalog_version,
        checklist=checklist_from_dict(row.checklist),
        marks=marks_from_json(row.marks),
        applicant=applicant_of(row),
        delivery=Delivery(row.delivery),
        window=row.window,
        clerk_id=row.clerk_id,
        state=CaseState(row.state),
        outcome=Outcome(row.outcome),
        received_at=row.received_at,
        version=row.version,
        deadlines=deadlines,
        one_time_notice=notice_lines_from_json(row.one_time_notice),
        notice_issued_at=row.notice_issued_at,
        reason=row.reason,
        rating=Rating(row.rating) if row.rating else None,
        waybill=row.waybill,
        parent_number=parent_number,
        children=children,
        events=events,
        notices=notices,
        child_name=row.child_name or "",
        files=files,
        verifications=verifications,
    )


def case_summary(row: CaseRow | Row[Any]) -> CaseSummary:
    masked = mask_id(row.applicant_id_number) if row.applicant_kind == ApplicantKind.PERSON.value else mask_uscc(
        row.applicant_id_number
    )
    return CaseSummary(
        number=row.number,
        name=row.name,
        state=CaseState(row.state),
        applicant_name=row.applicant_name,
        applicant_id_masked=masked,
        phone_masked=mask_phone(row.applicant_phone),
        window=row.window,
        received_at=row.received_at,
        due_on=row.due_on,
        due_provisional=row.due_provisional,
    )
