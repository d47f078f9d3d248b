"""``clerk print CASE --kind KIND``: a 补打 from the command line, through the store."""

from __future__ import annotations

import io
import os

import pytest

from clerk.cli import main
from tests.conftest import FIXTURES
from tests.printing.conftest import barcodes, pdf_text
from tests.support.drafts import hygiene

PASSWORD = "Window#2026"


@pytest.fixture
def hall(tmp_path, monkeypatch, capsys):
    """A hall on a fresh SQLite store with the demo accounts and one accepted case."""
    for var in ("CLERK_FONT", "CLERK_PRINTER", "CLERK_PAPER", "CLERK_WINDOW", "CLERK_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    log = tmp_path / "printed.log"
    stub = tmp_path / "lp-stub.sh"
    stub.write_text(f'#!/bin/sh\necho "$1" >> {log}\n')
    stub.chmod(0o755)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLERK_CATALOG_DIR", str(FIXTURES / "catalog"))
    monkeypatch.setenv("CLERK_RECEIPTS_DIR", str(tmp_path / "receipts"))
    monkeypatch.setenv("CLERK_PRINT_COMMAND", str(stub))
    assert main(["setup"]) == 0
    from clerk.config import load_settings
    from clerk.domain.intake import Outcome
    from clerk.services.cases import CaseService

    cases = CaseService.from_settings(load_settings())
    for demo in ("1001", "1002"):  # the demo accounts set their own password at first sign-in
        cases.authenticate(demo, "clerk123", new_password=PASSWORD)
    clerk = cases.authenticate("1001", PASSWORD)
    number = cases.submit(clerk, 3, hygiene(), Outcome.ACCEPT).number
    from clerk.integration.printing import CasePrinter

    assert [r.ok for r in CasePrinter(load_settings()).print_case(cases, number, clerk, 3)] == [True]
    log.unlink()
    capsys.readouterr()
    return cases, number, log


def reprint(monkeypatch, *args: str, password: str = PASSWORD) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["print", *args, "--password-stdin"])


def test_reprint_prints_a_marked_copy_and_audits_it(hall, monkeypatch, capsys):
    cases, number, log = hall
    assert reprint(monkeypatch, number, "--kind", "promised", "--clerk", "1002", "--window", "5") == 0
    out = capsys.readouterr().out
    assert "已补打承诺件通知书" in out
    path = log.read_text().strip()
    assert path in out
    pdf = open(path, "rb").read()
    assert "补打" in pdf_text(pdf) and number in pdf_text(pdf)
    assert barcodes(pdf) == [number]
    view = cases.get(number)
    reprints = [n for n in view.notices if n.is_reprint]
    assert len(reprints) == 1 and str(reprints[0].status) == "printed"
    assert any(e.action == "reprint_queue" and e.actor == "1002" and e.window == 5 for e in view.events)


def test_reprint_refuses_a_wrong_password_and_a_notice_never_issued(hall, monkeypatch, capsys):
    cases, number, log = hall
    assert reprint(monkeypatch, number, "--kind", "promised", "--clerk", "1001", "--window", "5",
                   password="wrong") == 1
    assert "工号或密码不正确" in capsys.readouterr().err
    assert reprint(monkeypatch, number, "--kind", "rejection", "--clerk", "1001", "--window", "5") == 1
    assert "没有可补打" in capsys.readouterr().err
    assert not any(n.is_reprint for n in cases.get(number).notices)
    assert not log.exists()


def test_reprint_needs_a_clerk_and_a_window(hall, capsys):
    _, number, _ = hall
    assert main(["print", number, "--kind", "promised"]) == 2
    assert "--clerk" in capsys.readouterr().err


def test_a_notice_that_never_printed_is_retried_not_reprinted(hall, monkeypatch, capsys, tmp_path):
    cases, number, log = hall
    from clerk.domain.intake import Outcome

    clerk = cases.authenticate("1001", PASSWORD)
    other = cases.submit(clerk, 3, hygiene(), Outcome.ACCEPT).number  # queued, never printed
    assert reprint(monkeypatch, other, "--kind", "promised", "--clerk", "1001", "--window", "3") == 0
    notices = cases.get(other).notices
    assert [(n.is_reprint, str(n.status)) for n in notices] == [(False, "printed")]
    assert "补打" not in pdf_text(open(log.read_text().strip(), "rb").read())


