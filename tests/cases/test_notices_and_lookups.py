"""What printing means for a case, and lookups that find what a scanner or a clerk types."""

from __future__ import annotations

from datetime import date

import pytest

from clerk.config import Settings
from clerk.domain.accounts import Role
from clerk.domain.intake import Applicant, ApplicantKind, MaterialMark, MaterialStatus, Outcome
from clerk.domain.views import DeadlineKind
from tests.support.drafts import hygiene, incomplete_hygiene


@pytest.fixture
def clerk(service):
    return service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")


@pytest.fixture
def printer(tmp_path):
    from clerk.integration.printing import CasePrinter

    return CasePrinter(Settings.defaults(receipts_dir=tmp_path / "receipts"))


def test_one_time_notice_counts_as_told_only_once_printed(service, clerk, printer, clock):
    number = service.submit(clerk, 1, incomplete_hygiene(), Outcome.FALLBACK).number
    view = service.get(number)
    assert view.notice_issued_at is None
    assert view.deadline(DeadlineKind.NOTICE).met_at is None
    assert [r.ok for r in printer.print_case(service, number, clerk, 1)] == [True]

    view = service.get(number)
    assert view.notice_issued_at == clock()
    assert view.deadline(DeadlineKind.NOTICE).met_at == clock()
    clock.advance(days=30)  # the applicant takes their time: the hall is not overdue
    assert number not in [c.number for c in service.overdue()]


def test_an_unprinted_one_time_notice_shows_as_overdue(service, clerk, clock):
    number = service.submit(clerk, 1, incomplete_hygiene(), Outcome.FALLBACK).number
    clock.advance(days=10)
    assert number in [c.number for c in service.overdue()]


def test_commitment_paper_never_gives_more_time_than_the_promise(service, clerk):
    from clerk.integration.printing import notice_data_from_case

    late = MaterialMark(MaterialStatus.TOLERATED, supply_by=date(2027, 3, 1))
    draft = hygiene(dict(hygiene().marks, **{"business-licence": late}))
    view = service.submit(clerk, 1, draft, Outcome.TOLERATE)
    data = notice_data_from_case(view, Settings.defaults())
    promised = view.deadline(DeadlineKind.PROMISED).due.date
    assert [t.supply_by for t in data.tolerated] == [view.deadline(DeadlineKind.SUPPLY).due.date]
    assert data.tolerated[0].supply_by <= promised


def test_ids_and_phones_are_stored_as_checked_so_lookups_find_them(service, clerk):
    typed = Applicant(ApplicantKind.PERSON, "王五", "１１０１０５ 19491231 002x", "138-1234-5678", "济南市")
    number = service.submit(clerk, 1, hygiene(applicant=typed), Outcome.ACCEPT).number
    view = service.get(number)
    assert (view.applicant.id_number, view.applicant.phone) == ("11010519491231002X", "13812345678")
    for query in ("11010519491231002X", "11010519491231002x", "138 1234 5678", "13812345678"):
        assert [c.number for c in service.find(query)] == [number], query


def test_a_schema_error_is_a_bug_not_an_outage(tmp_path, catalog, calendar, clock):
    from sqlalchemy.exc import OperationalError

    from clerk.services.cases import CaseService
    from clerk.store.engine import Store
    from clerk.store.errors import StoreUnavailable

    unmigrated = CaseService(Store(f"sqlite:///{tmp_path / 'empty.db'}"), catalog, calendar, clock)
    with pytest.raises(OperationalError) as err:
        unmigrated.find("王五")
    assert not isinstance(err.value, StoreUnavailable)
    assert "no such table" in str(err.value)


def test_working_days_left_counts_from_the_hall_date_and_flags_unpublished_years(service, clock):
    from datetime import timedelta

    assert service.today() == date(2026, 11, 25)
    left = service.working_days_left(date(2026, 12, 2))
    assert (left.days, left.provisional) == (5, False)
    assert service.working_days_left(date(2026, 11, 20)).days == -3  # lapsed three working days ago (Mon–Wed counted back)
    clock.advance(hours=14)  # 2026-11-26 00:00 in Beijing while still the 25th in UTC
    assert service.today() == date(2026, 11, 26)
    assert service.working_days_left(date(2026, 12, 2)).days == 4
    far = service.working_days_left(date(2026, 12, 2) + timedelta(days=60))
    assert far.provisional and far.missing_years == (2027,)


def test_a_pickup_fetches_what_is_still_owed(service, clerk):
    from clerk.services.desk import DeskService

    view = service.submit(clerk, 1, incomplete_hygiene(), Outcome.FALLBACK)
    owed = {line.key for line in view.one_time_notice}
    assert set(DeskService.still_owed(view)) == owed
    arriving = sorted(owed)[:1]
    assert set(DeskService.still_owed(view, arriving)) == owed - set(arriving)
