"""Another window in its own process: saves one incomplete visit and says when it committed."""

from __future__ import annotations

import time


def save_one(url: str, catalog, calendar, name: str, report) -> None:
    from clerk.catalog.model import Delivery
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome
    from clerk.services.cases import CaseService
    from clerk.services.visits import new_visit_key
    from clerk.store.engine import Store

    service = CaseService(Store(url), catalog, calendar, hall_code="SF")
    clerk = service.account("w07")
    code = "370112-JYTY-003"
    entries = catalog.checklist(code, {}).entries
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, e.material.copies) for e in entries}
    marks[entries[0].material.key] = MaterialMark(MaterialStatus.MISSING)
    applicant = Applicant(ApplicantKind.PERSON, name, "11010519491231002X", "13812345678", "济南市历城区山大路100号")
    draft = IntakeDraft(code, applicant, Delivery.PICKUP, {}, marks)
    view = service.submit(clerk, 7, draft, Outcome.FALLBACK, visit_key=new_visit_key())
    report.put((view.number, time.time()))
    service.store.dispose()
