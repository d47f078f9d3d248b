"""The newborn bundle's 新生儿姓名 at the window: shown only where asked, needed to accept,
saved on every case, kept with a half-entered visit."""

from __future__ import annotations

import pytest

from .support import CLERK_ID, CLERK_PASSWORD, screen_text
from .test_scan_and_lookup import TEACHER
from .visit import PERSON, applicant, finish, pick, settle, sign_in

pytestmark = pytest.mark.asyncio


@pytest.mark.slow
async def test_the_newborn_bundle_asks_for_the_childs_name_and_saves_it(make_app, case_service):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        assert not app.screen.query_one("#child-row").display
        await pilot.press("ctrl+n", "ctrl+n")  # an item is chosen: the second press clears
        await pick(pilot, "xsecs")
        assert app.screen.query_one("#child-row").display and "新生儿姓名" in screen_text(app)
        await applicant(pilot)
        assert app.focused.id == "child-name"  # Enter after the address goes on to the child's name
        await pilot.press("f4", "a", "f10")
        await settle(pilot)
        assert type(app.screen).__name__ == "IntakeScreen"  # no outcome dialog without the name
        assert "请填写新生儿姓名" in app.screen.query_one("#banner").text
        assert app.focused.id == "applicant-name"
        await pilot.press("f3", "enter", "enter", "enter", "enter", *"王小宝")
        await pilot.pause()
        assert "请填写新生儿姓名" not in app.screen.query_one("#banner").text  # the banner follows the fix
        await finish(pilot, 1)
        parent = min(case_service.find(PERSON[0]), key=lambda s: s.number)
        view = case_service.get(parent.number)
        assert view.child_name == "王小宝" and all(c.child_name == "王小宝" for c in view.children)


async def test_the_childs_name_comes_back_with_a_half_entered_visit(make_app, tmp_path):
    state_dir = tmp_path / "state"
    first = make_app(state_dir=state_dir)
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "xsecs")
        await applicant(pilot)
        await pilot.press(*"王小宝")
        await settle(pilot)
    second = make_app(state_dir=state_dir)
    async with second.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*CLERK_ID, "enter", *CLERK_PASSWORD, "enter")
        await settle(pilot)
        assert second.screen.query_one("#child-name").value == "王小宝"


async def test_the_childs_name_stands_apart_from_its_label(make_app):
    """`新生儿姓名孙小雨` ran label and name together (#30, Low): a space between them, at 80 and 120 columns."""
    for size in ((80, 24), (120, 36)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await sign_in(pilot)
            await pick(pilot, "xsecs")
            app.screen.query_one("#child-name").value = "孙小雨"
            await pilot.pause()
            (line,) = [ln for ln in screen_text(app).splitlines() if "孙小雨" in ln]
            assert "新生儿姓名孙小雨" not in line and "新生儿姓名 " in line, (size, line)


@pytest.mark.slow
async def test_a_bundle_partly_taken_today_asks_for_the_name_before_the_outcome(make_app):
    """Only 生育医疗费用票据 missing: three items are done and one accepted today, so the
    papers name the child and F10 asks for the name first, as the service does (#30 item 2)."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "xsecs")
        await applicant(pilot)
        await pilot.press("f4", "down", "down", "down", "down")
        await pilot.press("3", "a", "f10")
        await settle(pilot)
        marks = app.screen.marks
        assert marks["maternity-medical-bills"].status.value == "缺"
        assert sum(m.status.received for m in marks.values()) == len(marks) - 1
        assert type(app.screen).__name__ == "IntakeScreen"  # no outcome dialog without the name
        assert "请填写新生儿姓名" in app.screen.query_one("#banner").text
