"""Textual's own widgets with their English strings replaced by Chinese.

Nothing on a clerk's screen is in English: the command palette (its prompt,
its "no matches" line and its footer key), the drop-down of a ``Select``
("esc Dismiss menu") and the footer key of the palette are redone here.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay
from textual.widgets.option_list import Option

PALETTE_PLACEHOLDER = "输入操作名称搜索……"
NO_MATCHES = "没有匹配的操作"


class ClerkCommandPalette(CommandPalette):
    BINDINGS = [
        *(b for b in CommandPalette.BINDINGS if isinstance(b, Binding) and b.key != "escape"),
        Binding("escape", "escape", "返回"),
    ]

    def __init__(self) -> None:
        super().__init__(placeholder=PALETTE_PLACEHOLDER, id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """As Textual's, with the message in Chinese."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class _Overlay(SelectOverlay):
    BINDINGS = [Binding("escape", "dismiss", "收起列表")]


class ClerkSelect(Select):
    """A ``Select`` whose open list says 收起列表, not "Dismiss menu"."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield _Overlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
