"""Draft builders shared by the case tests (plain data, no fixtures)."""

from __future__ import annotations

from clerk.catalog.model import Delivery
from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus

RECEIVED = MaterialMark(MaterialStatus.ORIGINAL, 1)
COPY = MaterialMark(MaterialStatus.COPY, 1)
MISSING = MaterialMark(MaterialStatus.MISSING)

PERSON = Applicant(ApplicantKind.PERSON, "王五", "11010519491231002X", "13812345678", "济南市历城区山大路1号")

COMPLETE_MARKS = {"id-card": RECEIVED, "business-licence": COPY, "hygiene-plan": COPY, "lease-contract": COPY}


def hygiene(marks=None, *, delivery=Delivery.EMS, applicant=PERSON) -> IntakeDraft:
    return IntakeDraft("T-GGWS-001", applicant, delivery, {}, dict(COMPLETE_MARKS if marks is None else marks))


def incomplete_hygiene() -> IntakeDraft:
    return hygiene({"id-card": RECEIVED, "business-licence": MISSING, "hygiene-plan": MISSING,
                    "lease-contract": COPY})
