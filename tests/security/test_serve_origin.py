"""`clerk serve` trusts one origin, the configured public address (issue 23, low).

A DNS-rebinding page reaches the gate under its own host name, so its ``Origin`` equals the
request's ``Host``: that must not be enough.  Serving on a non-loopback address needs the
public address; failed sign-ins are throttled per account id as well as per address.
The gate runs in process (aiohttp's test server) with a sign-in that knows one supervisor.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from clerk.config import ConfigError, Settings, load_settings
from clerk.domain.accounts import ClerkUser, Role
from clerk.domain.errors import SignInFailed

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from clerk.tui.webgate import THROTTLE_ACCOUNT_FAILURES, GatedServer  # noqa: E402

PUBLIC = "https://kanban.hall.example"
BOSS, PASSWORD = "9001", "Hall#Boss2026"


def sign_in(clerk_id: str, password: str, new_password: str | None) -> ClerkUser:
    if (clerk_id, password) != (BOSS, PASSWORD):
        raise SignInFailed()
    return ClerkUser(BOSS, "钱主任", Role.SUPERVISOR)


def gate(tmp_path, **kwargs) -> GatedServer:
    return GatedServer("true", settings=Settings.defaults(home=tmp_path), sign_in=sign_in, **kwargs)


def run(server: GatedServer, scenario) -> None:
    async def main() -> None:
        client = TestClient(TestServer(await server.make_app()))
        await client.start_server()
        try:
            await scenario(client)
        finally:
            await client.close()

    asyncio.run(main())


async def login(client, origin: str | None, *, host: str | None = None, clerk_id: str = BOSS,
                password: str = PASSWORD) -> tuple[int, str]:
    headers = {"Origin": origin} if origin else {}
    if host:
        headers["Host"] = host
    async with client.post("/login", data={"clerk_id": clerk_id, "password": password}, headers=headers,
                           allow_redirects=False) as response:
        return response.status, await response.text()


async def websocket(client, origin: str, host: str | None = None) -> int:
    headers = {"Origin": origin, **({"Host": host} if host else {})}
    try:
        ws = await client.ws_connect("/ws", headers=headers)
    except aiohttp.WSServerHandshakeError as exc:
        return exc.status
    await ws.close()
    return 101


def test_an_origin_equal_to_the_host_header_is_not_the_public_origin(tmp_path):
    async def scenario(client) -> None:
        rebinding = "rebind.attacker.example:8000"
        status, page = await login(client, f"http://{rebinding}", host=rebinding)
        assert status == 403 and "请求来源不符" in page
        assert await websocket(client, f"http://{rebinding}", host=rebinding) == 403
        assert (await login(client, PUBLIC, host=rebinding))[0] == 303  # the public page, whatever the Host
        assert await websocket(client, PUBLIC) == 401  # past the origin check: asks for the sign-in

    run(gate(tmp_path, public_url=PUBLIC + "/"), scenario)


def test_on_loopback_without_a_public_address_only_this_machines_names_are_trusted(tmp_path):
    async def scenario(client) -> None:
        for name in ("127.0.0.1", "localhost", "[::1]"):
            assert (await login(client, f"http://{name}:8000"))[0] == 303
        status, page = await login(client, "http://rebind.attacker.example:8000", host="rebind.attacker.example:8000")
        assert status == 403 and "请求来源不符" in page
        assert (await login(client, "http://127.0.0.1:9999"))[0] == 403  # another port is another origin

    run(gate(tmp_path, host="127.0.0.1", port=8000), scenario)


def test_a_non_loopback_address_needs_the_public_address(tmp_path):
    with pytest.raises(ValueError, match="--public-url"):
        gate(tmp_path, host="0.0.0.0")
    assert gate(tmp_path, host="0.0.0.0", public_url=PUBLIC).origins == {PUBLIC}


def test_clerk_serve_refuses_a_non_loopback_bind_in_one_line_and_touches_nothing(tmp_path):
    env = dict(os.environ, CLERK_HOME=str(tmp_path / "home"), CLERK_CONFIG=os.devnull)
    env.pop("CLERK_SERVE_PUBLIC_URL", None)
    done = subprocess.run([sys.executable, "-m", "clerk.cli", "serve", "--host", "0.0.0.0", "--port", "8123"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "非本机地址" in lines[0] and "--public-url" in lines[0]
    assert "Traceback" not in done.stderr and not (tmp_path / "home").exists()


def test_the_public_address_is_a_setting_checked_by_the_loader(tmp_path):
    base = {"CLERK_CONFIG": os.devnull, "CLERK_HOME": str(tmp_path)}
    assert load_settings({**base, "CLERK_SERVE_PUBLIC_URL": PUBLIC + "/"}).serve_public_url == PUBLIC
    with pytest.raises(ConfigError, match="CLERK_SERVE_PUBLIC_URL"):
        load_settings({**base, "CLERK_SERVE_PUBLIC_URL": "kanban.hall.example"})
    toml = tmp_path / "clerk.toml"
    toml.write_text(f'serve_public_url = "{PUBLIC}"\n', encoding="utf-8")
    assert load_settings({"CLERK_CONFIG": str(toml), "CLERK_HOME": str(tmp_path)}).serve_public_url == PUBLIC


def test_failed_sign_ins_are_throttled_per_account_not_only_per_address(tmp_path):
    async def scenario(client) -> None:
        for _ in range(THROTTLE_ACCOUNT_FAILURES):
            assert (await login(client, PUBLIC, password="wrong-password"))[0] == 401
        status, page = await login(client, PUBLIC)  # even the right password, for now
        assert status == 429 and "该工号登录失败次数过多" in page
        assert (await login(client, PUBLIC, clerk_id=" 9001 "))[0] == 429  # the same id, spaced
        assert (await login(client, PUBLIC, clerk_id="9002", password="x"))[0] == 401  # the address is not blocked

    run(gate(tmp_path, public_url=PUBLIC), scenario)
