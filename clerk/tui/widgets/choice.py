"""A compact, keyboard-only choice: ← → (or space) cycles through the options."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from clerk.tui.plain import literal


class ChoiceRow(Widget, can_focus=True):
    """``label  ‹ chosen ›  other  other``; posts ``ChoiceRow.Changed``."""

    DEFAULT_CSS = """
    ChoiceRow { height: 1; width: 1fr; }
    ChoiceRow:focus { background: $boost; text-style: bold; }
    """
    BINDINGS = [
        Binding("right,space", "step(1)", "下一项", id="choice.next", show=False),
        Binding("left", "step(-1)", "上一项", id="choice.previous", show=False),
        Binding("enter", "next_field", "下一栏", id="choice.enter", show=False),
    ]

    index: reactive[int] = reactive(0)

    class Changed(Message):
        def __init__(self, choice: ChoiceRow, value: str) -> None:
            super().__init__()
            self.choice, self.value = choice, value

        @property
        def control(self) -> ChoiceRow:
            return self.choice

    def __init__(self, label: str, options: list[str], *, value: str | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.options = list(options)
        if value in self.options:
            self.set_reactive(ChoiceRow.index, self.options.index(value))

    @property
    def value(self) -> str:
        return self.options[self.index] if self.options else ""

    @value.setter
    def value(self, value: str) -> None:
        if value in self.options:
            self.index = self.options.index(value)

    def action_step(self, delta: int) -> None:
        if self.options:
            self.index = (self.index + delta) % len(self.options)

    def action_next_field(self) -> None:
        """Enter moves on, as in every field of a form."""
        self.screen.focus_next()

    def watch_index(self, old: int, new: int) -> None:
        if old != new:
            self.post_message(self.Changed(self, self.value))

    def render(self) -> Text:
        text = Text(f"{self.label} ", style="bold")
        for i, option in enumerate(self.options):
            if i == self.index:
                text.append(f"‹{option}›", style="reverse")
            else:
                text.append(f" {option} ", style="dim")
            text.append(" ")
        return literal(text)
