"""Commands that meet a bad setting, a missing file or a broken store say so in one line.

Each runs the real ``clerk`` entry point and asserts one Chinese line on stderr,
the exit status, and that nothing was written where the bad setting pointed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clerk.cli import main
from tests.support.cli import BUG, one_clear_line, run


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No user config, a private home and log folder, no CLERK_* from outside."""
    from clerk.config import get_settings

    for var in [v for v in os.environ if v.startswith("CLERK_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLERK_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("CLERK_RECEIPTS_DIR", str(tmp_path / "receipts"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.mark.parametrize("url", ["garbage", "mysql://u@localhost/x", "http://example", "sqlite:///",
                                 "sqlite:///:memory:", "sqlite:////etc/hostname/clerk.db"])
@pytest.mark.parametrize("command", [["setup"], ["db", "upgrade"], ["db", "current"], ["audit", "verify"]])
def test_an_unusable_database_url_is_one_line_naming_the_setting(clean_env, monkeypatch, capsys, url, command):
    monkeypatch.setenv("CLERK_DATABASE_URL", url)
    status, lines, _ = run(command, capsys)
    line = one_clear_line(lines)
    assert status == 2
    assert "database_url" in line and "CLERK_DATABASE_URL" in line and "postgresql+psycopg://" in line
    assert not (clean_env / "home").exists()  # nothing written


def test_an_sqlite_url_that_is_a_folder_says_so_instead_of_try_later(clean_env, monkeypatch, capsys):
    monkeypatch.setenv("CLERK_DATABASE_URL", f"sqlite:///{clean_env}")
    status, lines, _ = run(["setup"], capsys)
    line = one_clear_line(lines)
    assert status == 2 and "是文件夹" in line and "稍后重试" not in line


@pytest.mark.skipif(os.geteuid() != 0 and not os.access("/sys", os.W_OK), reason="needs an unwritable /sys")
def test_an_unwritable_database_folder_is_one_line(clean_env, monkeypatch, capsys):
    monkeypatch.setenv("CLERK_DATABASE_URL", "sqlite:////sys/clerk.db")
    status, lines, _ = run(["setup"], capsys)
    line = one_clear_line(lines)
    assert status == 1 and "/sys/clerk.db" in line


@pytest.mark.parametrize(("home", "status"), [("/etc/hostname", 2), ("/etc/hostname/x", 2), ("/proc/x", 1)])
def test_an_unusable_home_is_one_line(clean_env, monkeypatch, capsys, home, status):
    monkeypatch.setenv("CLERK_HOME", home)
    got, lines, _ = run(["setup"], capsys)
    line = one_clear_line(lines)
    assert got == status and home.split("/x")[0] in line


def write_config(folder: Path, text: str, *, bom: bool = False) -> Path:
    path = folder / "clerk.toml"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("command", [["setup"], ["catalog", "search", "xk"], ["print", "--sample", "promised"],
                                     ["calendar", "years"], ["db", "current"]])
@pytest.mark.parametrize(("text", "setting", "line_no"), [
    ("window = 3\ncatalog_dir = 5\n", "catalog_dir", 2),
    ('# hall\n\ntimezone = "Mars/Olympus"\n', "timezone", 3),
    ('window = "abc"\n', "window", 1),
])
def test_a_bad_value_in_the_file_names_setting_file_line_and_what_is_allowed(
        clean_env, monkeypatch, capsys, command, text, setting, line_no):
    cfg = write_config(clean_env, text)
    monkeypatch.setenv("CLERK_CONFIG", str(cfg))
    status, lines, _ = run(command, capsys)
    line = one_clear_line(lines)
    assert status == 2
    assert f"设置 {setting} " in line and f"{cfg}:{line_no}" in line and "应为" in line
    assert not (clean_env / "home").exists()  # setup upgraded nothing before failing


def test_a_named_config_file_that_does_not_exist_is_an_error(clean_env, monkeypatch, capsys):
    monkeypatch.setenv("CLERK_CONFIG", str(clean_env / "nonexistent.toml"))
    status, lines, _ = run(["catalog", "search", "xk"], capsys)
    line = one_clear_line(lines)
    assert status == 2 and "nonexistent.toml" in line and "不存在" in line


def test_a_utf8_bom_written_by_notepad_is_accepted(clean_env, monkeypatch):
    from clerk.config import load_settings

    cfg = write_config(clean_env, 'window = 4\n[hall]\nname = "历下区政务服务中心"\n', bom=True)
    settings = load_settings({"CLERK_CONFIG": str(cfg)})
    assert settings.window == 4 and settings.hall.name == "历下区政务服务中心"


@pytest.mark.parametrize("target", ["folder", "/proc/x.pdf"])
def test_print_sample_to_an_unwritable_output_is_one_line(clean_env, monkeypatch, capsys, target):
    monkeypatch.setenv("CLERK_FONT", "STSong-Light")
    output = str(clean_env) if target == "folder" else target
    status, lines, _ = run(["print", "--sample", "promised", "-o", output], capsys)
    line = one_clear_line(lines)
    assert status == 1 and output in line


