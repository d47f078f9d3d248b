"""The last holes of issue 23 (Low): a full database disk, the sample print, reports' file modes,
a mistyped SQLite path, junk arguments and settings — each one clear line through ``clerk``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clerk.cli import main
from tests.support.cli import BUG, one_clear_line, run
from tests.support.diskfull import disk_full

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


# -- files clerk writes: 0600 in 0700 folders, whole or not at all --------------------------------


def _mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def test_a_sample_print_makes_private_folders_and_a_private_pdf(env, capsys, monkeypatch):
    monkeypatch.setattr(os, "umask", os.umask)  # restored below whatever happens
    old = os.umask(0o022)
    try:
        output = env / "out" / "deep" / "sample.pdf"
        status, lines, out = run(["print", "--sample", "promised", "-o", str(output)], capsys)
    finally:
        os.umask(old)
    assert status == 0, lines
    assert output.read_bytes().startswith(b"%PDF")
    assert _mode(output) == "0o600"
    assert _mode(env / "out") == _mode(env / "out" / "deep") == "0o700"
    assert [p.name for p in output.parent.iterdir()] == ["sample.pdf"]


def test_a_sample_print_on_a_full_disk_leaves_no_part_file(env, capsys):
    folder = env / "out"
    folder.mkdir()
    os.symlink("/dev/full", folder / "sample.pdf.part")  # the write meets a full disk
    status, lines, _ = run(["print", "--sample", "promised", "-o", str(folder / "sample.pdf")], capsys)
    line = one_clear_line(lines)
    assert status == 1 and "磁盘空间不足" in line
    assert list(folder.iterdir()) == []  # neither the PDF nor its .part


@pytest.fixture
def reporting(env, store, monkeypatch):
    monkeypatch.setenv("CLERK_DATABASE_URL", store.url)
    return env


@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_reports_are_written_0600_in_0700_folders(reporting, capsys, kind):
    output = reporting / "reports" / "2026-11" / f"daily.{kind}"
    old = os.umask(0o022)
    try:
        status, lines, out = run(["report", "daily", "--date", "2026-11-25", f"--{kind}", str(output)], capsys)
    finally:
        os.umask(old)
    assert status == 0, lines
    assert output.stat().st_size > 100
    assert _mode(output) == "0o600" and _mode(output.parent) == _mode(output.parent.parent) == "0o700"
    if kind == "csv":
        assert output.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheet programs read the BOM


@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_a_report_on_a_full_disk_leaves_no_part_file(reporting, capsys, kind):
    folder = reporting / "reports"
    folder.mkdir()
    (folder / f"daily.{kind}").write_bytes(b"yesterday's")  # an older report stays as it was
    os.symlink("/dev/full", folder / f"daily.{kind}.part")
    status, lines, _ = run(["report", "daily", "--date", "2026-11-25", f"--{kind}", str(folder / f"daily.{kind}")],
                           capsys)
    line = one_clear_line(lines)
    assert status == 1 and "磁盘空间不足" in line
    assert [p.name for p in folder.iterdir()] == [f"daily.{kind}"]
    assert (folder / f"daily.{kind}").read_bytes() == b"yesterday's"


# -- a mistyped SQLite path ------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["audit", "verify"], ["report", "daily", "--date", "2026-11-25"],
                                     ["report", "monthly", "--month", "2026-11"]])
def test_a_mistyped_sqlite_path_is_said_and_not_created(env, monkeypatch, capsys, command):
    typo = env / "hmoe" / "clerk.db"
    monkeypatch.setenv("CLERK_DATABASE_URL", f"sqlite:///{typo}")
    status, lines, _ = run(command, capsys)
    line = one_clear_line(lines)
    assert status == 1 and f"数据库文件 {typo} 不存在" in line and "clerk setup" in line
    assert not (env / "hmoe").exists()


def test_an_empty_database_file_is_said_to_be_uninitialised(env, monkeypatch, capsys):
    empty = env / "empty.db"
    empty.touch()
    monkeypatch.setenv("CLERK_DATABASE_URL", f"sqlite:///{empty}")
    status, lines, _ = run(["audit", "verify"], capsys)
    assert status == 1 and "尚未初始化" in one_clear_line(lines)


# -- junk arguments and settings -------------------------------------------------------------------


@pytest.mark.parametrize("revision", ["junk", "-1", "0099", "base:head", "x" * 5000],
                         ids=["junk", "relative", "unknown", "range", "huge"])
def test_db_upgrade_to_an_unknown_revision_is_one_line(reporting, capsys, revision):
    status, lines, _ = run(["db", "upgrade", "--revision", revision], capsys)
    line = one_clear_line(lines)
    assert status == 1 and "数据库版本" in line and "head" in line and len(line) < 200


@pytest.mark.parametrize(("anchor", "said"), [("9" * 19 + ":" + "a" * 64, "过大"), ("9" * 5000 + ":" + "a" * 64, "过大"),
                                             ("١٢:" + "a" * 64, "锚点格式")], ids=["int64", "5000-digits", "arabic"])
def test_a_huge_or_foreign_anchor_is_one_line(reporting, capsys, anchor, said):
    status, lines, _ = run(["audit", "verify", "--anchor", anchor], capsys)
    line = one_clear_line(lines)
    assert status == 1 and "锚点" in line and said in line and len(line) < 200


@pytest.mark.parametrize("port", ["99999", "-1", "0", "65536", "http"])
def test_serve_on_an_impossible_port_is_one_line(env, capsys, port):
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--port", port])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and BUG not in err and "Traceback" not in err
    assert err.splitlines()[-1].endswith(f"端口应为 1–65535 之间的整数，收到 {port if port != 'http' else repr(port)}")


def test_deeply_nested_toml_in_the_settings_file_is_one_line(env, monkeypatch, capsys):
    config = env / "nested.toml"
    config.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    monkeypatch.setenv("CLERK_CONFIG", str(config))
    status, lines, _ = run(["doctor"], capsys)
    line = one_clear_line(lines)
    assert status == 2 and str(config) in line and "嵌套层数过多" in line
