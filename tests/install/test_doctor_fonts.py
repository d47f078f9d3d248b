"""``clerk doctor`` reports which fonts print rare characters (生僻字) and what they cover:
the 通用规范汉字表 from the shipped fonts alone, CJK Extensions A–F with fonts-hanazono (#30 item 4)."""

from __future__ import annotations

import os

import pytest

from clerk.commands.doctor import Level, check_font, check_rare_characters
from clerk.config import Settings
from clerk.printing.coverage import system_faces

HANAZONO = bool(system_faces())


@pytest.fixture
def home(tmp_path, monkeypatch, cheap_password_hashing):
    from clerk.config import get_settings

    for var in [v for v in os.environ if v.startswith("CLERK_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_doctor_prints_the_coverage_of_the_font_chain(home, capsys):
    from clerk.cli import main

    assert main(["setup"]) == 0
    capsys.readouterr()
    main(["doctor"])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith(("✔ 生僻字", "⚠ 生僻字"))]
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("✔ 生僻字：字体 clerk-notice-song.ttf、clerk-notice-names.ttf、clerk-notice-rare.ttf")
    assert "通用规范汉字表 8105/8105 字可印" in line
    for block in ("基本区", "扩展A", "扩展B", "扩展C", "扩展D", "扩展E", "扩展F", "扩展G"):
        assert block in line
    if HANAZONO:  # the optional system package completes Extensions D–F and nearly all of A–C
        assert "HanaMinA.ttf、HanaMinB.ttf" in line and "完整：扩展D、扩展E、扩展F" in line
    else:
        assert "未安装 fonts-hanazono" in line and "部分：基本区" in line and "扩展A " in line


def test_the_font_line_names_the_main_shipped_font():
    assert check_font(Settings.defaults()).detail == "随程序附带的嵌入字体 clerk-notice-song.ttf"


def test_the_cid_font_cannot_be_checked_and_says_so():
    check = check_rare_characters(Settings.defaults(font_path="STSong-Light"))
    assert check.level is Level.WARN and "无法检查" in check.detail
