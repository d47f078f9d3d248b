"""The checklist row of a material a signed commitment may replace says so, like 〔可容缺〕."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from clerk.catalog import load_catalog
from clerk.tui.widgets.checklist import ChecklistTable
from tests.support.commitments import GOOD

pytestmark = pytest.mark.asyncio


class _Table(App[None]):
    def compose(self) -> ComposeResult:
        yield ChecklistTable()


async def test_a_row_that_may_be_replaced_by_a_commitment_is_marked(tmp_path: Path):
    path = tmp_path / "catalog.yaml"
    path.write_text(GOOD, encoding="utf-8")
    checklist = load_catalog(path).checklist("A-1")
    app = _Table()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(ChecklistTable)
        table.show(checklist, {})
        await pilot.pause()
        names = [table.get_row(key)[1].plain for key in ("id-card", "no-crime", "health")]
    assert names == ["申请人居民身份证", "无犯罪记录证明〔可告知承诺〕", "从业人员健康证明〔可告知承诺〕"]
