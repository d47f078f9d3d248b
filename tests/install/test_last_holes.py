"""The last holes of issue 23 (Low): a full database disk, the sample print, reports' file modes,
a mistyped SQLite path, junk arguments and settings — each one clear line through ``clerk``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clerk.cli import main
from tests.support.diskfull import disk_full

BUG = "程序内部错误"

QUEUES = """
[[queues]]
prefix = "A"
name = "综合受理"
opens = "00:00"
closes = "23:59"
"""


@pytest.fixture
def env(monkeypatch, tmp_path):
    """No user config, a private home, log and receipts folder, no other CLERK_* from outside."""
    from clerk.config import get_settings

    for var in [v for v in os.environ if v.startswith("CLERK_") and v != "CLERK_KEY_FILE"]:  # the tests' hall key stays
        monkeypatch.delenv(var)
    config = tmp_path / "clerk.toml"
    config.write_text(QUEUES, encoding="utf-8")
    monkeypatch.setenv("CLERK_CONFIG", str(config))
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLERK_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("CLERK_RECEIPTS_DIR", str(tmp_path / "receipts"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def run(argv, capsys):
    status = main(argv)
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    return status, lines, captured.out


def one_clear_line(lines):
    assert len(lines) == 1, lines
    assert BUG not in lines[0] and "Traceback" not in lines[0]
    return lines[0]


# -- a full database disk --------------------------------------------------------------------


def test_a_full_database_disk_is_said_and_logged(env, store, monkeypatch, capsys):
    monkeypatch.setenv("CLERK_DATABASE_URL", store.url)
    taken = 0
    with disk_full(store, ("tickets", "audit_events")):
        while taken < 100:  # SQLite: the tickets fill the pages there are, then the file must grow
            status, lines, _ = run(["queue", "take", "A"], capsys)
            if status != 0:
                break
            taken += 1
    line = one_clear_line(lines)
    assert status == 1 and "磁盘已满" in line and "暂时无法连接" not in line
    reference = line.split("记录号 ")[1].rstrip("）。")
    log = (env / "log" / "clerk.log").read_text(encoding="utf-8")
    assert f"incident {reference} 数据库所在磁盘已满" in log
    assert "disk" in log.lower()
    assert oct((env / "log" / "clerk.log").stat().st_mode & 0o777) == "0o600"
    status, _, out = run(["queue", "take", "A"], capsys)  # space again: the same command works
    assert status == 0 and out.startswith(f"A{taken + 1:03d}")
