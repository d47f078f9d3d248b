"""What a printer or the print server reports, as one Chinese line a clerk can act on.

CUPS reports printer-state-reasons and job-state-reasons (IPP keywords, RFC 8011
§5.4.12 / §5.3.8 and PWG 5100.x) and free-text messages from the driver, in
English; a lost connection to the scheduler is an ``OSError``.  The clerk sees
the sentence; the words as reported go to clerk.log (``log_raw``) for the
administrator.
"""

from __future__ import annotations

import errno
import json
import re
import socket
from collections.abc import Iterable
from http.client import HTTPException

from clerk.incidents import log_note

_NO_PAPER = "打印机缺纸，请装纸后重试"
_OFF = "打印机未开机或未连接，请打开打印机电源并检查连线"
_TONER = "打印机墨粉（色带）已用完，请更换后重试"
_COVER = "打印机盖板未关好，请关好后重试"
_PAUSED = "打印机已暂停（已停用），请检查打印机后由管理员启用"
_FAULT = "打印机故障，请检查打印机或联系管理员"

#: printer-state-reasons (their ``-error`` / ``-report`` forms too; ``-warning`` ones do not stop
#: printing), most specific first
PRINTER_REASONS: tuple[tuple[str, str], ...] = (
    ("media-empty", _NO_PAPER),
    ("media-needed", _NO_PAPER),
    ("media-jam", "打印机卡纸，请取出卡纸后重试"),
    ("input-tray-missing", "打印机纸盒未装好，请装好纸盒后重试"),
    ("output-tray-missing", "打印机出纸托盘未装好，请装好后重试"),
    ("output-area-full", "打印机出纸托盘已满，请取走纸张后重试"),
    ("door-open", _COVER),
    ("cover-open", _COVER),
    ("interlock-open", _COVER),
    ("toner-empty", _TONER),
    ("marker-supply-empty", _TONER),
    ("marker-waste-full", "打印机废粉盒已满，请更换后重试"),
    ("fuser-over-temp", "打印机过热，请稍候再试"),
    ("offline", _OFF),
    ("connecting-to-device", _OFF),
    ("shutdown", _OFF),
    ("timed-out", _OFF),
    ("paused", _PAUSED),
    ("moving-to-paused", _PAUSED),
    ("hold-new-jobs", "打印机暂不接收新任务，请联系管理员"),
    ("spool-area-full", "打印服务的磁盘已满，请联系管理员"),
    ("cups-missing-filter", "打印机驱动不全（缺少转换程序），请联系管理员"),
    ("cups-insecure-filter", "打印机驱动文件权限不安全，已被停用，请联系管理员"),
    ("cups-filter-crashed", "打印机驱动出错，请联系管理员"),
    ("interpreter-resource-unavailable", "打印机内存或字体不足，无法打印此通知书，请联系管理员"),
    ("stopped", _FAULT),
    ("stopping", _FAULT),
    ("other", _FAULT),
)

#: job-state-reasons that say why a job did not print
JOB_REASONS: dict[str, str] = {
    "job-canceled-by-user": "任务被他人撤销（在打印服务中）",
    "job-canceled-by-operator": "任务被管理员撤销",
    "job-canceled-at-device": "任务在打印机上被取消",
    "aborted-by-system": "打印服务中止了任务（打印机或驱动出错），请联系管理员",
    "document-format-error": "打印机无法处理通知书的文件格式，请联系管理员",
    "document-unprintable-error": "打印机无法处理通知书的文件格式，请联系管理员",
    "unsupported-document-format": "打印机无法处理通知书的文件格式，请联系管理员",
    "unsupported-compression": "打印机无法处理通知书的文件格式，请联系管理员",
    "compression-error": "通知书文件传送出错，请重试",
    "job-data-insufficient": "通知书文件传送不完整，请重试",
    "submission-interrupted": "通知书文件传送中断，请重试",
    "job-hold-until-specified": "任务被挂起（等待放行），请联系管理员",
    "job-held-for-review": "任务被挂起（等待审核），请联系管理员",
    "job-password-wait": "任务被挂起（打印机要求密码），请联系管理员",
    "cups-held-for-authentication": "任务被挂起（打印服务要求登录），请联系管理员",
    "account-authorization-failed": "无权使用该打印机，请联系管理员",
    "printer-stopped": "打印机已停止，请检查打印机",
    "printer-stopped-partly": "打印机已停止，请检查打印机",
    "resources-are-not-ready": "打印机未就绪（缺纸或缺耗材），请检查打印机",
    "job-completed-with-errors": "打印机报告打印出错，请查看出纸是否完整",
}

