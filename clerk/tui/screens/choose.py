"""A small modal: pick one of a few lines (↑ ↓ or its number, Enter), Esc cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from clerk.tui.screen import ClerkModal
from clerk.tui.widgets.footer import KeyFooter


class ChooseScreen(ClerkModal[int | None]):
    """Dismisses with the index of the chosen line, or None."""

    DEFAULT_CSS = """
    ChooseScreen { align: center middle; }
    ChooseScreen > Vertical { width: 70; max-width: 100%; height: auto; max-height: 100%;
                              border: thick $primary; background: $surface; padding: 1 2; }
    ChooseScreen Label { margin-bottom: 1; }
    ChooseScreen OptionList { height: auto; max-height: 12; }
    """
    BINDINGS = [
        Binding("f10", "confirm", "确认", id="dialog.confirm"),
        Binding("escape", "cancel", "返回", id="dialog.cancel"),
    ]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text, self.lines = title, lines

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, markup=False)
            yield OptionList(*(Option(f"{i}. {line}") for i, line in enumerate(self.lines, 1)), id="choices")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit() and 1 <= int(event.character) <= len(self.lines):
            event.stop()
            self.dismiss(int(event.character) - 1)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_confirm(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None:
            self.dismiss(highlighted)

    def action_cancel(self) -> None:
        self.dismiss(None)
