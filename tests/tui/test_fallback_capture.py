"""The fallback desk's supplement captures the arriving material as the window does (issue 26):
s takes the highlighted material's next page from the desk's scanner or document camera, p lists
its pages, f adds an online supplement's file; the list shows ``本次▣n`` (not saved yet), capturing
ticks nothing, F10 saves the pages with the supplement and the case's list then shows ``▣n``."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text
from textual.widgets import Input, Select, SelectionList

from clerk.capture.pages import build_pdf, pages_from_bytes
from clerk.config import CaptureSettings
from clerk.domain.lifecycle import CaseState
from clerk.services.desk import DeskService
from clerk.store.materials import get_bytes
from tests.support.pictures import TEST_SCANNER_OPTIONS, needs_scanimage, pdf_pages, picture

from .test_capture import camera_app, shoot
from .test_roles import sign_in_as
from .test_snapshots_desks import incomplete_case
from .visit import settle, settled_when, typed

pytestmark = pytest.mark.asyncio
PHOTO = "近期免冠证件照片"  # the material incomplete_case leaves missing


def banner(app) -> str:
    return app.screen.query_one("#banner").text


def labels(desk) -> dict[str, str]:
    materials = desk.query_one("#fallback-materials", SelectionList)
    return {str(materials.get_option_at_index(i).value): str(materials.get_option_at_index(i).prompt)
            for i in range(materials.option_count)}


def ticked(desk) -> set[str]:
    return set(desk.query_one("#fallback-materials", SelectionList).selected)


def stored(case_service) -> tuple[int, int]:
    """(material files, supplement rows) in the store."""
    with case_service.store.connection(write=False) as conn:
        return (conn.execute(text("SELECT count(*) FROM material_files")).scalar_one(),
                conn.execute(text("SELECT count(*) FROM supplement_log")).scalar_one())


async def opened(pilot, number: str):
    await settle(pilot)
    await sign_in_as(pilot, "2001")
    desk = pilot.app.screen
    assert type(desk).__name__ == "FallbackScreen"
    await pilot.press("f2", *typed(number), "enter")
    await settled_when(pilot, lambda: desk.case is not None, "the case opened")
    assert desk.query_one("#fallback-materials").has_focus
    return desk


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_a_page_from_the_camera_is_saved_with_the_supplement(make_app, settings, case_service, catalog, staff,
                                                                   tmp_path, size):
    number = incomplete_case(case_service, catalog)
    folder = tmp_path / "camera"
    app = camera_app(make_app, settings, folder)
    async with app.run_test(size=size) as pilot:
        desk = await opened(pilot, number)
        assert desk.query_one("#fallback-materials", SelectionList).highlighted_option.value == "photo"  # owed
        page = shoot(folder, "IMG_0001.jpg", 1)
        await pilot.press("s")
        await settled_when(pilot, lambda: "已采集" in banner(app), "the page captured")
        assert f"“{PHOTO}”已采集第 1 页，共 1 页" in banner(app) and "收到请按空格勾选" in banner(app)
        assert labels(desk)["photo"].startswith("本次▣1 ")
        said = desk.query_one("#banner").region  # on screen, above the footer, at 80×24 too
        assert said.height and said.bottom <= size[1] - 1, said
        assert "photo" not in ticked(desk)  # capture does not tick
        assert stored(case_service) == (0, 0)  # nor save: F10 does

        await pilot.press("space", "f10")
        await settled_when(pilot, lambda: case_service.get(number).state is CaseState.ACCEPTED, "supplemented")
        await settled_when(pilot, lambda: "扫描件 1 份已保存" in banner(app), "the banner said it")
        await settled_when(pilot, lambda: labels(desk)["photo"].endswith("▣1") and "本次" not in labels(desk)["photo"],
                           "the saved scan listed")
        assert desk.pages == {} and desk.files == {}  # the next supplement starts with none
    [file] = case_service.get(number).files
    assert (file.material_key, file.badge) == ("photo", "▣1")
    with case_service.store.connection(write=False) as conn:
        audited = conn.execute(text("SELECT after FROM audit_events WHERE action = 'supplement'")).scalar_one()
    assert '"photo"' in audited and file.sha256 in audited
    assert stored(case_service) == (1, 1)
    assert not (folder / "IMG_0001.jpg").exists() and page  # taken from the camera's folder


async def test_an_online_supplement_is_attached_from_a_file(make_app, case_service, catalog, staff, tmp_path):
    number = incomplete_case(case_service, catalog)
    upload = tmp_path / "网上补正照片.pdf"
    upload.write_bytes(build_pdf(tuple(pages_from_bytes(picture(seed=s))[0] for s in (7, 8))))
    app = make_app()  # no scanner, no camera at this desk: files only
    async with app.run_test(size=(120, 36)) as pilot:
        desk = await opened(pilot, number)
        await pilot.press("s")
        await settle(pilot)
        assert "本窗口未配置扫描仪或高拍仪（配置文件 [capture]）：可按 p 后从文件添加" in banner(app)
        await pilot.press("f", *typed(str(upload)), "enter")
        await settled_when(pilot, lambda: "已采集" in banner(app), "the file attached")
        assert f"“{PHOTO}”已采集第 1–2 页，共 2 页" in banner(app)
        assert labels(desk)["photo"].startswith("本次▣2 ")

        await pilot.press("p")  # the same page list as at the window
        await pilot.pause()
        assert type(app.screen).__name__ == "PagesScreen"
        assert "网上补正照片.pdf" in str(app.screen.query_one("#pages-list").get_row_at(0))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is desk and desk.query_one("#fallback-materials").has_focus

        desk.query_one("#fallback-channel", Select).value = "online"
        desk.query_one("#fallback-ref", Input).value = "WS-2026-0042"
        await pilot.press("space", "f10")
        await settled_when(pilot, lambda: case_service.get(number).state is CaseState.ACCEPTED, "supplemented")
        await settled_when(pilot, lambda: labels(desk)["photo"].endswith(" ▣2"), "the saved scan listed")
    [file] = case_service.get(number).files
    assert file.pages == 2
    with case_service.store.session(write=False) as session:
        pdf = get_bytes(session, file.sha256)
    assert pdf is not None and len(pdf_pages(pdf)) == 2  # the applicant's two pages, as one PDF
    [supplement] = DeskService(case_service).supplements(number)
    assert (supplement.materials, supplement.channel.value, supplement.reference) == (("photo",), "online",
                                                                                      "WS-2026-0042")


async def test_a_failed_capture_says_why_and_nothing_is_saved_half(make_app, settings, case_service, catalog, staff,
                                                                   tmp_path):
    number = incomplete_case(case_service, catalog)
    folder = tmp_path / "camera"
    app = camera_app(make_app, settings, folder, timeout_seconds=0.3)
    broken = tmp_path / "upload.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"not really" * 50)
    async with app.run_test(size=(120, 36)) as pilot:
        desk = await opened(pilot, number)
        await pilot.press("s")
        await settle(pilot)
        assert f"“{PHOTO}”未采集：高拍仪 0.3 秒内没有保存新的图片" in banner(app)
        await pilot.press("f", *typed(str(broken)), "enter")
        await settle(pilot)
        assert f"“{PHOTO}”未采集：PDF 文件已损坏，无法读取" in banner(app)
        assert desk.pages == {} and "▣" not in labels(desk)["photo"]

        # pages of a material not ticked received: F10 says so and saves nothing, not the supplement without them
        shoot(folder, "IMG_0002.jpg", 2)
        await pilot.press("s")
        await settled_when(pilot, lambda: "已采集" in banner(app), "the page captured")
        await pilot.press("f10")
        await settle(pilot)
        assert f"“{PHOTO}”已有扫描页但未勾选收到：请按空格勾选，或按 p 删除其扫描页" in banner(app)
        assert stored(case_service) == (0, 0) and case_service.get(number).state is not CaseState.ACCEPTED


async def test_pages_not_saved_are_dropped_with_a_word_when_another_case_is_opened(make_app, case_service, catalog,
                                                                                 staff, tmp_path):
    first, second = incomplete_case(case_service, catalog), incomplete_case(case_service, catalog)
    upload = tmp_path / "photo.jpg"
    upload.write_bytes(picture(seed=5))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        desk = await opened(pilot, first)
        await pilot.press("f", *typed(str(upload)), "enter")
        await settled_when(pilot, lambda: "已采集" in banner(app), "the file attached")
        await pilot.press("f2", *typed(second), "enter")
        await settled_when(pilot, lambda: desk.case.number == second, "the second case opened")
        assert f"{first} 未登记的 1 页扫描件已放弃" in banner(app)
        assert desk.pages == {} and desk.files == {} and "本次" not in labels(desk)["photo"]
        await pilot.press("space", "f10")  # the second case's supplement carries none of the first's pages
        await settled_when(pilot, lambda: case_service.get(second).state is CaseState.ACCEPTED, "supplemented")
    assert case_service.get(second).files == () and stored(case_service) == (0, 1)


@needs_scanimage
async def test_a_page_scanned_through_sane_at_the_fallback_desk(make_app, settings, case_service, catalog, staff):
    number = incomplete_case(case_service, catalog)
    chosen = CaptureSettings(scanner="test", resolution=300, scanner_options=" ".join(TEST_SCANNER_OPTIONS))
    app = make_app(settings_=replace(settings, capture=chosen))
    async with app.run_test(size=(120, 36)) as pilot:
        desk = await opened(pilot, number)
        await pilot.press("s")
        await settled_when(pilot, lambda: "已采集" in banner(app), "the page scanned", rounds=400)
        await pilot.press("space", "f10")
        await settled_when(pilot, lambda: case_service.get(number).state is CaseState.ACCEPTED, "supplemented")
        await settled_when(pilot, lambda: labels(desk)["photo"].endswith(" ▣1"), "the saved scan listed")
    [file] = case_service.get(number).files
    with case_service.store.session(write=False) as session:
        (page,) = pdf_pages(get_bytes(session, file.sha256))
    assert (page["images"][0]["width"], page["images"][0]["filter"]) == (2362, "/DCTDecode")  # A4 at 300 dpi, as scanned
