"""Material files as use cases (issue 26): opening a scan, and the retention purge.

Scans are personal data (an ID card, a licence, a contract):

- ``open`` reads one material's PDF for a reader whose sight of the case in hand is
  ``FULL`` (window, fallback desk, back office, supervisor: ``Action.OPEN_SCAN``);
  the mail room and the administrator are refused.  Every opening is a ``view``
  event (who, which case, which material and digest) in the same transaction.  The
  bytes are checked against their recorded SHA-256 before they are handed out.
- ``purge`` (administrator, ``Action.PURGE_SCANS``; ``clerk db purge-materials``)
  removes the bytes of closed cases last changed before a date.  Each file's row
  stays with its digests and is marked purged (a ``purge_materials`` event per case),
  so ``clerk audit verify`` still passes: a purged file is "purged", not "tampered".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import col

from clerk.domain.accounts import ClerkUser
from clerk.domain.errors import PermissionDenied, ServiceError
from clerk.domain.lifecycle import CaseState
from clerk.domain.permissions import Action, Sight
from clerk.store.materials import drop_bytes, get_bytes, sweep_orphans
from clerk.store.tables import CaseRow
from clerk.store.tables_materials import MaterialFileRow

if TYPE_CHECKING:
    from clerk.services.cases import CaseService

__all__ = ["MaterialService", "OpenedMaterial", "PurgeReport"]

#: states whose pages a purge may remove (the case is over)
CLOSED_STATES = tuple(s.value for s in CaseState if not s.is_open)


@dataclass(frozen=True)
class OpenedMaterial:
    case_number: str
    material_key: str
    pages: int
    pdf: bytes


@dataclass(frozen=True)
class PurgeReport:
    files: int
    bytes: int
    cases: tuple[str, ...]
    orphans: int = 0


class MaterialService:
    def __init__(self, cases: CaseService) -> None:
        self.cases = cases

    def open(self, user: ClerkUser, number: str, file_id: int, *, window: int | None = None) -> OpenedMaterial:
        """One material's PDF of the case in hand (a ``view`` event); Chinese refusals."""
        with self.cases.store.session(write=True) as session:
            account = self.cases.uow.authorise(session, user, Action.OPEN_SCAN)
            row = self.cases.load(session, number)
            if self.cases.reader_sight(session, account, row) is not Sight.FULL:
                raise PermissionDenied(f"{account.name}（{account.role.label}）无权查看材料扫描件")
            owners = [row.id] if row.parent_id is None else [row.id, row.parent_id]
            file = session.execute(select(MaterialFileRow).where(
                col(MaterialFileRow.id) == file_id, col(MaterialFileRow.case_id).in_(owners))).scalar_one_or_none()
            if file is None:
                raise ServiceError(f"办件 {row.number} 没有这份扫描件")
            if file.purged_at is not None:
                raise ServiceError(f"材料 {file.material_key} 的扫描件已按保存期限清理（{file.purged_at:%Y-%m-%d}），"
                                   "只保留了摘要")
            data = get_bytes(session, file.sha256)
            if data is None or hashlib.sha256(data).hexdigest() != file.sha256:
                raise ServiceError(f"材料 {file.material_key} 的扫描件缺失或已被改动，不能打开：请管理员运行 clerk audit verify")
            self.cases.uow.audit(session, account.id, window, "view", row.number, None,
                                 {"material": file.material_key, "file": file.id, "sha256": file.sha256})
            return OpenedMaterial(row.number, file.material_key, file.pages, data)

    def purge(self, user: ClerkUser, before: date) -> PurgeReport:
        """Remove the bytes of closed cases last changed before ``before`` (hall time); keep their digests."""
        cutoff = datetime.combine(before, time(0), self.cases.tz)
        now = self.cases.clock()
        with self.cases.store.session(write=True) as session:
            account = self.cases.uow.authorise(session, user, Action.PURGE_SCANS)
            if session.get_bind().dialect.name == "postgresql":
                # No window may save a file while the purge decides which bytes no open case needs
                # (a new case with the same PDF would otherwise name bytes about to go); SQLite's
                # writers already take turns.
                session.connection().exec_driver_sql("LOCK TABLE material_files IN SHARE MODE")
            query = (select(MaterialFileRow, col(CaseRow.number))
                     .join(CaseRow, col(CaseRow.id) == col(MaterialFileRow.case_id))
                     .where(col(MaterialFileRow.purged_at).is_(None), col(CaseRow.state).in_(CLOSED_STATES),
                            col(CaseRow.updated_at) < cutoff)
                     .order_by(col(MaterialFileRow.id)))
            found = list(session.execute(query))
            by_case: dict[str, list[MaterialFileRow]] = {}
            for file, number in found:
                file.purged_at, file.purged_by = now, account.id
                session.add(file)
                by_case.setdefault(number, []).append(file)
            session.flush()
            gone = {file.sha256 for file, _ in found}
            kept = set(session.execute(select(col(MaterialFileRow.sha256)).where(
                col(MaterialFileRow.sha256).in_(sorted(gone)), col(MaterialFileRow.purged_at).is_(None))).scalars())
            removed = 0
            for file, _ in found:
                if file.sha256 in gone and file.sha256 not in kept:  # another open case keeps the same PDF
                    drop_bytes(session, file.sha256)
                    gone.discard(file.sha256)
                    removed += file.size
            orphans = sweep_orphans(session)
            for number, files in by_case.items():
                self.cases.uow.audit(session, account.id, None, "purge_materials", number, None, {
                    "before": before.isoformat(),
                    "files": {f.material_key: f.sha256 for f in files}})
            if not by_case:  # said in the trail too: the purge ran and found nothing
                self.cases.uow.audit(session, account.id, None, "purge_materials", None, None,
                                     {"before": before.isoformat(), "files": {}, "orphans": orphans})
        return PurgeReport(len(found), removed, tuple(by_case), orphans)
