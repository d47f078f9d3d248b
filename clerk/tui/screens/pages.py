"""The pages captured for one material (issue 26): re-take, remove, add from a file.

Opened with p on a checklist row.  The intake screen owns the pages (``IntakeScreen.pages``)
and does every change; this dialog lists them and asks.  s scans one more page, r re-takes
the highlighted page from the scanner or camera, Delete removes it, f adds pages from a file
(a picture or a PDF, e.g. an online supplement), Esc goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from clerk.tui.plain import LINE_LIMIT, plain
from clerk.tui.screen import ClerkModal
from clerk.tui.screens.prompt import PromptScreen
from clerk.tui.widgets.banner import Banner, Level
from clerk.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from clerk.capture.pages import Page
    from clerk.tui.screens.intake import IntakeScreen


class PagesScreen(ClerkModal[None]):
    DEFAULT_CSS = """
    PagesScreen { align: center middle; }
    PagesScreen > Vertical { width: 90; max-width: 100%; height: auto; max-height: 100%;
                             border: thick $primary; background: $surface; padding: 0 1; }
    PagesScreen #pages-title { width: 100%; margin-bottom: 1; }
    PagesScreen DataTable { height: auto; max-height: 12; }
    """
    BINDINGS = [
        Binding("s", "capture", "扫描一页", id="pages.capture"),
        Binding("r", "retake", "重拍此页", id="pages.retake"),
        Binding("delete,d", "remove", "删除此页", id="pages.remove"),
        Binding("f", "from_file", "从文件添加", id="pages.file"),
        Binding("escape", "close", "返回", id="pages.close"),
    ]

    def __init__(self, owner: IntakeScreen, key: str, name: str) -> None:
        super().__init__()
        self.owner, self.key, self.material_name = owner, key, name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(f"扫描件：{self.material_name}", limit=LINE_LIMIT), id="pages-title")
            yield DataTable(id="pages-list", cursor_type="row", zebra_stripes=True)
            yield Banner(id="pages-banner")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#pages-list", DataTable)
        table.add_column("页", key="n", width=3)
        table.add_column("图像", key="what")
        self.show_pages()
        table.focus()

    def show_pages(self) -> None:
        """The material's pages as the intake screen holds them now."""
        table = self.query_one("#pages-list", DataTable)
        row = table.cursor_row
        table.clear()
        pages: tuple[Page, ...] = self.owner.pages_of(self.key).pages
        for number, page in enumerate(pages, start=1):
            table.add_row(str(number), Text(page.describe(), no_wrap=True, overflow="ellipsis"))
        if not pages:
            table.add_row("", Text("尚无扫描页：按 s 扫描，或按 f 从文件添加", style="dim"), key="none")
        elif table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))

    def say(self, text: str, level: Level = "warning") -> None:
        self.query_one("#pages-banner", Banner).show(text, level)

    def _index(self) -> int | None:
        if not self.owner.pages_of(self.key).pages:
            self.say("本材料尚无扫描页")
            return None
        return self.query_one("#pages-list", DataTable).cursor_row

    def action_capture(self) -> None:
        self.owner.start_capture(self.key)

    def action_retake(self) -> None:
        index = self._index()
        if index is not None:
            self.owner.start_capture(self.key, index)

    def action_remove(self) -> None:
        index = self._index()
        if index is not None:
            self.owner.remove_page(self.key, index)

    def action_from_file(self) -> None:
        def done(path: str | None) -> None:
            if path:
                self.owner.start_capture(self.key, path=path)

        self.app.push_screen(PromptScreen("从文件添加：图片（JPEG、PNG、TIFF）或 PDF 文件的完整路径",
                                          validate=lambda text: None if text.strip() else "请输入文件路径"), done)

    def action_close(self) -> None:
        self.dismiss(None)
