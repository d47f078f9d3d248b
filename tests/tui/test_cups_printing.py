"""A notice the printer jams on after CUPS accepted it: the window says why, within 30 s.

A real private CUPS scheduler (tests/printing/cupsd.py): the ``jam`` queue's
backend takes the job and then fails with a paper jam.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from clerk.domain.lifecycle import CaseState

from .visit import PERSON, applicant, finish, pick, settle, sign_in

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

TEACHER = "370112-JYTY-003"  # 教师资格认定, 承诺件


@pytest.fixture
def cupsd(tmp_path, monkeypatch):
    from tests.printing.cupsd import private_cupsd

    yield from private_cupsd(tmp_path, monkeypatch)


async def test_a_jammed_job_is_not_issued_and_the_banner_says_why(make_app, case_service, settings, cupsd):
    app = make_app(settings_=replace(settings, printer="jam", paper="roll"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        await applicant(pilot)
        await pilot.press("f4", "a")
        start = time.monotonic()
        await finish(pilot, 1)
        await settle(pilot)
        assert time.monotonic() - start < 30
        text = app.screen.query_one("#banner").text
        assert "未能打印" in text and "卡纸" in text and "未打出" in text, text
        assert app.screen.query_one("#banner").level != "ok"  # the intake screen warns, others error
        (summary,) = case_service.find(PERSON[0])
        assert summary.state is CaseState.ACCEPTED
        (notice,) = case_service.get(summary.number).notices
        assert str(notice.status) != "printed" and notice.printed_at is None and "卡纸" in notice.reason


async def test_a_job_lost_with_the_print_server_is_said_to_be_unknown_not_failed(
        make_app, case_service, settings, cupsd, monkeypatch):
    """cupsd stops 2 s into the job: the window does not say 未能打印 (the paper may still come
    out when cupsd returns) nor invite a reprint; it says the outcome is unknown."""
    import threading

    from clerk.printing import ipp

    monkeypatch.setattr(ipp, "LOST_PATIENCE", 2.0)
    app = make_app(settings_=replace(settings, printer="slow", paper="roll"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        await applicant(pilot)
        await pilot.press("f4", "a")

        def stop_mid_job():  # 1 s after CUPS took the job (it takes 3 s to print)
            until = time.monotonic() + 30
            while "slow-1" not in cupsd.jobs() and time.monotonic() < until:
                time.sleep(0.1)
            time.sleep(1)
            cupsd.stop()

        stopper = threading.Thread(target=stop_mid_job)
        stopper.start()
        await finish(pilot, 1)
        stopper.join(30)
        deadline = time.monotonic() + 30
        while "打印结果未知" not in app.screen.query_one("#banner").text and time.monotonic() < deadline:
            await pilot.pause(0.2)
        text = app.screen.query_one("#banner").text
        assert "承诺件通知书打印结果未知" in text and "可能仍会打出" in text, text
        assert "未能打印" not in text and "F9 重打" not in text and "Errno" not in text
        (summary,) = case_service.find(PERSON[0])
        (notice,) = case_service.get(summary.number).notices
        assert str(notice.status) == "unknown"
