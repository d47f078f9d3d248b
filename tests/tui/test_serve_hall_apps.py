"""``clerk serve --app kiosk|board``: the hall's screens in a browser, behind the same gate."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request

import pytest

pytest.importorskip("textual_serve", reason="textual-serve is not installed")


def test_an_unknown_app_is_refused_before_anything_starts(tmp_path):
    env = dict(os.environ, CLERK_HOME=str(tmp_path / "home"), CLERK_CONFIG=os.devnull)
    done = subprocess.run([sys.executable, "-m", "clerk.cli", "serve", "--app", "shell"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "invalid choice" in done.stderr or "无效" in done.stderr or "shell" in done.stderr


@pytest.mark.slow
def test_the_board_is_served_behind_the_gate(tmp_path):
    from tests.security.serving import hall_env, serving

    env = hall_env(tmp_path)
    with serving(env, "--app", "board") as (server, port, log):
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10).read().decode("utf-8")
        assert "叫号屏 · 登录" in page
        with pytest.raises(urllib.error.HTTPError) as refused:  # no session: no board process
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ws", timeout=10)
        assert refused.value.code in (401, 403)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None and os.environ.get("CI") != "true",
                    reason="Debian's chromium is not installed (.ci/run installs it for CI)")
def test_the_board_streams_to_a_signed_in_browser(tmp_path):
    import asyncio

    from tests.security.serving import SUPERVISOR, SUPERVISOR_PASSWORD, Browser, hall_env, serving

    env = hall_env(tmp_path)
    with serving(env, "--app", "board") as (server, port, log):
        async def visit() -> str:
            async with Browser(tmp_path / "chromium") as browser:
                await browser.goto(f"http://127.0.0.1:{port}/")
                await browser.submit_login(SUPERVISOR, SUPERVISOR_PASSWORD)
                await browser.wait_for("document.querySelector('.-first-byte')", 60)
                return await browser.evaluate("document.documentElement.outerHTML")

        dom = asyncio.run(visit())
    assert "叫号屏" in dom
    assert "-first-byte" in dom, log.getvalue()
