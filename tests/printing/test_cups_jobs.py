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
from clerk.integration.printing import CasePrinter, describe
from clerk.printing import CupsPrinter, PrintError, PrintQueue
from clerk.printing.data import NoticeKind
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
    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome
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


def _case(service):
    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome

    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    return clerk, service.submit(clerk, 1, hygiene(), Outcome.ACCEPT).number


def _until_cups_has(cupsd, job: str) -> None:
    """Wait until CUPS holds ``job`` (the notice is drawn first: seconds on a loaded machine), and
    its 3-second backend has started."""
    deadline = time.monotonic() + 60
    while job not in cupsd.jobs("not-completed") and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)


def test_a_job_lost_with_its_server_is_unknown_then_settled_and_never_printed_twice(
        service, cupsd, tmp_path, monkeypatch):
    """cupsd stops 2 s into a job: clerk cannot know whether the paper will come out, and says so;
    the job resumes when cupsd comes back; a reprint asked meanwhile prints no second paper."""
    import threading

    from clerk.printing import ipp
    from clerk.store.notices import NoticeStatus

    monkeypatch.setattr(ipp, "LOST_PATIENCE", 2.0)
    clerk, number = _case(service)
    settings = Settings.defaults(home=tmp_path, receipts_dir=tmp_path / "receipts", font_path="", printer="slow",
                                 timezone="Asia/Shanghai", hall=HALL)
    results = []
    worker = threading.Thread(target=lambda: results.extend(CasePrinter(settings).print_case(service, number,
                                                                                            clerk, 1)))
    worker.start()
    _until_cups_has(cupsd, "slow-1")
    cupsd.stop()
    worker.join(30)
    (outcome,) = results
    assert not outcome.ok and outcome.unknown
    assert "打印结果未知" in outcome.reason and "slow-1" in outcome.reason and "可能仍会打出" in outcome.reason
    assert "Errno" not in outcome.reason and "refused" not in outcome.reason
    said = describe([outcome])
    assert "未能打印" not in said and "承诺件通知书打印结果未知" in said
    (notice,) = service.get(number).notices
    assert notice.status is NoticeStatus.UNKNOWN and "slow-1" in notice.reason and notice.printed_at is None

    # The clerk asks for a reprint while the server is still down: nothing is sent, nothing queued.
    (again,) = CasePrinter(settings).reprint_case(service, number, clerk, 1)
    assert again.unknown and not again.ok and "核实前不会重打" in again.reason
    assert [n.is_reprint for n in service.get(number).notices] == [False]

    cupsd.restart()  # the job resumes: the applicant gets the paper
    (settled,) = CasePrinter(settings).reprint_case(service, number, clerk, 1)
    assert settled.ok and settled.note == "已核实：任务 slow-1 已打出"
    (notice,) = service.get(number).notices  # no 补打 queued: the first paper came out
    assert notice.status is NoticeStatus.PRINTED and notice.attempts == 1 and notice.path
    assert [line.split()[0] for line in cupsd.sheets()] == ["1"]
    assert cupsd.jobs("not-completed") == ""
    assert "已核实：任务 slow-1 已打出" in describe([settled])


def test_a_paused_printer_is_said_in_chinese_and_its_words_are_in_the_log(cupsd, pdf, clerk_log):
    """The queue is paused (cupsdisable) while the job waits: the clerk reads why in Chinese,
    clerk.log keeps what CUPS said (printer-state-reasons ``paused``)."""
    import threading

    errors = []

    def send():
        try:
            CupsPrinter("slow").send(pdf, title="承诺件通知书 SF1")
        except PrintError as exc:
            errors.append(str(exc))

    cupsd.run("lp", "-d", "slow", "--", str(pdf))  # slow-1 keeps the printer busy: ours waits
    worker = threading.Thread(target=send)
    worker.start()
    time.sleep(1)
    cupsd.run("cupsdisable", "slow")
    worker.join(30)
    (error,) = errors
    assert "打印机已暂停" in error and "slow-2 已撤销" in error
    assert "paused" not in error and "stopped" not in error
    assert "paused" in clerk_log.read_text(encoding="utf-8")


def test_the_next_print_at_the_window_settles_a_lost_job_once_the_server_is_back(
        service, cupsd, tmp_path, monkeypatch):
    import threading

    from clerk.domain.intake import Outcome
    from clerk.printing import ipp
    from clerk.store.notices import NoticeStatus

    monkeypatch.setattr(ipp, "LOST_PATIENCE", 2.0)
    clerk, lost = _case(service)
    settings = Settings.defaults(home=tmp_path, receipts_dir=tmp_path / "receipts", font_path="", printer="slow",
                                 timezone="Asia/Shanghai", hall=HALL)
    worker = threading.Thread(target=lambda: CasePrinter(settings).print_case(service, lost, clerk, 1))
    worker.start()
    _until_cups_has(cupsd, "slow-1")
    cupsd.stop()
    worker.join(30)
    assert service.get(lost).notices[0].status is NoticeStatus.UNKNOWN

    cupsd.restart()
    deadline = time.monotonic() + 20
    while not cupsd.sheets() and time.monotonic() < deadline:  # the lost job resumes by itself
        time.sleep(0.2)
    assert len(cupsd.sheets()) == 1
    assert service.get(lost).notices[0].status is NoticeStatus.UNKNOWN  # nobody has asked yet

    following = service.submit(clerk, 1, hygiene(), Outcome.ACCEPT).number
    (outcome,) = CasePrinter(settings).print_case(service, following, clerk, 1)
    assert outcome.ok
    (notice,) = service.get(lost).notices  # settled on the way, as printed, with no paper more
    assert notice.status is NoticeStatus.PRINTED and not notice.reason
    assert [line.split()[0] for line in cupsd.sheets()] == ["1", "2"]
