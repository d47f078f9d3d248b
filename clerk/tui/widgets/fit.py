"""Fitting text from the store into a table cell: a long name ends in “…”.

Cells are counted as the terminal counts them (a Chinese character is two),
so a 60-character company name cannot push a queue's columns off screen.
"""

from __future__ import annotations

from rich.text import Text

from clerk.identity.text import printable


def clip(text: str | None, cells: int, style: str = "") -> Text:
    """``text`` cut to ``cells`` terminal cells, ending in “…” when cut (never markup)."""
    shown = Text(printable(text or "", None), style=style, no_wrap=True, overflow="ellipsis")
    shown.truncate(cells, overflow="ellipsis")
    return shown
