"""At the window: an everyday word finds the item, and its limit shows in its own unit."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.tui.visit import pick, settle, sign_in

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize(("word", "name", "limit"), [
    ("离婚", "内地居民离婚登记", "承诺 30 日（自然日）（法定 30 日（自然日））"),
    ("ｓｐｊｙ", "食品经营许可（新办）", "承诺 "),
])
async def test_a_word_picks_the_item_and_shows_its_limit(make_app, word, name, limit):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, word)
        info = str(app.screen.query_one("#item-info", Static).render())
        assert info.startswith(name) and limit in info, info
