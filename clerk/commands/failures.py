"""How a ``clerk`` command ends when something goes wrong: one Chinese line.

:func:`explain` turns the errors a command can meet on bad input or a broken
environment (configuration, store, catalog, calendar, hall key, printing, file
system) into one line and an exit status.  Anything else is a bug: its
traceback goes to a log file and the line says where that file is.
No UI imports here; the console entry point (``clerk.cli``) calls it.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path

from clerk.config import ConfigError
from clerk.incidents import log_incident, log_path, open_log

EXIT_FAILED = 1  # the command could not do its work (store down, file unwritable…)
EXIT_BAD_INPUT = 2  # the configuration or an argument is wrong
EXIT_INTERRUPTED = 130

_ERRNO_TEXT = {
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许此操作",
    errno.ENOENT: "路径不存在",
    errno.EEXIST: "已存在同名文件",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是文件夹，应为文件",
    errno.EROFS: "所在文件系统只读",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已满",
    errno.ENAMETOOLONG: "路径太长",
    errno.ELOOP: "符号链接循环",
    errno.EINVAL: "路径无效",
}


def log_file() -> Path:
    """Where unexpected errors are written: the one log the window app writes too
    (``clerk.incidents.log_path``: ``$CLERK_LOG_DIR/clerk.log`` or the user state folder)."""
    return log_path()


def os_error_line(exc: OSError) -> str:
    where = exc.filename if exc.filename is not None else ""
    if exc.filename2 is not None:
        where = f"{where} → {exc.filename2}"
    reason = _ERRNO_TEXT.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return f"无法访问 {where}：{reason}" if where else f"文件操作失败：{reason}"


def explain(exc: BaseException) -> tuple[str, int] | None:
    """One line and an exit status for an expected failure; None for a bug."""
    if isinstance(exc, ConfigError):
        return f"配置错误：{exc}", EXIT_BAD_INPUT
    if isinstance(exc, KeyboardInterrupt):
        return "已中断", EXIT_INTERRUPTED
    known = _known_errors()
    for kind, prefix in known:
        if isinstance(exc, kind):
            text = _one_line(exc)
            return (f"{prefix}{text}" if prefix and not text.startswith(prefix) else text), EXIT_FAILED
    if isinstance(exc, OSError):
        return os_error_line(exc), EXIT_FAILED
    damaged = damaged_database_line(exc)
    if damaged:
        return damaged, EXIT_FAILED
    return None


_DAMAGED = ("file is not a database", "database disk image is malformed", "unsupported file format")


def damaged_database_line(exc: BaseException) -> str | None:
    """SQLite refusing a file that is not (or no longer) a database: say so, not "internal error"."""
    sa_exc, sqlite3 = sys.modules.get("sqlalchemy.exc"), sys.modules.get("sqlite3")
    if sa_exc is not None and isinstance(exc, sa_exc.DBAPIError):
        text = str(exc.orig if exc.orig is not None else exc)
    elif sqlite3 is not None and isinstance(exc, sqlite3.DatabaseError):
        text = str(exc)
    else:
        return None
    if not any(marker in text for marker in _DAMAGED):
        return None
    return f"数据库文件已损坏或不是 SQLite 数据库（{text}）：请检查 database_url / CLERK_HOME，或用 clerk db restore 从备份恢复"


_KNOWN = (  # error classes whose message is already a sentence for people, with a prefix
    ("clerk.store.errors", "StoreError", ""),
    ("clerk.domain.errors", "ServiceError", ""),
    ("clerk.catalog.errors", "CatalogError", "事项目录有问题："),
    ("clerk.calendar.yearfile", "CalendarError", "节假日安排文件有误："),
    ("clerk.store.hallkey", "HallKeyError", ""),
    ("clerk.printing.data", "PrintError", "打印失败："),
    ("clerk.complaint_categories", "CategoryError", "诉求类别设置有问题："),
    ("clerk.tui.keymap", "KeymapError", "按键设置有问题："),
)


def _known_errors() -> list[tuple[type[BaseException], str]]:
    """The classes of ``_KNOWN`` whose module is loaded (an error of a module never imported cannot occur)."""
    found: list[tuple[type[BaseException], str]] = []
    for module, name, prefix in _KNOWN:
        kind = getattr(sys.modules.get(module), name, None)
        if isinstance(kind, type):
            found.append((kind, prefix))
    return found


def _one_line(exc: BaseException) -> str:
    problems = getattr(exc, "problems", None)  # CatalogError, CalendarError: file:line each
    if isinstance(problems, list) and problems:
        more = f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""
        return f"{problems[0]}{more}"
    text = str(exc).strip() or type(exc).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) <= 1:
        return text
    return f"{lines[0]}（另有 {len(lines) - 1} 处问题）"


def record_bug(exc: BaseException, argv: list[str]) -> str:
    """Write the traceback to the log (masked like the window app's: no ID numbers, phones or
    SQL parameters); the line to show, naming the log."""
    path = log_file()
    if open_log(path) is None:
        return f"程序内部错误（{type(exc).__name__}），且无法写入日志 {path}；请告知系统管理员"
    ref = log_incident(exc, f"clerk {' '.join(argv)}")
    return f"程序内部错误（{type(exc).__name__}）：详细记录已写入 {path}（记录号 {ref}），请告知系统管理员"
