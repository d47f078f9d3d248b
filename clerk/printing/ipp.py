"""Following a CUPS job until the paper is out: a minimal IPP client.

``lp`` returning a job id only means the scheduler queued the job.  The notice
counts as issued when the job reaches ``completed``; a job ``aborted`` or
``canceled``, a queue that stopped (a backend error: jam, no paper, printer
off), a job held, or no completion within ``JOB_TIMEOUT`` seconds is a failure
with the printer's reason, and the job is cancelled so it cannot print later
behind the clerk's back (the notice is then reprinted or retried).  A
scheduler that stops answering after it took the job (stopped or restarted
mid-job: the job resumes when it is back) makes the outcome unknown
(``PrintUnknown``), neither issued nor failed; ``settle_job`` asks again later.

Only three operations are needed (Get-Job-Attributes, Get-Printer-Attributes,
Cancel-Job), spoken over HTTP to the scheduler ``lp`` uses: ``CUPS_SERVER``,
else ``ServerName`` of ``/etc/cups/client.conf``, else the local socket
``/run/cups/cups.sock``, else ``localhost:631``.
"""

from __future__ import annotations

import getpass
import os
import socket
import struct
import time
from collections.abc import Callable
from http.client import HTTPConnection, HTTPException
from pathlib import Path

from clerk.printing.data import PrintError, PrintJob, PrintUnknown
from clerk.printing.reasons import connection_reason, log_raw, why

JOB_TIMEOUT = 25.0  # seconds: the window hears within 30 s
POLL = 0.25
LOST_PATIENCE = 8.0  # seconds a server may not answer (a restart) before the outcome is unknown

COMPLETED, CANCELED, ABORTED, STOPPED, HELD = 9, 7, 8, 6, 4
JOB_STATES = {3: "等待中", 4: "被挂起", 5: "正在打印", 6: "已停止", 7: "已取消", 8: "已中止", 9: "已完成"}
PRINTER_STOPPED = 5

_GET_JOB, _GET_PRINTER, _CANCEL_JOB = 0x0009, 0x000B, 0x0008
_TEXT_TAGS = {0x41, 0x42, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49}

IppValue = int | str | bytes  # an integer or enum, a text, or octets the client does not read
IppAttributes = dict[str, IppValue | list[IppValue]]  # a multi-valued attribute holds a list


