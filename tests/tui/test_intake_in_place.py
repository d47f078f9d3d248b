"""Picking an item updates the situations and the checklist in place where it can (no per-key
stall from rebuilding them): the same questions keep their rows, only the answers are reset."""

from __future__ import annotations

import pytest

from .visit import pick, settle, sign_in

pytestmark = pytest.mark.asyncio

BILLBOARD = "370112-CGJ-001"  # 户外广告设施设置审批: 办理方式 本人办理 (6 materials) / 委托代理人办理 (8)
TEACHER = "370112-JYTY-003"  # 教师资格认定: no situations


async def test_same_item_again_keeps_the_rows_and_resets_the_answers(make_app, catalog):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, BILLBOARD)
        screen = app.screen
        row = screen.query_one("#situation-applicant")
        table = screen.query_one("#checklist")
        assert row.value == "本人办理" and table.row_count == len(catalog.checklist(BILLBOARD).entries) == 6

        row.focus()
        await pilot.press("right")  # 委托代理人办理: two more materials
        await pilot.pause()
        assert row.value == "委托代理人办理"
        assert table.row_count == len(catalog.checklist(BILLBOARD, {"applicant": "委托代理人办理"}).entries) == 8

        await pick(pilot, BILLBOARD)
        await pilot.pause()
        again = screen.query_one("#situation-applicant")
        assert again is row  # updated in place, not remounted
        defaults = {s.key: s.default.label for s in catalog.situations(BILLBOARD)}
        assert again.value == "本人办理" and screen.answers == defaults
        assert table.row_count == 6

        await pick(pilot, TEACHER)  # other questions (none): the rows go
        await pilot.pause()
        assert not screen.query("#situations ChoiceRow")
        assert table.row_count == len(catalog.checklist(TEACHER).entries)


async def test_marks_survive_a_situation_answer_that_keeps_the_rows(make_app, catalog):
    """A status redrawn in place is the mark the screen keeps (the table is rebuilt only when rows change)."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, BILLBOARD)
        screen = app.screen
        table = screen.query_one("#checklist")
        await pilot.press("f4", "a")
        await pilot.pause()
        first = table.coordinate_to_cell_key((0, 0)).row_key
        assert str(table.get_cell(first, "status")).startswith("已收原件")
        row = screen.query_one("#situation-applicant")
        row.focus()
        await pilot.press("right", "left")  # 8 rows, then the same 6 again
        await pilot.pause()
        assert table.row_count == 6
        statuses = [str(table.get_cell(key, "status")) for key in table.rows]
        assert all(s.startswith("已收原件") for s in statuses), statuses


@pytest.mark.slow
async def test_the_outcome_dialog_is_kept_and_asks_about_the_visit_of_now(make_app, case_service):
    """F10's dialog is one instance per intake screen; a second F10 shows the outcomes of the
    checklist as it is then, and its digit keys pick from those."""
    from clerk.domain.lifecycle import CaseState

    from .visit import applicant

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot)
        intake = app.screen
        await pilot.press("f4", "a", "f10")
        await settle(pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "OutcomeScreen"
        first = [o.value for o in dialog.outcomes]
        await pilot.press("escape", "up", "up", "up", "up", "up", "up", "up", "up", "3", "f10")  # row 1: 缺
        await settle(pilot)
        assert app.screen is dialog  # the same dialog, asked again
        now = [o.value for o in dialog.outcomes]
        assert now != first
        assert now == [o.value for o in intake.verdict().allowed_outcomes()]
        assert now[0] == "fallback"
        labels = [str(dialog.query_one("#outcomes").get_option_at_index(i).prompt) for i in range(len(now))]
        assert len(labels) == len(now) and all(label.startswith(f"{i}.") for i, label in enumerate(labels, 1))
        assert dialog.query_one("#outcomes").highlighted == 0 and dialog.focused is dialog.query_one("#outcomes")
        await pilot.press("1")  # the first outcome of now (an incomplete visit: 转兜底窗口)
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        number = app.screen.query_one("#banner").text.split("受理编号 ")[1][:16]
        assert case_service.get(number).state is CaseState.INCOMPLETE


@pytest.mark.slow
async def test_the_confirmation_is_kept_and_shows_the_visit_of_now(make_app):
    from .visit import applicant

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot)
        await pilot.press("f4", "a", "f10")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "ConfirmScreen"
        assert "张三" in str(dialog.query_one("#preview").content.renderables[2])
        await pilot.press("escape", "f3", "ctrl+u", *"李四", "f10")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert app.screen is dialog
        shown = str(dialog.query_one("#preview").content.renderables[2])
        assert "李四" in shown and "张三" not in shown
