"""The print queue: issued only when printed, failures wait with a reason, reprints say 补打."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from clerk.printing import CommandPrinter, NoPrinter, NoticeKind, PrintQueue, QueuedNotice
from clerk.printing.samples import sample
from tests.printing.conftest import HALL, barcodes, pdf_text

NOW = datetime(2026, 12, 18, 2, 40, tzinfo=timezone.utc)  # 10:40 in Beijing


class MemoryNoticeStore:
    """The NoticeStore protocol in memory, recording every call."""

    def __init__(self):
        self.notices: dict[int, QueuedNotice] = {}
        self.printed: dict[int, tuple[str, str]] = {}
        self.calls: list[tuple] = []

    def enqueue(self, case_number: str, kind: NoticeKind, reprint: bool = False) -> QueuedNotice:
        notice = QueuedNotice(len(self.notices) + 1, case_number, kind, reprint=reprint)
        self.notices[notice.id] = notice
        return notice

    def pending(self) -> list[QueuedNotice]:
        return [n for i, n in sorted(self.notices.items()) if i not in self.printed]

    def mark_printed(self, notice_id, path, sha256, *, on_paper=True, settled=False):
        self.calls.append(("printed" if on_paper else "saved", notice_id))
        self.printed[notice_id] = (path, sha256)

    def mark_failed(self, notice_id, reason, *, settled=False):
        self.calls.append(("failed", notice_id, reason))
        n = self.notices[notice_id]
        self.notices[notice_id] = replace(n, attempts=n.attempts + int(not settled), last_error=reason, unknown=False)

    def mark_unknown(self, notice_id, reason, *, path, sha256, job):
        self.calls.append(("unknown", notice_id, reason))
        n = self.notices[notice_id]
        self.notices[notice_id] = replace(n, attempts=n.attempts + 1, last_error=reason, unknown=True, job=job,
                                          path=path, sha256=sha256)


def loader(notice: QueuedNotice):
    return replace(sample(notice.kind, HALL), case_number=notice.case_number)


@pytest.fixture
def flaky_printer(tmp_path):
    """A print command that fails the first time (printer off) and then works."""
    log, state = tmp_path / "printed.log", tmp_path / "state"
    stub = tmp_path / "print-stub.sh"
    stub.write_text(
        "#!/bin/sh\n"
        f'if [ ! -e {state} ]; then touch {state}; echo "打印机脱机" >&2; exit 2; fi\n'
        f'echo "$1" >> {log}\n'
    )
    stub.chmod(0o755)
    return CommandPrinter(str(stub)), log


def test_failed_print_waits_in_the_queue_and_a_retry_issues_it_once(settings, flaky_printer):
    printer, log = flaky_printer
    store = MemoryNoticeStore()
    store.enqueue("SF20261218-0042", NoticeKind.PROMISED)
    queue = PrintQueue(store, printer, settings, loader, clock=lambda: NOW)

    (first,) = queue.run_pending()
    assert not first.ok and "打印机脱机" in first.reason and "退出码 2" in first.reason
    (waiting,) = queue.pending()
    assert waiting.last_error == first.reason and waiting.attempts == 1
    assert store.printed == {} and not log.exists()

    (second,) = queue.run_pending()
    assert second.ok
    expected = settings.receipts_dir / "2026-12-18" / "SF20261218-0042-promised.pdf"
    assert second.path == expected and expected.is_file()
    assert store.printed == {1: (str(expected), hashlib.sha256(expected.read_bytes()).hexdigest())}
    assert log.read_text().splitlines() == [str(expected)]

    assert queue.run_pending() == []
    assert log.read_text().splitlines() == [str(expected)]
    assert [c[0] for c in store.calls] == ["failed", "printed"]


def test_reprint_is_marked_and_kept_beside_the_original(settings):
    store = MemoryNoticeStore()
    store.enqueue("SF20261218-0042", NoticeKind.ONE_TIME)
    store.enqueue("SF20261218-0042", NoticeKind.ONE_TIME, reprint=True)
    queue = PrintQueue(store, NoPrinter(), settings, loader, paper="roll", clock=lambda: NOW)
    original, reprint = queue.run_pending()
    assert original.ok and reprint.ok and original.path != reprint.path
    assert reprint.path.name == "SF20261218-0042-one-time-reprint-2.pdf"
    text = pdf_text(reprint.path.read_bytes())
    assert "【补打】" in text and "补打2026-12-1810:40" in text
    assert "补打" not in pdf_text(original.path.read_bytes())
    assert barcodes(reprint.path.read_bytes()) == ["SF20261218-0042"]


def test_render_failure_keeps_the_notice_queued_with_the_reason(settings):
    store = MemoryNoticeStore()
    store.enqueue("SF/受理/1", NoticeKind.PROMISED)
    queue = PrintQueue(store, NoPrinter(), settings, loader, clock=lambda: NOW)
    (outcome,) = queue.run_pending()
    assert not outcome.ok and "条码无法表示" in outcome.reason
    assert queue.pending()[0].last_error == outcome.reason


def test_unwritable_receipts_dir_is_a_queued_failure(settings, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = MemoryNoticeStore()
    store.enqueue("SF20261218-0042", NoticeKind.REJECTION)
    queue = PrintQueue(store, NoPrinter(), replace(settings, receipts_dir=blocker), loader, clock=lambda: NOW)
    (outcome,) = queue.run_pending()
    assert not outcome.ok and "无法保存" in outcome.reason


def test_manifest_goes_through_the_queue(settings):
    store = MemoryNoticeStore()
    store.enqueue("EMS-20270106", NoticeKind.MANIFEST)
    queue = PrintQueue(store, NoPrinter(), settings, lambda n: sample(NoticeKind.MANIFEST, HALL),
                       clock=lambda: NOW)
    (outcome,) = queue.run_pending()
    assert outcome.ok and outcome.path.name == "EMS-20270106-manifest.pdf"
