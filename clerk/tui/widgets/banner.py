"""The banner for errors and confirmations, in Chinese, on every screen.

Messages that matter stay: a *sticky* message (saved, not saved, not printed,
kept, conflict) is not pushed off by later ones — the banner shows up to
``MAX_STICKY`` of them above the newest message, until the clerk acknowledges
(F11, the message history) or starts the next action (``clear``).  A message
that reports an outage is dropped by ``clear_outage`` once the store answers
again.  Every message shown is also written to the app's ``message_log``
(clerk.tui.messages.MessageLog) with its time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.widgets import Static

from clerk.identity.text import printable

Level = Literal["error", "warning", "info", "ok"]

BANNER_LIMIT = 600
_ICONS = {"error": "✖", "warning": "⚠", "info": "▸", "ok": "✔"}  # signs, never a letter (ℹ read as "i")
_SEVERITY = ("info", "ok", "warning", "error")
MAX_STICKY = 3
#: Sentences of clerk.store.errors.StoreUnavailable: an outage, not an answer about a case.
OUTAGE_MARKERS = ("数据库暂时无法连接", "数据库繁忙")
#: Sentences that always matter (clerk.store.errors.ConcurrentUpdate).
STICKY_MARKERS = ("已被其他窗口更新",)


def is_outage(text: str) -> bool:
    return text.startswith(OUTAGE_MARKERS)


@dataclass(frozen=True)
class Line:
    level: Level
    text: str
    sticky: bool
    outage: bool


class Banner(Static):
    """Hidden while empty; ``show`` adds a message (sticky ones stay), ``clear`` empties it."""

    DEFAULT_CSS = """
    Banner { display: none; height: auto; padding: 0 1; }
    Banner.-shown { display: block; }
    Banner.-error { background: $error; color: $text; text-style: bold; }
    Banner.-warning { background: $warning; color: $text; }
    Banner.-info { background: $primary; color: $text; }
    Banner.-ok { background: $success; color: $text; }
    """

    def __init__(self, id: str | None = "banner") -> None:
        super().__init__("", id=id, markup=False)
        self.lines: list[Line] = []

    @property
    def text(self) -> str:
        """Everything the banner shows, oldest first, one message a line."""
        return "\n".join(line.text for line in self.lines)

    @property
    def level(self) -> Level | None:
        """The level of the newest message (None when empty)."""
        return self.lines[-1].level if self.lines else None

    def show(self, text: str, level: Level = "error", *, sticky: bool | None = None) -> None:
        if sticky is None:  # shown again (a screen's message the app repeats) keeps its stay
            sticky = (any(marker in text for marker in STICKY_MARKERS)
                      or any(line.sticky and line.text == text for line in self.lines))
        outage = is_outage(text) and not sticky
        kept = [line for line in self.lines if line.sticky and line.text != text]
        self.lines = [*kept[-(MAX_STICKY - 1 if sticky else MAX_STICKY):], Line(level, text, sticky, outage)]
        self._draw()
        log = getattr(self.app, "message_log", None)
        if log is not None:
            log.add(level, text, where=type(self.screen).__name__ if self.is_attached else "")
        if outage:
            live = getattr(self.app, "live", None)
            if live is not None:
                live.outage_shown()

    def clear(self) -> None:
        """The next action: every message goes (they stay in the history)."""
        self.lines = []
        self._draw()

    def withdraw(self, text: str) -> bool:
        """Take back a message that no longer holds (the data was fixed); False when not shown."""
        kept = [line for line in self.lines if line.text != text]
        if len(kept) == len(self.lines):
            return False
        self.lines = kept
        self._draw()
        return True

    def acknowledge(self) -> None:
        """The clerk has read the messages that mattered."""
        self.lines = [line for line in self.lines if not line.sticky]
        self._draw()

    def clear_outage(self) -> bool:
        """The store answers again: drop the outage messages; True when one was shown."""
        before = len(self.lines)
        self.lines = [line for line in self.lines if not line.outage]
        if len(self.lines) != before:
            self._draw()
            return True
        return False

    def _draw(self) -> None:
        self.remove_class("-error", "-warning", "-info", "-ok", "-shown")
        if not self.lines:
            self.update("")
            return
        worst = max((line.level for line in self.lines), key=_SEVERITY.index)
        self.add_class("-shown", f"-{worst}")
        content = Text()
        for i, line in enumerate(self.lines):
            if i:
                content.append("\n")
            # literal text, controls made visible: banners quote names and scans;
            # no space after the icon: a long text wraps after the icon, not before it
            content.append(_ICONS[line.level])
            content.append(printable(line.text, BANNER_LIMIT))
        self.update(content)
