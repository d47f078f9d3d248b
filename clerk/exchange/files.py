"""The files a packet carries: the case's scanned materials and its issued notices, read from the
store as they were saved and issued (their recorded digests checked), and how a notice of the
taking-in hall is kept with the case at the deciding hall."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf
from sqlalchemy import select
from sqlmodel import col

from clerk.domain.notices import NoticeKind
from clerk.domain.scans import sha256_hex
from clerk.exchange.errors import ExchangeError
from clerk.exchange.packet import PacketFile
from clerk.exchange.payload import Status
from clerk.store.materials import get_bytes
from clerk.store.notices import ISSUED
from clerk.store.tables import CaseRow, NoticeRow
from clerk.store.tables_materials import MaterialFileRow

if TYPE_CHECKING:
    from datetime import datetime

    from sqlmodel import Session

#: the notice a status carries with it
DECISION_NOTICES = {Status.CORRECTION: NoticeKind.RESULT_CORRECTION, Status.DONE: NoticeKind.RESULT_READY,
                    Status.REFUSED: NoticeKind.RESULT_REFUSED}


def materials(session: Session, row: CaseRow, since: datetime | None = None) -> list[PacketFile]:
    """The case's scans not purged, each checked against its recorded SHA-256; ``since``: only the scans of
    its checklist's materials saved from then on (a correction's, not the other hall's papers kept here)."""
    files = []
    query = select(MaterialFileRow).where(col(MaterialFileRow.case_id) == row.id,
                                          col(MaterialFileRow.purged_at).is_(None)).order_by(col(MaterialFileRow.id))
    if since is not None:
        keys = [entry["key"] for entry in row.checklist.get("entries", ())]
        query = query.where(col(MaterialFileRow.saved_at) >= since, col(MaterialFileRow.material_key).in_(keys))
    for n, found in enumerate(session.execute(query).scalars(), 1):
        data = get_bytes(session, found.sha256)
        if data is None or sha256_hex(data) != found.sha256:
            raise ExchangeError(f"办件 {row.number} 材料 {found.material_key} 的扫描件已不存在或与记录不符："
                                "请先运行 clerk audit verify 查明原因")
        files.append(PacketFile(f"materials/{n:02d}.pdf", "material", found.material_key, data, found.pages))
    return files


def notices(session: Session, row: CaseRow, status: Status | None) -> list[PacketFile]:
    """The issued notices of the case (a status: those of its decision), as their PDFs were issued."""
    query = select(NoticeRow).where(col(NoticeRow.case_id) == row.id, col(NoticeRow.status).in_(ISSUED),
                                    col(NoticeRow.is_reprint).is_(False)).order_by(col(NoticeRow.id))
    wanted = DECISION_NOTICES.get(status) if status else None
    files: list[PacketFile] = []
    for notice in session.execute(query).scalars():
        if status is not None and notice.kind != wanted:
            continue
        try:
            data = Path(notice.path).read_bytes()
        except OSError:
            raise ExchangeError(f"办件 {row.number} 的{NoticeKind(notice.kind).title} PDF（{notice.path}）"
                                "无法读取：请补打后再导出") from None
        if sha256_hex(data) != notice.sha256:
            raise ExchangeError(f"办件 {row.number} 的{NoticeKind(notice.kind).title} PDF 与出具时的摘要不符"
                                "（文件被改动）：请补打后再导出")
        files.append(PacketFile(f"notices/{len(files) + 1:02d}.pdf", "notice", notice.kind, data, pages_of(data)))
    return files


def notice_key(kind: str, where: str) -> str:
    """How a notice of the other hall (``where``: 收件地 or 办理地) is kept with the case here: as a
    file named after it (收件地承诺件通知书, 办理地不予许可通知书 …)."""
    try:
        return f"{where}{NoticeKind(kind).title}"
    except ValueError:
        return f"{where}通知书"


def pages_of(pdf: bytes) -> int:
    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            return len(document.pages)
    except pikepdf.PdfError:
        return 0

