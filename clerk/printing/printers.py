"""Printer backends: PDF only, a CUPS queue (``lp -d NAME``), or a command.

``send(path, title)`` returns normally when the printer took the job and
raises ``PrintError`` with a Chinese sentence the clerk can act on otherwise
(printer off, missing, out of paper, ``lp`` not installed…).  With CUPS a
pre-flight ``lpstat -l -p NAME`` catches a disabled printer or a printer that
reports no paper before the job is queued; then the job is followed over IPP
(``clerk.printing.ipp``) until CUPS reports it completed: a job that jams,
stops the queue or is aborted after ``lp`` accepted it is a failure with the
printer's reason, and is cancelled; a job the server took and then could not be
asked about (the server stopped) is ``PrintUnknown``, settled later
(``ipp.settle_job``).  Printer and server reasons are Chinese sentences
(``clerk.printing.reasons``); what the printer said goes to clerk.log.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Protocol

from clerk.config import Settings
from clerk.printing.data import PrintError
from clerk.printing.ipp import JOB_TIMEOUT, follow_job
from clerk.printing.reasons import log_raw, printer_reason

TIMEOUT = 30  # seconds; a print command that hangs must not freeze the window


class Printer(Protocol):
    name: str
    on_paper: bool  # False: the saved PDF is the issued notice (no printer)

    def send(self, path: Path, title: str = "") -> None: ...


class NoPrinter:
    """No printer configured: the saved PDF is the issued notice."""

    name = "仅生成PDF"
    on_paper = False

    def send(self, path: Path, title: str = "") -> None:
        if not Path(path).is_file():
            raise PrintError(f"通知书文件不存在：{path}")


# lp / lpstat stderr → reason
LP_ERRORS = (
    (r"does not exist|invalid destination|unknown destination|not found", "打印机“{name}”不存在，请检查打印机设置"),
    (r"not accepting", "打印机“{name}”已停止接收任务（已被停用），请联系管理员启用"),
    (r"unable to connect|connection refused|scheduler not responding|bad file descriptor"
     r"|no such file or directory.*(socket|cups)",
     "打印服务（CUPS）未运行，请联系管理员"),
    (r"no default destination", "未设置默认打印机"),
    (r"forbidden|not authorized|unauthorized", "无权使用打印机“{name}”，请联系管理员"),
)


def explain_lp_error(stderr: str, returncode: int, name: str) -> str:
    """A Chinese reason for a failed ``lp``/``lpstat`` call."""
    text = stderr.strip()
    log_raw("lp failed", printer=name, returncode=returncode, stderr=text)
    for pattern, reason in LP_ERRORS:
        if re.search(pattern, text, re.I):
            return reason.format(name=name)
    detail = text.splitlines()[-1] if text else ""
    if re.search(r"[\u4e00-\u9fff]", detail):  # lp speaks Chinese (a zh_CN locale): shown as it says
        return f"打印失败（lp 退出码 {returncode}）：{detail}"
    return f"打印失败（lp 退出码 {returncode}），请联系管理员（原文已记入 clerk.log）"


def explain_printer_state(lpstat_output: str, name: str) -> str | None:
    """The reason the printer cannot print now, from ``lpstat -l -p NAME``; None if ready.

    Looks at the ``Alerts:`` line (printer-state-reasons; ``-warning`` ones do
    not stop printing) and at ``printer NAME disabled since …``.
    """
    alerts: set[str] = set()
    for line in lpstat_output.splitlines():
        head, sep, rest = line.strip().partition("Alerts:")
        if sep and not head:
            alerts.update(rest.split())
    reason = explain_reasons(sorted(alerts))
    if reason:
        return reason
    if re.search(r"^printer\s+\S+\s+disabled", lpstat_output, re.M):
        return f"打印机“{name}”已暂停（已停用），请检查打印机后由管理员启用"
    return None


def explain_reasons(reasons: list[str]) -> str | None:
    """The clerk's sentence for printer-state-reasons (``-warning`` ones do not stop printing)."""
    found = printer_reason(reasons)
    if found:
        log_raw("printer state", printer_state_reasons=reasons)
    return found


class CupsPrinter:
    """A CUPS queue: ``lp -d NAME -t TITLE -- FILE``, then the job followed until completed.

    ``follow``: seconds to wait for the job to complete (0: trust ``lp``'s
    acceptance, for a scheduler that cannot be asked).
    """

    on_paper = True

    def __init__(self, queue: str, lp: str = "lp", lpstat: str = "lpstat", follow: float | None = None):
        self.queue = queue
        self.name = queue
        self._lp = lp
        self._lpstat = lpstat
        self.follow = JOB_TIMEOUT if follow is None else follow

    def send(self, path: Path, title: str = "") -> None:
        lp = shutil.which(self._lp)
        if lp is None:
            raise PrintError("未安装打印系统（找不到 lp 命令），请联系管理员安装 CUPS（apt-get install cups-client）")
        self._preflight()
        cmd = [lp, "-d", self.queue]
        if title:
            cmd += ["-t", title]
        cmd += ["--", str(path)]
        result = _run(cmd, "lp")
        if result.returncode != 0:
            raise PrintError(explain_lp_error(result.stderr, result.returncode, self.queue))
        if self.follow > 0:
            found = re.search(r"request id is \S*?-(\d+)\b", result.stdout)
            if found is None:
                raise PrintError(f"打印机“{self.queue}”未返回任务号，无法确认通知书已打印：{result.stdout.strip()}")
            follow_job(self.queue, int(found.group(1)), timeout=self.follow, title=title)

    def _preflight(self) -> None:
        lpstat = shutil.which(self._lpstat)
        if lpstat is None:
            return  # lp alone still reports a missing printer
        result = _run([lpstat, "-l", "-p", self.queue], "lpstat")
        if result.returncode != 0:
            raise PrintError(explain_lp_error(result.stderr, result.returncode, self.queue))
        reason = explain_printer_state(result.stdout, self.queue)
        if reason:
            raise PrintError(reason)


class CommandPrinter:
    """Any command taking the PDF path as its last argument (``Settings.print_command``)."""

    on_paper = True

    def __init__(self, command: str):
        self.command = command
        self.name = command
        try:
            self._argv = shlex.split(command)
        except ValueError as exc:
            raise PrintError(f"打印命令格式有误：{command}（{exc}）") from exc
        if not self._argv:
            raise PrintError("打印命令为空")

    def send(self, path: Path, title: str = "") -> None:
        result = _run([*self._argv, str(path)], self._argv[0])
        if result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines()
            detail = lines[-1] if lines else "无错误信息"
            raise PrintError(f"打印命令失败（退出码 {result.returncode}）：{detail}")


def _run(argv: list[str], label: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except FileNotFoundError:
        raise PrintError(f"找不到打印命令：{label}") from None
    except PermissionError:
        raise PrintError(f"打印命令无法执行（没有执行权限）：{label}") from None
    except subprocess.TimeoutExpired:
        raise PrintError(f"打印命令 {TIMEOUT} 秒内没有完成，请检查打印机") from None


def printer_for(settings: Settings) -> Printer:
    """The window's printer: ``print_command`` first, then the CUPS queue, else PDF only."""
    if settings.print_command.strip():
        return CommandPrinter(settings.print_command)
    if settings.printer.strip():
        return CupsPrinter(settings.printer.strip())
    return NoPrinter()
