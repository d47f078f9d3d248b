"""Show a material's PDF (issue 26) with the system's viewer.

The PDF is written to a private temporary file (a folder 0700 of this process, the
file 0600, both removed when the app ends) and handed to ``material_viewer`` (the
setting; ``xdg-open`` by default) as its last argument, detached from the terminal.
A machine with no such program is told so in one line.  Called from a worker thread.
"""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

DEFAULT_VIEWER = "xdg-open"
_folder: Path | None = None
_lock = threading.Lock()


class NoViewer(RuntimeError):
    """No program to show a PDF on this machine (message in Chinese)."""


def _private_folder() -> Path:
    global _folder
    with _lock:
        if _folder is None or not _folder.is_dir():
            _folder = Path(tempfile.mkdtemp(prefix="clerk-scans-"))  # 0700 by mkdtemp
            atexit.register(shutil.rmtree, _folder, True)
        return _folder


def private_pdf(pdf: bytes, stem: str) -> Path:
    """``pdf`` in a file only this account may read (0600), named ``stem``.pdf."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)[:80] or "scan"
    path = _private_folder() / f"{safe}.pdf"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pdf)
    os.chmod(path, 0o600)
    return path


def viewer_argv(command: str = DEFAULT_VIEWER) -> list[str]:
    """The viewer's command line; ``NoViewer`` when its program is not on this machine (asked
    before the scan is read, so that nothing is opened — and audited — for nobody to see)."""
    try:
        argv = shlex.split(command or DEFAULT_VIEWER)
    except ValueError:
        argv = []
    if not argv or shutil.which(argv[0]) is None:
        program = argv[0] if argv else command
        raise NoViewer(f"本机没有可打开 PDF 的程序（{program}）：请安装 PDF 阅读器，或在配置中设置 material_viewer")
    return argv


def show_pdf(pdf: bytes, stem: str, command: str = DEFAULT_VIEWER) -> Path:
    """Open ``pdf`` with ``command``; the file's path.  ``NoViewer`` when the program is missing."""
    argv = viewer_argv(command)
    path = private_pdf(pdf, stem)
    try:
        subprocess.Popen([*argv, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise NoViewer(f"无法启动 PDF 阅读器 {argv[0]}（{exc.strerror or exc}）：请检查配置项 material_viewer") from exc
    return path
