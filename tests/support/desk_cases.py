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


def mail_cases(case_service: Any, catalog: Any, user: Any, office: Any, count: int) -> list[str]:
    """``count`` EMS 承诺件 approved by the back office (``office``): each queued for the mail room."""
    from clerk.catalog.model import Delivery
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome
    from clerk.domain.views import Decision
    from clerk.services.desk import DeskService

    desk = DeskService(case_service)
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in catalog.checklist(FALLBACK_ITEM).entries}
    numbers = []
    for i in range(count):
        person = Applicant(ApplicantKind.PERSON, f"收件人{i:02d}", "11010519491231002X", "13912345678",
                           "济南市历城区山大路100号")
        number = case_service.submit(user, 3, IntakeDraft(FALLBACK_ITEM, person, Delivery.EMS, {}, marks),
                                     Outcome.ACCEPT).number
        desk.record_decision(office, 30, number, Decision.APPROVED)
        numbers.append(number)
    return numbers


def waybill(serial: int) -> str:
    """A valid EMS waybill (S10: two letters, eight digits, the check digit, CN)."""
    from clerk.identity.waybill import s10_check_digit

    digits = f"{12345600 + serial:08d}"
    return f"EA{digits}{s10_check_digit(digits)}CN"
