"""``clerk doctor``'s 扫描设备 line: the configured scanner answers, or the camera's folder is there and private."""

from __future__ import annotations

from dataclasses import replace

from clerk.commands.doctor import Level, check_capture
from clerk.config import CaptureSettings, Settings
from tests.support.pictures import needs_scanimage


def with_capture(tmp_path, **capture) -> Settings:
    return Settings.defaults(home=tmp_path, capture=CaptureSettings(**capture))


def test_nothing_configured_is_fine_and_said(tmp_path):
    check = check_capture(with_capture(tmp_path))
    assert (check.level, check.detail) == (Level.OK, "未配置扫描仪或高拍仪：材料扫描件只能从文件添加")


@needs_scanimage
def test_sanes_test_scanner_answers_and_a_missing_one_fails(tmp_path):
    check = check_capture(with_capture(tmp_path, scanner="test"))
    assert (check.level, check.detail) == (Level.OK, "扫描仪 test 可用（300 dpi）")
    missing = check_capture(with_capture(tmp_path, scanner="nosuch"))
    assert missing.level is Level.FAIL and "找不到扫描仪（nosuch）" in missing.detail


def test_a_scanner_without_scanimage_fails_with_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    check = check_capture(with_capture(tmp_path, scanner="test"))
    assert (check.level, check.detail) == (Level.FAIL, "已配置扫描仪 test，但本机没有 scanimage：请安装 sane-utils")


def test_the_camera_folder_must_be_there_and_the_clerks_own(tmp_path):
    folder = tmp_path / "camera"
    assert check_capture(with_capture(tmp_path, drop_folder=str(folder))).level is Level.FAIL
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    loose = check_capture(with_capture(tmp_path, drop_folder=str(folder)))
    assert loose.level is Level.WARN and "请执行 chmod 700" in loose.detail
    folder.chmod(0o700)
    check = check_capture(with_capture(tmp_path, drop_folder=str(folder)))
    assert (check.level, check.detail) == (Level.OK, f"高拍仪文件夹 {folder} 可用")
