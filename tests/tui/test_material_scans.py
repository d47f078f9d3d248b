"""Where scans are seen (issue 26): the back office's decision screen, the fallback desk and the
look-up list a case's materials with page counts (``▣2``); Enter opens one with the system
viewer (``material_viewer``), the opening is an audited view; no viewer is said in one line."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import text

from clerk.catalog.model import Delivery
from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome
from clerk.tui.widgets.materials import MaterialFiles
from tests.support.scans import material_file

from .support import CLERK_ID
from .test_roles import sign_in_as
from .visit import settle, settled_when, typed

pytestmark = pytest.mark.asyncio
TEACHER = "370112-JYTY-003"


def scanned_case(case_service, catalog, scanned: int = 2) -> tuple[str, list[str], dict]:
    """A 承诺件 saved with the scans of its first ``scanned`` materials (2 pages, 1 page, 2, 1, …)."""
    user = case_service.authenticate(CLERK_ID, "demo1234")
    entries = catalog.checklist(TEACHER).entries
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in entries}
    keys = [e.material.key for e in entries[:scanned]]
    files = {key: material_file(key, 2 - i % 2, shade=60 + 30 * i) for i, key in enumerate(keys)}
    applicant = Applicant(ApplicantKind.PERSON, "赵六", "11010519491231002X", "13912345678", "济南市")
    draft = IntakeDraft(TEACHER, applicant, Delivery.EMS, {}, marks, files=files)
    names = [e.material.name for e in entries[:scanned]]
    return case_service.submit(user, 3, draft, Outcome.ACCEPT).number, names, files


def _views(case_service, number):
    with case_service.store.connection(write=False) as conn:
        return conn.execute(text("SELECT actor, after FROM audit_events WHERE action = 'view'"
                                 " AND case_number = :n AND after LIKE '%material%'"), {"n": number}).all()


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_the_back_office_lists_the_scans_and_opens_one(make_app, case_service, catalog, staff, settings,
                                                             tmp_path, size):
    """A visit with five materials scanned at the window, decided from the scans at another terminal."""
    from textual.widgets import Select

    from clerk.domain.lifecycle import CaseState

    number, names, files = scanned_case(case_service, catalog, scanned=5)
    shown_dir = tmp_path / "viewer"
    shown_dir.mkdir()
    app = make_app(settings_=dataclasses.replace(settings, material_viewer=f"cp -t {shown_dir}"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "4001")
        desk = app.screen
        assert type(desk).__name__ == "DecisionScreen"
        await pilot.press(*typed(number), "enter")
        await settled_when(pilot, lambda: desk.case is not None, "the case opened")
        listed = desk.query_one(MaterialFiles)
        assert listed.labels == [f"{name} ▣{2 - i % 2}" for i, name in enumerate(names)]
        assert listed.display and listed.region.height >= 5  # every row on screen, also at 80×24
        assert desk.query_one("#decision-text").region.height > 0  # and the form below it

        await pilot.press("f6")  # to the list
        await settle(pilot)
        assert listed.has_focus
        await pilot.press("enter")  # opens the first
        await settled_when(pilot, lambda: "已打开" in desk.query_one("#banner").text, "the scan opened")
        [shown] = list(shown_dir.iterdir())
        assert shown.read_bytes() == files[next(iter(files))].pdf

        desk.query_one("#decision-kind", Select).value = "approved"  # decided from the scans
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("f10")
        await settled_when(pilot, lambda: case_service.get(number).state is CaseState.APPROVED, "decided")
    assert [actor for actor, _ in _views(case_service, number)] == ["4001"]


async def test_no_viewer_is_said_in_one_line(make_app, case_service, catalog, staff, settings):
    number, _names, _files = scanned_case(case_service, catalog)
    app = make_app(settings_=dataclasses.replace(settings, material_viewer="no-such-pdf-viewer"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "4001")
        desk = app.screen
        await pilot.press(*typed(number), "enter")
        await settled_when(pilot, lambda: desk.case is not None, "the case opened")
        await pilot.press("f6", "enter")
        await settled_when(pilot, lambda: "PDF" in desk.query_one("#banner").text, "the banner said it")
        assert "本机没有可打开 PDF 的程序（no-such-pdf-viewer）" in desk.query_one("#banner").text
    assert _views(case_service, number) == []  # nothing was read for nobody to see


async def test_the_fallback_desk_shows_page_counts_and_opens_the_highlighted_scan(
        make_app, case_service, catalog, staff, settings, tmp_path):
    from textual.widgets import SelectionList

    number, names, files = scanned_case(case_service, catalog)
    shown_dir = tmp_path / "viewer"
    shown_dir.mkdir()
    app = make_app(settings_=dataclasses.replace(settings, material_viewer=f"cp -t {shown_dir}"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        desk = app.screen
        assert type(desk).__name__ == "FallbackScreen"
        await pilot.press("f2", *typed(number), "enter")
        await settled_when(pilot, lambda: desk.case is not None, "the case opened")
        materials = desk.query_one("#fallback-materials", SelectionList)
        labels = [str(materials.get_option_at_index(i).prompt) for i in range(materials.option_count)]
        assert labels[:3] == [f"{names[0]} ▣2", f"{names[1]} ▣1", labels[2]] and "▣" not in labels[2]
        materials.highlighted = 2
        await pilot.press("f9")  # a material with no scan
        await settle(pilot)
        assert f"“{labels[2]}”没有扫描件" in desk.query_one("#banner").text
        materials.highlighted = 1
        await pilot.press("f9")
        await settled_when(pilot, lambda: "已打开" in desk.query_one("#banner").text, "the scan opened")
        [shown] = list(shown_dir.iterdir())
        assert shown.read_bytes() == list(files.values())[1].pdf
    assert [actor for actor, _ in _views(case_service, number)] == ["2001"]


async def test_the_look_up_lists_the_scans_and_a_mail_room_clerk_may_not_open_them(
        make_app, case_service, catalog, staff, settings, tmp_path):
    number, names, _files = scanned_case(case_service, catalog)
    shown_dir = tmp_path / "viewer"
    shown_dir.mkdir()
    app = make_app(settings_=dataclasses.replace(settings, material_viewer=f"cp -t {shown_dir}"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "3001")  # the mail room: sees the case masked, never its papers
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "LookupScreen"
        await pilot.press(*typed(number), "enter")
        await settled_when(pilot, lambda: screen.view is not None, "the case opened")
        assert screen.query_one(MaterialFiles).labels == [f"{names[0]} ▣2", f"{names[1]} ▣1"]
        await pilot.press("f6", "enter")
        await settled_when(pilot, lambda: "无权查看材料扫描件" in screen.query_one("#banner").text, "refused")
        assert list(shown_dir.iterdir()) == []
    assert _views(case_service, number) == []


async def test_under_clerk_serve_the_browser_gets_the_pdf(make_app, case_service, catalog, staff, settings,
                                                          monkeypatch):
    """In a browser tab (``clerk serve``: the app's driver is the web driver) the scan goes to the
    browser that signed in at the gate, to open in a new tab; no viewer program is needed."""
    from clerk.tui.app import ClerkApp

    number, names, files = scanned_case(case_service, catalog)
    delivered = []
    monkeypatch.setattr(ClerkApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(ClerkApp, "deliver_binary",
                        lambda self, stream, **kw: delivered.append((stream.read(), kw)) or "key")
    app = make_app(settings_=dataclasses.replace(settings, material_viewer="no-such-pdf-viewer"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "9001")  # a supervisor, as clerk serve signs in
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        await pilot.press(*typed(number), "enter")
        await settled_when(pilot, lambda: screen.view is not None, "the case opened")
        await pilot.press("f6", "enter")
        await settled_when(pilot, lambda: "已打开" in screen.query_one("#banner").text, "delivered")
    [(pdf, how)] = delivered
    assert pdf == files[next(iter(files))].pdf
    assert how["open_method"] == "browser" and how["mime_type"] == "application/pdf"
    assert [actor for actor, _ in _views(case_service, number)] == ["9001"]
