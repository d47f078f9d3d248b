"""The intake search breaks ties by this hall's intakes of the last 90 days."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from clerk.catalog.model import Delivery
from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, Outcome
from tests.tui.support import CLERK_ID
from tests.tui.visit import settle, sign_in, typed

pytestmark = pytest.mark.asyncio

SOLE_TRADER = "370112-SCJG-001"  # 个体工商户设立登记: 营业执照 is its alias
COMPANY = "370112-SCJG-004"  # 有限责任公司设立登记: a longer name than 个体工商户设立登记
PERSON = Applicant(ApplicantKind.PERSON, "王五", "11010519491231002X", "13812345678", "济南市历城区山大路1号")


def results(app) -> list[str]:
    options = app.screen.query_one("#search-results", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


async def test_the_busier_item_comes_first_among_equals(make_app, case_service, catalog):
    before = [h.code for h in catalog.search("营业执照", limit=12)]
    clerk = case_service.account(CLERK_ID)
    for _ in range(3):  # three company registrations this week (sent to the fallback desk: nothing ticked)
        case_service.submit(clerk, 7, IntakeDraft(COMPANY, PERSON, Delivery.PICKUP, {}, {}), Outcome.FALLBACK)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f2", *typed("营业执照"))
        await settle(pilot)
        shown = results(app)
        # 个体工商户设立登记 has 营业执照 as its own alias (a better tier than the synonym that
        # finds the others): it stays first; among the equals the busier company comes first
        assert shown[:2] == [SOLE_TRADER, COMPANY]
        assert before[0] == SOLE_TRADER and before.index(COMPANY) > 1
        assert sorted(shown) == sorted(before)  # the same hits, only the order changed
        second = app.screen.query_one("#search-results", OptionList).get_option_at_index(1).prompt
        assert str(second) == f"有限责任公司设立登记  [事项 {COMPANY}]  ← 营业执照"  # why it was found