#: errno of a failed connection to the print server → the clerk's sentence
_CONNECTION = {
    errno.ECONNREFUSED: "打印服务（CUPS）未运行或已停止，请联系管理员",
    errno.ENOENT: "打印服务（CUPS）未运行或已停止，请联系管理员",
    errno.ECONNRESET: "与打印服务（CUPS）的连接中断",
    errno.EPIPE: "与打印服务（CUPS）的连接中断",
    errno.ECONNABORTED: "与打印服务（CUPS）的连接中断",
    errno.ETIMEDOUT: "打印服务（CUPS）没有应答",
    errno.EHOSTUNREACH: "无法连接打印服务器（网络不通），请检查网线或联系管理员",
    errno.ENETUNREACH: "无法连接打印服务器（网络不通），请检查网线或联系管理员",
    errno.EACCES: "无权连接打印服务（CUPS），请联系管理员",
    errno.EPERM: "无权连接打印服务（CUPS），请联系管理员",
}

_CJK = re.compile(r"[\u4e00-\u9fff]")


def printer_reason(reasons: Iterable[str]) -> str | None:
    """The sentence for printer-state-reasons that stop printing; None when none does."""
    given = {str(r) for r in reasons}
    for key, sentence in PRINTER_REASONS:
        if given & {key, f"{key}-error", f"{key}-report"}:
            return sentence
    return None


def job_reason(reasons: Iterable[str]) -> str | None:
    """The sentence for the first job-state-reason that says why a job did not print."""
    for reason in reasons:
        if str(reason) in JOB_REASONS:
            return JOB_REASONS[str(reason)]
    return None


def why(printer_reasons: Iterable[str] = (), job_reasons: Iterable[str] = (), message: str = "") -> str:
    """One Chinese line for what the printer and the job report (never the English words)."""
    printer_reasons, job_reasons = list(printer_reasons), list(job_reasons)
    known = printer_reason(printer_reasons) or job_reason(job_reasons)
    if known:
        return known
    message = message.strip()
    if message and _CJK.search(message):  # a driver that speaks Chinese is shown as it speaks
        return message
    if message or any(r not in ("none", "job-printing", "job-incoming", "processing-to-stop-point")
                      for r in printer_reasons + job_reasons):
        return "打印机报告了异常（原文已记入 clerk.log），请检查打印机或联系管理员"
    return "打印机未报告原因，请检查打印机"


def connection_reason(exc: BaseException) -> str:
    """The sentence for a failed connection to the print server."""
    if isinstance(exc, TimeoutError):
        return "打印服务（CUPS）没有应答"
    if isinstance(exc, HTTPException):  # the connection closed halfway through the answer
        return "打印服务（CUPS）应答中途断开（打印服务可能已停止）"
    if isinstance(exc, socket.gaierror):
        return "找不到打印服务器（名称无法解析），请检查打印设置或联系管理员"
    code = exc.errno if isinstance(exc, OSError) else None
    return _CONNECTION.get(code or 0, "无法连接打印服务（CUPS），请联系管理员")


def log_raw(what: str, **raw: object) -> None:
    """What the printer or server said, word for word, in clerk.log (one line)."""
    details = " ".join(f"{key}={json.dumps(value, ensure_ascii=False, default=str)}"
                       for key, value in raw.items() if value not in (None, "", [], ()))
    log_note(f"print {what}: {details}")
