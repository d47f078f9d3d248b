"""The session's messages with their times (F11), newest first.

Opening it acknowledges the messages that stayed on the banners.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from clerk.tui.screen import ClerkModal
from clerk.tui.widgets.footer import KeyFooter

_LEVELS = {"error": "✖ 错误", "warning": "⚠ 注意", "info": "ℹ 提示", "ok": "✔ 完成"}


class MessageHistoryScreen(ClerkModal[None]):
    DEFAULT_CSS = """
    MessageHistoryScreen { align: center middle; }
    MessageHistoryScreen > Vertical { width: 95%; height: 85%; border: thick $primary; background: $surface; }
    MessageHistoryScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,f11", "close", "关闭", id="history.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("本次登录以来的全部消息（最新在上）")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("时间", "类别", "消息")
        log = getattr(self.app, "message_log", None)
        for entry in reversed(log.entries if log is not None else []):
            table.add_row(f"{entry.at:%H:%M:%S}", _LEVELS.get(entry.level, entry.level), Text(entry.text))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
