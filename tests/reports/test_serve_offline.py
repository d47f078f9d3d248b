"""Browser access: the served page loads nothing from the internet."""

from __future__ import annotations

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


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="local check only: Debian's chromium is not installed (CI does not install it)")
def test_dashboard_page_opens_in_headless_chromium(tmp_path):  # pragma: no cover - local check
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "clerk.cli", "serve", "--port", str(port)])
    try:
        time.sleep(3)
        dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--dump-dom", f"http://127.0.0.1:{port}/"],
                             capture_output=True, text=True, timeout=60).stdout
        assert "大厅管理看板" in dom
    finally:
        server.terminate()
        server.wait(10)
