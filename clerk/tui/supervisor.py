"""The supervisor's own app (``clerk dashboard``) and browser access (``clerk serve``).

``SupervisorApp`` is the window app narrowed to the supervisor role: the same
sign-in screen (no window number), then the dashboard; every other screen a
supervisor may open is one key away (F12).  ``clerk serve`` runs ``clerk
dashboard`` behind textual-serve, so a browser tab signs in too.  The stock
page of textual-serve links a Google web font; a hall network is often offline,
so the page is served from a copy of the template without that link (the
terminal then uses the browser's local monospace font).  Everything else it
loads (the xterm.js bundle, CSS) is shipped inside the textual_serve package.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any

import textual_serve
from textual import work

from clerk.config import ConfigError, get_settings, load_settings
from clerk.domain.accounts import Role
from clerk.store.hallkey import HallKeyError, local_key
from clerk.tui.app import ClerkApp
from clerk.tui.keymap import KeymapError, keymap_from_settings
from clerk.tui.launch import known_binding_ids
from clerk.tui.serveticket import ENV, make_ticket, ticket_clerk
from clerk.tui.services import Services

#: What ``clerk serve --app`` may run, with the page title.
SERVED_TITLES = {"dashboard": "大厅管理看板", "kiosk": "自助取号", "board": "叫号屏"}

WEB_FONT_LINK = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>\s*", re.S)


class SupervisorApp(ClerkApp):
    """Sign-in (supervisors only), then the dashboard; ``services`` carries the injected pieces in tests."""

    TITLE = "大厅管理"
    SIGN_IN_ROLES = frozenset({Role.SUPERVISOR})
    ASK_WINDOW = False

    def __init__(self, services: Services, *, refresh_seconds: float = 15.0, ticket: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(services, dashboard_refresh=refresh_seconds, **kwargs)
        self._ticket = ticket  # from `clerk serve`: the supervisor already signed in at its gate

    def on_mount(self) -> None:
        super().on_mount()
        if self._ticket:
            self._sign_in_by_ticket(self._ticket)

    @work(thread=True, exclusive=True, exit_on_error=False, group="signin")
    def _sign_in_by_ticket(self, ticket: str) -> None:
        """A valid ticket for an active supervisor signs in; anything else leaves the sign-in screen up."""
        try:
            clerk_id = ticket_clerk(local_key(self.services.settings), ticket)
            user = self.services.cases.account(clerk_id) if clerk_id else None
        except Exception:  # no key, no store, disabled account: the clerk signs in by hand
            return
        if user is not None and user.role in self.SIGN_IN_ROLES:
            self.call_from_thread(self.signed_in, user, 0)


def make_supervisor_app(env: dict[str, str] | None = None) -> SupervisorApp:
    settings = load_settings(env)
    keymap, notes = keymap_from_settings(settings, known_binding_ids)
    ticket = os.environ.pop(ENV, None) if env is None else env.get(ENV)
    return SupervisorApp(Services(settings), keymap=keymap, notes=tuple(notes), ticket=ticket)


def run_supervisor() -> int:
    try:
        app = make_supervisor_app()
    except (ConfigError, KeymapError) as exc:
        print(exc, file=sys.stderr)
        return 2
    app.run()
    return int(app.return_code or 0)


def offline_templates(target: Path) -> Path:
    """A copy of textual-serve's templates without the external web-font link."""
    source = Path(textual_serve.__file__).parent / "templates"
    target.mkdir(parents=True, exist_ok=True)
    for page in source.glob("*.html"):
        (target / page.name).write_text(WEB_FONT_LINK.sub("", page.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def serve(host: str, port: int, public_url: str | None = None, *, certfile: str | None = None,
          keyfile: str | None = None, max_sessions: int = 4, app: str = "dashboard") -> int:
    """textual-serve behind the sign-in gate of ``clerk.tui.webgate``.

    ``app`` is the sub-command each browser tab runs: ``dashboard``, or the hall's
    ``kiosk`` / ``board`` (a supervisor signs the kiosk's or the TV's browser in once).
    ``public_url`` (else ``Settings.serve_public_url``) is the address browsers open: its
    origin is the only one accepted, and a non-loopback ``host`` needs it.
    """
    try:
        from clerk.tui.webgate import GatedServer, allowed_origins, tls_context
    except ImportError:
        print("错误：未安装 textual-serve，请执行 pip install textual-serve", file=sys.stderr)
        return 2

    settings = get_settings()
    public_url = (public_url or settings.serve_public_url).strip().rstrip("/") or None  # --public-url, else the setting
    try:
        allowed_origins(host, port, public_url, tls=bool(certfile))  # refused before any key or file is touched
        context = tls_context(certfile, keyfile)
        key = local_key(settings)
    except (ValueError, HallKeyError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    templates = offline_templates(Path(tempfile.mkdtemp(prefix="clerk-serve-")))
    if app not in SERVED_TITLES:
        print(f"错误：未知的界面 {app!r}（可用：{'、'.join(SERVED_TITLES)}）", file=sys.stderr)
        return 2
    command = f"{shlex.quote(sys.executable)} -m clerk.cli {app}"
    GatedServer(command, settings=settings, host=host, port=port, title=SERVED_TITLES[app], public_url=public_url,
                templates_path=templates, max_sessions=max_sessions, ssl_context=context,
                ticket=lambda clerk_id: make_ticket(key, clerk_id)).serve()
    return 0
