"""`clerk serve` behind its sign-in gate: plain HTTP/websocket clients and headless Chromium."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys

import pytest

from .serving import SUPERVISOR, SUPERVISOR_PASSWORD, Browser, dashboards, first_sign_in, hall_env, serving

pytestmark = pytest.mark.slow  # each test starts `clerk serve` (and Chromium)

aiohttp = pytest.importorskip("aiohttp")
yarl = pytest.importorskip("yarl")
pytest.importorskip("textual_serve")

needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None and os.environ.get("CI") != "true",
                                    reason="Debian's chromium is not installed (.ci/run installs it for CI)")


async def login(http, base: str, clerk_id: str, password: str, origin: str | None = None):
    headers = {"Origin": origin or base}
    async with http.post(f"{base}/login", data={"clerk_id": clerk_id, "password": password}, headers=headers,
                         allow_redirects=False) as response:
        return response.status, await response.text(), response.headers.get("Location")


async def websocket_refused(http, base: str, origin: str | None) -> int:
    headers = {"Origin": origin} if origin else {}
    try:
        ws = await http.ws_connect(f"{base.replace('http', 'ws')}/ws?width=80&height=24", headers=headers)
    except aiohttp.WSServerHandshakeError as exc:
        return exc.status
    await ws.close()
    return 101


def test_gate_refuses_strangers_foreign_origins_listings_and_too_many_sessions(tmp_path):
    env = hall_env(tmp_path)
    with serving(env, "--max-sessions", "1") as (server, port, log):
        base = f"http://127.0.0.1:{port}"

        async def scenario():
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                async with http.get(f"{base}/", allow_redirects=False) as r:
                    assert r.status == 303 and r.headers["Location"] == "/login"
                async with http.get(f"{base}/static/") as r:
                    body = await r.text()
                    assert r.status in (403, 404) and "Index of" not in body and "textual.js" not in body
                async with http.get(f"{base}/static/js/") as r:
                    assert r.status in (403, 404)
                async with http.get(f"{base}/static/js/textual.js") as r:
                    assert r.status == 200
                # 15 websockets without signing in: all refused, not one process started
                refused = await asyncio.gather(*(websocket_refused(http, base, base) for _ in range(15)))
                assert refused == [401] * 15
                assert dashboards(server.pid) == 0
                # a supervisor signs in; a foreign page (or none at all) still cannot open the websocket
                status, _, location = await login(http, base, SUPERVISOR, SUPERVISOR_PASSWORD)
                assert status == 303 and location == "/"
                assert await websocket_refused(http, base, "http://evil.example") == 403
                assert await websocket_refused(http, base, "null") == 403
                assert await websocket_refused(http, base, None) == 403
                assert dashboards(server.pid) == 0
                # the page's own origin gets a dashboard; a second one is over the cap
                ws = await http.ws_connect(f"{base.replace('http', 'ws')}/ws?width=80&height=24",
                                           headers={"Origin": base})
                first = await asyncio.wait_for(ws.receive(), 60)
                assert first.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT)
                assert dashboards(server.pid) == 1
                assert await websocket_refused(http, base, base) == 503
                await ws.close()
            # another client without the session cookie gets nothing either
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other:
                assert await websocket_refused(other, base, base) == 401

        asyncio.run(scenario())
    assert "GET /static/" in log.getvalue()


def test_forty_wrong_passwords_lock_the_supervisor_out(tmp_path):
    env = hall_env(tmp_path)
    with serving(env) as (server, port, log):
        base = f"http://127.0.0.1:{port}"

        async def scenario():
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                answers = [await login(http, base, SUPERVISOR, f"Guess#{n:04d}") for n in range(40)]
                statuses = [a[0] for a in answers]
                assert statuses[:4] == [401] * 4
                assert statuses[4:] == [429] * 36
                assert "账号已锁定至" in answers[4][1]
                assert "登录失败次数过多" in answers[-1][1]  # the address is throttled as well
                status, body, location = await login(http, base, SUPERVISOR, SUPERVISOR_PASSWORD)
                assert status == 429 and location is None
                assert http.cookie_jar.filter_cookies(yarl.URL(base)).get("clerk_session") is None
                assert await websocket_refused(http, base, base) == 401
            assert dashboards(server.pid) == 0

        asyncio.run(scenario())
    listing = subprocess.run([sys.executable, "-m", "clerk.cli", "user", "list"], env=env, capture_output=True,
                             text=True).stdout
    assert f"{SUPERVISOR}\t刘洋\t大厅管理\t锁定至" in listing


def test_the_gate_checks_unknown_ids_against_a_hash_of_the_same_cost(tmp_path, monkeypatch):
    """An unknown id costs what a wrong password on a real one costs: the same one scrypt call
    with the same parameters, and the same answer.  (The time itself, measured with many samples
    and medians: ``python -m bench.bench_signin``.)"""
    import hashlib

    from clerk.config import load_settings
    from clerk.domain import accounts
    from clerk.store.signin import SignInFailed
    from clerk.tui.webgate import GatedServer

    gate = GatedServer("clerk dashboard", settings=load_settings(hall_env(tmp_path, CLERK_LOCKOUT_ATTEMPTS="100")))
    calls: list[tuple[int, int, int, int, int]] = []
    scrypt = hashlib.scrypt

    def counted(password: bytes, *, salt: bytes, n: int, r: int, p: int, dklen: int, **rest) -> bytes:
        calls.append((n, r, p, dklen, len(salt)))
        return scrypt(password, salt=salt, n=n, r=r, p=p, dklen=dklen, **rest)

    monkeypatch.setattr(hashlib, "scrypt", counted)  # the KDF, counted; the gate runs as it is

    def attempt(clerk_id: str) -> tuple[list[tuple[int, int, int, int, int]], str]:
        calls.clear()
        with pytest.raises(SignInFailed) as refused:
            gate._sign_in(clerk_id, "Wrong#0000", None)
        return list(calls), str(refused.value)

    attempt("nobody")  # the dummy hash is made once per process
    known, unknown = attempt(SUPERVISOR), attempt("nobody1")
    assert known[0] == [(accounts._N, accounts._R, accounts._P, 32, 16)]  # the hall's real cost
    assert unknown == known


def test_only_supervisors_pass_the_gate_and_an_initial_password_is_changed_there(tmp_path):
    env = hall_env(tmp_path)
    first_sign_in(env, "1001", "Window#2026")
    first_sign_in(env, "admin", "Hall#Key2026")
    subprocess.run([sys.executable, "-m", "clerk.cli", "user", "add", "9002", "孙主任", "supervisor",
                    "--password-stdin", "--admin", "admin", "--admin-password-stdin"], env=env, check=True,
                   input="Hall#Key2026\nInitial#2026\n", text=True)
    with serving(env) as (server, port, log):
        base = f"http://127.0.0.1:{port}"

        async def scenario():
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                status, body, _ = await login(http, base, "1001", "Window#2026")
                assert status == 401 and "工号或密码不正确" in body
                status, body, _ = await login(http, base, SUPERVISOR, SUPERVISOR_PASSWORD,
                                              origin="http://evil.example")
                assert status == 403  # a sign-in posted from a foreign page is refused
                # an initial password: the page asks for a new one, twice, and the rule applies
                status, body, _ = await login(http, base, "9002", "Initial#2026")
                assert status == 401 and "须先设置新密码" in body and 'name="new_password_again"' in body
                fields = {"clerk_id": "9002", "password": "Initial#2026"}
                for new, again, expected, text in (("Boss#2027", "Boss#2028", 400, "两次输入的新密码不一致"),
                                                   ("bossbossboss", "bossbossboss", 400, "至少3类"),
                                                   ("Boss#2027", "Boss#2027", 303, "")):
                    async with http.post(f"{base}/login", data={**fields, "new_password": new,
                                                                "new_password_again": again},
                                         headers={"Origin": base}, allow_redirects=False) as r:
                        assert r.status == expected and text in await r.text()
                assert http.cookie_jar.filter_cookies(yarl.URL(base)).get("clerk_session") is not None
                status, _, location = await login(http, base, "9002", "Boss#2027")
                assert status == 303 and location == "/"
                # a disabled account no longer passes, whatever the password
                subprocess.run([sys.executable, "-m", "clerk.cli", "user", "disable", "9002", "--admin", "admin",
                                "--admin-password-stdin"], env=env, check=True, capture_output=True,
                               input="Hall#Key2026\n", text=True)
                status, body, _ = await login(http, base, "9002", "Boss#2027")
                assert status == 401 and "工号或密码不正确" in body

        asyncio.run(scenario())


@needs_chromium
def test_chromium_signs_in_then_the_dashboard_streams_and_a_lockout_holds(tmp_path):
    env = hall_env(tmp_path)
    with serving(env) as (server, port, log):
        base = f"http://127.0.0.1:{port}"

        async def scenario():
            async with Browser(tmp_path / "chromium") as browser:
                await browser.goto(f"{base}/")
                assert browser and "工号" in await browser.text()  # redirected to the sign-in page
                assert dashboards(server.pid) == 0
                await browser.submit_login(SUPERVISOR, SUPERVISOR_PASSWORD)
                await browser.wait_for("document.querySelector('.-first-byte')", 60)
                assert dashboards(server.pid) == 1
                await browser.goto(f"{base}/logout")
                for n in range(5):
                    await browser.submit_login(SUPERVISOR, f"Guess#{n:04d}")
                assert "账号已锁定至" in await browser.text()
                await browser.submit_login(SUPERVISOR, SUPERVISOR_PASSWORD)
                assert "账号已锁定至" in await browser.text()
                assert "-first-byte" not in await browser.evaluate("document.documentElement.outerHTML")

        asyncio.run(scenario())
    assert "GET /ws" in log.getvalue()
    assert SUPERVISOR_PASSWORD not in log.getvalue() and "Guess#" not in log.getvalue()


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp writes them) listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                found.add(address)
    return found


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a test certificate")
def test_tls_with_certfile_and_keyfile_and_loopback_by_default(tmp_path):
    import ssl

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    env = hall_env(tmp_path)
    with serving(env, "--certfile", str(cert), "--keyfile", str(key)) as (server, port, log):
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only
        base = f"https://127.0.0.1:{port}"
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False

        async def scenario():
            connector = aiohttp.TCPConnector(ssl=context)
            async with aiohttp.ClientSession(connector=connector,
                                             cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                async with http.get(f"{base}/login") as r:
                    assert r.status == 200 and "工号" in await r.text()
                async with http.post(f"{base}/login", data={"clerk_id": SUPERVISOR, "password": SUPERVISOR_PASSWORD},
                                     headers={"Origin": base}, allow_redirects=False) as r:
                    assert r.status == 303
                    cookie = r.headers["Set-Cookie"]
                    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
            plain = aiohttp.ClientSession()
            try:
                with pytest.raises(aiohttp.ClientError):
                    async with plain.get(f"http://127.0.0.1:{port}/login") as r:
                        await r.text()
            finally:
                await plain.close()

        asyncio.run(scenario())
