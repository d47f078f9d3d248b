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


CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, seconds: float) -> None:
    import socket
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"clerk serve did not listen on {port} within {seconds} s")


@pytest.mark.skipif(shutil.which("chromium") is None and os.environ.get("CI") != "true",
                    reason="Debian's chromium is not installed (.ci/run installs it for CI)")
def test_dashboard_page_opens_in_headless_chromium(tmp_path):
    """A browser on the hall's network loads the page and the app streams to it over the websocket."""
    import subprocess
    import sys

    env = dict(os.environ, CLERK_HOME=str(tmp_path / "home"), CLERK_CONFIG=os.devnull)
    subprocess.run([sys.executable, "-m", "clerk.cli", "setup"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "clerk.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for_port(port, 30)
        dom = subprocess.run(
            ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium'}",
             "--virtual-time-budget=15000", "--dump-dom", f"http://127.0.0.1:{port}/"],
            capture_output=True, text=True, timeout=120,
        ).stdout
    finally:
        server.terminate()
        log = server.communicate(timeout=10)[0]
    assert "大厅管理看板" in dom  # the page (served locally, nothing fetched from outside)
    assert "-first-byte" in dom, log  # the websocket opened and the app's first screen arrived
    assert "GET /ws" in log
