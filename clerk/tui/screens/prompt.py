"""A small modal asking for one line of text (note, 容缺 date, reason).

Enter or F10 confirms, Escape goes back — the same keys as every screen.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from clerk.identity.text import NOTE_MAX
from clerk.tui.plain import LINE_LIMIT, TYPED, plain
from clerk.tui.screen import ClerkModal
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.footer import KeyFooter


class PromptScreen(ClerkModal[str | None]):
    """Dismisses with the text (validated) or None."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 70; max-width: 100%; height: auto; border: thick $primary; background: $surface;
                              padding: 1 2; }
    PromptScreen Label { width: 100%; margin-bottom: 1; }
    """
    BINDINGS = [
        Binding("f10", "confirm", "确认", id="dialog.confirm"),
        Binding("escape", "cancel", "返回", id="dialog.cancel"),
    ]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        placeholder: str = "",
        validate: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text, self.initial, self.placeholder = title, value, placeholder
        self.check = validate  # returns a Chinese problem, or None when fine

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.title_text, limit=LINE_LIMIT))
            yield Input(self.initial, placeholder=self.placeholder, id="prompt-input", max_length=NOTE_MAX, restrict=TYPED)
            yield Banner()
        yield KeyFooter()

    @on(Input.Submitted)
    def action_confirm(self) -> None:
        text = self.query_one("#prompt-input", Input).value.strip()
        problem = self.check(text) if self.check else None
        if problem:
            self.query_one(Banner).show(problem)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
