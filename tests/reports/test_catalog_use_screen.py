"""The dashboard says how many open cases were taken under an older catalog version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Static

from clerk.reports.catalog_use import open_under_older_catalog
from clerk.tui.supervisor import SupervisorApp

pytestmark = [pytest.mark.asyncio, pytest.mark.parametrize("backend", ["sqlite"])]

FIXTURE_CATALOG = Path(__file__).parent.parent / "fixtures" / "catalog"


async def _watch_after_sign_in(app: SupervisorApp) -> str:
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(2):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press(*"s01", "enter", *"secret1", "enter")
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        return str(app.screen.query_one("#watch", Static).render())


@pytest.mark.parametrize("switched", [False, True])
async def test_the_dashboard_counts_open_cases_on_an_older_catalog(hall, dashboard, store, service, calendar, clock,
                                                                   tmp_path, switched):
    from clerk.catalog import load_catalog
    from clerk.config import Settings
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState

    current = service.catalog
    if switched:  # the hall switched catalogs after taking the cases: a new version
        folder = tmp_path / "catalog"
        shutil.copytree(FIXTURE_CATALOG, folder)
        with (folder / sorted(p.name for p in folder.glob("*.yaml"))[0]).open("a", encoding="utf-8") as f:
            f.write("\n# 2026-12 export\n")
        current = load_catalog(folder)
        assert current.version != service.catalog.version
    older = open_under_older_catalog(store, current.version)
    assert (older > 0) is switched  # the hall's open cases all carry the fixture catalog's version
    services = Services(Settings.defaults(home=tmp_path), clock=clock, catalog=current, calendar=calendar, cases=service,
                        dashboard=dashboard)
    watch = await _watch_after_sign_in(SupervisorApp(services, state=WindowState(tmp_path / "state"),
                                                     refresh_seconds=3600))
    line = f"旧版事项目录受理的在办件 {older} 件（按受理时的清单办理）"
    assert (line in watch) is switched, watch
