"""The lookup says where a 跨域通办 case was taken in and where it is decided, with its number at the
other hall, and names the packet's export in the case's history (issue 29)."""

from __future__ import annotations

import pytest

from clerk.catalog.model import Delivery
from clerk.domain.intake import IntakeDraft, MaterialMark, MaterialStatus, Outcome
from tests.support.drafts import PERSON

from .support import CLERK_ID, CLERK_PASSWORD, screen_text
from .visit import settle, sign_in

pytestmark = pytest.mark.asyncio

TEACHER = "370112-JYTY-003"  # 教师资格认定 (the shipped catalog)
HALL_A, HALL_B = "370171-高新区政务服务中心", "440305-南山区政务服务中心"


async def test_the_lookup_names_both_halls_of_a_cross_region_case(make_app, case_service, catalog, tmp_path):
    from clerk.exchange.keys import HallKeyPair, install_trusted, write_private_key
    from clerk.exchange.service import ExchangeService

    write_private_key(tmp_path / "x" / "sm2.key", HallKeyPair.generate())
    install_trusted(tmp_path / "x" / "trusted", HALL_B, HallKeyPair.generate().public_hex)
    exchange = ExchangeService(case_service, HALL_A, "高新", tmp_path / "x" / "sm2.key", tmp_path / "x" / "trusted")
    user = case_service.authenticate(CLERK_ID, CLERK_PASSWORD)
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in catalog.checklist(TEACHER).entries}
    number = case_service.submit(user, 3, IntakeDraft(TEACHER, PERSON, Delivery.EMS, {}, marks), Outcome.ACCEPT).number
    exchange.export(user, 3, number, to=HALL_B)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f5", *number, "enter")
        await settle(pilot)
        shown = "".join(screen_text(app).split())
        assert f"跨域通办：收件地{HALL_A}→办理地{HALL_B}" in shown, shown
        assert "导出跨域通办数据包" in shown
