"""``clerk calendar`` sub-commands, driven through ``register`` like clerk.cli does."""

from __future__ import annotations

import argparse

import pytest

from clerk.commands import calendar as cli


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="clerk")
    cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    code = args.handler(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def empty_dir(tmp_path):
    return str(tmp_path)


def test_add_into_an_unpublished_year_is_marked_provisional(capsys, empty_dir):
    code, out, _ = run(["calendar", "--dir", empty_dir, "add", "2026-12-20", "20"], capsys)
    first, second = out.splitlines()
    assert code == 0
    assert first == "2027-01-18 星期一 (provisional)"  # 2027-01-01 (元旦) is no working day
    assert "2027 年的节假日安排尚未载入" in second and "只会偏晚、不会偏早" in second


def test_add_within_published_years_is_plain(capsys, empty_dir):
    code, out, _ = run(["calendar", "--dir", empty_dir, "add", "2026-02-13", "1"], capsys)
    assert (code, out) == (0, "2026-02-14 星期六（春节调休上班）\n")


def test_count(capsys, empty_dir):
    assert run(["calendar", "--dir", empty_dir, "count", "2025-09-30", "2025-10-11"], capsys)[1] == "3 个工作日\n"
    code, out, _ = run(["calendar", "--dir", empty_dir, "count", "2026-12-31", "2027-01-04"], capsys)
    assert out.splitlines()[0] == "1 个工作日 (provisional)"  # 2027-01-04; 01-01 is 元旦


def test_years_lists_sources_and_the_uncovered_years(capsys, tmp_path):
    (tmp_path / "2028.toml").write_text(
        'year = 2028\nsource = "测试"\n[[holidays]]\nname = "元旦"\ndates = [2028-01-01]\n', encoding="utf-8"
    )
    code, out, _ = run(["calendar", "--dir", str(tmp_path), "years"], capsys)
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("2004  chinesecalendar ")
    assert any(line.startswith("2028  ") and "2028.toml" in line for line in lines)
    assert "缺少 2027 年的节假日安排。" in lines
    assert "2029 年及以后" in lines[-1]


def test_a_bad_year_file_is_reported_and_exits_1(capsys, tmp_path):
    (tmp_path / "2027.toml").write_text("year = ", encoding="utf-8")
    code, out, err = run(["calendar", "--dir", str(tmp_path), "add", "2026-12-01", "3"], capsys)
    assert code == 1 and out == "" and "2027.toml:1: TOML 格式错误" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["add", "2026-13-01", "2"], "格式应为 YYYY-MM-DD"), (["add", "2026-12-01", "-2"], "不能为负数")],
)
def test_bad_arguments(capsys, argv, message):
    with pytest.raises(SystemExit) as exited:
        run(["calendar", *argv], capsys)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
