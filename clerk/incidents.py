"""Unexpected errors: one short Chinese sentence for the clerk, the details in a log file.

A database error carries its SQL and its parameters (full ID numbers, phones,
names, addresses); a traceback may quote them too.  None of that belongs on a
screen (等保 / PIPL: errors and logs never carry full ID numbers, phones or
addresses).  ``report`` writes the traceback to the ``clerk.incidents`` logger
with personal data masked and returns the sentence with a short reference the
administrator finds in the log.  ``open_log`` attaches the file (0600 in a 0700
folder); without it nothing is written anywhere (never to the terminal).

There is one log, ``log_path()``: ``$CLERK_LOG_DIR/clerk.log``, else
``clerk.log`` in the user state folder (the window app's state folder, where it
keeps its kept visits) — the window app and every ``clerk`` command write
there, masked the same way.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import traceback
import uuid
from pathlib import Path

import platformdirs

LOGGER = logging.getLogger("clerk.incidents")
LOGGER.propagate = False  # never Python's last-resort handler (stderr = the clerk's terminal)
LOGGER.addHandler(logging.NullHandler())
LOGGER.setLevel(logging.INFO)

_PARAMETERS = re.compile(r"\[parameters: .*?(?=\n\(Background on this error|\Z)", re.S)
_DETAIL = re.compile(r"^(DETAIL|CONTEXT):.*$", re.M)  # PostgreSQL echoes the failing row's values here
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_USCC = re.compile(r"(?<![0-9A-Z])([0-9A-HJ-NP-RTUWXY]{2}\d{6})[0-9A-HJ-NP-RTUWXY]{10}(?![0-9A-Z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{4,}(\d{2})(?!\d)")
_QUOTED = re.compile(r"'([^'\n]{12,})'")  # long quoted literals: addresses, names, notes
_LINE_MAX = 2000
LOG_NAME = "clerk.log"


def log_path(state_dir: Path | None = None) -> Path:
    """The log of unexpected errors: ``$CLERK_LOG_DIR/clerk.log``, else ``clerk.log`` in
    ``state_dir`` (default: the user state folder, ``~/.local/state/clerk`` on Linux)."""
    folder = os.environ.get("CLERK_LOG_DIR")
    if folder:
        return Path(folder) / LOG_NAME
    if state_dir is None:
        state_dir = Path(platformdirs.user_state_dir("clerk"))
    return state_dir / LOG_NAME


def mask_personal(text: str) -> str:
    """``text`` with SQL parameters dropped and ID numbers, credit codes and phones masked."""
    text = _PARAMETERS.sub("[parameters: 已隐去]", text)
    text = _DETAIL.sub(r"\1: 已隐去", text)
    text = _ID.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)
    text = _USCC.sub(lambda m: m.group(1) + "*" * 10, text)
    text = _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    text = _LANDLINE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    text = _QUOTED.sub(lambda m: f"'{m.group(1)[:2]}…（{len(m.group(1))}字）'", text)
    return "\n".join(line if len(line) <= _LINE_MAX else line[:_LINE_MAX] + "…" for line in text.splitlines())


def is_database_error(error: BaseException) -> bool:
    return any(cls.__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")) for cls in type(error).__mro__)


def report(error: BaseException, context: str = "") -> str:
    """Log ``error`` (masked) and return the clerk's sentence with its reference: in the log file
    even in an app that opened none (the hall board, the kiosk): a reference shown is always found."""
    ref = log_to_file(error, context)
    if is_database_error(error):
        return f"数据库未能完成本次操作，输入内容未丢失。请重试；如仍不成功请联系管理员（记录号 {ref}）。"
    return f"程序内部错误，输入内容未丢失。请重试；如仍不成功请联系管理员（记录号 {ref}）。"


def log_incident(error: BaseException, context: str = "") -> str:
    """Write ``error``'s traceback, masked, to the log; its reference."""
    ref = uuid.uuid4().hex[:8]
    try:
        details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        LOGGER.error("incident %s %s\n%s", ref, context, mask_personal(details))
    except Exception:  # noqa: BLE001 - a log that fails must not hide the sentence
        pass
    return ref


def log_to_file(error: BaseException, context: str = "") -> str:
    """``log_incident``, opening the one log (``log_path()``) first when nothing has opened a log
    yet (a ``clerk`` command): an incident the administrator must act on is never only on screen."""
    if not any(isinstance(h, _PrivateFileHandler) for h in LOGGER.handlers):
        open_log(log_path())
    return log_incident(error, context)


def log_note(message: str) -> None:
    """One line for the administrator (what a device or server said, word for word), masked,
    in the one log (opened as ``log_to_file`` does when nothing has opened it)."""
    try:
        if not any(isinstance(h, _PrivateFileHandler) for h in LOGGER.handlers):
            open_log(log_path())
        LOGGER.warning(mask_personal(message))
    except Exception:  # noqa: BLE001 - a log that fails must not stop the print
        pass


class _PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """A log file only the service account reads: 0600 in a 0700 folder, 4 × 5 MB at most."""

    def _open(self):  # type: ignore[no-untyped-def]
        path = Path(self.baseFilename)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.parent.stat().st_mode & 0o077:  # a folder made by an older version
            os.chmod(path.parent, 0o700)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.chmod(path, 0o600)
        return os.fdopen(fd, "a", encoding="utf-8")

    def handleError(self, record: logging.LogRecord) -> None:  # disk full: drop the record, stay quiet
        pass


def close_log() -> None:
    """Detach the log file (each ``clerk`` command starts with none: the log of this command is ``log_path()``)."""
    for old in [h for h in LOGGER.handlers if isinstance(h, _PrivateFileHandler)]:
        LOGGER.removeHandler(old)
        old.close()


def open_log(path: Path) -> logging.Handler | None:
    """Send incidents to ``path`` (replacing an earlier file); None if it cannot be opened."""
    close_log()
    try:
        handler = _PrivateFileHandler(path, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    LOGGER.addHandler(handler)
    return handler
