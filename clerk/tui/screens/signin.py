"""Sign in: clerk id, password and the window number (remembered per machine)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from clerk.tui.messages import Failed, SignedIn, banner_text
from clerk.tui.widgets.banner import Banner


class SignInScreen(Screen):
    BINDINGS = [
        Binding("f10", "sign_in", "登录", id="signin.confirm"),
    ]
    AUTO_FOCUS = "#clerk-id"

    @property
    def _ask_window(self) -> bool:
        return getattr(self.app, "ASK_WINDOW", True)

    def compose(self) -> ComposeResult:
        hall = self.app.services.settings.hall.name
        with Center(id="signin-box"):
            with Vertical(id="signin-form"):
                yield Static(f"{hall}\n{self.app.TITLE.removeprefix('clerk ')} · 登录", id="signin-title", markup=False)
                yield Label("工号")
                yield Input(id="clerk-id", compact=True)
                yield Label("密码")
                yield Input(id="password", password=True, compact=True)
                if self._ask_window:
                    yield Label("窗口号")
                    window = self.app.window_number
                    yield Input("" if window is None else str(window), id="window", type="integer", compact=True)
                yield Static("回车到下一项，在最后一项回车或按 F10 登录", id="signin-hint")
        yield Banner()
        yield Footer()

    @on(Input.Submitted)
    def _next_or_sign_in(self, event: Input.Submitted) -> None:
        names = ("clerk-id", "password", "window") if self._ask_window else ("clerk-id", "password")
        fields = [self.query_one(f"#{i}", Input) for i in names]
        empty = next((f for f in fields if not f.value.strip()), None)
        if empty is not None and event.input is not fields[-1]:
            self.focus_next()
        else:
            self.action_sign_in()

    def action_sign_in(self) -> None:
        clerk_id = self.query_one("#clerk-id", Input).value.strip()
        password = self.query_one("#password", Input).value
        window = self.query_one("#window", Input).value.strip() if self._ask_window else "0"
        banner = self.query_one(Banner)
        if not clerk_id or not password:
            banner.show("请输入工号和密码")
            self.query_one("#clerk-id" if not clerk_id else "#password", Input).focus()
            return
        if self._ask_window and (not window.isdigit() or int(window) <= 0):
            banner.show("请输入本机的窗口号（正整数）")
            self.query_one("#window", Input).focus()
            return
        banner.show("正在登录……", "info")
        self._authenticate(clerk_id, password, int(window))

    @work(thread=True, exclusive=True, exit_on_error=False, group="signin")
    def _authenticate(self, clerk_id: str, password: str, window: int) -> None:
        try:
            user = self.app.services.authenticate(clerk_id, password)
        except Exception as exc:  # shown to the clerk as a banner
            self.post_message(Failed("signin", exc, banner_text(exc)))
        else:
            self.post_message(SignedIn(user, window))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.query_one(Banner).show(event.text)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    @on(SignedIn)
    def _signed_in(self, event: SignedIn) -> None:
        if self.app.signed_in(event.user, event.window) is False:  # this app refuses the role
            password = self.query_one("#password", Input)
            password.value = ""
            password.focus()
