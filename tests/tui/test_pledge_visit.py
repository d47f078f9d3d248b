"""告知承诺 at the window and at the back office, driven at the keyboard (issue 28)."""

from __future__ import annotations

import pytest

from clerk.domain.lifecycle import CaseState
from clerk.domain.verification import VerificationState

from .support import region_text, screen_text
from .test_roles import sign_in_as
from .visit import PERSON, applicant, finish, pick, settle, settled_when, sign_in, typed

pytestmark = pytest.mark.asyncio

DOCTOR = "370112-WSJK-004"  # 医师执业注册: the health examination may be replaced by a commitment


def banner(app) -> str:
    return app.screen.query_one("#banner").text


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_a_commitment_at_the_window_then_found_false_at_the_back_office(make_app, case_service, catalog,
                                                                             staff, size):
    keys = [e.material.key for e in catalog.checklist(DOCTOR).entries]
    exam = keys.index("medical-health-exam")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, DOCTOR)
        await applicant(pilot)
        await pilot.press("f4", "6")  # the first row (ID card) takes no commitment
        await settle(pilot)
        assert "不实行告知承诺" in banner(app)
        await pilot.press(*["down"] * (exam - 1))  # a mark moves to the next row, a refused one too
        await settle(pilot)
        detail = app.screen.query_one("#material-detail")
        assert str(detail.content).startswith("〔可告知承诺·按6〕6个月内健康体检证明：")
        assert "告知承诺：以承诺代替6个月内健康体检证明，部门协查" in str(detail.content)
        await pilot.press("6", "up")
        await settle(pilot)
        assert str(detail.content).startswith("〔已选告知承诺〕")
        await pilot.press("a")
        await settle(pilot)
        assert "告知承诺1项" in region_text(app, app.screen.query_one("#verdict"))
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        shown = screen_text(app)
        assert "告知承诺书" in shown and "告知承诺：6个月内健康体检证明（部门协查，" in shown  # what is printed and verified
        await pilot.press("f10")
        await settle(pilot)
        assert "受理编号" in banner(app), banner(app)
    (summary,) = case_service.find(PERSON[0])
    view = case_service.get(summary.number)
    assert view.state is CaseState.ACCEPTED and view.marks["medical-health-exam"].status.value == "告知承诺"
    (task,) = view.verifications
    assert task.state is VerificationState.DUE and task.name == "6个月内健康体检证明"
    pledge = next(n for n in view.notices if n.kind.value == "pledge")
    assert "告知承诺书" in pdf_text(pledge.path) and view.number in pdf_text(pledge.path)

    office = make_app()
    async with office.run_test(size=size) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "4001")
        await pilot.press("ctrl+z")
        await settled_when(pilot, lambda: view.number in screen_text(office), "the verification listed")
        assert type(office.screen).__name__ == "VerificationScreen"
        assert "张三" not in screen_text(office)  # the list shows the applicant masked
        await pilot.press("f7")
        await settle(pilot)
        assert type(office.screen).__name__ == "PromptScreen" and "将撤销该案件" in screen_text(office)
        await pilot.press(*typed("[/]体检机构无此记录"), "enter")
        await settled_when(pilot, lambda: "已撤销" in banner(office) and "撤销决定书" in banner(office),
                           "revoked and printed")
    revoked = case_service.get(view.number)
    assert revoked.state is CaseState.REVOKED and revoked.verifications[0].note == "[/]体检机构无此记录"
    paper = next(n for n in revoked.notices if n.kind.value == "revocation")
    text = pdf_text(paper.path)
    assert "撤销决定书" in text and "[/]体检机构无此记录" in text
