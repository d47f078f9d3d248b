"""Whole visits driven at the keyboard, asserted on screen, store and paper."""

from __future__ import annotations

import pytest

from clerk.domain.lifecycle import CaseState

from .support import screen_text
from .visit import ORG, PERSON, applicant, finish, pick, settle, sign_in

pytestmark = pytest.mark.asyncio

TEACHER = "370112-JYTY-003"  # 教师资格认定, 承诺件, no situations


def banner(app) -> str:
    return app.screen.query_one("#banner").text


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def printed(case_service, number: str) -> list:
    """The notices the store recorded for a case (path set once printed)."""
    return list(case_service.get(number).notices)


def require_printing(app) -> None:
    assert "已生成通知书PDF" in banner(app), banner(app)  # no printer configured in the tests


async def test_sign_in_remembers_the_window(make_app, tmp_path):
    app = make_app(state_dir=tmp_path / "state")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot, window="12")
        assert type(app.screen).__name__ == "IntakeScreen"
        assert "第 12 窗口" in screen_text(app)
    again = make_app(state_dir=tmp_path / "state")
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert again.screen.query_one("#window").value == "12"


async def test_wrong_password_shows_a_banner_and_stays(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press(*"w07", "enter", *"nope", "enter", "7", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "SignInScreen"
        assert "工号或密码不正确" in banner(app)


async def test_complete_promised_case(make_app, case_service):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        assert "教师资格认定" in screen_text(app)
        await applicant(pilot)
        await pilot.press("f4", "a")  # every material received as original
        assert "材料齐全" in screen_text(app)
        await finish(pilot, 1)
        assert "受理编号" in banner(app)
        found = case_service.find(PERSON[0])
        assert len(found) == 1 and found[0].state is CaseState.ACCEPTED
        view = case_service.get(found[0].number)
        assert view.code == TEACHER and view.promised_due is not None
        assert view.applicant.id_number == PERSON[1]
        # the form is clear for the next person, focus back on the search
        assert app.screen.query_one("#applicant-name").value == ""
        assert app.focused.id == "search-input"
        require_printing(app)
        notice = printed(case_service, view.number)[0]
        text = pdf_text(notice.path)
        assert "承诺件通知书" in text and view.number in text
        assert f"{view.promised_due.date:%Y}" in text


async def test_incomplete_case_goes_to_the_fallback_desk(make_app, case_service):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot)
        # id card received, photo missing, diploma missing, the rest received
        await pilot.press("f4", "1", "3", "3", "a")
        text = screen_text(app)
        assert "材料不全" in text and "缺 2 项" in text
        await finish(pilot, 1)  # allowed: 转兜底窗口, 不予受理
        assert "受理编号" in banner(app)
        (summary,) = case_service.find(PERSON[0])
        view = case_service.get(summary.number)
        assert view.state is CaseState.INCOMPLETE
        assert {line.key for line in view.one_time_notice} == {"photo", "teacher-diploma"}
        assert any(f.state is CaseState.INCOMPLETE for f in case_service.open_cases())
        require_printing(app)
        assert "一次性告知书" in pdf_text(printed(case_service, view.number)[0].path)


async def test_tolerated_case_with_supply_date(make_app, case_service, catalog):
    code = "370112-WSJK-006"  # 放射诊疗许可: 放射工作人员 may be tolerated
    keys = [e.material.key for e in catalog.checklist(code).entries]
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, code)
        await applicant(pilot, ORG, org=True)
        await pilot.press("f4", *["down"] * keys.index("radiology-staff"), "4")
        await pilot.pause()
        assert type(app.screen).__name__ == "PromptScreen"
        await pilot.press("ctrl+u", *"2026-03-20", "enter")  # replace the proposed date
        await pilot.press("a")
        assert "可容缺受理" in screen_text(app)
        await finish(pilot, 1)  # allowed: 容缺受理, 转兜底窗口, 不予受理
        (summary,) = case_service.find(ORG[0])
        view = case_service.get(summary.number)
        assert view.state is CaseState.TOLERATED
        assert str(view.marks["radiology-staff"].supply_by) == "2026-03-20"
        assert view.applicant.kind.value == "单位" and view.applicant.id_number == ORG[1]


async def test_bundle_visit_makes_one_case_per_department(make_app, case_service, catalog):
    code = "YJS-XSE"  # 新生儿出生一件事: five items, one merged checklist
    merged = catalog.checklist(code)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "xsecs")  # 新生儿出生 by pinyin initials
        assert "一件事" in str(app.screen.query_one("#item-info").content)
        table = app.screen.query_one("#checklist")
        assert table.row_count == len(merged.entries)
        await applicant(pilot)
        await pilot.press(*"王小宝")  # Enter after the address lands on 新生儿姓名
        await pilot.press("f4", "a")
        await finish(pilot, 1)
        parent = min(case_service.find(PERSON[0]), key=lambda s: s.number)  # children follow it
        view = case_service.get(parent.number)
        assert view.is_bundle and len(view.children) == 5
        assert {c.code for c in view.children} == set(catalog.bundles[code].item_codes)


async def test_not_accepted_needs_a_reason(make_app, case_service):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot)
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("2", "f10")  # 不予受理 without a reason: refused
        assert "必须写明理由" in app.screen.query_one("#banner").text
        await pilot.press(*"申请人户籍不在本区", "enter")
        await settle(pilot)
        assert "申请人户籍不在本区" in screen_text(app), screen_text(app)  # the confirmation shows the reason
        await pilot.press("f10")
        await settle(pilot)
        assert "受理编号" in banner(app), screen_text(app)
        (summary,) = case_service.find(PERSON[0])
        view = case_service.get(summary.number)
        assert view.state is CaseState.NOT_ACCEPTED and view.reason == "申请人户籍不在本区"


async def test_bad_id_number_is_refused_at_the_keyboard(make_app, case_service):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        bad = ("李四", "110105194912310021", "13812345678", "济南市")
        await applicant(pilot, bad)
        assert "校验位应为 X" in str(app.screen.query_one("#id-feedback").content)
        await pilot.press("f4", "a", "f10")
        await settle(pilot)
        assert type(app.screen).__name__ == "IntakeScreen"  # no outcome dialog
        assert "身份证号码：校验位应为 X" in banner(app)
        assert app.focused.id == "applicant-name"
        assert case_service.find("李四") == []


async def test_a_bundle_confirmation_and_banner_show_each_item(make_app, case_service, catalog):
    """Each item's outcome and date before saving; each item's case number once saved."""
    code = "YJS-XSE"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "xsecs")
        await applicant(pilot)
        await pilot.press(*"王小宝")  # 新生儿姓名
        await pilot.press("f4", "a", "f10")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        import io

        from rich.console import Console

        console = Console(width=200, file=io.StringIO(), record=True)
        console.print(app.screen.query_one("#preview").content)  # the whole text, scrolled or not
        text = console.export_text()
        for item_code in catalog.bundles[code].item_codes:
            assert item_code in text
        assert "分项（5 项" in text and text.count("承诺办结时间 2026-") >= 1
        await pilot.press("f10")
        await settle(pilot)
        parent = min(case_service.find(PERSON[0]), key=lambda s: s.number)
        view = case_service.get(parent.number)
        shown = banner(app)
        assert all(child.number in shown for child in view.children), shown
