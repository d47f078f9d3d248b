"""Appointments take names through three doors (service, ``clerk appointment add``, the online
channel's CSV): each refuses a bidi override, U+0085 and a line break with the one text rule."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clerk.cli import main

TODAY = date(2026, 11, 25)  # the hall clock of tests/tickets/conftest.py
YOUNG, OTHER = "110101199001010015", "370102198503150018"

HIDDEN = {"\u202e": "U+202E", "\x85": "U+0085", "\n": "U+000A"}


@pytest.fixture
def appointments(store, hall_settings, hall_clock):
    from clerk.services.appointments import AppointmentService

    return AppointmentService(store, hall_settings, hall_clock)


@pytest.mark.parametrize("ch", list(HIDDEN), ids=list(HIDDEN.values()))
def test_the_service_refuses_hidden_characters_in_a_name(appointments, clerks, ch):
    from clerk.services.appointments import AppointmentError

    with pytest.raises(AppointmentError) as refused:
        appointments.add(clerks["window"], "B", TODAY, "上午", f"张{ch}三", YOUNG)
    kind = "改变文字方向的不可见字符" if ch == "\u202e" else "换行符"
    assert str(refused.value) == f"姓名含有{kind}（{HIDDEN[ch]}），请删除后重新输入"
    with pytest.raises(AppointmentError, match=rf"^队列含有.*（{HIDDEN[ch].replace('+', '[+]')}）"):
        appointments.add(clerks["window"], f"B{ch}", TODAY, "上午", "张三", YOUNG)  # never echoed back
    with pytest.raises(AppointmentError, match="姓名过长：最多 64 个字"):
        appointments.add(clerks["window"], "B", TODAY, "上午", "张" * 65, YOUNG)
    assert appointments.list(TODAY) == []


def test_csv_import_names_file_line_and_character(appointments, tmp_path):
    from clerk.services.appointments import AppointmentError

    bad = tmp_path / "online.csv"
    bad.write_text("预约号,队列,日期,时段,姓名,身份证号,手机号\n"
                   f"W0001,B,2026-11-25,上午,张\u202e三,{YOUNG},\n"
                   f"W0002,B,2026-11-25,上午,李\x85四,{OTHER},\n"
                   f'W0003,C,2026-11-25,下午,"王\n五",{YOUNG},\n'
                   f"W0004,Q,2026-11-25,上午,赵六,{OTHER},\n"
                   f"W0005,C,2026-11-26,上午,孙七,{OTHER},\n", encoding="utf-8", newline="")
    with pytest.raises(AppointmentError) as refused:
        appointments.import_csv(bad)
    assert refused.value.problems == (
        f"{bad}:2: 姓名含有改变文字方向的不可见字符（U+202E），请删除后重新输入",
        f"{bad}:3: 姓名含有换行符（U+0085），请删除后重新输入",
        f"{bad}:4: 姓名含有换行符（U+000A），请删除后重新输入",
        f"{bad}:6: 没有队列“Q”（可选：A、B、C、F、Z）",  # the quoted line break counted: line 6, not 5
    )
    assert appointments.list(TODAY) == []


@pytest.fixture
def cli_env(store, monkeypatch, tmp_path, cheap_password_hashing):
    from clerk.config import get_settings

    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_DATABASE_URL", store.url)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path))
    get_settings.cache_clear()
    yield store
    get_settings.cache_clear()


@pytest.mark.parametrize("ch", list(HIDDEN), ids=list(HIDDEN.values()))
def test_clerk_appointment_add_refuses_hidden_characters(cli_env, capsys, ch):
    tomorrow = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).date().isoformat()
    assert main(["appointment", "add", "B", tomorrow, "上午", f"张{ch}三", YOUNG]) == 1
    out = capsys.readouterr()
    assert HIDDEN[ch] in out.err and "姓名含有" in out.err and ch not in out.err.removesuffix("\n") and out.out == ""
    assert main(["appointment", "list", "--day", tomorrow]) == 0
    assert "共 0 个预约" in capsys.readouterr().out
