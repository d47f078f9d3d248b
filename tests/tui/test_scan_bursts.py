"""Scanner bursts and type-ahead judged by when the keys *arrived* (#30 items 1, 12, 13).

The keys here carry their arrival times (``Key.time``, stamped by the terminal driver's
input thread) and reach the app either all queued together (a UI thread that got to
them late) or one by one ``busy`` seconds apart while their arrival times stay 10 ms
apart (a loaded UI thread): the app must judge the burst by the arrival times and hand
type-ahead keys to the field the previous key moved the focus to.
"""

from __future__ import annotations

import pytest

from clerk.catalog.model import Delivery
from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome

from .support import CLERK_ID, arrive, screen_text
from .test_scan_and_lookup import TEACHER, saved_case
from .visit import pick, settle, settled_when, sign_in

pytestmark = pytest.mark.asyncio

LATE = [0.0, 0.08]  # keys queued together; keys handed over 80 ms apart (arrived 10 ms apart)


def incomplete_case(case_service, catalog, name: str) -> str:
    """A visit sent to the fallback desk (photo missing), as another window would."""
    user = case_service.authenticate(CLERK_ID, "demo1234")
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in catalog.checklist(TEACHER).entries}
    marks["photo"] = MaterialMark(MaterialStatus.MISSING)
    applicant = Applicant(ApplicantKind.PERSON, name, "11010519491231002X", "13912345678", "济南市")
    draft = IntakeDraft(TEACHER, applicant, Delivery.EMS, {}, marks)
    return case_service.submit(user, 3, draft, Outcome.FALLBACK).number


@pytest.mark.parametrize("busy", LATE)
async def test_a_scan_onto_the_checklist_leaves_it_exactly_as_it_was(make_app, case_service, catalog, busy):
    """Item 1: the digits of a case number are the checklist's keys; a scan ticks nothing."""
    number = saved_case(case_service, catalog)
    app = make_app(key_clock=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press("f4", "1")  # the clerk received the first material; the cursor is on the second
        intake = app.screen
        table = intake.query_one("#checklist")
        before, row = dict(intake.marks), table.cursor_row
        await arrive(pilot, [*number, "enter"], busy=busy)
        await settle(pilot)
        assert type(app.screen).__name__ == "LookupScreen" and app.screen.view.number == number
        assert intake.marks == before and table.cursor_row == row
        assert "份数" not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is intake and intake.marks == before and table.cursor_row == row


async def test_a_queued_scan_reaches_the_checklist_with_at_most_its_first_key(make_app, case_service, catalog,
                                                                            monkeypatch):
    """Keys waiting together are judged before they act: only the burst's first key ever acts."""
    from clerk.tui.screens.intake import IntakeScreen

    number = saved_case(case_service, catalog)
    marked: list[str] = []
    original = IntakeScreen._set_mark
    monkeypatch.setattr(IntakeScreen, "_set_mark", lambda self, key, mark: (marked.append(key),
                                                                           original(self, key, mark))[1])
    app = make_app(key_clock=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press("f4")
        await arrive(pilot, [*number, "enter"])
        await settle(pilot)
        assert type(app.screen).__name__ == "LookupScreen"
        assert len(marked) <= 1, marked


@pytest.mark.parametrize("busy", LATE)
async def test_a_scan_into_the_empty_item_search_at_80x24_is_a_scan(make_app, case_service, catalog, busy):
    """Item 12: not “没有与…匹配的事项”: the case opens and the search stays empty."""
    number = saved_case(case_service, catalog)
    app = make_app(key_clock=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f2")
        await pilot.pause()
        for _ in range(2):  # the second scan of the same notice too
            await arrive(pilot, [*number, "enter"], busy=busy)
            await settle(pilot)
            assert type(app.screen).__name__ == "LookupScreen" and app.screen.view.number == number
            assert "匹配" not in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen.query_one("#search-input").value == ""
            await pilot.press("f2")
            await pilot.pause()


@pytest.mark.parametrize("busy", LATE)
async def test_a_scan_at_the_fallback_desk_opens_the_scanned_case_wherever_the_focus_is(
        make_app, case_service, catalog, staff, busy):
    """Item 1/12: focus in the list opens the scanned case (not the highlighted row);
    focus in 不予受理理由 types nothing there."""
    from textual.widgets import DataTable, Input

    first = incomplete_case(case_service, catalog, "赵六")
    second = incomplete_case(case_service, catalog, "钱七")
    app = make_app(key_clock=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press(*"2001", "enter", *"clerk123", "enter", *"9", "enter")
        await settle(pilot)
        desk = app.screen
        assert type(desk).__name__ == "FallbackScreen"
        queue = desk.query_one("#fallback-queue", DataTable)
        await settled_when(pilot, lambda: queue.row_count == 2, "the fallback queue")
        queue.focus()
        queue.move_cursor(row=0)
        await pilot.pause()
        highlighted = str(queue.coordinate_to_cell_key(queue.cursor_coordinate).row_key.value)
        scanned = second if highlighted == first else first
        await arrive(pilot, [*scanned, "enter"], busy=busy)
        await settled_when(pilot, lambda: desk.case is not None, "the scanned case")
        assert desk.case.number == scanned, (desk.case.number, scanned)

        other = first if scanned == second else second
        reason = desk.query_one("#fallback-reason", Input)
        reason.focus()
        await pilot.press(*"ab")
        await arrive(pilot, [*other, "enter"], busy=busy)
        await settled_when(pilot, lambda: desk.case.number == other, "the second scanned case")
        assert reason.value in ("ab", "")  # the burst typed nothing into the reason (the new case clears it)
        assert other not in reason.value
        assert other in desk.query_one("#banner").text or other in screen_text(app)


async def test_f4_then_a_digit_marks_the_material_not_the_address(make_app):
    """Item 13: F4 then ``1`` typed right after it, both waiting: ``1`` goes to the checklist."""
    from clerk.domain.intake import MaterialStatus

    app = make_app(key_clock=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        intake = app.screen
        address = intake.query_one("#applicant-address")
        address.focus()
        await pilot.press(*"山大路")
        await arrive(pilot, ["f4", "1"], gap=0.12)
        await settle(pilot)
        assert address.value == "山大路"
        first = intake.checklist.entries[0].material.key
        assert intake.marks[first].status is MaterialStatus.ORIGINAL


async def test_phone_digits_typed_right_after_enter_go_to_the_phone(make_app):
    """Item 13: Enter in 身份证号 then the phone at once: the digits land in 手机."""
    app = make_app(key_clock=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press(*"张三", "enter", *"11010519491231002X")
        await arrive(pilot, ["enter", *"13812345678"], gap=0.13)
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#applicant-id").value == "11010519491231002X"
        assert screen.query_one("#applicant-phone").value == "13812345678"


async def test_held_keys_are_not_lost(make_app):
    """A fast start of a case number that stops there acts once the pause shows it; an ID
    number read at a device's pace lands as read."""
    import asyncio

    app = make_app(key_clock=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press(*"张三", "enter")
        field = app.screen.query_one("#applicant-id")
        await arrive(pilot, [*"2026"])  # could be a case number: held while it could
        await asyncio.sleep(0.15)
        await pilot.pause()
        assert field.value == "2026"
        field.value = ""
        await arrive(pilot, [*"11010519491231002X", "enter"])
        await settle(pilot)
        assert type(app.screen).__name__ == "IntakeScreen"
        assert field.value == "11010519491231002X"
        assert app.focused is app.screen.query_one("#applicant-phone")
