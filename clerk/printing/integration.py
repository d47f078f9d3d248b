"""Where printing meets a case: ``CaseView`` → ``NoticeData``.

Everything else in ``clerk.printing`` works on the plain ``NoticeData`` /
``ManifestData``; this module is the one place that reads a case view.
"""

from __future__ import annotations

from typing import Any

from clerk.config import Settings
from clerk.printing.data import MissingMaterial, NoticeData, ReceivedMaterial, ToleratedMaterial


def notice_data_from_case(case: Any, settings: Settings, *, clerk_name: str = "") -> NoticeData:
    """Build the printable data of a case from its ``CaseView``.

    For a bundle (一件事一次办) the parent's view is printed: its items are the
    children's names and its materials are the merged checklist.  Missing
    materials come from the one-time notice *as issued* when there is one
    (一次告知: the paper must say exactly what was told), else from the
    checklist's unmet requirements.
    """
    from clerk.cases.domain import MaterialStatus, assess
    from clerk.cases.views import DeadlineKind

    entries = {e.material.key: e.material for e in case.checklist.entries}
    received = []
    tolerated = []
    for key, material in entries.items():
        mark = case.marks.get(key)
        if mark is None:
            continue
        if mark.status.received:
            form = "原件" if mark.status is MaterialStatus.ORIGINAL else "复印件"
            received.append(ReceivedMaterial(material.name, form, mark.copies or material.copies))
        elif mark.status is MaterialStatus.TOLERATED:
            supply = case.deadline(DeadlineKind.SUPPLY)
            supply_by = mark.supply_by or (supply.due.date if supply else None)
            if supply_by is not None:
                tolerated.append(ToleratedMaterial(material.name, material.requirement, supply_by))

    if case.one_time_notice is not None:
        missing = tuple(MissingMaterial(ln.name, ln.requirement, ln.form, ln.copies) for ln in case.one_time_notice)
    else:
        verdict = assess(case.checklist, case.marks)
        missing = tuple(
            MissingMaterial(e.material.name, e.material.requirement, e.material.form.value, e.material.copies)
            for req in verdict.missing
            for e in req.entries[:1]
        )

    promised = case.deadline(DeadlineKind.PROMISED)
    applicant = case.applicant
    items = tuple(child.name for child in case.children) if case.is_bundle else (case.name,)
    return NoticeData(
        hall=settings.hall,
        case_number=case.number,
        item_names=items or (case.name,),
        bundle_name=case.name if case.is_bundle else "",
        department=case.department,
        applicant_name=applicant.name,
        applicant_id=applicant.id_number,
        applicant_kind=applicant.kind.value,
        contact_name=applicant.contact_name,
        phone=applicant.phone,
        address=applicant.address,
        postcode=applicant.postcode,
        received_at=case.received_at,
        window=f"{case.window}号窗口",
        clerk_name=clerk_name or case.clerk_id,
        delivery=case.delivery.value,
        promised_days=promised.working_days if promised else 0,
        due_date=promised.due.date if promised else None,
        due_provisional=promised.due.provisional if promised else False,
        received=tuple(received),
        missing=missing,
        tolerated=tuple(tolerated),
        reason=case.reason,
        waybill=case.waybill or "",
    )


def reprint_from_store(case_number: str, kind: Any, settings: Settings, paper: str | None = None):
    """``clerk print CASE --kind KIND``: queue a 补打 of the notice and issue it."""
    from clerk.printing.data import PrintError

    raise PrintError("补打请在窗口程序的案件查询中进行，或使用 clerk print --sample 打印测试页")
