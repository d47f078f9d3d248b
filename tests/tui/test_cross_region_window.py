"""The 跨域通办 window (issue 29): the item search lists another region's item after the hall's
own of the same name, its region named, and the item line shows the promise and the handling body."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static

from tests.support.cross_region import CROSS_REGION, NANSHAN_BODY, NANSHAN_PHONE
from tests.tui.visit import settle, sign_in, typed

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def catalog():
    from clerk.catalog import load_catalog
    from clerk.shipped import shipped_path

    found = load_catalog(shipped_path("catalog"), CROSS_REGION)
    found.prepare_search()
    return found


async def test_the_search_names_the_region_and_the_item_line_the_handling_body(make_app):
    app = make_app()
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f2", *typed("住房公积金异地转移接续"))
        await settle(pilot)
        options = app.screen.query_one("#search-results", OptionList)
        shown = [(options.get_option_at_index(i).id, str(options.get_option_at_index(i).prompt))
                 for i in range(options.option_count)]
        assert shown == [("370112-GJJ-008", "住房公积金异地转移接续  [事项 370112-GJJ-008]"),
                         ("440305-KY-003", "住房公积金异地转移接续〔跨域·深圳市南山区〕  [事项 440305-KY-003]")]
        await pilot.press("down", "enter")
        await settle(pilot)
        info = str(app.screen.query_one("#item-info", Static).render())
        assert info.startswith("住房公积金异地转移接续〔440305-KY-003〕 跨域通办 · 承诺 13 个工作日"
                               "（办理地 10 个工作日 + 移交 3 个工作日）")
        assert f"办理地 深圳市南山区 {NANSHAN_BODY} {NANSHAN_PHONE}" in info
