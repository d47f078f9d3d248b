"""The highlighted row of a desk's list, in full, on the lines under the list.

At 80 columns a queue cuts names, items and the missing-material list with "…";
the clerk reads the whole of the row she is on here.  Shown as text, never markup,
and masked exactly as the list masks (ID numbers and phones never in full).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import Static

from clerk.tui.plain import lines as plain_lines


class RowDetail(Static):
    DEFAULT_CSS = """
    RowDetail { height: auto; max-height: 6; padding: 0 1; color: $text-muted; background: $boost; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def show_lines(self, rows: Iterable[str]) -> None:
        self.update(plain_lines(list(rows), limit=600))
