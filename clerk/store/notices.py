"""The print queue as stored: notices queued for a case, printed or failed.

The printing engine (``clerk.printing``) works this queue; intake queues its
notices inside the intake transaction.  Marking a notice printed appends an
audit event ("every print is an event").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import col

from clerk.domain.notices import NoticeKind, NoticeStatus, NoticeView
from clerk.store.audit import append_event
from clerk.store.errors import NotFound
from clerk.store.tables import CaseRow, NoticeRow, saved_id

if TYPE_CHECKING:
    from sqlmodel import Session

    from clerk.store.engine import Store

__all__ = ["NoticeKind", "NoticeStatus", "NoticeView"]

#: the audit action of a print whose outcome is unknown (its ``after["job"]`` says where to ask)
PRINT_UNKNOWN = "print_unknown"

#: the audit action of a notice issued as its PDF only (no printer); a printed one's is ``print``
SAVE_PDF = "save_pdf"

#: stored statuses of a notice the applicant has: not pending any more
ISSUED = (NoticeStatus.PRINTED.value, NoticeStatus.SAVED.value)


def notice_view(row: NoticeRow, case_number: str) -> NoticeView:
    return NoticeView(
        id=saved_id(row),
        case_number=case_number,
        kind=NoticeKind(row.kind),
        paper=row.paper,
        path=row.path,
        sha256=row.sha256,
        status=NoticeStatus(row.status),
        reason=row.reason,
        attempts=row.attempts,
        is_reprint=row.is_reprint,
        created_at=row.created_at,
        printed_at=row.printed_at,
    )


def queue_notice(
    session: Session, case_id: int, kind: NoticeKind, *, at: datetime, paper: str = "a4", is_reprint: bool = False
) -> NoticeRow:
    """Queue one notice inside the caller's transaction; returns the row."""
    row = NoticeRow(
        case_id=case_id, kind=kind.value, paper=paper, status=NoticeStatus.QUEUED.value,
        is_reprint=is_reprint, created_at=at,
    )
    session.add(row)
    session.flush()
    return row


class NoticeQueue:
    """Store-level access to the print queue (one call = one transaction)."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def pending(self, limit: int = 100) -> list[NoticeView]:
        query = (
            select(NoticeRow, col(CaseRow.number))
            .join(CaseRow, col(CaseRow.id) == NoticeRow.case_id)
            .where(col(NoticeRow.status).not_in(ISSUED))
            .order_by(col(NoticeRow.created_at), col(NoticeRow.id))
            .limit(limit)
        )
        with self._store.session(write=False) as session:
            return [notice_view(row, number) for row, number in session.execute(query)]

    def unknown(self, limit: int = 200) -> list[NoticeView]:
        """Notices whose last print has an unknown outcome (to settle), oldest first."""
        query = (
            select(NoticeRow, col(CaseRow.number))
            .join(CaseRow, col(CaseRow.id) == NoticeRow.case_id)
            .where(col(NoticeRow.status) == NoticeStatus.UNKNOWN.value)
            .order_by(col(NoticeRow.created_at), col(NoticeRow.id))
            .limit(limit)
        )
        with self._store.session(write=False) as session:
            return [notice_view(row, number) for row, number in session.execute(query)]

    def for_case(self, session: Session, case_id: int, number: str) -> tuple[NoticeView, ...]:
        rows = session.execute(select(NoticeRow).where(col(NoticeRow.case_id) == case_id).order_by(col(NoticeRow.id)))
        return tuple(notice_view(row, number) for (row,) in rows)

    def mark_printed(
        self, notice_id: int, *, path: str, sha256: str, actor: str = "system", window: int | None = None,
        on_printed: Callable[[Session, NoticeRow, datetime], None] | None = None, on_paper: bool = True,
        attempted: bool = True,
    ) -> NoticeView:
        """Record a successful print (one transaction with its audit event).

        ``on_paper=False``: no printer was set, the saved PDF is the issued notice
        (status ``saved``: nobody may read it as printed).  ``attempted=False``: a job
        whose outcome was unknown turned out printed (no new attempt).
        ``on_printed(session, notice_row, now)`` runs inside the same
        transaction: what issuing this notice means for its case.
        """
        now = self._clock()
        with self._store.session(write=True) as session:
            row, number = self._load(session, notice_id)
            if on_printed is not None and row.status not in ISSUED:
                on_printed(session, row, now)
            before = {"status": row.status, "attempts": row.attempts}
            status = NoticeStatus.PRINTED if on_paper else NoticeStatus.SAVED
            row.status, row.path, row.sha256 = status.value, path, sha256
            row.printed_at, row.reason, row.attempts = now, "", row.attempts + int(attempted)
            session.add(row)
            append_event(
                session, at=now, actor=actor, window=window, action="print" if on_paper else SAVE_PDF, case_number=number,
                before=before,
                after={"notice": row.id, "kind": row.kind, "status": row.status, "sha256": sha256,
                       "reprint": row.is_reprint, "attempts": row.attempts},
            )
            return notice_view(row, number)

    def mark_failed(self, notice_id: int, reason: str, *, attempted: bool = True) -> NoticeView:
        """The notice did not print (``attempted=False``: a job whose outcome was unknown turned
        out not printed, no new attempt); it stays pending with the reason."""
        with self._store.session(write=True) as session:
            row, number = self._load(session, notice_id)
            if row.status in ISSUED:
                return notice_view(row, number)  # a stale report from another printer: it was issued
            row.status, row.reason = NoticeStatus.FAILED.value, reason[:400]
            row.attempts += int(attempted)
            session.add(row)
            return notice_view(row, number)

    def mark_unknown(self, notice_id: int, reason: str, *, path: str, sha256: str, job: dict[str, object],
                     actor: str = "system", window: int | None = None) -> NoticeView:
        """The print server took the job and could not be asked how it ended: the paper may still
        come out.  The job (``job``: where it can be asked about) goes into the audit event, so the
        notice is settled later, and never sent again before it is."""
        now = self._clock()
        with self._store.session(write=True) as session:
            row, number = self._load(session, notice_id)
            if row.status in ISSUED:
                return notice_view(row, number)
            before = {"status": row.status, "attempts": row.attempts}
            row.status, row.reason, row.attempts = NoticeStatus.UNKNOWN.value, reason[:400], row.attempts + 1
            row.path, row.sha256 = path, sha256
            session.add(row)
            append_event(
                session, at=now, actor=actor, window=window, action=PRINT_UNKNOWN, case_number=number,
                before=before,
                after={"notice": row.id, "kind": row.kind, "status": row.status, "sha256": sha256,
                       "reprint": row.is_reprint, "attempts": row.attempts, "job": job},
            )
            return notice_view(row, number)

    @staticmethod
    def _load(session: Session, notice_id: int) -> tuple[NoticeRow, str]:
        found = session.execute(
            select(NoticeRow, col(CaseRow.number))
            .join(CaseRow, col(CaseRow.id) == NoticeRow.case_id)
            .where(col(NoticeRow.id) == notice_id)
            .with_for_update(of=NoticeRow)
        ).first()
        if found is None:
            raise NotFound(f"打印任务 {notice_id} 不存在")
        return found[0], found[1]
