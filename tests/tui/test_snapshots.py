"""Snapshots of the main screens (pytest-textual-snapshot).

Deterministic: 120×36, the fixed clock of conftest, a fresh store (case numbers
start at 0001), no user config (CLERK_CONFIG/CLERK_HOME in tmp), TZ fixed and
the input cursor not blinking.  Update with ``pytest tests/tui --snapshot-update``
after looking at the new pictures.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from .visit import PERSON, applicant, pick, settle, sign_in

SIZE = (120, 36)


async def _steady(pilot) -> None:
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_sign_in_screen(snap_compare, make_app):
    async def run_before(pilot):
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_intake_screen_mid_visit(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "370112-WSJK-006")
        await applicant(pilot, PERSON)
        await pilot.press("f4", "1", "2", "3")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_item_search_list(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press(*"wsxk")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_confirmation_dialog(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "370112-JYTY-003")
        await applicant(pilot, PERSON)
        await pilot.press("f4", "1", "3", "a", "f10")
        await settle(pilot)
        await pilot.press("1")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f1")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


@pytest.fixture
def looked_up_case(case_service, catalog):
    from clerk.catalog.model import Delivery
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome

    from .support import CLERK_ID, CLERK_PASSWORD

    user = case_service.authenticate(CLERK_ID, CLERK_PASSWORD)
    code = "370112-JYTY-003"
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in catalog.checklist(code).entries}
    marks["photo"] = MaterialMark(MaterialStatus.MISSING)
    person = Applicant(ApplicantKind.PERSON, *PERSON)
    return case_service.submit(user, 7, IntakeDraft(code, person, Delivery.EMS, {}, marks), Outcome.FALLBACK).number


def test_lookup_screen(snap_compare, make_app, looked_up_case):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f5", *PERSON[0], "enter")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
