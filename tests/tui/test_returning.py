"""Returning applicants: a checked ID number of an earlier case offers its
name, phone and address with one key (F6); every look-up that shows them is
an audit event ``view``."""

from __future__ import annotations

import pytest

from .support import CLERK_ID, CLERK_PASSWORD
from .test_scan_and_lookup import TEACHER, saved_case
from .visit import pick, settle, sign_in

ID_NUMBER = "11010519491231002X"  # saved_case's applicant


def _views(case_service) -> list:
    from sqlalchemy import select

    from clerk.store.tables import AuditEvent

    with case_service.store.session(write=False) as session:
        return [e for e in session.execute(select(AuditEvent)).scalars() if e.action == "view"]


def test_the_latest_case_gives_the_applicant_and_the_view_is_audited(case_service, catalog):
    from clerk.domain.intake import ApplicantKind
    from clerk.services.returning import previous_applicant

    number = saved_case(case_service, catalog, "赵六")
    user = case_service.authenticate(CLERK_ID, CLERK_PASSWORD)
    found = previous_applicant(case_service, user, 7, ApplicantKind.PERSON, ID_NUMBER.lower())
    assert found is not None
    applicant, seen = found
    assert (applicant.name, applicant.phone, applicant.address, seen) == ("赵六", "13912345678", "济南市", number)
    (event,) = _views(case_service)
    assert (event.actor, event.window, event.case_number) == (CLERK_ID, 7, number)
    assert previous_applicant(case_service, user, 7, ApplicantKind.ORG, ID_NUMBER) is None  # another kind
    assert previous_applicant(case_service, user, 7, ApplicantKind.PERSON, "110105194912310011") is None
    assert len(_views(case_service)) == 1  # nothing shown, nothing audited


@pytest.mark.asyncio
async def test_one_key_takes_a_returning_applicants_details(make_app, case_service, catalog):
    saved_case(case_service, catalog, "赵六")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press("enter", *ID_NUMBER)  # name left for later: the ID number first
        await settle(pilot)
        intake = app.screen
        banner = intake.query_one("#banner").text
        assert "曾在本厅办理" in banner and "赵六" in banner and "F6" in banner
        assert "13912345678" not in banner  # the phone is masked in the offer
        await pilot.press("f6")
        await settle(pilot)
        form = intake.query_one("#applicant")
        taken = form.applicant()
        assert (taken.name, taken.id_number, taken.phone, taken.address) == ("赵六", ID_NUMBER, "13912345678", "济南市")
        assert intake.applicant_problems() == []
        assert len(_views(case_service)) == 1


@pytest.mark.asyncio
async def test_the_view_shows_in_the_case_history_in_chinese(make_app, case_service, catalog):
    from clerk.domain.intake import ApplicantKind
    from clerk.services.returning import previous_applicant

    from .support import screen_text

    number = saved_case(case_service, catalog, "赵六")
    user = case_service.authenticate(CLERK_ID, CLERK_PASSWORD)
    previous_applicant(case_service, user, 7, ApplicantKind.PERSON, ID_NUMBER)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f5", *number, "enter")
        await settle(pilot)
        assert "调阅申请人信息" in screen_text(app)
