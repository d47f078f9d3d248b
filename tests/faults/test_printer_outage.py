"""The window's printer fails for a while: notices wait, and each is issued exactly once.

``CasePrinter`` with a ``CommandPrinter`` stub (the pattern of
tests/printing/test_queue.py) that fails its first N jobs ("打印机脱机") and
then prints, appending each printed path to a log.  On SQLite and PostgreSQL.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from clerk.config import Settings
from tests.printing.conftest import HALL
from tests.support.drafts import hygiene, incomplete_hygiene

FAILURES = 3


@pytest.fixture
def flaky(tmp_path):
    """(printer, log): fails the first FAILURES jobs, then prints."""
    from clerk.printing import CommandPrinter

    log, tries = tmp_path / "printed.log", tmp_path / "tries"
    stub = tmp_path / "print-stub.sh"
    stub.write_text(
        "#!/bin/sh\n"
        f"echo x >> {tries}\n"
        f'if [ "$(wc -l < {tries})" -le {FAILURES} ]; then echo "打印机脱机" >&2; exit 2; fi\n'
        f'echo "$1" >> {log}\n'
    )
    stub.chmod(0o755)
    return CommandPrinter(str(stub)), log


def _print_events(service, number):
    return [e for e in service.get(number).events if e.action == "print"]


def test_notices_wait_while_the_printer_fails_and_print_once(service, flaky, tmp_path):
    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome
    from clerk.integration.printing import CasePrinter
    from clerk.store.notices import NoticeStatus

    printer, log = flaky
    settings = Settings.defaults(home=tmp_path, receipts_dir=tmp_path / "receipts", font_path="STSong-Light",
                        timezone="Asia/Shanghai", hall=HALL)
    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    accepted = service.submit(clerk, 1, hygiene(), Outcome.ACCEPT).number
    incomplete = service.submit(clerk, 1, incomplete_hygiene(), Outcome.FALLBACK).number
    window = CasePrinter(settings, printer)

    for attempt in range(1, FAILURES + 1):
        (outcome,) = window.print_case(service, accepted, clerk, 1)
        assert not outcome.ok and "打印机脱机" in outcome.reason
        (notice,) = service.get(accepted).notices
        assert notice.status is NoticeStatus.FAILED and notice.attempts == attempt
        assert notice.printed_at is None and not notice.sha256
        assert _print_events(service, accepted) == []  # nothing counts as issued
        assert [n.id for n in service.pending_notices() if n.case_number == accepted] == [notice.id]
    assert not log.exists()

    (outcome,) = window.print_case(service, accepted, clerk, 1)
    assert outcome.ok
    (notice,) = service.get(accepted).notices
    assert notice.status is NoticeStatus.PRINTED and notice.attempts == FAILURES + 1
    assert len(_print_events(service, accepted)) == 1

    assert window.print_case(service, accepted, clerk, 1) == []  # a further retry prints nothing
    assert [o.ok for o in window.print_case(service, incomplete, clerk, 1)] == [True]
    assert window.print_case(service, incomplete, clerk, 1) == []
    printed = log.read_text().splitlines()
    assert len(printed) == len(set(printed)) == 2
    assert {Path(p).name for p in printed} == {f"{accepted}-promised.pdf", f"{incomplete}-one-time.pdf"}
    assert len(_print_events(service, incomplete)) == 1
    assert service.verify_audit().ok


def test_an_issued_notice_stays_issued_when_a_stale_printer_reports(service):
    """Two windows print the same case: A prints and marks it printed, B (same stale pending
    list) then reports its own failure — the notice was issued and must stay so."""
    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome
    from clerk.store.notices import NoticeStatus

    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    number = service.submit(clerk, 1, hygiene(), Outcome.ACCEPT).number
    (notice,) = service.get(number).notices
    service.mark_printed(notice.id, path="/tmp/a.pdf", sha256="0" * 64, user=clerk, window=1)
    with contextlib.suppress(Exception):  # refusing the stale report is a fine answer too
        service.mark_failed(notice.id, "打印机脱机")
    (after,) = service.get(number).notices
    assert after.status is NoticeStatus.PRINTED
    assert number not in {n.case_number for n in service.pending_notices()}