class _UnixConnection(HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


def cups_server() -> str:
    """The scheduler ``lp`` talks to: ``host:port`` or a socket path."""
    env = os.environ.get("CUPS_SERVER", "").strip()
    if env:
        return env
    conf = Path("/etc/cups/client.conf")
    if conf.is_file():
        for line in conf.read_text(errors="replace").splitlines():
            key, _, value = line.strip().partition(" ")
            if key.lower() == "servername" and value.strip():
                return value.strip()
    if Path("/run/cups/cups.sock").exists():
        return "/run/cups/cups.sock"
    return "localhost:631"


def _attr(tag: int, name: str, value: bytes) -> bytes:
    raw = name.encode()
    return struct.pack(">BH", tag, len(raw)) + raw + struct.pack(">H", len(value)) + value


def _text(tag: int, name: str, value: str) -> bytes:
    return _attr(tag, name, value.encode())


class IppClient:
    """Get-Job-Attributes / Get-Printer-Attributes / Cancel-Job on one scheduler."""

    def __init__(self, server: str | None = None, timeout: float = 5.0):
        self.server = server or cups_server()
        self.timeout = timeout
        self.user = _user()

    def _connection(self) -> HTTPConnection:
        if self.server.startswith("/"):
            return _UnixConnection(self.server, self.timeout)
        host, _, port = self.server.rpartition(":") if ":" in self.server else (self.server, "", "631")
        return HTTPConnection(host.strip("[]") or "localhost", int(port or 631), timeout=self.timeout)

    def request(self, op: int, target: tuple[str, str], requested: tuple[str, ...] = ()) -> IppAttributes:
        body = struct.pack(">BBHI", 2, 0, op, 1) + b"\x01"
        body += _text(0x47, "attributes-charset", "utf-8")
        body += _text(0x48, "attributes-natural-language", "zh-cn")
        body += _text(0x45, *target)
        body += _text(0x42, "requesting-user-name", self.user)
        for i, name in enumerate(requested):
            body += _text(0x44, "" if i else "requested-attributes", name)
        body += b"\x03"
        conn = self._connection()
        try:
            conn.request("POST", "/", body, {"Content-Type": "application/ipp"})
            reply = conn.getresponse().read()
        except (OSError, HTTPException) as exc:  # refused, reset, or gone mid-answer (IncompleteRead)
            log_raw("server unreachable", server=self.server, error=str(exc))
            raise ServerUnreachable(connection_reason(exc)) from exc
        finally:
            conn.close()
        return _parse(reply)

    def job(self, job_id: int) -> IppAttributes:
        return self.request(_GET_JOB, ("job-uri", f"ipp://localhost/jobs/{job_id}"),
                            ("job-state", "job-state-reasons", "job-printer-state-message", "job-state-message",
                             "job-name"))

    def printer(self, queue: str) -> IppAttributes:
        return self.request(_GET_PRINTER, ("printer-uri", f"ipp://localhost/printers/{queue}"),
                            ("printer-state", "printer-state-reasons", "printer-state-message"))

    def cancel(self, job_id: int) -> None:
        self.request(_CANCEL_JOB, ("job-uri", f"ipp://localhost/jobs/{job_id}"))


class ServerUnreachable(PrintError):
    """The print server could not be reached (the sentence says why, in Chinese)."""


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "clerk"


def _parse(reply: bytes) -> IppAttributes:
    """IPP response → {"status": int, name: value or [values]}."""
    if len(reply) < 9:
        raise PrintError("打印服务（CUPS）的应答不完整，无法确认打印结果")
    (status,) = struct.unpack(">H", reply[2:4])
    out: IppAttributes = {"status": status}
    pos, name = 8, ""
    while pos < len(reply):
        tag = reply[pos]
        pos += 1
        if tag == 0x03:
            break
        if tag < 0x10:
            continue
        (n,) = struct.unpack(">H", reply[pos : pos + 2])
        key = reply[pos + 2 : pos + 2 + n].decode("utf-8", "replace")
        pos += 2 + n
        (m,) = struct.unpack(">H", reply[pos : pos + 2])
        raw = reply[pos + 2 : pos + 2 + m]
        pos += 2 + m
        if tag in (0x21, 0x23) and m == 4:
            value: IppValue = struct.unpack(">i", raw)[0]
        elif tag in _TEXT_TAGS:
            value = raw.decode("utf-8", "replace")
        else:
            value = raw
        if key:
            name = key
            out[name] = value
        elif name:
            prev = out[name]
            out[name] = (prev if isinstance(prev, list) else [prev]) + [value]
    return out


def _values(found: IppAttributes, key: str) -> list[IppValue]:
    value = found.get(key, [])
    return value if isinstance(value, list) else [value]


def follow_job(queue: str, job_id: int, *, client: IppClient | None = None, timeout: float = JOB_TIMEOUT,
               title: str = "", clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], None] = time.sleep) -> None:
    """Wait until job ``job_id`` on ``queue`` is completed; raise PrintError (and cancel it) otherwise.

    A server that stops answering is asked again until ``timeout``; if it still does
    not answer, ``PrintUnknown`` (the job may still print when it comes back: it is
    neither a success nor a failure).  Every reason is the clerk's Chinese sentence;
    the printer's own words go to clerk.log.
    """
    client = client or IppClient()
    deadline = clock() + timeout
    label = f"{queue}-{job_id}"
    lost_since: float | None = None
    while True:
        try:
            job = client.job(job_id)
            printer = client.printer(queue) if job.get("job-state") != COMPLETED else {}
        except ServerUnreachable as exc:
            lost_since = clock() if lost_since is None else lost_since
            if clock() >= min(deadline, lost_since + LOST_PATIENCE):
                raise PrintUnknown(_unknown_sentence(label, str(exc)),
                                   PrintJob(client.server, socket.gethostname(), queue, job_id, title)) from exc
            sleep(POLL)
            continue
        status = job["status"]
        if not isinstance(status, int) or status >= 0x0400:
            raise PrintError(f"打印任务 {label} 在打印服务中不存在，无法确认已打印")
        given = job.get("job-state")
        state = given if isinstance(given, int) else None
        if state == COMPLETED:
            if lost_since is not None:
                log_raw("job completed after the server came back", job=label)
            return
        printer_reasons = [str(r) for r in _values(printer, "printer-state-reasons") if r != "none"]
        job_reasons = [str(r) for r in _values(job, "job-state-reasons")]
        message = str(job.get("job-printer-state-message") or printer.get("printer-state-message") or "").strip()
        reason = why(printer_reasons, job_reasons, message)
        if state in (CANCELED, ABORTED):
            _log_job(label, state, printer_reasons, job_reasons, message)
            raise PrintError(f"打印任务 {label} {JOB_STATES[state]}，通知书未打出：{reason}")
        stuck = state in (HELD, STOPPED) or printer.get("printer-state") == PRINTER_STOPPED
        if stuck or clock() >= deadline:
            _log_job(label, state, printer_reasons, job_reasons, message)
            _cancel_quietly(client, job_id)
            if stuck:
                raise PrintError(f"打印机已停止，通知书未打出（任务 {label} 已撤销）：{reason}")
            raise PrintError(f"打印任务 {label} {int(timeout)} 秒内未打完（{JOB_STATES.get(state or 0, '未知状态')}），"
                             f"已撤销，通知书未打出：{reason}")
        sleep(POLL)


