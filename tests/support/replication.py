"""A PostgreSQL primary and a streaming standby started by a test, for failover tests.

Same mechanism as ``tests/conftest.py`` (server binaries from PATH or
/usr/local/bin, ``nobody`` under root, sockets in a temp dir, free ports on
127.0.0.1).  The standby is made as docs/deploy.md says a district does it:
``pg_basebackup -R`` from the running primary, started with ``cluster_name``
(the name the primary's ``synchronous_standby_names`` lists).  Synchronous
commit is switched on afterwards with ``ALTER SYSTEM`` on the primary, so the
standby's copy of the configuration does not wait for a standby of its own
once promoted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.conftest import PostgresServer, _free_port, _pg_binary

STANDBY_NAME = "standby"


class ReplicatedPair:
    def __init__(self) -> None:
        initdb, pg_ctl, basebackup = _pg_binary("initdb"), _pg_binary("pg_ctl"), _pg_binary("pg_basebackup")
        if not (initdb and pg_ctl and basebackup):
            raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) not found")
        self.pg_ctl, self.basebackup = pg_ctl, basebackup
        self.root = Path(tempfile.mkdtemp(prefix="clerk-replica-pg-"))
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "nobody")
            self.as_user = ["runuser", "-u", "nobody", "--"]
        self.primary_data, self.standby_data = self.root / "primary", self.root / "standby"
        self.primary = PostgresServer("127.0.0.1", _free_port())
        self.standby = PostgresServer("127.0.0.1", _free_port())
        subprocess.run([*self.as_user, initdb, "-D", str(self.primary_data), "-A", "trust", "-U", "postgres",
                        "--no-sync", "-E", "UTF8", "--locale=C"], check=True, capture_output=True)

    def multi_host_url(self, database: str) -> str:
        """The windows' URL: both servers, the one that takes writes chosen at connect time."""
        return (f"postgresql+psycopg://postgres@/{database}?host=127.0.0.1:{self.primary.port},"
                f"127.0.0.1:{self.standby.port}&target_session_attrs=read-write")

    def _start(self, data: Path, port: int, extra: str = "") -> None:
        log = data.parent / f"{data.name}.log"
        options = f"-k {self.root} -p {port} -h 127.0.0.1 -F -c fsync=off {extra}".strip()
        done = subprocess.run([*self.as_user, self.pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w",
                               "-t", "60", "start"], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start:\n{log.read_text(errors='replace')}")

    def start_primary(self) -> None:
        self._start(self.primary_data, self.primary.port)

    def start_standby(self) -> None:
        """Copy the running primary (``pg_basebackup -R``) and start the copy as its streaming standby."""
        subprocess.run([*self.as_user, self.basebackup, "-D", str(self.standby_data), "-h", "127.0.0.1", "-p",
                        str(self.primary.port), "-U", "postgres", "-R", "-X", "stream", "-c", "fast", "--no-sync"],
                       check=True, capture_output=True)
        self._start(self.standby_data, self.standby.port, f"-c cluster_name={STANDBY_NAME}")
        self.wait_for_standby()

    def wait_for_standby(self, sync_state: str | None = None, seconds: float = 30.0) -> None:
        sql = f"SELECT sync_state FROM pg_stat_replication WHERE application_name = '{STANDBY_NAME}' " \
              "AND state = 'streaming'"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            row = self.query(self.primary, "postgres", sql)
            if row and (sync_state is None or row[0] == sync_state):
                return
            time.sleep(0.05)
        raise RuntimeError(f"the standby is not streaming ({sync_state or 'any'}) after {seconds} s")

    def synchronous(self, level: str = "remote_apply") -> None:
        """Commits on the primary wait for the standby (``synchronous_commit = level``)."""
        self.admin(self.primary, f"ALTER SYSTEM SET synchronous_standby_names = '{STANDBY_NAME}'")
        self.admin(self.primary, f"ALTER SYSTEM SET synchronous_commit = '{level}'")
        self.admin(self.primary, "SELECT pg_reload_conf()")
        self.wait_for_standby("sync")

    def wait_until_received(self, seconds: float = 10.0) -> None:
        """The standby holds (flushed to its disk) every WAL record the primary has flushed."""
        target = self.query(self.primary, "postgres", "SELECT pg_current_wal_flush_lsn()::text")[0]
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.query(self.standby, "postgres",
                          f"SELECT pg_last_wal_receive_lsn() >= '{target}'::pg_lsn")[0]:
                return
            time.sleep(0.02)
        raise RuntimeError(f"the standby did not receive WAL up to {target} in {seconds} s")

    def kill_primary(self) -> None:
        """The primary's machine dies: no shutdown checkpoint, every connection cut."""
        subprocess.run([*self.as_user, self.pg_ctl, "-D", str(self.primary_data), "-m", "immediate", "-w", "stop"],
                       check=True, capture_output=True)

    def promote_standby(self) -> None:
        """``pg_ctl promote`` (returns once the standby takes writes)."""
        subprocess.run([*self.as_user, self.pg_ctl, "-D", str(self.standby_data), "-w", "-t", "60", "promote"],
                       check=True, capture_output=True)

    @staticmethod
    def admin(server: PostgresServer, sql: str) -> None:
        server.admin(sql)

    @staticmethod
    def query(server: PostgresServer, database: str, sql: str) -> tuple | None:
        import psycopg

        with psycopg.connect(host=server.host, port=server.port, user="postgres", dbname=database,
                             autocommit=True) as conn:
            return conn.execute(sql).fetchone()

    @staticmethod
    def rows(server: PostgresServer, database: str, sql: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(host=server.host, port=server.port, user="postgres", dbname=database,
                             autocommit=True) as conn:
            return conn.execute(sql).fetchall()

    def remove(self) -> None:
        for data in (self.standby_data, self.primary_data):
            if (data / "postmaster.pid").exists():
                subprocess.run([*self.as_user, self.pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
                               capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)