def test_the_window_says_whether_paper_came_out():
    from clerk.integration.printing import describe
    from clerk.printing.data import NoticeKind
    from clerk.printing.queue import PrintOutcome, QueuedNotice

    done = [PrintOutcome(QueuedNotice(1, "20261126-SF-0001", NoticeKind.PROMISED, False, 0, ""), True)]
    assert describe(done) == "已打印：承诺件通知书"
    assert describe(done, to_printer=False).startswith("已生成通知书PDF（未配置打印机")


def test_a_reprint_prints_only_the_notice_asked_for_not_the_cases_queued_result(hall, monkeypatch, capsys):
    cases, number, log = hall
    from clerk.domain.views import Decision
    from clerk.services.desk import DeskService

    office = cases.authenticate("4001", "clerk123", new_password=PASSWORD)
    DeskService(cases).record_decision(office, 30, number, Decision.APPROVED)  # 办结通知书 queued, not printed
    assert reprint(monkeypatch, number, "--kind", "promised", "--clerk", "1002", "--window", "5") == 0
    sent = log.read_text().split()
    assert len(sent) == 1 and "-promised-reprint-" in sent[0]
    out = capsys.readouterr().out
    assert "已补打承诺件通知书" in out and "办结通知书" not in out
    queued = [n for n in cases.get(number).notices if n.kind.value == "result-ready"]
    assert [str(n.status) for n in queued] == ["queued"]  # still waiting for its own print


def test_a_reprint_of_the_commitment_does_not_print_the_queued_promise(hall, monkeypatch, capsys):
    cases, _, log = hall
    from datetime import timedelta

    from clerk.domain.clock import now_utc
    from clerk.domain.intake import MaterialMark, MaterialStatus, Outcome

    clerk = cases.authenticate("1001", PASSWORD)
    late = MaterialMark(MaterialStatus.TOLERATED, supply_by=(now_utc() + timedelta(days=3)).date())
    draft = hygiene(dict(hygiene().marks, **{"business-licence": late}))
    other = cases.submit(clerk, 3, draft, Outcome.TOLERATE).number  # 承诺件通知书 and 承诺书 queued
    kinds = sorted(n.kind.value for n in cases.get(other).notices)
    assert kinds == ["commitment", "promised"]
    assert reprint(monkeypatch, other, "--kind", "commitment", "--clerk", "1001", "--window", "3") == 0
    assert "已打印容缺受理承诺书（此前未打出，按原件打印）" in capsys.readouterr().out
    sent = log.read_text().split()
    assert len(sent) == 1 and sent[0].endswith("-commitment.pdf")
    status = {n.kind.value: str(n.status) for n in cases.get(other).notices}
    assert status == {"commitment": "printed", "promised": "queued"}


def test_settle_says_what_it_could_not_settle_and_a_reprint_waits_for_it(hall, monkeypatch, capsys, tmp_path):
    """A print of unknown outcome (the print server went away mid-job) is never sent again
    blindly: ``clerk print --settle`` asks, a reprint refuses while nobody can say."""
    cases, _, log = hall
    from clerk.domain.intake import Outcome
    from clerk.printing.data import PrintJob

    number = cases.submit(cases.authenticate("1001", PASSWORD), 3, hygiene(), Outcome.ACCEPT).number
    (notice,) = cases.get(number).notices
    gone = PrintJob(str(tmp_path / "no-cupsd.sock"), "window-pc-7", "HP", 12, f"承诺件通知书 {number}")
    cases.mark_unknown(notice.id, "打印结果未知：…任务 HP-12 可能仍会打出", path=notice.path, sha256=notice.sha256,
                       job=gone.record())
    assert main(["print", "--settle"]) == 1
    assert "须在该电脑上核实" in capsys.readouterr().out  # a local scheduler of another PC
    assert reprint(monkeypatch, number, "--kind", "promised", "--clerk", "1002", "--window", "5") == 1
    assert "未补打承诺件通知书" in capsys.readouterr().err
    assert not log.exists() and not any(n.is_reprint for n in cases.get(number).notices)
    assert str(cases.get(number).notices[0].status) == "unknown"
