"""The lookup says what happened to each notice: printed, only saved as a PDF, or not known yet."""

from __future__ import annotations

import pytest

from clerk.catalog.model import Delivery
from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome

from .support import CLERK_ID, screen_text
from .visit import settle, sign_in

pytestmark = pytest.mark.asyncio

TEACHER = "370112-JYTY-003"  # 教师资格认定


def incomplete_case(case_service, catalog) -> str:
    """A visit with a material missing: a 一次性告知书 is queued."""
    user = case_service.authenticate(CLERK_ID, "demo1234")
    entries = catalog.checklist(TEACHER).entries
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in entries[1:]}
    marks[entries[0].material.key] = MaterialMark(MaterialStatus.MISSING)
    applicant = Applicant(ApplicantKind.PERSON, "赵六", "11010519491231002X", "13912345678", "济南市")
    return case_service.submit(user, 3, IntakeDraft(TEACHER, applicant, Delivery.EMS, {}, marks),
                               Outcome.FALLBACK).number


async def test_a_notice_only_saved_as_a_pdf_is_not_said_to_be_printed(make_app, case_service, catalog, settings):
    from clerk.integration.printing import CasePrinter

    assert not settings.printer and not settings.print_command  # this window has no printer
    number = incomplete_case(case_service, catalog)
    (outcome,) = CasePrinter(settings).print_case(case_service, number)
    assert outcome.ok and outcome.notice.kind.title == "一次性告知书"
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f5", *number, "enter")
        await settle(pilot)
        shown = "".join(screen_text(app).split())
        assert "一次性告知书：已生成PDF，未打印（未设置打印机）" in shown, shown
        assert "一次性告知书：已打印" not in shown
        assert "生成通知书PDF（未打印）" in shown and "打印通知书" not in shown  # the history too
        await pilot.press("f9")
        await pilot.pause()
        assert "一次性告知书（已生成PDF，未打印（未设置打印机））" in "".join(screen_text(app).split())
