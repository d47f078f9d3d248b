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


def scanned_case(case_service, catalog) -> tuple[str, list[str], dict]:
    """A 承诺件 saved with the scans of its first two materials (2 pages, 1 page)."""
    user = case_service.authenticate(CLERK_ID, "demo1234")
    entries = catalog.checklist(TEACHER).entries
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in entries}
    keys = [entries[0].material.key, entries[1].material.key]
    files = {keys[0]: material_file(keys[0], 2, shade=60), keys[1]: material_file(keys[1], 1, shade=120)}
    applicant = Applicant(ApplicantKind.PERSON, "赵六", "11010519491231002X", "13912345678", "济南市")
    draft = IntakeDraft(TEACHER, applicant, Delivery.EMS, {}, marks, files=files)
    names = [entries[0].material.name, entries[1].material.name]
    return case_service.submit(user, 3, draft, Outcome.ACCEPT).number, names, files


def _views(case_service, number):
    with case_service.store.connection(write=False) as conn:
        return conn.execute(text("SELECT actor, after FROM audit_events WHERE action = 'view'"
                                 " AND case_number = :n AND after LIKE '%material%'"), {"n": number}).all()


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_the_back_office_lists_the_scans_and_opens_one(make_app, case_service, catalog, staff, settings,
                                                             tmp_path, size):
    number, names, files = scanned_case(case_service, catalog)
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
        assert listed.labels == [f"{names[0]} ▣2", f"{names[1]} ▣1"]
        assert listed.display and listed.region.height > 0  # on screen, also at 80×24

        await pilot.press("ctrl+o")  # to the list
        await settle(pilot)
        assert listed.has_focus
        await pilot.press("enter")  # opens the first
        await settled_when(pilot, lambda: "已打开" in desk.query_one("#banner").text, "the scan opened")
        [shown] = list(shown_dir.iterdir())
        assert shown.read_bytes() == files[next(iter(files))].pdf
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
        await pilot.press("ctrl+o", "enter")
        await settled_when(pilot, lambda: "PDF" in desk.query_one("#banner").text, "the banner said it")
        assert "本机没有可打开 PDF 的程序（no-such-pdf-viewer）" in desk.query_one("#banner").text
    assert _views(case_service, number) == []  # nothing was read for nobody to see
