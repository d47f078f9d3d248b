"""The supervisor's own app (``clerk dashboard``) and browser access (``clerk serve``).

``clerk serve`` runs ``clerk dashboard`` behind textual-serve.  The stock page
of textual-serve links a Google web font; a hall network is often offline, so
the page is served from a copy of the template without that link (the terminal
then uses the browser's local monospace font).  Everything else it loads (the
xterm.js bundle, CSS) is shipped inside the textual_serve package.
"""

from __future__ import annotations

import re
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any

from textual.app import App

WEB_FONT_LINK = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>\s*", re.S)


class SupervisorApp(App[None]):
    """Dashboard first; the complaint desk one key away.  ``dashboard``/``desk``/``user`` injectable."""

    TITLE = "大厅管理"

    def __init__(self, services: Any = None, *, dashboard: Any = None, desk: Any = None, user: Any = None,
                 refresh_seconds: float = 15.0) -> None:
        super().__init__()
        self.services, self.user = services, user
        self._dashboard, self._desk, self._refresh = dashboard, desk, refresh_seconds

    def on_mount(self) -> None:
        from clerk.tui.screens.dashboard import DashboardScreen

        self.push_screen(DashboardScreen(self._dashboard, refresh_seconds=self._refresh, complaint_desk=self._desk,
                                         user=self.user))


def run_supervisor() -> int:
    from clerk.config import get_settings
    from clerk.store.accounts import ClerkUser, Role
    from clerk.tui.services import Services

    # The command line acts as the supervisor on duty (首问负责 records this id).
    user = ClerkUser("supervisor", "大厅管理", Role.SUPERVISOR)
    SupervisorApp(Services(get_settings()), user=user).run()
    return 0


def offline_templates(target: Path) -> Path:
    """A copy of textual-serve's templates without the external web-font link."""
    import textual_serve

    source = Path(textual_serve.__file__).parent / "templates"
    target.mkdir(parents=True, exist_ok=True)
    for page in source.glob("*.html"):
        (target / page.name).write_text(WEB_FONT_LINK.sub("", page.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def serve(host: str, port: int, public_url: str | None = None) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        print("错误：未安装 textual-serve，请执行 pip install textual-serve", file=sys.stderr)
        return 2
    templates = offline_templates(Path(tempfile.mkdtemp(prefix="clerk-serve-")))
    command = f"{shlex.quote(sys.executable)} -m clerk.cli dashboard"
    Server(command, host=host, port=port, title="大厅管理看板", public_url=public_url,
           templates_path=templates).serve()
    return 0
