"""A `clerk serve` subprocess on a fresh hall, and a headless Chromium driven over the DevTools protocol."""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")
SUPERVISOR, SUPERVISOR_PASSWORD = "9001", "Hall#Boss2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listened on {port} within {seconds} s")


def hall_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, CLERK_HOME=str(tmp_path / "home"), CLERK_CONFIG=os.devnull,
               CLERK_RECEIPTS_DIR=str(tmp_path / "receipts"), **extra)
    env.pop("CLERK_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "clerk.cli", "setup"], env=env, check=True, capture_output=True)
    first_sign_in(env, SUPERVISOR, SUPERVISOR_PASSWORD)
    return env


def first_sign_in(env: dict[str, str], clerk_id: str, chosen: str, initial: str = "clerk123") -> None:
    """A first sign-in replacing the initial password of `clerk setup` (as at a window), in the hall of ``env``."""
    subprocess.run([sys.executable, "-c", _FIRST_SIGN_IN, clerk_id, initial], env=env, check=True,
                   capture_output=True, input=chosen + "\n", text=True)


_FIRST_SIGN_IN = """
import sys
from clerk.config import get_settings
from clerk.domain.clock import now_utc
from clerk.store.engine import Store
from tests.support.accounts import sign_in_first_time
sign_in_first_time(Store.from_settings(get_settings()), sys.argv[1], sys.argv[2], sys.stdin.readline().strip())
"""


def descendants(pid: int) -> list[str]:
    """Command lines of every process below ``pid``."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                todo.append(child)
                try:
                    found.append(Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode())
                except OSError:
                    pass
    return found


def dashboards(pid: int) -> int:
    return sum("clerk.cli dashboard" in cmd and not cmd.startswith("/bin/sh") for cmd in descendants(pid))


@contextmanager
def serving(env: dict[str, str], *args: str):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "clerk.cli", "serve", "--port", str(port), *args], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = io.StringIO()
    try:
        wait_for_port(port, 30)
        yield server, port, log
    finally:
        server.terminate()
        try:
            log.write(server.communicate(timeout=10)[0])
        except subprocess.TimeoutExpired:
            server.kill()
            log.write(server.communicate()[0])


class Browser:
    """Headless Chromium, one page, driven through the DevTools protocol over aiohttp."""

    def __init__(self, profile: Path) -> None:
        self.profile = profile

    async def __aenter__(self) -> Browser:
        import aiohttp

        self.port = free_port()
        self.proc = subprocess.Popen([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}",
                                      f"--remote-debugging-port={self.port}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.http = aiohttp.ClientSession()
        deadline = time.monotonic() + 60
        while True:
            try:
                async with self.http.get(f"http://127.0.0.1:{self.port}/json/list") as response:
                    pages = [p for p in await response.json() if p["type"] == "page"]
                if pages:
                    break
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("chromium did not start")
            await asyncio.sleep(0.2)
        self.ws = await self.http.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0)
        self.serial = 0
        await self.call("Page.enable")
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()
        await self.http.close()
        self.proc.terminate()
        self.proc.wait(timeout=20)

    async def call(self, method: str, **params):
        self.serial += 1
        serial = self.serial
        await self.ws.send_str(json.dumps({"id": serial, "method": method, "params": params}))
        async for message in self.ws:
            data = json.loads(message.data)
            if data.get("id") == serial:
                if "error" in data:
                    raise AssertionError(data["error"])
                return data.get("result", {})
        raise AssertionError("devtools connection closed")

    async def evaluate(self, expression: str):
        result = await self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        return result.get("result", {}).get("value")

    async def goto(self, url: str) -> None:
        await self.call("Page.navigate", url=url)
        await self.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'")

    async def wait_for(self, condition: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not await self.evaluate(f"Boolean({condition})"):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {condition}: {await self.text()!r}")
            await asyncio.sleep(0.2)

    async def text(self) -> str:
        return await self.evaluate("document.body ? document.body.innerText : ''") or ""

    async def submit_login(self, clerk_id: str, password: str) -> None:
        await self.evaluate(
            "(() => { const f = document.forms[0];"
            f" f.clerk_id.value = {json.dumps(clerk_id)}; f.password.value = {json.dumps(password)};"
            " window.__submitted = true; f.submit(); })()")
        await self.wait_for("!window.__submitted && document.readyState === 'complete'")
