"""Cases made through the service for the desk tests: a fallback desk's queue of any length."""

from __future__ import annotations

from typing import Any

#: 教师资格认定: eight materials, the photo missing sends it to the fallback desk
FALLBACK_ITEM = "370112-JYTY-003"


def fallback_cases(case_service: Any, catalog: Any, user: Any, count: int) -> list[str]:
    """``count`` visits sent to the fallback desk (待补正), each a different applicant; their numbers."""
    from clerk.catalog.model import Delivery
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome

    entries = catalog.checklist(FALLBACK_ITEM).entries
    numbers = []
    for i in range(count):
        marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in entries}
        marks["photo"] = MaterialMark(MaterialStatus.MISSING)
        person = Applicant(ApplicantKind.PERSON, f"申请人{i:02d}", "11010519491231002X", "13812345678",
                           "济南市历城区山大路100号")
        draft = IntakeDraft(FALLBACK_ITEM, person, Delivery.EMS, {}, marks)
        numbers.append(case_service.submit(user, 7, draft, Outcome.FALLBACK).number)
    return numbers
