"""Where pages come from (issue 26): SANE's test backend, a document camera's drop folder, a file."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from clerk.capture.pages import CaptureError, MaterialPages, pages_from_bytes
from clerk.capture.sources import DropFolderSource, ScannerSource, configured_source, read_file, scanner_problem
from clerk.config import CaptureSettings
from tests.support.pictures import TEST_SCANNER_OPTIONS, needs_scanimage, pdf_pages, picture


@needs_scanimage
def test_a_page_scanned_through_sane_becomes_the_materials_pdf_with_its_jpeg_kept():
    scanner = ScannerSource("test", 300, TEST_SCANNER_OPTIONS, timeout=20)
    scanned = scanner.capture()
    assert scanned.data[:3] == b"\xff\xd8\xff" and scanned.source == "扫描仪"
    pages = MaterialPages().adding(pages_from_bytes(scanned.data, source=scanned.source))
    file = pages.file("id_card")
    assert file is not None and file.pages == 1 and file.intact() and file.material_key == "id_card"
    (page,) = pdf_pages(file.pdf)
    (image,) = page["images"]
    assert (image["width"], image["height"]) == (2362, 2362)  # 200 mm at 300 dpi
    assert image["filter"] == "/DCTDecode" and image["data"] == scanned.data  # the scanner's JPEG, not re-encoded
    assert round(page["width_pt"]) == round(200 / 25.4 * 72)  # the page is the paper's size (dpi kept)


@needs_scanimage
def test_two_scans_of_one_material_are_two_pages_of_one_pdf():
    scanner = ScannerSource("test", 150, TEST_SCANNER_OPTIONS, timeout=20)
    first = pages_from_bytes(scanner.capture().data)
    second = pages_from_bytes(ScannerSource("test", 150, (*TEST_SCANNER_OPTIONS, "--test-picture", "Grid"),
                                            timeout=20).capture().data)
    file = MaterialPages().adding(first).adding(second).file("contract")
    assert len(pdf_pages(file.pdf)) == 2 and file.pages == 2


@needs_scanimage
def test_a_scanner_that_is_not_there_is_said_in_chinese():
    with pytest.raises(CaptureError, match="找不到扫描仪（nosuch）"):
        ScannerSource("nosuch", 300, timeout=20).capture()


def test_scanimage_missing_is_said_with_what_to_install():
    with pytest.raises(CaptureError, match="未安装 scanimage（sane-utils）"):
        ScannerSource("test", command="/nonexistent/scanimage").capture()


def test_scanner_messages_for_busy_and_empty_feeder():
    assert "正忙" in scanner_problem("epson2", "scanimage: open of device epson2 failed: Device busy\n")
    assert "进纸器中没有纸" in scanner_problem("test", "scanimage: sane_start: Document feeder out of documents\n")


def test_a_hanging_scanner_times_out_with_a_message(tmp_path):
    slow = tmp_path / "scanimage"
    slow.write_text("#!/bin/sh\nsleep 5\n")
    slow.chmod(0o755)
    started = time.monotonic()
    with pytest.raises(CaptureError, match="秒内没有完成扫描"):
        ScannerSource("test", command=str(slow), timeout=0.3).capture()
    assert time.monotonic() - started < 3


def test_a_second_scan_while_one_runs_is_refused_not_queued(tmp_path):
    slow = tmp_path / "scanimage"
    slow.write_text("#!/bin/sh\nsleep 1\n")
    slow.chmod(0o755)
    scanner = ScannerSource("test", command=str(slow), timeout=5)
    first = threading.Thread(target=lambda: pytest.raises(CaptureError, scanner.capture))
    first.start()
    time.sleep(0.2)
    with pytest.raises(CaptureError, match="正在扫描上一页"):
        scanner.capture()
    first.join()


# -- the drop folder ------------------------------------------------------------------


def _save(folder: Path, name: str, data: bytes, *, age: float = 0.0) -> Path:
    path = folder / name
    path.write_bytes(data)
    if age:
        then = time.time() - age
        os.utime(path, (then, then))
    return path


def test_the_drop_folder_gives_the_newest_new_picture_and_never_one_that_was_there(tmp_path):
    _save(tmp_path, "old.jpg", picture(seed=1), age=60)
    camera = DropFolderSource(tmp_path, timeout=2, settle=0.05, poll=0.01)
    _save(tmp_path, "a.jpg", picture(seed=2), age=10)
    newest = _save(tmp_path, "b.jpg", picture(seed=3), age=5)
    _save(tmp_path, "notes.txt", b"not a picture")
    expected = newest.read_bytes()
    got = camera.capture()
    assert got.data == expected and got.source == "高拍仪 b.jpg"
    assert not newest.exists() and (tmp_path / "old.jpg").exists()  # taken: removed (personal data); others stay
    assert camera.capture().source == "高拍仪 a.jpg"  # not taken yet
    with pytest.raises(CaptureError, match="高拍仪 2 秒内没有保存新的图片"):
        camera.capture()  # old.jpg was there before: never taken


def test_the_drop_folder_waits_for_the_camera_and_for_a_file_still_being_written(tmp_path):
    camera = DropFolderSource(tmp_path, timeout=5, settle=0.1, poll=0.01)
    data = picture(seed=4)

    def camera_software():
        time.sleep(0.2)
        with open(tmp_path / "IMG_0001.jpg", "wb") as out:  # written in pieces, as a slow USB camera does
            for start in range(0, len(data), len(data) // 4 + 1):
                out.write(data[start:start + len(data) // 4 + 1])
                out.flush()
                time.sleep(0.15)

    writer = threading.Thread(target=camera_software)
    writer.start()
    got = camera.capture()
    writer.join()
    assert got.data == data  # the whole picture, not the part there when it first appeared


def test_pictures_a_visit_never_took_are_not_offered_to_the_next(tmp_path):
    camera = DropFolderSource(tmp_path, timeout=0.3, settle=0.05, poll=0.01)
    left = _save(tmp_path, "a.jpg", picture(seed=1))  # shot, but the clerk never pressed s
    assert camera.discard_waiting() == 1 and not left.exists()
    with pytest.raises(CaptureError, match="没有保存新的图片"):
        camera.capture()


def test_a_camera_folder_may_keep_its_pictures(tmp_path):
    camera = DropFolderSource(tmp_path, timeout=2, settle=0.05, poll=0.01, remove_taken=False)
    kept = _save(tmp_path, "a.jpg", picture(seed=1))
    assert camera.capture().source == "高拍仪 a.jpg" and kept.exists()
    with pytest.raises(CaptureError, match="没有保存新的图片"):
        camera.capture()  # kept, but taken already


def test_a_broken_picture_in_the_drop_folder_is_skipped_with_its_name(tmp_path):
    camera = DropFolderSource(tmp_path, timeout=5, settle=0.05, poll=0.01, broken_after=0.3)
    good = _save(tmp_path, "a.jpg", picture(seed=1), age=5)
    _save(tmp_path, "b.jpg", b"\xff\xd8\xff" + b"junk" * 100)  # newest, and never whole
    with pytest.raises(CaptureError, match="高拍仪图片 b.jpg 不完整或已损坏，已跳过：请重新拍摄"):
        camera.capture()
    assert camera.capture().source == "高拍仪 a.jpg" and not good.exists()


def test_a_drop_folder_that_is_missing_is_said(tmp_path):
    camera = DropFolderSource(tmp_path / "gone", timeout=1)
    with pytest.raises(CaptureError, match="找不到高拍仪文件夹"):
        camera.capture()


def test_a_file_is_read_and_a_missing_one_is_said(tmp_path):
    path = _save(tmp_path, "身份证.png", picture(kind="PNG"))
    got = read_file(f"'{path}'")  # pasted with quotes, as a file manager copies it
    assert got.data == path.read_bytes() and got.source == "身份证.png"
    with pytest.raises(CaptureError, match="找不到文件"):
        read_file(tmp_path / "nothing.pdf")
    with pytest.raises(CaptureError, match="不是文件"):
        read_file(tmp_path)


def test_the_configured_source_follows_the_capture_settings(tmp_path):
    assert configured_source(CaptureSettings()) is None
    scanner = configured_source(CaptureSettings(scanner="test", resolution=200, scanner_options="--mode Color"))
    assert isinstance(scanner, ScannerSource) and scanner.argv()[:5] == ["scanimage", "-d", "test", "--resolution", "200"]
    assert scanner.options == ("--mode", "Color")
    folder = configured_source(CaptureSettings(scanner="test", drop_folder=str(tmp_path), source="folder"))
    assert isinstance(folder, DropFolderSource) and folder.folder == tmp_path and folder.remove_taken
    kept = configured_source(CaptureSettings(drop_folder=str(tmp_path), keep_camera_files=True))
    assert isinstance(kept, DropFolderSource) and not kept.remove_taken
