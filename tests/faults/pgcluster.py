"""A PostgreSQL cluster this test can stop and start again (the shared one must stay up).

Same mechanism as ``tests/conftest.py`` (its helpers: server binaries from PATH
or /usr/local/bin, ``nobody`` under root, socket in a temp dir, free port on
127.0.0.1); only the lifetime differs: ``stop()`` / ``start()`` on the same
data directory and port, as when the hall's database server restarts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from tests.conftest import PostgresServer, _free_port, _pg_binary


class RestartableCluster:
    def __init__(self) -> None:
        initdb, self.pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
        if not (initdb and self.pg_ctl):
            raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found")
        self.root = Path(tempfile.mkdtemp(prefix="clerk-faults-pg-"))
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "nobody")
            self.as_user = ["runuser", "-u", "nobody", "--"]
        self.data, self.log, self.port = self.root / "data", self.root / "server.log", _free_port()
        subprocess.run([*self.as_user, initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres",
                        "--no-sync", "-E", "UTF8", "--locale=C"], check=True, capture_output=True)
        self.server = PostgresServer("127.0.0.1", self.port)

    def start(self) -> None:
        options = f"-k {self.root} -p {self.port} -h 127.0.0.1 -F -c fsync=off"
        done = subprocess.run([*self.as_user, self.pg_ctl, "-D", str(self.data), "-o", options, "-l",
                               str(self.log), "-w", "-t", "60", "start"], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start:\n{self.log.read_text(errors='replace')}")

    def stop(self, mode: str = "fast") -> None:
        subprocess.run([*self.as_user, self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop"],
                       check=True, capture_output=True)

    def processes(self) -> list[int]:
        """The postmaster and every process it started (backends, writer, checkpointer...)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        found = [postmaster]
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            except OSError:
                continue
            if int(fields.get("PPid", "0").strip() or 0) == postmaster:
                found.append(int(status.parent.name))
        return found

    def freeze(self) -> None:
        """``kill -STOP`` on the server: connections stay open, nothing answers (a hung server)."""
        for pid in self.processes():
            with contextlib.suppress(ProcessLookupError):  # a backend that just ended
                os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self.processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def remove(self) -> None:
        try:
            self.thaw()
        except (OSError, ValueError):
            pass
        subprocess.run([*self.as_user, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)
