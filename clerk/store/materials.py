"""Where the bytes of material files live, and how the store keeps them honest (issue 26).

A material file's row (``material_files``, ``clerk.store.tables_materials``) is an
ordinary tracked row: saved in the case's transaction, its SHA-256 and SM3 covered
by the audit chain.  Its bytes are content-addressed by SHA-256 (one copy however
many cases hold the same PDF):

- **PostgreSQL** (and an in-memory SQLite store): the ``material_blobs`` table, inside
  the case's transaction like any row.
- **An SQLite file** ``clerk.db``: the folder ``clerk.db.materials/`` beside it (0700;
  files 0600, ``<sha256[:2]>/<sha256>.pdf``).  A file is written (temporary name,
  fsync, rename) *before* the transaction commits; if the transaction rolls back, the
  files it created are removed again (``after_rollback``), so a failed save leaves
  neither the case nor its pages.  A process killed between the rename and the commit
  leaves a file no row names: harmless, and removed by the next ``clerk db
  purge-materials``.  Files removed by a purge are unlinked only after the purge
  commits.

``material_damage`` is the part of ``clerk audit verify`` that reads the bytes: each
file not purged must still hash to its row's SHA-256 (the row itself is checked
against the chain like every tracked row), so a replaced or edited file is named by
case and material.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, select
from sqlmodel import col

from clerk.domain.views import StoredMaterial
from clerk.filemodes import DIR_MODE, FILE_MODE, private_dirs, write_private
from clerk.store.audited import AuditedSession
from clerk.store.tables import CaseRow, table_of
from clerk.store.tables_materials import MaterialBlob, MaterialFileRow

if TYPE_CHECKING:
    from datetime import datetime

    from sqlmodel import Session

    from clerk.domain.scans import MaterialFile

#: ``session.info`` key: the folder of an SQLite file store's material files (None: ``material_blobs``).
FOLDER = "clerk_materials_folder"
_CREATED = "clerk_materials_created"  # files this transaction created (removed on rollback)
_UNLINK = "clerk_materials_unlink"  # files to remove once this transaction commits (a purge)


def folder_beside(database: Path) -> Path:
    """The material folder of an SQLite file store: ``clerk.db`` → ``clerk.db.materials``."""
    return database.with_name(database.name + ".materials")


def blob_path(folder: Path, sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")
    return folder / sha256[:2] / f"{sha256}.pdf"


def _folder(session: Session) -> Path | None:
    folder = session.info.get(FOLDER)
    return Path(folder) if folder else None


def put_bytes(session: Session, sha256: str, data: bytes) -> None:
    """Keep ``data`` under ``sha256`` in this transaction (nothing when already kept intact)."""
    put_many(session, {sha256: data})


def put_many(session: Session, blobs: dict[str, bytes]) -> None:
    """``put_bytes`` of each (sha256, data); in the database all in one ``executemany`` (psycopg
    sends them in one round trip: a station saving a visit with its scans)."""
    for sha256, data in blobs.items():
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("material bytes do not match their SHA-256")
    folder = _folder(session)
    if folder is None:
        if not blobs:
            return
        from sqlalchemy.dialects.postgresql import insert as pg_insert
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(table_of(MaterialBlob)).on_conflict_do_nothing(index_elements=["sha256"]),
                        [{"sha256": sha256, "data": data} for sha256, data in blobs.items()])
        return
    for sha256, data in blobs.items():
        _put_file(session, folder, sha256, data)


def _put_file(session: Session, folder: Path, sha256: str, data: bytes) -> None:
    path = blob_path(folder, sha256)
    existed = path.is_file()
    if existed and _file_sha256(path) == sha256:
        return
    private_dirs(path.parent)
    os.chmod(folder, DIR_MODE)
    write_private(path, data, durable=True)
    if not existed:  # a damaged file put right stays right even if this transaction rolls back
        session.info.setdefault(_CREATED, []).append(str(path))


def get_bytes(session: Session, sha256: str) -> bytes | None:
    """The kept bytes under ``sha256`` (None when there are none)."""
    folder = _folder(session)
    if folder is None:
        return session.execute(select(col(MaterialBlob.data)).where(col(MaterialBlob.sha256) == sha256)).scalar()
    try:
        return blob_path(folder, sha256).read_bytes()
    except FileNotFoundError:
        return None


def drop_bytes(session: Session, sha256: str) -> None:
    """Remove the bytes under ``sha256`` when this transaction commits (callers check no kept row needs them)."""
    folder = _folder(session)
    if folder is None:
        session.execute(table_of(MaterialBlob).delete().where(table_of(MaterialBlob).c.sha256 == sha256))
        return
    session.info.setdefault(_UNLINK, []).append(str(blob_path(folder, sha256)))


def sweep_orphans(session: Session) -> int:
    """Remove files of the folder that no row names (a save killed before its commit); their count."""
    folder = _folder(session)
    if folder is None or not folder.is_dir():
        return 0
    named = set(session.execute(select(col(MaterialFileRow.sha256)).where(
        col(MaterialFileRow.purged_at).is_(None))).scalars())
    count = 0
    for path in folder.glob("??/*"):
        sha = path.name.removesuffix(".pdf")  # a ``.part`` left by a killed write is named by no row
        if sha not in named:
            session.info.setdefault(_UNLINK, []).append(str(path))
            count += 1
    return count


@event.listens_for(AuditedSession, "after_rollback")
def _after_rollback(session: Session) -> None:
    for name in session.info.pop(_CREATED, []):
        Path(name).unlink(missing_ok=True)
    session.info.pop(_UNLINK, None)


@event.listens_for(AuditedSession, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_CREATED, None)
    for name in session.info.pop(_UNLINK, []):
        Path(name).unlink(missing_ok=True)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- rows ----------------------------------------------------------------------------------


def save_file(session: Session, case_id: int, file: MaterialFile, *, by: str, at: datetime) -> None:
    """One material's PDF, row and bytes, inside the caller's transaction."""
    save_files(session, case_id, [file], by=by, at=at)


def save_files(session: Session, case_id: int, files: Iterable[MaterialFile], *, by: str, at: datetime) -> None:
    """Materials' PDFs, rows and bytes, inside the caller's transaction: every file's bytes
    first (``put_many``), then their rows (flushed together: one multi-row insert)."""
    files = list(files)
    for file in files:
        if not file.intact():
            raise ValueError(f"material {file.material_key}: bytes do not match their digests")
    put_many(session, {file.sha256: file.pdf for file in files})
    for file in files:
        session.add(MaterialFileRow(case_id=case_id, material_key=file.material_key, pages=file.pages,
                                    size=len(file.pdf), sha256=file.sha256, sm3=file.sm3, saved_at=at, saved_by=by))


def stored_materials(session: Session, case_id: int, keys: Iterable[str] | None = None) -> tuple[StoredMaterial, ...]:
    """The material files of a case, oldest first (only ``keys`` when given)."""
    query = select(MaterialFileRow).where(col(MaterialFileRow.case_id) == case_id).order_by(col(MaterialFileRow.id))
    wanted = set(keys) if keys is not None else None
    return tuple(stored_material(row) for (row,) in session.execute(query) if wanted is None or row.material_key in wanted)


def stored_material(row: MaterialFileRow) -> StoredMaterial:
    return StoredMaterial(id=row.id or 0, material_key=row.material_key, pages=row.pages, size=row.size,
                          sha256=row.sha256, saved_at=row.saved_at, purged=row.purged_at is not None)


# -- verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredFile:
    id: int
    case_number: str
    material_key: str
    sha256: str


def _kept(session: Session) -> Iterator[StoredFile]:
    query = (select(col(MaterialFileRow.id), col(CaseRow.number), col(MaterialFileRow.material_key),
                    col(MaterialFileRow.sha256))
             .join(CaseRow, col(CaseRow.id) == col(MaterialFileRow.case_id))
             .where(col(MaterialFileRow.purged_at).is_(None)).order_by(col(MaterialFileRow.id)))
    for row in session.execute(query):
        yield StoredFile(*row)


def _stored_digests(session: Session, files: Iterable[StoredFile]) -> dict[str, str | None]:
    """SHA-256 of the bytes kept under each file's digest (None: no bytes)."""
    wanted = sorted({f.sha256 for f in files})
    folder = _folder(session)
    found: dict[str, str | None] = dict.fromkeys(wanted)
    if folder is not None:
        for sha in wanted:
            path = blob_path(folder, sha)
            found[sha] = _file_sha256(path) if path.is_file() else None
        return found
    blobs = table_of(MaterialBlob)
    postgres = session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(wanted), 200):
        chunk = wanted[start:start + 200]
        if postgres:  # hashed in the database: no bytes cross the network
            from sqlalchemy import func

            query: Any = select(blobs.c.sha256, func.encode(func.sha256(blobs.c.data), "hex"))
            for sha, actual in session.execute(query.where(blobs.c.sha256.in_(chunk))):
                found[sha] = actual
        else:
            for sha, data in session.execute(select(blobs.c.sha256, blobs.c.data).where(blobs.c.sha256.in_(chunk))):
                found[sha] = hashlib.sha256(data).hexdigest()
    return found


def material_damage(session: Session) -> list[str]:
    """One line per kept material file whose bytes are gone or no longer hash to its recorded SHA-256."""
    from sqlalchemy import inspect

    if not inspect(session.connection()).has_table("material_files"):
        return []
    files = list(_kept(session))
    if not files:
        return []
    actual = _stored_digests(session, files)
    lines = []
    for f in files:
        got = actual.get(f.sha256)
        name = f"办件 {f.case_number} 材料 {f.material_key} 的扫描件（material_files#{f.id}）"
        if got is None:
            lines.append(f"{name}：文件已不存在（未经清理被删除）")
        elif got != f.sha256:
            lines.append(f"{name}：文件内容与审计记录的摘要不符（被替换或改动）")
    return lines
