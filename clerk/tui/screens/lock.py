"""The idle lock (锁屏): a window left alone is covered until its clerk comes back.

After ``settings.idle_lock_minutes`` without a key the app pushes this screen
over everything (an opaque ``Screen``, so nothing under it is drawn: no
applicant data stays visible).  The clerk who is signed in types her password
and is back where she left off.  Another clerk may sign her out from here: a
half-entered visit is kept sealed for its owner (``WindowState.keep_open``) and
never shown to the next clerk; it comes back when its owner signs in again.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Input, Label, Static

from clerk.tui.messages import Failed, SignedIn, banner_text
from clerk.tui.plain import TYPED, lines
from clerk.tui.screen import ClerkScreen
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.footer import KeyFooter


class LockScreen(ClerkScreen):
    DEFAULT_CSS = """
    LockScreen { align: center middle; }
    LockScreen #lock-form { width: 56; height: auto; border: thick $warning; padding: 1 2; }
    LockScreen Label { margin-top: 1; }
    """
    BINDINGS = [Binding("f10", "unlock", "解锁", id="lock.confirm")]
    AUTO_FOCUS = "#lock-password"

    def __init__(self, owner: Any, window: int | None) -> None:
        super().__init__()
        self.owner, self.window = owner, window

    def compose(self) -> ComposeResult:
        with Center():
            with Vertical(id="lock-form"):
                where = f"第 {self.window} 窗口" if self.window else "本机"
                yield Static(lines([f"{where}已锁定（长时间无操作）",
                                    f"{self.owner.name}（{self.owner.id}）输入密码解锁；其他人员输入本人工号和密码，将注销当前账号"],
                                   limit=None), id="lock-title")
                yield Label("工号")
                yield Input(self.owner.id, id="lock-clerk", compact=True, max_length=32, restrict=TYPED)
                yield Label("密码")
                yield Input(id="lock-password", password=True, compact=True)
        yield Banner()
        yield KeyFooter()

    @on(Input.Submitted)
    def action_unlock(self) -> None:
        clerk_id = self.query_one("#lock-clerk", Input).value.strip()
        password = self.query_one("#lock-password", Input).value
        if not clerk_id or not password:
            self.query_one(Banner).show("请输入工号和密码")
            self.query_one("#lock-clerk" if not clerk_id else "#lock-password", Input).focus()
            return
        self.query_one(Banner).show("正在核验……", "info")
        self._authenticate(clerk_id, password)

    @work(thread=True, exclusive=True, exit_on_error=False, group="lock")
    def _authenticate(self, clerk_id: str, password: str) -> None:
        try:
            user = self.app.services.authenticate(clerk_id, password)
        except Exception as exc:  # a wrong password, a locked account, the store down
            self.post_message(Failed("unlock", exc, banner_text(exc)))
        else:
            self.post_message(SignedIn(user, self.window or 0))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.query_one(Banner).show(event.text)
        password = self.query_one("#lock-password", Input)
        password.value = ""
        password.focus()

    @on(SignedIn)
    def _signed_in(self, event: SignedIn) -> None:
        self.query_one("#lock-password", Input).value = ""
        if event.user.id == self.owner.id:
            self.app.unlock()
        else:
            self.app.hand_over(event.user)
