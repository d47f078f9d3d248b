"""Asking before the app quits with a visit half-entered.

The half-entered visit is already kept on this machine (``WindowState``), so
quitting loses nothing; the question is there so that a stray ctrl+q in the
middle of a visit does not end the app in front of the applicant.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from clerk.tui.screen import ClerkModal
from clerk.tui.widgets.footer import KeyFooter


class QuitScreen(ClerkModal[bool]):
    DEFAULT_CSS = """
    QuitScreen { align: center middle; }
    QuitScreen > Vertical { width: 60; max-width: 100%; height: auto; border: thick $warning;
                            background: $surface; padding: 1 2; }
    """
    BINDINGS = [
        Binding("f10,enter,y", "answer(True)", "退出", id="quit.confirm"),
        Binding("escape,n", "answer(False)", "继续办理", id="quit.cancel"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                f"当前办件尚未办结：{self.what}\n\n"
                "已录入的内容保存在本机，下次登录时自动恢复。\n"
                "确定退出？  Enter / F10 退出，Esc 继续办理",
                markup=False,
            )
        yield KeyFooter()

    def action_answer(self, quit_: bool) -> None:
        self.dismiss(quit_)