def test_a_broken_calendar_file_stops_setup_before_it_writes_and_recompute_says_why(clean_env, monkeypatch, capsys):
    calendar = clean_env / "calendar"
    calendar.mkdir()
    (calendar / "2027.toml").write_text("year = 2027\nbroken", encoding="utf-8")
    monkeypatch.setenv("CLERK_CALENDAR_DIR", str(calendar))
    status, lines, _ = run(["setup"], capsys)
    assert status == 1 and "2027.toml" in one_clear_line(lines)
    assert not (clean_env / "home").exists()
    status, lines, _ = run(["db", "recompute-deadlines"], capsys)
    assert status == 1 and "2027.toml" in one_clear_line(lines)


@pytest.mark.parametrize(("argv", "status"), [
    (["calendar", "add", "2025-01-01", "999999999"], 2),
    (["calendar", "add", "9999-12-31", "5"], 1),
])
def test_calendar_arithmetic_out_of_range_is_one_line(clean_env, capsys, argv, status):
    try:
        got = main(argv)
    except SystemExit as exc:  # argparse rejects the argument itself
        got = exc.code
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert got == status
    assert BUG not in lines[-1] and ("超出" in lines[-1] or "不能超过" in lines[-1])


def test_calendar_dir_typo_is_an_error_not_the_shipped_data(clean_env, capsys):
    status, lines, out = run(["calendar", "--dir", str(clean_env / "typo"), "years"], capsys)
    assert status == 1 and "typo" in one_clear_line(lines) and out == ""


def test_a_yaml_syntax_error_is_reported_alone_not_after_knock_on_lines(clean_env, capsys):
    from clerk.shipped import shipped_path

    catalog = clean_env / "catalog"
    catalog.mkdir()
    for file in shipped_path("catalog").glob("*.yaml"):
        (catalog / file.name).write_bytes(file.read_bytes())
    broken = catalog / "materials.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n  - key: [unclosed\n", encoding="utf-8")
    status = main(["catalog", "check", str(catalog)])
    out = capsys.readouterr().out
    assert status == 1
    problems = [line for line in out.splitlines() if line.strip()]
    assert len(problems) == 1 and "YAML 语法错误" in problems[0] and "materials.yaml" in problems[0]


def test_an_unexpected_error_names_the_log_file_with_the_traceback(clean_env, capsys):
    from clerk.commands.failures import log_file, record_bug

    try:
        {}["missing"]
    except KeyError as exc:
        line = record_bug(exc, ["demo"])
    assert str(log_file()) in line and BUG in line
    assert "Traceback" in log_file().read_text(encoding="utf-8")
    assert str(clean_env / "log") in str(log_file())


def test_one_error_log_for_commands_and_windows_with_personal_data_masked(clean_env, monkeypatch):
    from clerk.commands.failures import log_file, record_bug
    from clerk.tui.state import WindowState

    assert WindowState(clean_env / "state").log_path == log_file()  # CLERK_LOG_DIR: both there
    monkeypatch.delenv("CLERK_LOG_DIR")
    assert WindowState().log_path == log_file()  # the default: the user state folder, one file
    monkeypatch.setenv("CLERK_LOG_DIR", str(clean_env / "log"))
    try:
        raise ValueError("申请人 11010519491231002X 电话 13812345678")
    except ValueError as exc:
        line = record_bug(exc, ["demo"])
    logged = log_file().read_text(encoding="utf-8")
    assert "11010519491231002X" not in logged and "13812345678" not in logged
    assert "110105********002X" in logged and "ValueError" in logged
    assert str(log_file()) in line and log_file().stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("command", [["db", "current"], ["setup"], ["audit", "verify"], ["db", "backup", "copy.db"]])
def test_a_damaged_database_file_is_named_not_an_internal_error(clean_env, monkeypatch, capsys, command):
    home = clean_env / "home"
    home.mkdir()
    (home / "clerk.db").write_bytes(b"\x13\x37 not sqlite " * 400)
    from clerk.config import load_settings
    from clerk.store.hallkey import ensure_hall_key

    ensure_hall_key(load_settings())  # the hall key is there: only the database is damaged
    monkeypatch.chdir(clean_env)
    status, lines, _ = run(command, capsys)
    line = one_clear_line(lines)
    assert status == 1 and ("损坏" in line or "不是 SQLite" in line)
    assert not (clean_env / "copy.db").exists()


def test_doctor_names_a_damaged_database_in_its_own_line(clean_env, capsys):
    home = clean_env / "home"
    home.mkdir()
    (home / "clerk.db").write_bytes(b"\x13\x37 not sqlite " * 400)
    status, _, out = run(["doctor"], capsys)
    first = out.splitlines()[0]
    assert status == 2 and first.startswith("✖ 数据库：") and "损坏" in first


@pytest.mark.parametrize("argv", [["report", "daily", "--date", "9999-12-31"], ["report", "daily", "--date", "0001-01-01"],
                                  ["report", "monthly", "--month", "9999-12"]])
def test_a_report_far_outside_the_calendar_is_one_line(clean_env, capsys, argv):
    status, lines, _ = run(argv, capsys)
    assert status == 2 and "2000 至 2099" in one_clear_line(lines)
