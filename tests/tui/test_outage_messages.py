"""What the window says about an outage stops saying it once the outage is over (issue 30 item 19): the
intake's ⚠ “kept on this machine” goes when the retry saved the kept visit."""

from __future__ import annotations

import pytest

from clerk.store.errors import StoreUnavailable
from clerk.tui.widgets.banner import Banner

from .visit import PERSON, applicant, pick, settle, settled_when, sign_in

TEACHER = "370112-JYTY-003"


class DownCases:
    """The real case service, its saves refused while ``down`` (the store unreachable)."""

    def __init__(self, real) -> None:
        self.real, self.down = real, True

    def submit(self, *args, **kwargs):
        if self.down:
            raise StoreUnavailable()
        return self.real.submit(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.mark.asyncio
async def test_the_kept_warning_goes_once_the_kept_visit_is_saved(make_app, case_service, tmp_path):
    cases = DownCases(case_service)
    app = make_app(cases=cases, state_dir=tmp_path / "state")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot)
        await pilot.press("f4", "a")
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("f10")  # confirmed: the store does not answer, the visit is kept here
        banner = app.screen.query_one(Banner)
        for _ in range(500):
            if "已暂存在本机" in banner.text:
                break
            await pilot.pause(0.01)
        assert "已暂存在本机" in banner.text and banner.level == "warning", banner.text

        cases.down = False  # the store is back: the retry saves the kept visit
        await settled_when(pilot, lambda: bool(case_service.find(PERSON[0])) and "暂存的办件已保存" in banner.text,
                           "the kept visit saved")
        assert "已暂存在本机" not in banner.text, banner.text  # the warning no longer holds
