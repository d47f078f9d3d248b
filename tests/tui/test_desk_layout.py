"""The desks at the sizes a hall uses: a long fallback queue scrolls while the case being worked
keeps its room (issue 30 item 5); where the focus is, and the keys that move it (item 16)."""

from __future__ import annotations

import pytest

from tests.support.desk_cases import fallback_cases

from .support import CLERK_ID, CLERK_PASSWORD
from .test_roles import sign_in_as
from .visit import settle, settled_when, typed


def _inside(widget, screen) -> bool:
    """The widget is wholly on the screen (not scrolled off or squeezed to nothing)."""
    region = widget.region
    return region.height > 0 and region.y >= 0 and region.bottom <= screen.size.height


@pytest.mark.asyncio
@pytest.mark.slow
@pytest.mark.parametrize("size", [(120, 36), (160, 60), (80, 24)], ids=["120x36", "160x60", "80x24"])
async def test_a_long_fallback_queue_scrolls_and_the_open_case_keeps_its_room(make_app, case_service, catalog,
                                                                              staff, size):
    from textual.widgets import DataTable, Input, SelectionList

    user = case_service.authenticate(CLERK_ID, CLERK_PASSWORD)
    numbers = fallback_cases(case_service, catalog, user, 64)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        screen = app.screen
        table = screen.query_one("#fallback-queue", DataTable)
        await settled_when(pilot, lambda: table.row_count == 64, "the queue loaded")
        await pilot.press(*typed(numbers[40]), "enter")
        await settled_when(pilot, lambda: screen.case is not None, "the case opened")
        await pilot.pause()

        materials = screen.query_one("#fallback-materials", SelectionList)
        assert screen.max_scroll_y == 0  # the screen itself does not scroll: nothing is pushed off it
        # every material of the case on screen, in the list's border
        assert _inside(materials, screen) and materials.region.height >= materials.option_count + 2
        for field in ("#fallback-channel", "#fallback-ref", "#fallback-pickup", "#fallback-reason"):
            assert _inside(screen.query_one(field), screen), field
        for field in screen.query("#fallback-form Input").results(Input):
            assert field.region.height == 1
        # the queue keeps a few rows, and scrolls for the rest
        assert _inside(table, screen) and table.region.height >= 4
        assert table.max_scroll_y > 0
