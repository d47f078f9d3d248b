"""Keyboard devices at the window: an ID-card reader, a QR reader and a barcode
scanner all type fast and end with Enter.  Only a case number of this hall (or
what the screen expects, or the configured prefix) is a scan; any other burst
goes to the focused field exactly as typed, its Enter included."""

from __future__ import annotations

from dataclasses import replace

import pytest

from .support import CLERK_ID, CLERK_PASSWORD, screen_text
from .test_scan_and_lookup import TEACHER, saved_case
from .visit import pick, settle

pytestmark = pytest.mark.asyncio
ID_NUMBER = "370112199001017775"
PHONE, ADDRESS = "13812345678", "济南市历城区山大路100号"


async def sign_in_at(pilot, key_clock, *, password_pace: str = "person") -> None:
    key_clock.person()
    await pilot.press(*CLERK_ID, "enter")
    getattr(key_clock, password_pace)()
    await pilot.press(*CLERK_PASSWORD, "enter")
    key_clock.person()
    if not pilot.app.screen.query_one("#window").value:
        await pilot.press("7")
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("pace", ["device", "person"])
async def test_an_id_number_read_or_typed_lands_in_its_field_and_enter_moves_on(make_app, key_clock, pace):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in_at(pilot, key_clock)
        await pick(pilot, TEACHER)
        await pilot.press(*"张三", "enter")
        getattr(key_clock, pace)()  # the ID-card reader (or the clerk) types the number and Enter
        await pilot.press(*ID_NUMBER, "enter")
        key_clock.person()
        await pilot.press(*PHONE, "enter", *ADDRESS)
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "IntakeScreen"
        assert screen.query_one("#applicant-id").value == ID_NUMBER
        assert screen.query_one("#applicant-phone").value == PHONE
        assert screen.query_one("#applicant-address").value == ADDRESS
        assert "扫描内容" not in screen.query_one("#banner").text
        assert "校验通过" in screen_text(app)


@pytest.mark.parametrize("pace", ["device", "person"])
async def test_a_password_typed_fast_signs_in(make_app, key_clock, pace):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in_at(pilot, key_clock, password_pace=pace)
        assert type(app.screen).__name__ == "IntakeScreen"
        assert app.user is not None and app.user.id == CLERK_ID


async def test_a_case_number_scanned_at_a_devices_pace_opens_the_case(make_app, case_service, catalog, key_clock):
    number = saved_case(case_service, catalog)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in_at(pilot, key_clock)
        await pick(pilot, TEACHER)
        await pilot.press(*"张三", "enter")
        key_clock.device()
        await pilot.press(*number, "enter")
        key_clock.person()
        await settle(pilot)
        assert type(app.screen).__name__ == "LookupScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#applicant-id").value == ""  # what the scan typed is undone


async def test_a_case_number_typed_by_a_person_is_text(make_app, case_service, catalog, key_clock):
    number = saved_case(case_service, catalog)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in_at(pilot, key_clock)
        await pilot.press("f5", *number, "enter")
        await settle(pilot)
        assert app.screen.query_one("#lookup-input").value == number


async def test_a_device_burst_on_the_checklist_is_keys_a_scan_is_not(make_app, case_service, catalog, key_clock):
    number = saved_case(case_service, catalog)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in_at(pilot, key_clock)
        await pick(pilot, TEACHER)
        await pilot.press("f4")
        intake = app.screen
        key_clock.device()
        await pilot.press(*number, "enter")  # a notice scanned while the checklist has the focus
        await settle(pilot)
        assert type(app.screen).__name__ == "LookupScreen"
        assert intake.marks == {}
        await pilot.press("escape")
        await pilot.pause()
        key_clock.device()
        await pilot.press("1")  # a single fast key is the clerk's: it marks as usual
        key_clock.person()
        await settle(pilot)
        assert len(intake.marks) == 1


async def test_another_halls_number_or_junk_goes_to_the_field(make_app, key_clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in_at(pilot, key_clock)
        key_clock.device()
        await pilot.press(*"20260310-XY-0001")
        key_clock.person()
        await settle(pilot)
        assert app.screen.query_one("#search-input").value == "20260310-XY-0001"
        assert type(app.screen).__name__ == "IntakeScreen"


async def test_the_prefix_makes_a_scan_of_anything(make_app, settings, key_clock):
    app = make_app(settings_=replace(settings, scanner_prefix="@@"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in_at(pilot, key_clock)
        key_clock.device()
        await pilot.press(*"@@X9#A-12345-ZZ", "enter")
        key_clock.person()
        await settle(pilot)
        assert "扫描内容不是受理编号" in app.screen.query_one("#banner").text
        assert app.screen.query_one("#search-input").value == ""
