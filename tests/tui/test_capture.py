"""Materials captured at the window (issue 26): s on a checklist row takes the next page from the
window's scanner or document camera in a worker, the row shows its page count, nothing is ticked,
and the visit's draft carries one PDF per material (``IntakeDraft.files``)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest

from clerk.config import CaptureSettings
from clerk.domain.intake import MaterialStatus
from tests.support.pictures import TEST_SCANNER_OPTIONS, needs_scanimage, pdf_pages, picture

from .support import region_text, screen_text
from .visit import PERSON, applicant, finish, pick, settle, settled_when, sign_in, typed

pytestmark = pytest.mark.asyncio

TEACHER = "370112-JYTY-003"  # 教师资格认定: first row 申请人居民身份证 (id-card)
BILLBOARD = "370112-CGJ-001"  # 委托代理人办理 adds 授权委托书 and 委托代理人居民身份证


def banner(app) -> str:
    return app.screen.query_one("#banner").text


def camera_app(make_app, settings, folder, **capture):
    folder.mkdir(exist_ok=True)
    chosen = CaptureSettings(drop_folder=str(folder), timeout_seconds=capture.pop("timeout_seconds", 10), **capture)
    return make_app(settings_=replace(settings, capture=chosen))


def shoot(folder, name: str, seed: int) -> bytes:
    """The document camera's software saves a picture."""
    data = picture(seed=seed)
    (folder / name).write_bytes(data)
    return data


def counts(app) -> dict[str, int]:
    """The page counts the checklist shows (under a dialog too)."""
    intake = next(s for s in app.screen_stack if type(s).__name__ == "IntakeScreen")
    return intake.query_one("#checklist").page_counts()


async def captured(pilot, key: str = "s") -> None:
    await pilot.press(key)
    await settle(pilot)


async def test_s_captures_the_rows_next_page_shows_the_count_and_ticks_nothing(make_app, settings, tmp_path):
    folder = tmp_path / "camera"
    app = camera_app(make_app, settings, folder)
    submitted = []
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        await applicant(pilot)
        await pilot.press("f4")
        first = shoot(folder, "IMG_0001.jpg", 1)
        await captured(pilot)
        assert counts(app) == {"id-card": 1}
        assert "▣1" in screen_text(app) and "“申请人居民身份证”已采集第 1 页，共 1 页" in banner(app)
        assert "收件请按 1（原件）或 2（复印件）" in banner(app)
        assert app.screen.marks.get("id-card") is None  # capture does not tick
        table = app.screen.query_one("#checklist")
        assert str(table.get_cell("id-card", "status")) == "待核"
        shoot(folder, "IMG_0002.jpg", 2)
        await captured(pilot)
        assert counts(app) == {"id-card": 2} and "▣2" in screen_text(app)
        (folder / "IMG_0003.jpg").write_bytes(first)  # the same page shot again
        await captured(pilot)
        assert "这一页与第 1 页内容完全相同，未重复添加" in banner(app) and counts(app) == {"id-card": 2}
        await pilot.pause()
        assert "▣扫描件2页（" in region_text(app, app.screen.query_one("#material-detail")), screen_text(app)

        original = app.submit_visit
        app.submit_visit = lambda screen, draft, *rest: (submitted.append(draft), original(screen, draft, *rest))[1]
        await pilot.press("1", "a")  # received: the clerk says so
        await finish(pilot, 1)
        assert "受理编号" in banner(app)
        assert counts(app) == {}  # the next visit starts without pages
    (draft,) = submitted
    assert set(draft.files) == {"id-card"}
    file = draft.files["id-card"]
    assert file.pages == 2 and file.intact() and len(pdf_pages(file.pdf)) == 2
    assert pdf_pages(file.pdf)[0]["images"][0]["data"] == first  # the camera's JPEG, byte for byte
    assert draft.marks["id-card"].status is MaterialStatus.ORIGINAL


