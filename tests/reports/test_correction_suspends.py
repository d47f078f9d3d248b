"""补正 suspends a case's time limit (#30 item 11; 行政许可法, DOMAIN.md): a case in 需补正 is not
办结, the days it waits for the applicant do not count against its limit, and the report says so."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest

from clerk.cli import main
from clerk.config import get_settings
from clerk.domain.desk_views import SupplyChannel
from clerk.domain.intake import Outcome
from clerk.domain.lifecycle import CaseState
from clerk.domain.views import DeadlineKind, Decision
from clerk.reports.report import daily_report
from clerk.services.desk import DeskService
from tests.support.drafts import COPY, hygiene


def hall_time(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 8, 0, tzinfo=UTC)


def report_lines(store, monkeypatch, capsys, day: date) -> list[str]:
    """``clerk report daily --date DAY`` as the supervisor reads it."""
    monkeypatch.setenv("CLERK_DATABASE_URL", store.url)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    get_settings.cache_clear()
    try:
        capsys.readouterr()
        assert main(["report", "daily", "--date", day.isoformat()]) == 0
        return capsys.readouterr().out.splitlines()
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_case_in_correction_is_not_done_and_its_wait_moves_the_due_date(store, service, users, clock,
                                                                          monkeypatch, capsys):
    desk = DeskService(service)
    clock.now = hall_time(date(2026, 11, 25))  # Wed; the item promises 5 working days: due Wed 12-02
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    assert view.promised_due.date == date(2026, 12, 2)

    clock.now = hall_time(date(2026, 11, 27))  # Fri: the department asks for a correction
    asked = desk.record_decision(users["office"], 30, view.number, Decision.CORRECTION, items=["平面图未标注面积"])
    assert asked.case.state is CaseState.CORRECTION and asked.case.promise_suspended
    report = daily_report(store, date(2026, 11, 27))
    assert (report.promised_met, report.promised_on_time, report.correction_waiting) == (0, 0, 1)
    lines = report_lines(store, monkeypatch, capsys, date(2026, 11, 27))
    assert "概况,期间办结的承诺件（需补正的不计）,0" in lines
    assert "概况,期间要求补正、尚待补正（中止计时，不计办结）,1" in lines
    assert any(line.startswith("概况,其中按时办结（补正期间中止计时，期限顺延）,") for line in lines)
    # waiting for the applicant: neither due nor overdue, whatever the old due date says
    assert view.number not in [s.number for s in service.overdue(date(2026, 12, 3))]

    clock.now = hall_time(date(2026, 12, 3))  # Thu: the correction arrives after 4 working days (30, 1, 2, 3)
    back = desk.log_supplement(users["fallback"], 9, view.number, {"hygiene-plan": COPY}, SupplyChannel.IN_PERSON)
    assert back.state is CaseState.ACCEPTED and not back.promise_suspended
    # 12-02 moved on by the 4 working days waited: 3, 4, 7, 8 — not a new 5 days from 12-03 (12-10)
    assert back.promised_due.date == date(2026, 12, 8)
    assert back.deadline(DeadlineKind.PROMISED).met_at is None

    clock.now = hall_time(date(2026, 12, 8))
    done = desk.record_decision(users["office"], 30, view.number, Decision.APPROVED)
    assert done.on_time is True
    report = daily_report(store, date(2026, 12, 8))
    assert (report.promised_met, report.promised_on_time, report.correction_waiting) == (1, 1, 0)
