"""Issued means printed: a real (private) CUPS scheduler follows each job to the end.

The ``jam`` queue's backend accepts the job and then fails with a paper jam,
as a thermal printer does when the roll jams mid-job: ``lp`` succeeded, but the
notice must not count as issued, and the clerk must hear why within 30 s.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from clerk.config import Settings
from clerk.printing import CupsPrinter, PrintError, PrintQueue
from clerk.printing.data import NoticeKind
from clerk.integration.printing import CasePrinter, describe
from tests.printing.conftest import HALL
from tests.printing.test_queue import MemoryNoticeStore, loader
from tests.support.drafts import hygiene


pytestmark = pytest.mark.slow  # each test starts its own cupsd


@pytest.fixture
def pdf(tmp_path) -> Path:
    from clerk.printing import render
    from clerk.printing.samples import sample

    path = tmp_path / "n.pdf"
    path.write_bytes(render(NoticeKind.PROMISED, sample(NoticeKind.PROMISED, HALL), "roll",
                            Settings.defaults(font_path="", hall=HALL)))
    return path


def test_a_completed_job_is_printed(cupsd, pdf):
    CupsPrinter("good").send(pdf, title="承诺件通知书 SF1")
    assert cupsd.jobs("not-completed") == ""
    assert "good-1" in cupsd.jobs("completed")


def test_a_job_that_jams_after_lp_accepted_it_fails_with_the_printers_reason(cupsd, pdf):
    start = time.monotonic()
    with pytest.raises(PrintError) as caught:
        CupsPrinter("jam").send(pdf, title="承诺件通知书 SF1")
    assert time.monotonic() - start < 30
    assert "卡纸" in str(caught.value) and "未打出" in str(caught.value)
    assert cupsd.jobs("not-completed") == ""  # cancelled: it will not print behind the clerk's back
    assert "jam-1" in cupsd.jobs("completed")


def test_the_queue_does_not_issue_a_jammed_notice(cupsd, tmp_path):
    store = MemoryNoticeStore()
    store.enqueue("SF20261218-0042", NoticeKind.PROMISED)
    settings = Settings.defaults(home=tmp_path, receipts_dir=tmp_path / "receipts", font_path="", printer="jam",
                        timezone="Asia/Shanghai", hall=HALL)
    (outcome,) = PrintQueue(store, CupsPrinter("jam"), settings, loader).run_pending()
    assert not outcome.ok and "卡纸" in outcome.reason
    assert store.printed == {} and store.calls[-1][0] == "failed"
    assert "未能打印：承诺件通知书（" in describe([outcome]) and "卡纸" in describe([outcome])


def test_a_case_notice_stays_unprinted_with_the_reason_on_a_real_cups_queue(service, cupsd, tmp_path):
    from clerk.domain.intake import Outcome
    from clerk.domain.accounts import Role
    from clerk.store.notices import NoticeStatus

    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    number = service.submit(clerk, 1, hygiene(), Outcome.ACCEPT).number
    settings = Settings.defaults(home=tmp_path, receipts_dir=tmp_path / "receipts", font_path="", printer="jam",
                        timezone="Asia/Shanghai", hall=HALL)
    start = time.monotonic()
    (outcome,) = CasePrinter(settings).print_case(service, number, clerk, 1)
    assert time.monotonic() - start < 30
    assert not outcome.ok and "卡纸" in outcome.reason
    (notice,) = service.get(number).notices
    assert notice.status is NoticeStatus.FAILED and notice.printed_at is None and not notice.sha256
    assert "卡纸" in notice.reason

    cupsd.run("cupsenable", "good")
    (outcome,) = CasePrinter(replace(settings, printer="good")).print_case(
        service, number, clerk, 1)
    assert outcome.ok
    assert service.get(number).notices[0].status is NoticeStatus.PRINTED