async def test_typing_goes_on_while_a_capture_waits_for_the_camera(make_app, settings, tmp_path):
    folder = tmp_path / "camera"
    app = camera_app(make_app, settings, folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        await pilot.press("f4", "s")  # waits for the camera: the clerk turns to the applicant meanwhile
        await pilot.pause()
        assert "正在从高拍仪采集“申请人居民身份证”第 1 页……（可继续录入）" in banner(app)
        started = time.monotonic()
        await pilot.press("f3", *typed(PERSON[0]))
        assert app.screen.query_one("#applicant-name").value == PERSON[0]
        assert any(w.group == "capture" and w.is_running for w in app.workers)  # still waiting
        assert time.monotonic() - started < 5
        await pilot.press("f4", "down", "s")  # a second capture while one runs is refused, said
        await pilot.pause()
        assert "正在采集“申请人居民身份证”的上一页，请稍候" in banner(app)
        shoot(folder, "IMG_0001.jpg", 1)
        await settled_when(pilot, lambda: counts(app) == {"id-card": 1}, "the camera's picture taken")
        assert app.screen.query_one("#applicant-name").value == PERSON[0]


async def test_a_capture_that_fails_says_why_and_adds_nothing(make_app, settings, tmp_path):
    folder = tmp_path / "camera"
    app = camera_app(make_app, settings, folder, timeout_seconds=0.3)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        await pilot.press("f4")
        await captured(pilot)
        assert "“申请人居民身份证”未采集：高拍仪 0.3 秒内没有保存新的图片" in banner(app)
        (folder / "IMG_0001.jpg").write_bytes(b"\xff\xd8\xff" + b"junk" * 300)  # a broken picture never settles
        (folder / "scan.png").write_bytes(picture(160, 120, kind="PNG"))  # a thumbnail
        await captured(pilot)
        assert "图片分辨率过低（160×120）" in banner(app)
        assert counts(app) == {}


async def test_no_capture_device_configured_is_said_with_the_file_way(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        await captured(pilot, "f4")
        await captured(pilot)
        assert "本窗口未配置扫描仪或高拍仪（配置文件 [capture]）：可按 p 后从文件添加" in banner(app)


async def test_not_applicable_keeps_the_pages_off_the_visit_until_marked_again(make_app, settings, tmp_path):
    folder = tmp_path / "camera"
    app = camera_app(make_app, settings, folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        await pilot.press("f4")
        shoot(folder, "a.jpg", 1)
        await captured(pilot)
        await pilot.press("5")  # 不适用
        await pilot.pause()
        assert "“申请人居民身份证”标为不适用：其 1 页扫描件不随办件保存（改回其他状态即恢复）" in banner(app)
        assert "id-card" not in app.screen.draft().files
        await pilot.press("up", "1")
        await pilot.pause()
        assert app.screen.draft().files["id-card"].pages == 1


async def test_pages_of_a_material_a_situation_removes_are_dropped_with_a_warning(make_app, settings, tmp_path):
    folder = tmp_path / "camera"
    app = camera_app(make_app, settings, folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, BILLBOARD)
        screen = app.screen
        row = screen.query_one("#situation-applicant")
        row.focus()
        await pilot.press("right")  # 委托代理人办理: 授权委托书 joins the list
        await pilot.pause()
        table = screen.query_one("#checklist")
        table.focus()
        table.move_cursor(row=table.get_row_index("proxy-letter"))
        shoot(folder, "a.jpg", 1)
        await captured(pilot)
        assert counts(app) == {"proxy-letter": 1}
        row.focus()
        await pilot.press("left")  # 本人办理: no proxy letter
        await pilot.pause()
        assert "情形变更后这些材料不再需要：已删除“授权委托书”1 页扫描件" in banner(app)
        assert counts(app) == {} and screen.draft().files == {}


async def test_the_page_list_removes_retakes_and_adds_from_a_file(make_app, settings, tmp_path):
    folder = tmp_path / "camera"
    app = camera_app(make_app, settings, folder)
    supplement = tmp_path / "补正材料.pdf"
    from clerk.capture.pages import build_pdf, pages_from_bytes

    supplement.write_bytes(build_pdf(tuple(pages_from_bytes(picture(seed=s))[0] for s in (7, 8))))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        await pilot.press("f4")
        shoot(folder, "a.jpg", 1)
        await captured(pilot)
        await pilot.press("p")
        await pilot.pause()
        dialog = app.screen
        assert type(dialog).__name__ == "PagesScreen"
        assert "扫描件：申请人居民身份证" in screen_text(app) and "高拍仪 a.jpg" in screen_text(app)
        await pilot.press("f", *typed(str(supplement)), "enter")  # an online supplement from a file
        await settle(pilot)
        assert counts(app) == {"id-card": 3}
        assert "补正材料.pdf" in screen_text(app)
        retake = shoot(folder, "b.jpg", 2)
        await pilot.press("r")  # the first page (highlighted) re-taken from the camera
        await settle(pilot)
        assert "已重拍第 1 页，共 3 页" in dialog.query_one("#pages-banner").text
        await pilot.press("down", "delete")
        await pilot.pause()
        assert counts(app) == {"id-card": 2}
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "IntakeScreen" and app.focused.id == "checklist"
        file = app.screen.draft().files["id-card"]
        shown = pdf_pages(file.pdf)
        assert file.pages == 2 and len(shown) == 2 and shown[0]["images"][0]["data"] == retake


@needs_scanimage
async def test_a_page_scanned_through_sane_at_the_window(make_app, settings):
    chosen = CaptureSettings(scanner="test", resolution=300, scanner_options=" ".join(TEST_SCANNER_OPTIONS))
    app = make_app(settings_=replace(settings, capture=chosen))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        await pilot.press("f4")
        await captured(pilot)
        assert counts(app) == {"id-card": 1}, banner(app)
        file = app.screen.draft().files["id-card"]
        (page,) = pdf_pages(file.pdf)
        assert (page["images"][0]["width"], page["images"][0]["filter"]) == (2362, "/DCTDecode")



async def test_a_new_visit_ends_the_wait_for_the_camera(make_app, settings, tmp_path):
    folder = tmp_path / "camera"
    app = camera_app(make_app, settings, folder, timeout_seconds=60)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        await pilot.press("f4", "s")
        await pilot.pause()
        started = time.monotonic()
        await pilot.press("ctrl+n", "ctrl+n")  # the applicant left: a new visit
        await settle(pilot)  # the capture worker ends with it, not after 60 s
        assert time.monotonic() - started < 10
        assert "未采集" not in banner(app) and counts(app) == {}
        await pick(pilot, "jszg")
        await pilot.press("f4")
        shoot(folder, "a.jpg", 1)
        await captured(pilot)
        assert counts(app) == {"id-card": 1}, banner(app)


async def test_a_picture_the_last_visit_never_took_is_not_the_next_applicants(make_app, settings, tmp_path):
    folder = tmp_path / "camera"
    app = camera_app(make_app, settings, folder, timeout_seconds=0.5)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        shoot(folder, "a.jpg", 1)  # shot for this applicant, never taken
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(pilot)
        await pick(pilot, "jszg")
        await pilot.press("f4")
        await captured(pilot)
        assert counts(app) == {} and "没有保存新的图片" in banner(app)
        assert not (folder / "a.jpg").exists()
