"""The print queue: render queued notices, save them, send them, record the result.

A notice counts as issued only when the printer took it.  When the printer
fails the case stays saved, the notice stays in the queue with the reason
(``mark_failed``), and ``issue`` / ``run_pending`` retries it.  When the print
server took the job and was lost before it finished (``PrintUnknown``) the
notice is ``mark_unknown`` with its job: never sent again, but settled
(``settle``) from the server once it answers.  A reprint
(补打) is a new queued notice with ``reprint=True``: the paper says 补打 and
the store's audit trail records it.

The queue talks to the store through the small ``NoticeStore`` protocol; the
case service's notices of one case implement it
(``clerk.integration.printing.CaseNotices``), the tests use an
in-memory one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Protocol

from clerk.config import Settings
from clerk.domain.clock import now_utc
from clerk.filemodes import write_private
from clerk.printing.data import ManifestData, NoticeData, NoticeKind, PrintError, PrintJob, PrintUnknown
from clerk.printing.ipp import settle_job
from clerk.printing.parts import zone
from clerk.printing.printers import Printer
from clerk.printing.rendering import render


@dataclass(frozen=True)
class QueuedNotice:
    """A notice waiting to be issued (or re-issued)."""

    id: int | str
    case_number: str  # the manifest's number for an EMS manifest
    kind: NoticeKind
    reprint: bool = False
    attempts: int = 0
    last_error: str = ""  # shown to the clerk while the notice waits
    # A print whose outcome is unknown (``NoticeStatus.UNKNOWN``): the job to ask about, and the
    # file it printed.  Such a notice is settled, never sent again.
    unknown: bool = False
    job: PrintJob | None = None
    path: str = ""
    sha256: str = ""


class NoticeStore(Protocol):
    def pending(self) -> list[QueuedNotice]:
        """Notices queued or failed, oldest first."""

    def mark_printed(self, notice_id: int | str, path: str, sha256: str, *, on_paper: bool = True,
                     settled: bool = False) -> None:
        """The notice is issued: record the file and its digest.  ``on_paper=False``: only the
        PDF was made (no printer); ``settled``: a job whose outcome was unknown did print."""

    def mark_failed(self, notice_id: int | str, reason: str, *, settled: bool = False) -> None:
        """Keep the notice queued, with the reason shown to the clerk (``settled``: a job whose
        outcome was unknown turned out not printed)."""

    def mark_unknown(self, notice_id: int | str, reason: str, *, path: str, sha256: str, job: PrintJob) -> None:
        """The printer took the notice and its outcome is not known: keep ``job`` to settle it."""


@dataclass(frozen=True)
class PrintOutcome:
    notice: QueuedNotice
    ok: bool
    path: Path | None = None
    sha256: str = ""
    reason: str = ""  # Chinese, when not ok
    unknown: bool = False  # not ok, but the paper may still come out (never resent before it is settled)
    note: str = ""  # Chinese: how an unknown outcome was settled


DataLoader = Callable[[QueuedNotice], NoticeData | ManifestData]


class PrintQueue:
    """Issues queued notices: ``receipts/<date>/<case>-<kind>.pdf`` then the printer."""

    def __init__(self, store: NoticeStore, printer: Printer, settings: Settings, load: DataLoader,
                 *, paper: str | None = None, clock: Callable[[], datetime] = now_utc):
        self.store = store
        self.printer = printer
        self.settings = settings
        self.load = load
        self.paper = paper or settings.paper
        self.clock = clock

    def pending(self) -> list[QueuedNotice]:
        return self.store.pending()

    def run_pending(self) -> list[PrintOutcome]:
        """Try every queued notice once; failures stay queued."""
        return [self.issue(n) for n in self.store.pending()]

    def issue(self, notice: QueuedNotice) -> PrintOutcome:
        """Render, save, print one notice and record the outcome in the store.

        A notice whose last print has an unknown outcome is settled instead (``settle``):
        sending it again could give the applicant two.
        """
        if notice.unknown:
            return self.settle(notice)
        now = self.clock()
        try:
            data = self.load(notice)
            if notice.reprint:
                data = replace(data, reprint=True, reprinted_at=now)
            pdf = render(notice.kind, data, self.paper, self.settings)
            path = self._save(notice, pdf, now)
            digest = hashlib.sha256(pdf).hexdigest()
            self.printer.send(path, title=f"{notice.kind.title} {notice.case_number}")
        except PrintUnknown as exc:
            self.store.mark_unknown(notice.id, str(exc), path=str(path), sha256=digest, job=exc.job)
            return PrintOutcome(notice, ok=False, path=path, sha256=digest, reason=str(exc), unknown=True)
        except PrintError as exc:
            self.store.mark_failed(notice.id, str(exc))
            return PrintOutcome(notice, ok=False, reason=str(exc))
        except OSError as exc:
            reason = f"通知书文件无法保存：{exc.strerror or exc}"
            self.store.mark_failed(notice.id, reason)
            return PrintOutcome(notice, ok=False, reason=reason)
        self.store.mark_printed(notice.id, str(path), digest, on_paper=getattr(self.printer, "on_paper", True))
        return PrintOutcome(notice, ok=True, path=path, sha256=digest)

    def settle(self, notice: QueuedNotice) -> PrintOutcome:
        """Ask the print server how a job whose outcome was unknown ended, and record it:
        printed (issued, with the file it printed), not printed (the notice waits, to be
        printed again), or still unknown (nothing changes)."""
        job = notice.job
        if job is None:
            return PrintOutcome(notice, ok=False, reason=notice.last_error or "打印结果未知", unknown=True)
        try:
            settle_job(job)
        except PrintUnknown as exc:
            return PrintOutcome(notice, ok=False, reason=str(exc), unknown=True)
        except PrintError as exc:
            self.store.mark_failed(notice.id, str(exc), settled=True)
            return PrintOutcome(notice, ok=False, reason=str(exc), note=f"已核实：任务 {job.label} 未打出")
        self.store.mark_printed(notice.id, notice.path, notice.sha256, settled=True)
        return PrintOutcome(notice, ok=True, path=Path(notice.path), sha256=notice.sha256,
                            note=f"已核实：任务 {job.label} 已打出")

    def path_for(self, notice: QueuedNotice, now: datetime) -> Path:
        day = now.astimezone(zone(self.settings.timezone)).date()
        stem = f"{safe_name(notice.case_number)}-{notice.kind.value}"
        folder = Path(self.settings.receipts_dir) / day.isoformat()
        if notice.reprint:  # one file per reprint request, stable across its retries
            stem += f"-reprint-{safe_name(str(notice.id))}"
        return folder / f"{stem}.pdf"

    def _save(self, notice: QueuedNotice, pdf: bytes, now: datetime) -> Path:
        return write_private(self.path_for(notice, now), pdf)  # 0600 in 0700 date folders


def safe_name(text: str) -> str:
    """A case number as a file name component (no separators, no spaces)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text).strip(".") or "_"
