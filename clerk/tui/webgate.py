"""``clerk serve``: textual-serve behind a sign-in gate.

textual-serve starts one ``clerk dashboard`` process per websocket, for anyone.
The gate changes that:

- ``/`` and ``/ws`` need a session, made by ``POST /login`` with a supervisor's
  id and password through ``clerk.store.signin`` (the same lock-out, audit
  events ``via="serve"``); an unauthenticated websocket is refused before any
  process starts;
- a websocket must come from the page's own origin: ``Origin`` equal to the
  public origin (``serve_public_url`` / ``CLERK_SERVE_PUBLIC_URL`` /
  ``--public-url``), never merely to the request's ``Host`` (a DNS-rebinding page
  names its own host); a foreign or missing one is refused, and a sign-in posted
  from a foreign origin too.  Without a public address the gate serves loopback
  only (``127.0.0.1``/``localhost``/``[::1]`` at its port);
- at most ``max_sessions`` dashboards run at once; more are refused (503);
- failed sign-ins are throttled per address and per account id (the store's
  lock-out alone would let one address try every account, and many addresses one
  id the store does not know);
- ``/static/`` serves files, never a directory listing;
- TLS with ``--certfile/--keyfile``; the session cookie is then ``Secure``.

The dashboard process gets a short-lived ticket (HMAC under the hall key, see
``clerk.tui.serveticket``) naming the clerk who signed in at the gate, so the
browser user is not asked for the password twice.
"""

from __future__ import annotations

import asyncio
import html
import ipaddress
import logging
import secrets
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from clerk.config import public_origin
from clerk.domain.accounts import Role
from clerk.domain.clock import now_utc
from clerk.store.engine import Store
from clerk.store.errors import StoreError
from clerk.store.signin import (
    AccountLocked,
    PasswordChangeRequired,
    PasswordRejected,
    SignIn,
    SignInFailed,
    SignInPolicy,
)

COOKIE = "clerk_session"
SESSION_HOURS = 8
MAX_GATE_SESSIONS = 200  # signed-in browsers remembered at once
THROTTLE_FAILURES = 20  # failed sign-ins from one address …
THROTTLE_ACCOUNT_FAILURES = 10  # … or for one account id …
THROTTLE_SECONDS = 15 * 60  # … within this window, then refused for the rest of it
THROTTLE_KEYS = 10_000  # addresses / ids remembered at once (the oldest go first)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


@dataclass
class GateSession:
    clerk_id: str
    name: str
    expires: float


@dataclass
class _Throttle:
    """Recent failures per key (an address, an account id): ``limit`` within ``THROTTLE_SECONDS``."""

    limit: int = THROTTLE_FAILURES
    failures: dict[str, list[float]] = field(default_factory=dict)

    def blocked(self, key: str, now: float) -> bool:
        recent = [t for t in self.failures.get(key, []) if now - t < THROTTLE_SECONDS]
        if recent:
            self.failures[key] = recent
        else:
            self.failures.pop(key, None)
        return len(recent) >= self.limit

    def fail(self, key: str, now: float) -> None:
        if key not in self.failures and len(self.failures) >= THROTTLE_KEYS:
            for old in [k for k, times in self.failures.items() if now - times[-1] >= THROTTLE_SECONDS]:
                del self.failures[old]
            while len(self.failures) >= THROTTLE_KEYS:
                self.failures.pop(next(iter(self.failures)))
        self.failures.setdefault(key, []).append(now)


def is_loopback(host: str) -> bool:
    """``host`` (a name or an address) is this machine only."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def allowed_origins(host: str, port: int, public_url: str | None, *, tls: bool) -> frozenset[str]:
    """The origins the gate accepts: the public address's alone; without one (loopback only) this
    machine's names at ``port``.  ``ValueError`` (one Chinese line) for a non-loopback ``host``
    without a public address, or an unusable address."""
    if public_url:
        try:
            return frozenset({public_origin(public_url)})
        except ValueError as exc:
            raise ValueError(f"对外访问地址 {public_url!r} 无效：{exc}") from None
    if not is_loopback(host):
        raise ValueError(f"在非本机地址 {host} 上提供服务须先设置对外访问地址：--public-url https://看板地址 "
                         "（或 CLERK_SERVE_PUBLIC_URL、配置项 serve_public_url）")
    scheme = "https" if tls else "http"
    at = "" if port == {"http": 80, "https": 443}[scheme] else f":{port}"  # browsers leave the default port out
    return frozenset(f"{scheme}://{name}{at}" for name in LOOPBACK_NAMES)


LOGIN_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title} · 登录</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ background:#0c181f; color:#e0e0e0; font-family:sans-serif; display:flex; align-items:center;
       justify-content:center; height:100vh; margin:0; }}
form {{ background:#17262f; padding:2em 2.5em; border-radius:8px; min-width:20em; }}
h1 {{ font-size:1.2em; margin-top:0; }} label {{ display:block; margin-top:1em; }}
input {{ width:100%; padding:.4em; margin-top:.3em; box-sizing:border-box; }}
button {{ margin-top:1.5em; padding:.5em 2em; }} .error {{ color:#ff8a80; margin-top:1em; }}
.note {{ color:#a0b0b8; font-size:.9em; }}
</style></head><body>
<form method="post" action="login" autocomplete="off">
<h1>{hall}<br>{title} · 登录</h1>
<label>工号<input name="clerk_id" value="{clerk_id}" maxlength="32" required autofocus></label>
<label>密码<input name="password" type="password" maxlength="128" required></label>
{new_password}
<div class="error" role="alert">{message}</div>
<button type="submit">登录</button>
</form></body></html>
"""

