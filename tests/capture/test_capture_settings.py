"""The ``[capture]`` table: the window's scanner or document camera, checked like every setting."""

from __future__ import annotations

import pytest

from clerk.config import CaptureSettings, ConfigError, load_settings


def settings_of(tmp_path, text: str):
    cfg = tmp_path / "clerk.toml"
    cfg.write_text(text, encoding="utf-8")
    return load_settings({"CLERK_CONFIG": str(cfg), "CLERK_HOME": str(tmp_path)})


def test_the_capture_table_is_read(tmp_path):
    found = settings_of(tmp_path, '[capture]\nscanner = "test"\nresolution = 200\nscanner_options = "--mode Color"\n'
                                  f'drop_folder = "{tmp_path}"\nsource = "folder"\nmax_pages = 20\n').capture
    assert found == CaptureSettings(source="folder", scanner="test", resolution=200, scanner_options="--mode Color",
                                    drop_folder=str(tmp_path), max_pages=20)
    assert settings_of(tmp_path, "").capture == CaptureSettings()  # none: files only


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('scaner = "test"\n', "[capture] 中有未知的设置 ['scaner']"),
        ('scanner = "te st"\n', "设置 capture.scanner 的值 'te st' 无效（{cfg}:2）：应为 scanimage -L 列出的设备名"),
        ("resolution = 5000\n", "设置 capture.resolution 的值 5000 无效（{cfg}:2）：应为 75 至 1200 之间的整数"),
        ('scanner_options = "-d other"\n', "-d 由 clerk 自己设置"),
        ('scanner_options = "--mode \\"Color"\n', "无法拆分为命令参数"),
        ('source = "camera"\n', "应为 scanner（扫描仪）或 folder（高拍仪保存文件夹）"),
        ('source = "scanner"\n', 'capture.source = "scanner" 需要设置 capture.scanner'),
        ('source = "folder"\n', 'capture.source = "folder" 需要设置 capture.drop_folder'),
    ],
)
def test_a_bad_capture_setting_names_itself_and_its_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as raised:
        settings_of(tmp_path, "[capture]\n" + text)
    assert message.format(cfg=tmp_path / "clerk.toml") in str(raised.value)
