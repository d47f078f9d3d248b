"""The print queue: render queued notices, save them, send them, record the result.

A notice counts as issued only when the printer took it.  When the printer
fails the case stays saved, the notice stays in the queue with the reason
(``mark_failed``), and ``issue`` / ``run_pending`` retries it.  A reprint
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
from clerk.printing.data import ManifestData, NoticeData, NoticeKind, PrintError
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


class NoticeStore(Protocol):
    def pending(self) -> list[QueuedNotice]:
        """Notices queued or failed, oldest first."""

    def mark_printed(self, notice_id: int | str, path: str, sha256: str) -> None:
        """The notice is issued: record the file and its digest."""

    def mark_failed(self, notice_id: int | str, reason: str) -> None:
        """Keep the notice queued, with the reason shown to the clerk."""


@dataclass(frozen=True)
class PrintOutcome:
    notice: QueuedNotice
    ok: bool
    path: Path | None = None
    sha256: str = ""
    reason: str = ""  # Chinese, when not ok


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
        """Render, save, print one notice and record the outcome in the store."""
        now = self.clock()
        try:
            data = self.load(notice)
            if notice.reprint:
                data = replace(data, reprint=True, reprinted_at=now)
            pdf = render(notice.kind, data, self.paper, self.settings)
            path = self._save(notice, pdf, now)
            self.printer.send(path, title=f"{notice.kind.title} {notice.case_number}")
        except PrintError as exc:
            self.store.mark_failed(notice.id, str(exc))
            return PrintOutcome(notice, ok=False, reason=str(exc))
        except OSError as exc:
            reason = f"通知书文件无法保存：{exc.strerror or exc}"
            self.store.mark_failed(notice.id, reason)
            return PrintOutcome(notice, ok=False, reason=reason)
        digest = hashlib.sha256(pdf).hexdigest()
        self.store.mark_printed(notice.id, str(path), digest)
        return PrintOutcome(notice, ok=True, path=path, sha256=digest)

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
