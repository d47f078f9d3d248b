"""Printer backends and the Chinese reasons the clerk sees when printing fails."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from clerk.config import Settings
from clerk.printing import CommandPrinter, CupsPrinter, NoPrinter, PrintError, printer_for
from clerk.printing.printers import explain_lp_error, explain_printer_state

IDLE = "printer HP is idle.  enabled since Wed 25 Nov 2026 10:00:00 CST\n\tForm mounted:\n\tAlerts: none\n"


def script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


@pytest.fixture
def cups(tmp_path, monkeypatch):
    """Fake lp/lpstat first on PATH; lpstat prints $LPSTAT_OUT, lp logs its arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "lp.log"
    script(bin_dir, "lpstat", 'printf "%b" "$LPSTAT_OUT"; printf "%b" "$LPSTAT_ERR" >&2; exit ${LPSTAT_RC:-0}\n')
    script(bin_dir, "lp", f'echo "$@" >> {log}\nprintf "%b" "$LP_ERR" >&2\n'
                          'echo "request id is HP-7 (1 file(s))"; exit ${LP_RC:-0}\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("LPSTAT_OUT", IDLE)
    pdf = tmp_path / "n.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    return log, pdf


def test_cups_job_is_sent_with_lp_dash_d(cups):
    log, pdf = cups
    CupsPrinter("HP", follow=0).send(pdf, title="承诺件通知书 SF1")  # following: test_cups_jobs.py
    assert log.read_text().split() == ["-d", "HP", "-t", "承诺件通知书", "SF1", "--", str(pdf)]


@pytest.mark.parametrize("lpstat_out, reason", [
    (IDLE.replace("Alerts: none", "Alerts: media-empty-error media-needed"), "缺纸"),
    (IDLE.replace("Alerts: none", "Alerts: media-jam-error"), "卡纸"),
    (IDLE.replace("Alerts: none", "Alerts: offline-report"), "未开机"),
    ("printer HP disabled since Wed 25 Nov 2026 10:00:00 CST -\n\tPaused\n\tAlerts: paused\n", "已暂停"),
])
def test_printer_state_stops_the_job_before_lp(cups, monkeypatch, lpstat_out, reason):
    log, pdf = cups
    monkeypatch.setenv("LPSTAT_OUT", lpstat_out)
    with pytest.raises(PrintError, match=reason):
        CupsPrinter("HP").send(pdf)
    assert not log.exists()


def test_low_paper_warning_does_not_stop_printing():
    assert explain_printer_state(IDLE.replace("Alerts: none", "Alerts: media-low-warning"), "HP") is None
    assert explain_printer_state(IDLE, "HP") is None


def test_missing_printer_is_named(cups, monkeypatch):
    log, pdf = cups
    monkeypatch.setenv("LPSTAT_OUT", "")
    monkeypatch.setenv("LPSTAT_ERR", 'lpstat: Invalid destination name in list "HP".\n')
    monkeypatch.setenv("LPSTAT_RC", "1")
    with pytest.raises(PrintError, match="打印机“HP”不存在"):
        CupsPrinter("HP").send(pdf)


@pytest.mark.parametrize("stderr, reason", [
    ("lp: The printer or class does not exist.", "不存在"),
    ('lp: Destination "HP" is not accepting jobs.', "停止接收任务"),
    ("lp: Unable to connect to server", "CUPS）未运行"),
    ("lp: something odd", r"lp 退出码 1），请联系管理员（原文已记入 clerk.log）"),
    ("lp: 打印机出错", "lp 退出码 1）：lp: 打印机出错"),
])
def test_lp_errors_are_explained(cups, monkeypatch, stderr, reason, clerk_log):
    log, pdf = cups
    monkeypatch.setenv("LP_ERR", stderr + "\n")
    monkeypatch.setenv("LP_RC", "1")
    with pytest.raises(PrintError, match=reason) as caught:
        CupsPrinter("HP").send(pdf)
    assert "odd" not in str(caught.value)  # no English on the clerk's screen
    assert json.dumps(stderr, ensure_ascii=False) in clerk_log.read_text(encoding="utf-8")  # lp's words, for IT


def test_lp_not_installed(tmp_path):
    with pytest.raises(PrintError, match="找不到 lp 命令"):
        CupsPrinter("HP", lp="clerk-test-no-such-lp").send(tmp_path / "n.pdf")


def test_command_printer_passes_the_path_and_reports_failure(tmp_path):
    log = tmp_path / "log"
    ok = script(tmp_path, "ok.sh", f'echo "$1|$2" >> {log}\n')
    CommandPrinter(f"{ok} --queue").send(tmp_path / "a b.pdf")
    assert log.read_text().strip() == f"--queue|{tmp_path / 'a b.pdf'}"
    bad = script(tmp_path, "bad.sh", 'echo "纸盒空" >&2; exit 3\n')
    with pytest.raises(PrintError, match="退出码 3）：纸盒空"):
        CommandPrinter(str(bad)).send(tmp_path / "a.pdf")
    with pytest.raises(PrintError, match="找不到打印命令"):
        CommandPrinter("/nonexistent/print-it").send(tmp_path / "a.pdf")
    with pytest.raises(PrintError, match="格式有误"):
        CommandPrinter("print 'unclosed")


def test_printer_for_settings(tmp_path):
    assert isinstance(printer_for(Settings.defaults()), NoPrinter)
    assert isinstance(printer_for(Settings.defaults(printer="HP")), CupsPrinter)
    assert isinstance(printer_for(Settings.defaults(printer="HP", print_command="cat")), CommandPrinter)
    with pytest.raises(PrintError, match="不存在"):
        NoPrinter().send(tmp_path / "missing.pdf")


def test_an_accepted_job_that_cannot_be_followed_is_not_issued(cups, monkeypatch, tmp_path):
    """lp took the job but no scheduler answers for it: not counted as printed, nor as failed
    (the paper may still come out), and said in Chinese."""
    from clerk.printing.data import PrintUnknown

    _, pdf = cups
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-such.sock"))
    with pytest.raises(PrintUnknown, match="打印结果未知") as caught:
        CupsPrinter("HP", follow=1).send(pdf, title="承诺件通知书 SF1")
    assert "未运行或已停止" in str(caught.value) and "Errno" not in str(caught.value)
    assert caught.value.job.label == "HP-7" and caught.value.job.title == "承诺件通知书 SF1"


def test_a_print_server_that_refuses_the_connection_is_said_in_chinese(clerk_log):
    """[Errno 111] Connection refused is what IT reads in clerk.log; the clerk reads a sentence."""
    import socket

    from clerk.printing.ipp import IppClient, ServerUnreachable

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    with pytest.raises(ServerUnreachable) as caught:
        IppClient(f"127.0.0.1:{port}").job(1)
    assert str(caught.value) == "打印服务（CUPS）未运行或已停止，请联系管理员"
    assert "Connection refused" in clerk_log.read_text(encoding="utf-8")


@pytest.mark.parametrize("answer", [b"", b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n\x02\x00"],
                         ids=["closed-before-answering", "died-mid-answer"])
def test_a_print_server_that_goes_away_mid_answer_is_unreachable_not_a_bug(answer, clerk_log):
    """cupsd stopped while clerk was asking after a job: the connection closes with no answer or
    half of one (http.client raises RemoteDisconnected / IncompleteRead, the latter no OSError).
    That is the server going away — the job's outcome is unknown — never an internal error."""
    import socket
    import threading

    from clerk.printing.ipp import IppClient, ServerUnreachable

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def answer_and_die():
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(answer)
        conn.close()

    threading.Thread(target=answer_and_die, daemon=True).start()
    try:
        with pytest.raises(ServerUnreachable):
            IppClient(f"127.0.0.1:{port}").job(1)
    finally:
        server.close()


class FakeCups:
    """An IppClient answering from fixed attributes (what CUPS would say of the job and printer)."""

    server = "localhost:631"

    def __init__(self, job: dict, printer: dict):
        self._job, self._printer, self.cancelled = job, printer, []

    def job(self, job_id):
        return {"status": 0, **self._job}

    def printer(self, queue):
        return {"status": 0, **self._printer}

    def cancel(self, job_id):
        self.cancelled.append(job_id)


@pytest.mark.parametrize("job, printer, said, raw", [
    ({"job-state": 8, "job-state-reasons": "aborted-by-system", "job-printer-state-message": "Filter failed"},
     {"printer-state": 3, "printer-state-reasons": "none"}, "打印服务中止了任务", "Filter failed"),
    ({"job-state": 7, "job-state-reasons": "job-canceled-by-user"},
     {"printer-state": 3, "printer-state-reasons": "none"}, "任务被他人撤销", "job-canceled-by-user"),
    ({"job-state": 6, "job-state-reasons": ["job-stopped", "printer-stopped"]},
     {"printer-state": 5, "printer-state-reasons": ["paused"], "printer-state-message": "Paused"},
     "打印机已暂停（已停用）", "paused"),
    ({"job-state": 6, "job-state-reasons": "job-stopped"},
     {"printer-state": 5, "printer-state-reasons": "com.vendor-fuser-error", "printer-state-message": "Fuser 53"},
     "打印机报告了异常（原文已记入 clerk.log）", "Fuser 53"),
])
def test_ipp_reasons_are_one_chinese_line_and_the_words_go_to_the_log(job, printer, said, raw, clerk_log):
    import re

    from clerk.printing.ipp import follow_job

    with pytest.raises(PrintError) as caught:
        follow_job("HP", 7, client=FakeCups(job, printer), timeout=5, sleep=lambda s: None)
    message = str(caught.value)
    assert said in message
    assert not re.search(r"[A-Za-z]{3,}", message.replace("HP-7", "").replace("clerk.log", "")), message
    assert raw in clerk_log.read_text(encoding="utf-8")


def test_settling_a_job_of_unknown_outcome_asks_the_server_and_believes_only_that_job():
    import socket

    from clerk.printing.data import PrintJob, PrintUnknown
    from clerk.printing.ipp import settle_job

    here = socket.gethostname()
    job = PrintJob("localhost:631", here, "HP", 7, "承诺件通知书 SF1")
    idle = {"printer-state": 3, "printer-state-reasons": "none"}
    settle_job(job, client=FakeCups({"job-state": 9, "job-name": job.title}, idle))  # it printed: no error
    with pytest.raises(PrintError, match="已没有任务 HP-7 的记录") as gone:
        settle_job(job, client=FakeCups({"job-state": 9, "job-name": "测试页 另一个"}, idle))  # number reused
    assert not isinstance(gone.value, PrintUnknown)
    stuck = FakeCups({"job-state": 6, "job-name": job.title}, {"printer-state": 5, "printer-state-reasons": "paused"})
    with pytest.raises(PrintError, match="已撤销"):
        settle_job(job, client=stuck, sleep=lambda s: None)
    assert stuck.cancelled == [7]  # back, but stuck: cancelled then, so it cannot print later
    with pytest.raises(PrintUnknown, match="须在该电脑上核实"):
        settle_job(PrintJob("localhost:631", "another-pc", "HP", 7, job.title), client=FakeCups({}, idle))
