"""A private CUPS scheduler for the print tests: temp config and spool, a free
TCP port on 127.0.0.1, and queues whose backends are small scripts.

``good`` takes every job; ``jam`` accepts the job and then exits with an error,
reporting a paper jam (``STATE: +media-jam-error``), as a thermal printer does
when the roll jams after the job started.  With CUPS's default error policy
the queue stops and the job stays pending.  ``slow`` prints in 3 s and writes
one line per sheet to ``Cupsd.paper`` (what came out, whatever clerk says).
``stop()`` then ``restart()`` stops and starts the same scheduler (its jobs, its
port), as a print server that goes down mid-job and comes back.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

CUPSD = shutil.which("cupsd") or next((p for p in ("/usr/sbin/cupsd",) if Path(p).is_file()), None)
TOOLS = ("lp", "lpstat", "lpadmin", "cupsenable", "cancel")

BACKENDS = {
    "good": "cat > /dev/null\nexit 0\n",
    "jam": 'cat > /dev/null\necho "STATE: +media-jam-error" >&2\necho "ERROR: paper jam" >&2\nexit 1\n',
    # takes 3 s to print, then the paper is out: one line in ``paper`` per sheet (job id, title)
    "slow": 'cat > /dev/null\nsleep 3\necho "$1 $3" >> {paper}\nexit 0\n',
}


def missing() -> str:
    """Why a private cupsd cannot run here ('' if it can)."""
    if CUPSD is None:
        return "cupsd not installed (apt-get install cups cups-bsd cups-client)"
    absent = [t for t in TOOLS if shutil.which(t) is None and not Path(f"/usr/sbin/{t}").is_file()]
    if absent:
        return f"CUPS client tools missing: {', '.join(absent)}"
    return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tool(name: str) -> str:
    return shutil.which(name) or f"/usr/sbin/{name}"


class Cupsd:
    """A running private scheduler; ``server`` is the value for CUPS_SERVER."""

    def __init__(self, root: Path):
        self.root = root
        self.port = _free_port()
        self.server = f"127.0.0.1:{self.port}"
        self.paper = root / "paper"
        self.process: subprocess.Popen | None = None

    def sheets(self) -> list[str]:
        """What the ``slow`` printer printed: one "job-id title" per sheet."""
        return self.paper.read_text().splitlines() if self.paper.exists() else []

    def start(self) -> None:
        root = self.root
        for sub in ("bin/backend", "spool", "cache", "state", "log", "tmp"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("filter", "daemon", "cgi-bin", "notifier", "monitor", "driver"):
            if Path(f"/usr/lib/cups/{sub}").exists():
                (root / "bin" / sub).symlink_to(f"/usr/lib/cups/{sub}")
        for name, body in BACKENDS.items():
            path = root / "bin" / "backend" / name
            path.write_text(f'#!/bin/sh\nif [ $# -eq 0 ]; then echo \'direct {name} "Unknown" "{name}"\'; exit 0; fi\n'
                            + body.replace("{paper}", str(self.paper)))
            path.chmod(0o700)  # run as the scheduler's user, not lp: the spool is private
        (root / "cupsd.conf").write_text(
            f"LogLevel debug\nListen 127.0.0.1:{self.port}\nErrorPolicy stop-printer\n"
            "Browsing No\nDefaultAuthType None\n"
            "<Location />\nOrder allow,deny\nAllow all\n</Location>\n"
            "<Policy default>\n<Limit All>\nOrder deny,allow\n</Limit>\n</Policy>\n"
        )
        (root / "cups-files.conf").write_text(
            f"ServerRoot {root}\nRequestRoot {root}/spool\nCacheDir {root}/cache\nStateDir {root}/state\n"
            f"TempDir {root}/tmp\nServerBin {root}/bin\nErrorLog {root}/log/error_log\n"
            f"AccessLog {root}/log/access_log\nPageLog {root}/log/page_log\n"
        )
        self._launch()
        for name in BACKENDS:
            self.run("lpadmin", "-p", name, "-E", "-v", f"{name}:/test", "-m", "raw")

    def restart(self) -> None:
        """Start the stopped scheduler again: same configuration, spool (its jobs) and port."""
        self._launch()

    def _launch(self) -> None:
        root = self.root
        self.process = subprocess.Popen(
            [CUPSD, "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
            stdout=subprocess.DEVNULL, stderr=open(root / "log" / "stderr", "ab"),
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cupsd exited: {(root / 'log' / 'stderr').read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("cupsd did not listen within 15 s")

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "CUPS_SERVER": self.server}
        result = subprocess.run([_tool(tool), *args], env=env, capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} {' '.join(args)}: {result.stderr.strip()}")
        return result

    def jobs(self, which: str = "not-completed") -> str:
        return self.run("lpstat", "-W", which, "-o").stdout

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def private_cupsd(tmp_path: Path, monkeypatch):
    """Fixture body: start a private scheduler, point CUPS_SERVER at it, stop it after.

    Skipped with the reason when CUPS is not installed, except under CI=true,
    where a missing CUPS is a failure (.ci/run installs it).
    """
    import pytest

    ci = os.environ.get("CI", "").lower() == "true"
    why = missing()
    if why:
        if ci:
            pytest.fail(f"CI=true but a private CUPS scheduler cannot run: {why}")
        pytest.skip(why)
    server = Cupsd(tmp_path / "cups")
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        if ci:
            raise
        pytest.skip(f"private cupsd did not start: {exc}")
    monkeypatch.setenv("CUPS_SERVER", server.server)
    try:
        yield server
    finally:
        server.stop()
