"""A cross-process writer lock for SQLite stores (fcntl.flock on a side file).

SQLite's own busy handler sleeps in growing steps (up to 100 ms) while it waits
for the write lock, so with many windows on one file the lock often sits free
while every waiter sleeps: throughput drops and the latency tail grows to
seconds.  Write sessions therefore queue on a kernel file lock first, which
wakes a waiter the moment the holder releases it.  BEGIN IMMEDIATE and the busy
timeout stay in place underneath; this only makes the waiting efficient.
A crashed holder releases the lock with its process.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

if sys.platform != "win32":
    import fcntl


@contextmanager
def writer_lock(path: str, timeout: float) -> Iterator[bool]:
    """Hold the lock on ``path`` for the block; yields False when it could not be had in time."""
    if sys.platform == "win32":  # pragma: no cover - no fcntl: rely on SQLite's busy timeout alone
        yield False
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # beside the store: the service account's
    if not _acquire(fd, timeout):
        yield False  # the caller goes on; SQLite's busy timeout still protects it
        return
    try:
        yield True
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _acquire(fd: int, timeout: float) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    got = threading.Event()
    guard = threading.Lock()
    abandoned = False

    def wait() -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)  # blocks; the kernel wakes us on release
        with guard:
            if abandoned:  # the caller gave up: release and clean up here
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            else:
                got.set()

    threading.Thread(target=wait, name="clerk-sqlite-writer-lock", daemon=True).start()
    if got.wait(timeout):
        return True
    with guard:
        if got.is_set():
            return True
        abandoned = True
    return False
