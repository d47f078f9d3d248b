"""Settings come from defaults, the TOML file and CLERK_* variables, in that order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clerk.config import ConfigError, load_settings
from tests.support.cli import one_clear_line


def test_defaults_use_an_embedded_sqlite_file_in_home(tmp_path):
    settings = load_settings({"CLERK_HOME": str(tmp_path), "CLERK_CONFIG": os.devnull})
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'clerk.db'}"
    assert settings.timezone == "Asia/Shanghai"
    assert (settings.catalog_dir / ".." / "..").resolve().joinpath("pyproject.toml").is_file()


def test_file_then_environment_override(tmp_path):
    cfg = tmp_path / "clerk.toml"
    cfg.write_text(
        'database_url = "postgresql+psycopg://hall@db/clerk"\n'
        'window = 7\nreceipts_dir = "/srv/receipts"\n'
        '[hall]\nname = "历城区政务服务中心"\ncode = "LC"\n',
        encoding="utf-8",
    )
    settings = load_settings({"CLERK_CONFIG": str(cfg), "CLERK_WINDOW": "12"})
    assert settings.database_url == "postgresql+psycopg://hall@db/clerk"
    assert settings.window == 12  # the environment wins
    assert settings.receipts_dir == Path("/srv/receipts")
    assert settings.hall.name == "历城区政务服务中心" and settings.hall.code == "LC"
    assert settings.hall.seal_caption == "受理专用章"  # untouched defaults stay


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("windw = 3\n", "未知的设置 'windw'"),
        ("[hall]\nnmae = 'x'\n", "[hall] 中有未知的设置"),
        ("window = = 3\n", "无法读取"),
    ],
)
def test_a_broken_file_is_named_with_the_reason(tmp_path, text, message):
    cfg = tmp_path / "clerk.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings({"CLERK_CONFIG": str(cfg)})
    assert message in str(err.value) and str(cfg) in str(err.value)


def test_a_bad_environment_value_is_named(tmp_path):
    with pytest.raises(ConfigError, match="CLERK_WINDOW"):
        load_settings({"CLERK_CONFIG": os.devnull, "CLERK_WINDOW": "seven"})


def test_the_command_line_names_a_broken_config_instead_of_crashing(tmp_path, monkeypatch, capsys):
    from clerk.cli import main

    cfg = tmp_path / "clerk.toml"
    cfg.write_text("windw = 3\n", encoding="utf-8")
    monkeypatch.setenv("CLERK_CONFIG", str(cfg))
    assert main(["catalog", "check"]) == 2
    assert "配置错误" in capsys.readouterr().err


def test_keymap_and_complaint_categories_are_read_with_the_settings(tmp_path):
    from clerk.complaint_categories import categories_for
    from clerk.tui.keymap import keymap_from_settings

    cfg = tmp_path / "clerk.toml"
    cfg.write_text('[keymap]\n"intake.finish" = "f12"\n'
                   '[complaints.categories]\n"办不了" = { days = 3, hint = "三天" }\n"协调办" = 0\n', encoding="utf-8")
    settings = load_settings({"CLERK_CONFIG": str(cfg)})
    cfg.unlink()  # nothing reads the file again
    keymap, notes = keymap_from_settings(settings, {"intake.finish"})
    assert keymap == {"intake.finish": "f12"} and notes == []
    categories = categories_for(settings)
    assert list(categories) == ["办不了", "协调办"]
    assert categories["办不了"].days == 3 and categories["办不了"].hint == "三天" and categories["协调办"].forward_at_once
    assert "很难办" in categories_for(load_settings({"CLERK_CONFIG": os.devnull}))  # the shipped table


def test_an_unknown_keymap_id_is_a_configuration_error_naming_the_line(tmp_path, monkeypatch, capsys):
    from clerk.cli import main

    cfg = tmp_path / "clerk.toml"
    cfg.write_text('window = 3\n[keymap]\n"intake.new" = "f2"\n"clerk.finish" = "f12"\n', encoding="utf-8")
    monkeypatch.setenv("CLERK_CONFIG", str(cfg))
    assert main(["catalog", "check"]) == 2
    line = one_clear_line([line for line in capsys.readouterr().err.splitlines() if line.strip()])
    assert line.startswith('配置错误：设置 keymap.clerk.finish 无效（')
    assert f"{cfg}:4" in line and "intake.finish" in line and "F1" in line
