"""``clerk doctor``: one line per check, ✔/⚠/✖, exit status to match."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from clerk.commands.doctor import (
    Level,
    check_calendar,
    check_clock,
    check_font,
    check_permissions,
    check_printer,
    check_queue_caps,
    check_store,
    exit_status,
    run_checks,
    shipped_fonts,
)
from clerk.config import Settings

YEAR_2027 = """\
year = 2027
source = "test schedule"

[[holidays]]
name = "元旦"
from = 2027-01-01
to = 2027-01-03
"""


@pytest.fixture
def ready(tmp_path, monkeypatch, cheap_password_hashing):
    """A home that ``clerk setup`` has prepared; its settings."""
    from clerk.cli import main
    from clerk.config import get_settings

    for var in [v for v in os.environ if v.startswith("CLERK_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    assert main(["setup"]) == 0
    yield get_settings()
    get_settings.cache_clear()


def test_a_fresh_setup_passes_every_check_but_the_reminders(ready, capsys):
    from clerk.cli import main

    capsys.readouterr()
    checks = run_checks(ready, today=date(2026, 6, 1))
    failures = [c.line() for c in checks if c.level is Level.FAIL]
    assert failures == []
    assert len(checks) == 12
    status = main(["doctor"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 12 and all(line[0] in "✔⚠✖" for line in lines)
    expected = 2 if any(line.startswith("✖") for line in lines) else 1 if any(line.startswith("⚠") for line in lines) else 0
    assert status == expected != 2


def test_a_missing_or_unmigrated_store_fails_without_creating_anything(tmp_path):
    settings = Settings.defaults(home=tmp_path / "nowhere")
    check = check_store(settings)
    assert check.level is Level.FAIL and "clerk setup" in check.detail
    assert not (tmp_path / "nowhere").exists()
    (tmp_path / "empty.db").touch()
    check = check_store(Settings.defaults(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'empty.db'}"))
    assert check.level is Level.FAIL and "尚未初始化" in check.detail


def test_next_years_calendar_is_a_warning_from_november(tmp_path):
    settings = Settings.defaults(calendar_dir=tmp_path)
    assert check_calendar(settings, date(2026, 10, 31)).level is Level.OK
    november = check_calendar(settings, date(2026, 11, 1))
    assert november.level is Level.WARN and "2027" in november.detail
    assert check_calendar(settings, date(2031, 3, 1)).level is Level.FAIL  # this year missing
    (tmp_path / "2027.toml").write_text(YEAR_2027, encoding="utf-8")
    assert check_calendar(settings, date(2026, 11, 20)).level is Level.OK


def test_loose_permissions_on_the_key_or_store_fail(ready):
    assert check_permissions(ready).level is Level.OK
    key = ready.effective_key_file
    key.chmod(0o644)
    check = check_permissions(ready)
    assert check.level is Level.FAIL and str(key) in check.detail
    assert exit_status(run_checks(ready, today=date(2026, 6, 1))) == 2


def test_the_font_check_looks_for_the_shipped_fonts():
    check = check_font(Settings.defaults(font_path="STSong-Light"))
    assert check.level is (Level.OK if shipped_fonts() else Level.WARN)
    default = check_font(Settings.defaults())
    assert (default.level is Level.OK) == bool(shipped_fonts())
    assert check_font(Settings.defaults(font_path="/nonexistent/font.ttf")).level is Level.FAIL


def _lpstat(output: str, returncode: int = 0, stderr: str = ""):
    def run(argv, **_):
        assert argv[:3] == ["lpstat", "-l", "-p"]
        return subprocess.CompletedProcess(argv, returncode, output, stderr)

    return run


def test_the_printer_queue_must_exist_and_be_enabled():
    settings = Settings.defaults(printer="HP")
    have_lpstat = lambda name: f"/usr/bin/{name}"  # noqa: E731
    ready = check_printer(settings, _lpstat("printer HP is idle.  enabled since Fri 20 Nov 2026\n"), have_lpstat)
    assert ready.level is Level.OK
    disabled = check_printer(settings, _lpstat("printer HP disabled since Fri 20 Nov 2026 -\n\tpaused\n"), have_lpstat)
    assert disabled.level is Level.FAIL
    missing = check_printer(settings, _lpstat("", 1, "lpstat: Invalid destination name in list \"HP\".\n"),
                            have_lpstat)
    assert missing.level is Level.FAIL
    no_cups = check_printer(settings, _lpstat(""), lambda name: None)
    assert no_cups.level is Level.FAIL and "CUPS" in no_cups.detail
    assert check_printer(Settings.defaults()).level is Level.OK  # no printer configured: PDFs only
    assert check_printer(Settings.defaults(print_command="/nonexistent/lp-stub")).level is Level.FAIL


@pytest.mark.postgres
def test_clock_skew_against_the_database_server(pg_server):
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade

    name = pg_server.create_database()
    try:
        upgrade(Store(pg_server.url(name)))
        settings = Settings.defaults(database_url=pg_server.url(name))
        in_step = check_clock(settings, lambda: datetime.now(UTC))
        assert in_step.level is Level.OK
        slow = check_clock(settings, lambda: datetime.now(UTC) - timedelta(seconds=120))
        assert slow.level is Level.FAIL and "本机慢" in slow.detail
        fast = check_clock(settings, lambda: datetime.now(UTC) + timedelta(seconds=5))
        assert fast.level is Level.WARN and "本机快" in fast.detail
    finally:
        pg_server.drop_database(name)


def test_doctor_exit_status_matches_the_worst_line():
    from clerk.commands.doctor import Check

    ok, warn, fail = (Check(level, "x", "y") for level in Level)
    assert exit_status([ok, ok]) == 0
    assert exit_status([ok, warn]) == 1
    assert exit_status([warn, fail, ok]) == 2
    assert replace(ok, detail="z").line() == "✔ x：z"


def test_the_default_queues_fit_the_28_window_hall_of_the_deploy_guide():
    from clerk.domain.queueing import serving_windows_by_queue

    hall = replace(Settings.defaults(), hall_windows=28)
    serving = serving_windows_by_queue(hall.queues, hall.window_queues, 28)
    assert serving == {"A": 27, "B": 2, "C": 2, "F": 1, "Z": 27}
    # A and B, C, F: at least 80 a serving window a day (one every 6 minutes for 8 hours)
    assert all(q.daily_cap >= serving[q.prefix] * 80 for q in hall.queues if q.prefix != "Z")
    check = check_queue_caps(hall)
    assert check.level is Level.OK, check.line()


def test_a_queue_cap_far_below_its_windows_or_a_queue_no_window_serves_is_a_warning(ready, tmp_path, monkeypatch,
                                                                                    capsys):
    from clerk.cli import main
    from clerk.config import get_settings

    config = tmp_path / "clerk.toml"
    config.write_text('hall_windows = 28\n\n[[queues]]\nprefix = "A"\nname = "综合受理"\ndaily_cap = 300\n\n'
                      '[[queues]]\nprefix = "C"\nname = "社保医保"\ndepartments = ["区医疗保障局"]\n\n'
                      '[window_queues]\n1 = ["A"]\n', encoding="utf-8")
    monkeypatch.setenv("CLERK_CONFIG", str(config))
    get_settings.cache_clear()
    capsys.readouterr()
    assert main(["doctor"]) == 1
    (line,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("⚠ 号源")]
    assert "A 综合受理 每日号源 300 个" in line and "28 个窗口" in line and "建议 daily_cap 约 2240" in line
    assert "C 社保医保 没有窗口办理" in line


def test_a_loose_folder_of_scans_fails(ready):
    """Issue 26: the scans beside an SQLite store are personal data: their folders are 0700."""
    from clerk.store.materials import folder_beside

    db = Path(ready.effective_database_url[len("sqlite:///"):])
    scans = folder_beside(db) / "ab"
    scans.mkdir(parents=True, mode=0o700)
    scans.parent.chmod(0o700)
    assert check_permissions(ready).level is Level.OK
    scans.chmod(0o755)
    check = check_permissions(ready)
    assert check.level is Level.FAIL and str(scans) in check.detail and "chmod -R go-rwx" in check.detail
