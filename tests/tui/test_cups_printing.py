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
