"""``clerk queue`` and ``clerk appointment`` through ``clerk.cli.main``, with queues from the config file."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clerk.cli import main

CONFIG = """
[[queues]]
prefix = "A"
name = "综合受理"
opens = "00:00"
closes = "23:59"
daily_cap = 2

[[queues]]
prefix = "B"
name = "不动产登记"
departments = ["区住房和城乡建设局"]
opens = "00:00"
closes = "23:59"

[window_queues]
7 = ["B", "A"]
"""


@pytest.fixture
def cli_env(store, monkeypatch, tmp_path, cheap_password_hashing):
    from clerk.config import get_settings

    config = tmp_path / "clerk.toml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("CLERK_CONFIG", str(config))
    monkeypatch.setenv("CLERK_DATABASE_URL", store.url)
    monkeypatch.setenv("CLERK_RECEIPTS_DIR", str(tmp_path / "receipts"))
    monkeypatch.setenv("CLERK_HOME", str(tmp_path))
    get_settings.cache_clear()
    yield store
    get_settings.cache_clear()


def test_queue_take_and_status(cli_env, capsys, tmp_path):
    assert main(["queue", "take", "a"]) == 0
    out = capsys.readouterr().out
    # no window is signed in: the ticket promises no wait
    assert out.startswith("A001　综合受理　前面 0 人，暂无窗口办理此类业务") and "预计等候" not in out
    assert main(["queue", "take", "A", "--id", "110101195001010033", "--priority"]) == 0
    assert "A002　综合受理，绿色通道（70岁以上）" in capsys.readouterr().out
    assert len(list((tmp_path / "receipts" / "tickets").rglob("A00*.pdf"))) == 2
    assert main(["queue", "take", "A"]) == 1
    assert "今日号源已取完（每日 2 个）" in capsys.readouterr().err
    assert main(["queue", "take", "A", "--priority", "外星人"]) == 2
    assert main(["queue", "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split("\t") == ["A", "综合受理", "2", "暂无窗口办理此类业务", "已满"]
    assert lines[2].split("\t")[:3] == ["B", "不动产登记", "0"]
    today = lines.index("") + 2
    assert lines[today].split("\t")[:4] == ["A", "综合受理", "0", "0.0"]


def test_appointment_commands(cli_env, capsys, tmp_path):
    tomorrow = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).date().isoformat()
    assert main(["appointment", "add", "B", tomorrow, "上午", "张三", "110101199001010015",
                 "--phone", "13812345678"]) == 0
    code = capsys.readouterr().out.split("预约号 ")[1].split("　")[0]
    assert main(["appointment", "list", "--day", tomorrow]) == 0
    listed = capsys.readouterr().out
    assert code in listed and "110101199001010015" not in listed and "13812345678" not in listed
    assert main(["appointment", "cancel", code]) == 0
    assert main(["appointment", "cancel", code]) == 1
    assert "不能取消" in capsys.readouterr().err

    bad = tmp_path / "online.csv"
    bad.write_text(f"预约号,队列,日期,时段,姓名,身份证号\nW1,B,{tomorrow},上午,李四,110101199001010015\n"
                   f"W2,B,{tomorrow},晚上,王五,110101199001010015\n", encoding="utf-8")
    assert main(["appointment", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2: 预约号“W1”应为 4 至 16 位字母或数字" in err and f"{bad}:3: 时段“晚上”" in err
    good = tmp_path / "good.csv"
    good.write_text(f"预约号,队列,日期,时段,姓名,身份证号\nW0001,B,{tomorrow},下午,李四,110101199001010015\n",
                    encoding="utf-8")
    assert main(["appointment", "import", str(good)]) == 0
    assert "已导入 1 个预约" in capsys.readouterr().out


def test_a_bad_queue_config_names_the_line(monkeypatch, tmp_path, capsys):
    from clerk.config import ConfigError, load_settings

    config = tmp_path / "clerk.toml"
    config.write_text(CONFIG.replace('7 = ["B", "A"]', '7 = ["B", "Q"]'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"clerk.toml:\d+：窗口 7 的队列 Q 未在 \[\[queues\]\] 中定义"):
        load_settings({"CLERK_CONFIG": str(config)})
    config.write_text(CONFIG.replace('opens = "00:00"', 'opens = "8:30"', 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="opens 应为 \"HH:MM\""):
        load_settings({"CLERK_CONFIG": str(config)})
    config.write_text(CONFIG, encoding="utf-8")
    settings = load_settings({"CLERK_CONFIG": str(config)})
    assert [q.prefix for q in settings.queues] == ["A", "B"] and settings.window_queues == {7: ("B", "A")}
    assert settings.queues[0].daily_cap == 2


def test_ticket_settings_from_the_environment_are_checked():
    from clerk.config import ConfigError, load_settings

    env = {"CLERK_CONFIG": "/dev/null", "CLERK_PRIORITY_MAX_WAIT": "45", "CLERK_ANNOUNCE_COMMAND": "say -v Ting"}
    settings = load_settings(env)
    assert (settings.priority_max_wait_minutes, settings.announce_command) == (45, "say -v Ting")
    assert [q.prefix for q in settings.queues] == ["A", "B", "C", "F", "Z"] and settings.window_queues[9] == ("F",)
    with pytest.raises(ConfigError, match="CLERK_PRIORITY_MAX_WAIT"):
        load_settings({"CLERK_CONFIG": "/dev/null", "CLERK_PRIORITY_MAX_WAIT": "0"})
    with pytest.raises(ConfigError, match="引号须成对"):
        load_settings({"CLERK_CONFIG": "/dev/null", "CLERK_ANNOUNCE_COMMAND": "say '请"})
