"""Files at rest are the service account's alone: folders 0700, files 0600.

The store (SQLite file and its ``-wal``/``-shm``, which SQLite creates with the
main file's mode), the writer lock and the printed notices hold personal data
(PIPL; 等保 "personal data at rest readable only by the service account").
Everything clerk creates goes through these helpers; files and folders that
already exist are tightened where clerk owns them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dirs(path: Path) -> Path:
    """``mkdir -p`` where every folder created is 0700 (whatever the umask)."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)
    return path


def tighten(path: Path, mode: int = FILE_MODE) -> None:
    """Take group/other permissions away from an existing file or folder clerk owns."""
    try:
        current = os.stat(path)
    except FileNotFoundError:
        return
    if current.st_uid == os.geteuid() and current.st_mode & 0o077:
        try:
            os.chmod(path, (current.st_mode & 0o7700) & mode | (current.st_mode & 0o700))
        except OSError:
            pass


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (then only tighten it)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        tighten(path)


def write_private(path: Path, data: bytes, *, durable: bool = False) -> Path:
    """Write ``data`` atomically (``.part`` then rename) as a 0600 file in 0700 folders.

    ``durable``: the bytes are fsynced before the rename (a file a database row will name).
    On failure (a full disk) the ``.part`` file is removed and ``path`` is left as it was."""
    path = Path(path)
    private_dirs(path.parent)
    part = path.with_name(path.name + ".part")
    with private_part(part) as out:
        out.write(data)
        if durable:
            out.flush()
            os.fsync(out.fileno())
    os.replace(part, path)
    return path


@contextmanager
def private_part(part: Path) -> Iterator[BinaryIO]:
    """``part`` opened for writing as a new 0600 file, flushed and closed at the end; removed if the
    block (or the flush: a full disk often shows only then) fails."""
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # a leftover .part may have had another mode
        with os.fdopen(fd, "wb") as out:
            fd = -1
            yield out
    except BaseException:
        if fd != -1:
            os.close(fd)
        part.unlink(missing_ok=True)
        raise


def private_sqlite(database: Path) -> None:
    """Before SQLite opens ``database``: 0700 folders, a 0600 main file, its siblings tightened."""
    private_dirs(database.parent)
    create_private_file(database)
    for suffix in ("-wal", "-shm", "-journal", "-writer.lock"):
        tighten(Path(f"{database}{suffix}"))
