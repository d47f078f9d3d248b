"""Snapshots of the desk screens: fallback queue, EMS mail, results, ratings,
the supervisor's dashboard and the complaint desk (pytest-textual-snapshot).

Deterministic like ``test_snapshots``: 120×36, the fixed clock of conftest, a
fresh store (cases made through the service before the app starts, so their
numbers and dates are fixed), no user config, TZ fixed, no blinking cursor.
Update with ``pytest tests/tui/test_snapshots_desks.py --snapshot-update``
after looking at the new pictures.
"""

from __future__ import annotations

import pytest

from .support import CLERK_ID, CLERK_PASSWORD
from .test_roles import sign_in_as
from .test_scan_and_lookup import saved_case
from .test_snapshots import SIZE, _steady
from .visit import PERSON, settle, settled_when, typed


def incomplete_case(case_service, catalog) -> str:
    """A 教师资格认定 sent to the fallback desk with the photo missing."""
    from clerk.catalog.model import Delivery
    from clerk.domain.intake import (
        Applicant,
        ApplicantKind,
        IntakeDraft,
        MaterialMark,
        MaterialStatus,
        Outcome,
    )

    user = case_service.authenticate(CLERK_ID, CLERK_PASSWORD)
    code = "370112-JYTY-003"
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in catalog.checklist(code).entries}
    marks["photo"] = MaterialMark(MaterialStatus.MISSING)
    person = Applicant(ApplicantKind.PERSON, *PERSON)
    return case_service.submit(user, 7, IntakeDraft(code, person, Delivery.EMS, {}, marks), Outcome.FALLBACK).number


def approved_case(case_service, catalog, boss) -> str:
    """An EMS 承诺件 approved by the back office: queued for the mail room."""
    from clerk.domain.views import Decision
    from clerk.services.desk import DeskService

    number = saved_case(case_service, catalog)
    DeskService(case_service).record_decision(boss, 30, number, Decision.APPROVED)
    return number


def test_fallback_queue(snap_compare, make_app, case_service, catalog, staff):
    incomplete_case(case_service, catalog)

    async def run_before(pilot):
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        assert type(pilot.app.screen).__name__ == "FallbackScreen"
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_fallback_case_opened(snap_compare, make_app, case_service, catalog, staff):
    number = incomplete_case(case_service, catalog)

    async def run_before(pilot):
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        await pilot.press(*typed(number), "enter")
        await settle(pilot)
        assert pilot.app.screen.case is not None
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_mail_queue(snap_compare, make_app, case_service, catalog, staff):
    approved_case(case_service, catalog, staff["office"])

    async def run_before(pilot):
        await settle(pilot)
        await sign_in_as(pilot, "3001")
        assert type(pilot.app.screen).__name__ == "MailScreen"
        await settled_when(pilot, lambda: pilot.app.screen._opened is not None, "the first item opened")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_decision_screen_with_a_case(snap_compare, make_app, case_service, catalog, staff):
    number = saved_case(case_service, catalog)

    async def run_before(pilot):
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "DecisionScreen"
        await pilot.press(*typed(number), "enter")
        await settle(pilot)
        assert pilot.app.screen.case is not None
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_rating_screen_with_a_follow_up(snap_compare, make_app, case_service, catalog, staff):
    from clerk.domain.views import Rating
    from clerk.services.desk import DeskService

    number = saved_case(case_service, catalog)
    DeskService(case_service).rate(staff["boss"], 1, number, Rating.DISSATISFIED, "等候时间太长")

    async def run_before(pilot):
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "RatingScreen"
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_dashboard(snap_compare, make_app, case_service, catalog, staff):
    saved_case(case_service, catalog, "赵六")
    saved_case(case_service, catalog, "钱七")
    incomplete_case(case_service, catalog)
    approved_case(case_service, catalog, staff["office"])

    async def run_before(pilot):
        await settle(pilot)
        await sign_in_as(pilot, "9001")
        assert type(pilot.app.screen).__name__ == "DashboardScreen"
        await settle(pilot)
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


@pytest.fixture
def logged_complaint(case_service, calendar, settings, clock, staff):
    from clerk.complaint_categories import load_categories
    from clerk.services.complaints import ComplaintDesk

    desk = ComplaintDesk(case_service.store, calendar, load_categories(None), clock,
                         hall_code=settings.hall.code, timezone=settings.timezone)
    category = next(iter(desk.categories))
    return desk.log(staff["boss"], 1, category, "窗口午休无人值守", applicant_name="孙八",
                    applicant_phone="13700001111").number


def test_complaint_desk(snap_compare, make_app, logged_complaint):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in_as(pilot, "9001")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "ComplaintsScreen"
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