NEW_PASSWORD_FIELDS = """<p class="note">新密码至少8位，含大写字母、小写字母、数字、符号中至少3类</p>
<label>新密码<input name="new_password" type="password" maxlength="128" required></label>
<label>再次输入新密码<input name="new_password_again" type="password" maxlength="128" required></label>
"""


class GatedServer(Server):
    """textual-serve's server with a sign-in gate, origin check, session cap and TLS."""

    def __init__(self, command: str, *, settings: Any, host: str = "127.0.0.1", port: int = 8000,
                 title: str = "大厅管理看板", public_url: str | None = None, templates_path: Any = None,
                 max_sessions: int = 4, ssl_context: ssl.SSLContext | None = None,
                 sign_in: Callable[..., Any] | None = None, ticket: Callable[[str], str] | None = None) -> None:
        self.origins = allowed_origins(host, port, public_url, tls=ssl_context is not None)
        if not public_url and ssl_context is not None:
            public_url = f"https://{host}:{port}"
        super().__init__(command, host=host, port=port, title=title, public_url=public_url,
                         templates_path=templates_path or "./templates")
        self.settings = settings
        self.max_sessions = max(1, max_sessions)
        self.ssl_context = ssl_context
        self.sessions: dict[str, GateSession] = {}
        self.running = 0  # dashboards started and not yet ended
        self.throttle = _Throttle(THROTTLE_FAILURES)  # per address
        self.account_throttle = _Throttle(THROTTLE_ACCOUNT_FAILURES)  # per account id
        self._sign_in = sign_in or self._store_sign_in
        self._store: Any = None
        self._store_lock = threading.Lock()
        self._ticket = ticket

    # -- the app ------------------------------------------------------------
    async def make_app(self) -> web.Application:
        """The aiohttp application (``serve`` runs it; a test can drive it in process)."""
        app = web.Application(middlewares=[self._headers])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/login", self.handle_login_page, name="login"),
            web.post("/login", self.handle_login, name="login_post"),
            web.get("/logout", self.handle_logout, name="logout"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, show_index=False, follow_symlinks=False, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    _make_app = make_app  # textual-serve's name for it

    @web.middleware
    async def _headers(self, request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")  # no-referrer would make Origin "null"
        if request.path in ("/", "/login"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def serve(self, debug: bool = False) -> None:
        self.debug = debug
        self.initialize_logging()
        web.run_app(self.make_app(), host=self.host, port=self.port, ssl_context=self.ssl_context,
                    print=lambda *args: None)

    # -- sessions -----------------------------------------------------------
    def session_of(self, request: web.Request) -> GateSession | None:
        token = request.cookies.get(COOKIE, "")
        session = self.sessions.get(token)
        if session is None:
            return None
        if session.expires < time.time():
            self.sessions.pop(token, None)
            return None
        return session

    def _forget_expired(self) -> None:
        now = time.time()
        for token in [t for t, s in self.sessions.items() if s.expires < now]:
            del self.sessions[token]
        while len(self.sessions) >= MAX_GATE_SESSIONS:  # the oldest sign-in goes first
            self.sessions.pop(next(iter(self.sessions)))

    def same_origin(self, request: web.Request, *, required: bool) -> bool:
        """``Origin`` is the public origin (never judged by the request's own ``Host``)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return not required
        return origin.strip().lower() in self.origins

    # -- pages --------------------------------------------------------------
    async def handle_index(self, request: web.Request) -> Any:
        if self.session_of(request) is None:
            raise web.HTTPSeeOther("/login")
        return await super().handle_index(request)

    def _login_page(self, *, message: str = "", clerk_id: str = "", change: bool = False,
                    status: int = 200) -> web.Response:
        page = LOGIN_PAGE.format(title=html.escape(self.title), hall=html.escape(self.settings.hall.name),
                                 clerk_id=html.escape(clerk_id), message=html.escape(message),
                                 new_password=NEW_PASSWORD_FIELDS if change else "")
        return web.Response(text=page, content_type="text/html", charset="utf-8", status=status)

    async def handle_login_page(self, request: web.Request) -> web.Response:
        return self._login_page()

    async def handle_logout(self, request: web.Request) -> web.Response:
        self.sessions.pop(request.cookies.get(COOKIE, ""), None)
        response = web.HTTPSeeOther("/login")
        response.del_cookie(COOKIE, path="/")
        raise response

    async def handle_login(self, request: web.Request) -> web.Response:
        if not self.same_origin(request, required=False):
            return self._login_page(message="请求来源不符，已拒绝", status=403)
        address = request.remote or "?"
        if self.throttle.blocked(address, time.monotonic()):
            return self._login_page(message="登录失败次数过多，请稍后再试", status=429)
        form = await request.post()
        clerk_id = str(form.get("clerk_id", ""))[:32]
        password = str(form.get("password", ""))[:128]
        account = clerk_id.strip().casefold()
        if self.account_throttle.blocked(account, time.monotonic()):
            return self._login_page(message="该工号登录失败次数过多，请15分钟后再试", clerk_id=clerk_id, status=429)
        new_password = form.get("new_password")
        if new_password is not None:
            new_password = str(new_password)[:128]
            if new_password != str(form.get("new_password_again", ""))[:128]:
                return self._login_page(message="两次输入的新密码不一致", clerk_id=clerk_id, change=True, status=400)
        loop = asyncio.get_running_loop()
        try:
            user = await loop.run_in_executor(None, self._sign_in, clerk_id, password, new_password)
        except PasswordChangeRequired as exc:
            return self._login_page(message=str(exc), clerk_id=clerk_id, change=True, status=401)
        except PasswordRejected as exc:
            return self._login_page(message=str(exc), clerk_id=clerk_id, change=True, status=400)
        except AccountLocked as exc:
            self._failed(address, account)
            return self._login_page(message=str(exc), clerk_id=clerk_id, status=429)
        except SignInFailed as exc:
            self._failed(address, account)
            return self._login_page(message=str(exc), clerk_id=clerk_id, status=401)
        except StoreError as exc:
            return self._login_page(message=str(exc), clerk_id=clerk_id, status=503)
        self._forget_expired()
        token = secrets.token_urlsafe(32)
        self.sessions[token] = GateSession(user.id, user.name, time.time() + SESSION_HOURS * 3600)
        response = web.HTTPSeeOther("/")
        response.set_cookie(COOKIE, token, path="/", httponly=True, samesite="Strict",
                            secure=self.public_url.startswith("https"), max_age=SESSION_HOURS * 3600)
        raise response

    def _failed(self, address: str, account: str) -> None:
        now = time.monotonic()
        self.throttle.fail(address, now)
        self.account_throttle.fail(account, now)

    def _store_sign_in(self, clerk_id: str, password: str, new_password: str | None) -> Any:
        with self._store_lock:
            if self._store is None:
                self._store = Store.from_settings(self.settings)
        gate = SignIn(self._store, now_utc, self.settings.timezone, SignInPolicy.from_settings(self.settings))
        return gate.authenticate(clerk_id, password, via="serve", new_password=new_password,
                                 roles={Role.SUPERVISOR})

    # -- what starts a process ---------------------------------------------
    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        if self.session_of(request) is None:
            raise web.HTTPUnauthorized(text="请先登录")
        return await super().handle_download(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not self.same_origin(request, required=True):
            raise web.HTTPForbidden(text="websocket 来源不符，已拒绝")
        session = self.session_of(request)
        if session is None:
            raise web.HTTPUnauthorized(text="请先登录")
        if self.running >= self.max_sessions:
            raise web.HTTPServiceUnavailable(text=f"同时打开的看板已达上限（{self.max_sessions} 个），请关闭其他页面后再试")
        self.running += 1
        try:
            return await self._run_dashboard(request, session)
        finally:
            self.running -= 1

    async def _run_dashboard(self, request: web.Request, session: GateSession) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _to_int(request.query.get("width", "80"), 80)
        height = _to_int(request.query.get("height", "24"), 24)
        ticket = self._ticket(session.clerk_id) if self._ticket else None
        app_service: AppService | None = None
        try:
            await websocket.prepare(request)
            app_service = _TicketedAppService(
                self.command, ticket=ticket, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                close=websocket.close, download_manager=self.download_manager, debug=self.debug,
            )
            await app_service.start(width, height)
            try:
                await self._process_messages(websocket, app_service)
            finally:
                await app_service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # textual-serve logs and closes, as its own handler does
            logging.getLogger("textual-serve").exception(error)
        finally:
            if app_service is not None:
                await app_service.stop()
        return websocket


class _TicketedAppService(AppService):
    """The dashboard process, told who signed in at the gate (``CLERK_SERVE_TICKET``)."""

    def __init__(self, command: str, *, ticket: str | None, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self._ticket = ticket

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.pop("CLERK_SERVE_TICKET", None)
        if self._ticket:
            environment["CLERK_SERVE_TICKET"] = self._ticket
        return environment


def _to_int(value: str, default: int) -> int:
    try:
        return max(10, min(int(value), 1000))
    except ValueError:
        return default


def tls_context(certfile: str | None, keyfile: str | None) -> ssl.SSLContext | None:
    """A server TLS context from PEM files; None without a certificate. ValueError (Chinese) when unusable."""
    if not certfile and not keyfile:
        return None
    if not certfile:
        raise ValueError("使用 --keyfile 时还需要 --certfile")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(certfile, keyfile or None)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"无法载入证书或私钥：{exc}") from exc
    return context