def _unknown_sentence(label: str, why_lost: str) -> str:
    return (f"打印结果未知：打印服务中断（{why_lost}），任务 {label} 可能仍会打出。请看打印机是否出纸；"
            f"打印服务恢复后系统核实结果，核实前不会重打")


def _log_job(label: str, state: int | None, printer_reasons: list[str], job_reasons: list[str],
             message: str) -> None:
    log_raw("job not printed", job=label, state=state, printer_state_reasons=printer_reasons,
            job_state_reasons=job_reasons, message=message)


def settle_job(job: PrintJob, *, client: IppClient | None = None, timeout: float = JOB_TIMEOUT,
               clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
    """Ask again about a job whose outcome was unknown: return when it printed, raise
    ``PrintError`` when it did not (a job still waiting is followed as a new one is, and
    cancelled if it does not finish), ``PrintUnknown`` when the server still cannot say.

    A scheduler on the computer that sent the job (``localhost``, a socket) is asked only
    from that computer; a job the server no longer knows, or that now bears another
    title (the server was reset and reuses numbers), cannot be settled by asking.
    """
    local = job.server.startswith("/") or job.server.rpartition(":")[0].strip("[]") in (
        "localhost", "127.0.0.1", "::1", "")
    if local and job.host != socket.gethostname():
        raise PrintUnknown(f"打印结果未知：任务 {job.label} 由 {job.host} 上的打印服务打印，须在该电脑上核实", job)
    client = client or IppClient(job.server)
    try:
        found = client.job(job.job_id)
    except ServerUnreachable as exc:
        raise PrintUnknown(_unknown_sentence(job.label, str(exc)), job) from exc
    status = found["status"]
    name = found.get("job-name")
    if not isinstance(status, int) or status >= 0x0400 or (job.title and isinstance(name, str) and name != job.title):
        log_raw("unknown job gone", job=job.label, status=status, name=name)
        raise PrintError(f"打印服务已没有任务 {job.label} 的记录，无法确认是否打出：请先看打印机出纸口，"
                         f"确未打出再重打")
    follow_job(job.queue, job.job_id, client=client, timeout=timeout, title=job.title, clock=clock, sleep=sleep)


def _cancel_quietly(client: IppClient, job_id: int) -> None:
    try:
        client.cancel(job_id)
    except PrintError:
        pass
