"""Picking an item updates the situations and the checklist in place where it can (issue 13,
per-key stall): the same questions keep their rows, only the answers are reset."""

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
