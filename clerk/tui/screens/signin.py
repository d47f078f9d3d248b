"""Sign in: clerk id, password and the window number (remembered per machine).

An account with an initial or reset password (``PasswordChangeRequired``) gets
two more fields, the new password twice; the clerk is in once the store has
accepted the new one.  Lock-out and the password rule live in
``clerk.store.signin`` / ``clerk.domain.passwords``, not here.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Input, Label, Static

from clerk.domain.errors import PasswordChangeRequired, PasswordRejected
from clerk.domain.passwords import MAX_LENGTH
from clerk.tui.messages import Failed, SignedIn, banner_text
from clerk.tui.screen import ClerkScreen
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.footer import KeyFooter


class SignInScreen(ClerkScreen):
    BINDINGS = [
        Binding("f10", "sign_in", "登录", id="signin.confirm"),
    ]
    AUTO_FOCUS = "#clerk-id"
    NEW_PASSWORD_FIELDS = ("new-password", "new-password-again")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._changing = False  # the store asked for a new password

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
                yield Input(id="password", password=True, compact=True, max_length=MAX_LENGTH)
                if self._ask_window:
                    yield Label("窗口号")
                    window = self.app.window_number
                    yield Input("" if window is None else str(window), id="window", type="integer", compact=True)
                yield Static("回车到下一项，在最后一项回车或按 F10 登录", id="signin-hint")
        yield Banner()
        yield KeyFooter()

    async def _show_new_password(self, shown: bool) -> None:
        """Show (empty, focused) or hide the new-password fields, built the first time they are
        needed: most sign-ins never show them, and the first screen is drawn without them."""
        self._changing = shown
        boxes = self.query("#new-password-box")
        if not boxes:
            if not shown:
                return
            box = Vertical(
                Label("新密码（至少8位，含大写字母、小写字母、数字、符号中至少3类）"),
                Input(id="new-password", password=True, compact=True, max_length=MAX_LENGTH),
                Label("再次输入新密码"),
                Input(id="new-password-again", password=True, compact=True, max_length=MAX_LENGTH),
                id="new-password-box",
            )
            await self.query_one("#signin-form").mount(box, before="#signin-hint")
        else:
            box = boxes.first(Vertical)
        box.display = shown
        for name in self.NEW_PASSWORD_FIELDS:
            box.query_one(f"#{name}", Input).value = ""
        if shown:
            box.query_one("#new-password", Input).focus()

    @on(Input.Changed, "#clerk-id")
    async def _other_clerk(self) -> None:
        if self._changing:  # a new password belongs to the account it was asked for
            await self._show_new_password(False)

    @on(Input.Submitted)
    async def _next_or_sign_in(self, event: Input.Submitted) -> None:
        names: tuple[str, ...] = ("clerk-id", "password", "window") if self._ask_window else ("clerk-id", "password")
        if self._changing:
            names += self.NEW_PASSWORD_FIELDS
        fields = [self.query_one(f"#{i}", Input) for i in names]
        empty = next((f for f in fields if not f.value.strip()), None)
        if empty is not None and event.input is not fields[-1]:
            self.focus_next()
        else:
            await self.action_sign_in()

    async def action_sign_in(self) -> None:
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
        new_password = None
        if self._changing:
            new_password = self.query_one("#new-password", Input).value
            again = self.query_one("#new-password-again", Input).value
            if not new_password or not again:
                banner.show("请输入新密码，并再次输入确认", "warning")
                self.query_one("#new-password" if not new_password else "#new-password-again", Input).focus()
                return
            if new_password != again:
                banner.show("两次输入的新密码不一致，请重新输入")
                await self._show_new_password(True)
                return
        banner.show("正在登录……", "info")
        self._authenticate(clerk_id, password, int(window), new_password)

    @work(thread=True, exclusive=True, exit_on_error=False, group="signin")
    def _authenticate(self, clerk_id: str, password: str, window: int, new_password: str | None) -> None:
        try:
            user = self.app.services.authenticate(clerk_id, password, via="window",
                                                  window=window if self._ask_window else None,
                                                  new_password=new_password)
        except Exception as exc:  # shown to the clerk as a banner
            self.post_message(Failed("signin", exc, banner_text(exc)))
        else:
            self.post_message(SignedIn(user, window))

    @on(Failed)
    async def _failed(self, event: Failed) -> None:
        if isinstance(event.error, PasswordChangeRequired):
            self.query_one(Banner).show(event.text, "warning")
            await self._show_new_password(True)
            return
        self.query_one(Banner).show(event.text)
        if isinstance(event.error, PasswordRejected):
            await self._show_new_password(True)
            return
        await self._show_new_password(False)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    @on(SignedIn)
    def _signed_in(self, event: SignedIn) -> None:
        if self.app.signed_in(event.user, event.window) is False:  # this app refuses the role
            password = self.query_one("#password", Input)
            password.value = ""
            password.focus()
