"""Browser access: the served page loads nothing from the internet."""

from __future__ import annotations

import os
import re
import shutil

import pytest


def test_served_page_has_no_external_links(tmp_path):
    pytest.importorskip("textual_serve", reason="textual-serve is not installed")
    from clerk.tui.supervisor import offline_templates

    page = (offline_templates(tmp_path) / "app_index.html").read_text(encoding="utf-8")
    external = [u for u in re.findall(r'(?:href|src)="(https?://[^"]+)"', page)]
    assert external == [], external
    assert "{{ config.static.url }}js/textual.js" in page  # the terminal bundle is served locally


@pytest.mark.skipif(shutil.which("chromium") is None and os.environ.get("CI") != "true",
                    reason="Debian's chromium is not installed (.ci/run installs it for CI)")
@pytest.mark.slow
def test_dashboard_page_opens_in_headless_chromium(tmp_path):
    """A browser on the hall's network signs in at the gate, loads the page and the app streams to it."""
    import asyncio

    from tests.security.serving import SUPERVISOR, SUPERVISOR_PASSWORD, Browser, hall_env, serving

    env = hall_env(tmp_path)
    with serving(env) as (server, port, log):
        async def visit() -> str:
            async with Browser(tmp_path / "chromium") as browser:
                await browser.goto(f"http://127.0.0.1:{port}/")
                await browser.submit_login(SUPERVISOR, SUPERVISOR_PASSWORD)
                await browser.wait_for("document.querySelector('.-first-byte')", 60)
                return await browser.evaluate("document.documentElement.outerHTML")

        dom = asyncio.run(visit())
    assert "大厅管理看板" in dom  # the page (served locally, nothing fetched from outside)
    assert "-first-byte" in dom, log.getvalue()  # the websocket opened and the app's first screen arrived
    assert "GET /ws" in log.getvalue()
