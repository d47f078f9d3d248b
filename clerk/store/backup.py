"""Backups of an SQLite store: ``clerk db backup FILE`` and ``clerk db restore FILE``.

The copy is taken with SQLite's online backup API (windows may keep working
meanwhile), written next to the target and renamed into place, then verified:
reopened as a store, at a known schema revision, and its audit chain checked
with :func:`clerk.store.audit.verify_chain`.  A copy that fails verification is
deleted.  Restore verifies the file first, keeps the current database aside as
``<db>.before-restore-<time>`` and copies the backup in with the same API;
the restored history then gets one more event, ``database_restored``, naming
the administrator who signed in for it (``clerk.commands.admin_gate``).

The material files (issue 26) of an SQLite store live in the folder beside its
file (``clerk.db.materials``, clerk.store.materials): a backup ``FILE`` gets its
folder ``FILE.materials`` (copied after the database, 0700/0600), and the copy's
verification checks every file against its digest.  Restore copies the backup's
files back into the store's folder (a file that differs is replaced; files the
restored database does not name are left, unreferenced, for the next purge).

A PostgreSQL store is backed up with ``pg_dump``/``pg_basebackup``; see
docs/deploy.md.  Its material files are rows of ``material_blobs``: in the dump.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from clerk.domain.accounts import ClerkUser
from clerk.filemodes import DIR_MODE, FILE_MODE, private_dirs
from clerk.store.audit import append_event, verify_chain
from clerk.store.engine import Store
from clerk.store.errors import StoreError
from clerk.store.materials import folder_beside
from clerk.store.migrate import current_revision, head_revision


class BackupError(StoreError):
    """A backup or restore could not be made or did not verify (message in Chinese)."""


@dataclass(frozen=True)
class Verified:
    path: Path
    revision: str
    events: int
    message: str


def sqlite_file(store: Store) -> Path:
    """The database file of an SQLite store; BackupError for PostgreSQL."""
    url = make_url(store.url)
    if url.get_backend_name() != "sqlite":
        raise BackupError("PostgreSQL 数据库请用 pg_dump 或 pg_basebackup 备份（见 docs/deploy.md）")
    if not url.database or url.database == ":memory:":
        raise BackupError("内存数据库无法备份")
    return Path(url.database).expanduser()


def verify_copy(path: Path) -> Verified:
    """Open ``path`` as a store and check its revision and audit chain."""
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} 不是可用的数据库文件：{exc}") from None
    copy = Store(f"sqlite:///{path}")
    try:
        revision = current_revision(copy)
        if not revision:
            raise BackupError(f"{path} 不是 clerk 数据库（没有版本记录）")
        with copy.session(write=False) as session:
            report = verify_chain(session)
    except StoreError:
        raise
    except Exception as exc:  # a foreign or damaged file: no clerk tables, bad pages…
        raise BackupError(f"{path} 不是完整的 clerk 数据库：{type(exc).__name__}") from None
    finally:
        copy.dispose()
    if not report.ok:
        first = f"；{report.rows[0]}" + (f" 等 {len(report.rows)} 处" if len(report.rows) > 1 else "") if report.rows else ""
        raise BackupError(f"{path} 的审计链校验失败：{report.message}{first}")
    return Verified(path, revision, report.events, report.message)


def _copy(source: Path, target: Path) -> None:
    """SQLite online backup of ``source`` into a fresh ``target`` file (mode 0600)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=1024)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"无法读取数据库文件 {source}：{exc}（文件已损坏或不是 SQLite 数据库）") from None
    finally:
        dst.close()
        src.close()


def _copy_materials(source: Path, target: Path) -> int:
    """Copy the material files of folder ``source`` into ``target`` (created 0700; files 0600);
    a file already there with the same bytes is kept.  Returns the files copied."""
    if not source.is_dir():
        return 0
    copied = 0
    for path in sorted(source.glob("??/*.pdf")):
        into = target / path.parent.name / path.name
        if into.is_file() and into.stat().st_size == path.stat().st_size and into.read_bytes() == path.read_bytes():
            continue
        private_dirs(into.parent)
        os.chmod(target, DIR_MODE)
        partial = into.with_name(into.name + ".tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        os.close(fd)
        shutil.copyfile(path, partial)
        os.replace(partial, into)
        copied += 1
    return copied


def backup(store: Store, target: Path) -> Verified:
    """Copy the store's database to ``target`` (must not exist) and verify the copy."""
    source = sqlite_file(store)
    if not source.is_file():
        raise BackupError(f"数据库文件 {source} 不存在：请先运行 clerk setup")
    target = target.expanduser()
    if target.exists():
        raise BackupError(f"{target} 已存在：请换一个文件名（备份不覆盖已有文件）")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} 不是已存在的文件夹")
    files = folder_beside(target)
    if files.exists():
        raise BackupError(f"{files} 已存在：请换一个文件名（备份不覆盖已有文件）")
    partial = target.with_name(target.name + ".partial")
    partial_files = folder_beside(partial)
    partial.unlink(missing_ok=True)
    shutil.rmtree(partial_files, ignore_errors=True)
    try:
        _copy(source, partial)
        # After the database: a case committed meanwhile only adds a file no copied row names.
        _copy_materials(folder_beside(source), partial_files)
        verified = verify_copy(partial)
        if partial_files.is_dir():
            os.replace(partial_files, files)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(partial_files, ignore_errors=True)
    return Verified(target, verified.revision, verified.events, verified.message)


def restore(store: Store, backup_file: Path) -> tuple[Verified, Path | None]:
    """Replace the store's database by a verified backup; returns (verified, set-aside copy)."""
    target = sqlite_file(store)
    verified = verify_copy(backup_file.expanduser())
    if verified.revision != head_revision():
        note = f"备份的数据库版本为 {verified.revision}，本程序为 {head_revision()}"
        if verified.revision > head_revision():
            raise BackupError(f"{note}：备份来自更新的 clerk，请先升级程序")
    store.dispose()
    aside = None
    if target.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = target.with_name(f"{target.name}.before-restore-{stamp}")
        _copy(target, aside)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
    _copy_materials(folder_beside(verified.path), folder_beside(target))
    src = sqlite3.connect(f"file:{verified.path}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    os.chmod(target, 0o600)
    return verify_copy(target), aside


def record_restore(store: Store, by: ClerkUser | None, backup_file: Path, aside: Path | None, *,
                   at: datetime) -> None:
    """The restore as the first event after the restored history: who did it, from which file."""
    with store.session(write=True) as session:
        append_event(session, at=at, actor=by.id if by is not None else "(restore)", window=None,
                     action="database_restored",
                     after={"from": str(backup_file), "set_aside": str(aside) if aside else None,
                            "by_name": by.name if by is not None else "当前库缺失或已损坏，未登录"})
