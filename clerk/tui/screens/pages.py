"""The pages captured for one material (issue 26): capture, re-take, remove, add from a file.

``PageCapture`` is what the window's intake screen and the fallback desk's supplement share:
the screen holds each material's pages (``pages``) and their PDFs (``files``), a capture runs
in a worker and posts ``PagesCaptured``.  ``PagesScreen``, opened with p on a material's row,
lists one material's pages and asks the screen for every change.  s scans one more page, r re-takes
the highlighted page from the scanner or camera, Delete removes it, f adds pages from a file
(a picture or a PDF, e.g. an online supplement), Esc goes back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from clerk.tui.messages import Message, banner_text
from clerk.tui.plain import LINE_LIMIT, plain
from clerk.tui.screen import ClerkModal, ClerkScreen
from clerk.tui.screens.prompt import PromptScreen
from clerk.tui.widgets.banner import Banner, Level
from clerk.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from clerk.capture.pages import MaterialPages, Page
    from clerk.capture.sources import Captured, DropFolderSource, ScannerSource
    from clerk.domain.scans import MaterialFile


class PagesCaptured(Message):
    """A capture worker's result: the material's pages after it, or the clerk's line why not."""

    def __init__(self, token: str, key: str, *, before: MaterialPages | None = None,
                 after: MaterialPages | None = None, file: MaterialFile | None = None, added: tuple[Page, ...] = (),
                 index: int | None = None, error: str = "") -> None:
        super().__init__()
        self.token, self.key, self.before, self.after, self.file = token, key, before, after, file
        self.added, self.index, self.error = added, index, error


if TYPE_CHECKING:
    _Base = ClerkScreen
else:
    _Base = object


class PageCapture(_Base):
    """Capturing the pages of a list of materials: the window's checklist and the fallback desk's
    supplement share it.  The screen holds the pages (``pages``, one ``MaterialPages`` per material
    key) and their PDFs (``files``); a capture runs in a worker (group ``capture``) and posts
    ``PagesCaptured``; ``PagesScreen`` lists one material's pages and asks for changes.

    The screen says which pages are current (``capture_token``: the visit, the open case), which
    materials are on its list, their names, and shows a material's count (``pages_shown``).
    Capturing never marks a material received.
    """

    #: the binding id of the key that opens the page list from the screen's material list
    PAGES_KEY_ID = "checklist.pages"
    #: how the clerk marks a material received on this screen (said after a capture)
    RECEIVE_HINT = "收件请按 1（原件）或 2（复印件）"

    pages: dict[str, MaterialPages]
    files: dict[str, MaterialFile]
    capture_source: ScannerSource | DropFolderSource | None
    _capturing: str | None
    _pages_dialog: PagesScreen | None

    def init_capture(self) -> None:
        self.pages, self.files = {}, {}
        self.capture_source = None
        self._capturing = None  # the material a capture worker is taking a page for
        self._pages_dialog = None

    # -- what the screen says ---------------------------------------------------------
    def capture_token(self) -> str:
        """Names what the pages belong to now (a capture for another is not kept)."""
        raise NotImplementedError

    def capture_keys(self) -> set[str]:
        """The materials on the screen's list now."""
        raise NotImplementedError

    def material_name(self, key: str) -> str:
        raise NotImplementedError

    def is_received(self, key: str) -> bool:
        raise NotImplementedError

    def pages_shown(self, key: str) -> None:
        """Show the material's page count (its row, its detail)."""
        raise NotImplementedError

    # -- the device, the pages --------------------------------------------------------------
    def open_capture_source(self) -> None:
        """The scanner or document camera of ``[capture]`` (made now: a camera's folder is looked
        at once, so that pictures already there are never taken for this screen's materials)."""
        from clerk.capture.sources import configured_source

        try:
            self.capture_source = configured_source(self.app.services.settings.capture)
        except Exception:  # noqa: BLE001 - a source that cannot be made says why at the first capture
            self.capture_source = None

    def forget_pages(self) -> None:
        """The pages go (a visit saved or abandoned, a case saved or left), and a camera's picture
        never taken for them is not the next one's."""
        self.pages, self.files = {}, {}
        discard = getattr(self.capture_source, "discard_waiting", None)
        if discard is not None:
            discard()

    def pages_of(self, key: str) -> MaterialPages:
        from clerk.capture.pages import MaterialPages

        found = self.pages.get(key)
        if found is None:
            found = MaterialPages(max_pages=self.app.services.settings.capture.max_pages)
        return found

    def say_capture(self, text: str, level: Level = "warning") -> None:
        dialog = self._pages_dialog
        if dialog is not None and dialog.is_attached:
            dialog.say(text, level)
        self.query_one(Banner).show(text, level)

    def open_pages(self, key: str, closed: Callable[[], object] | None = None) -> None:
        """The material's page list (``PagesScreen``)."""
        dialog = PagesScreen(self, key, self.material_name(key))
        self._pages_dialog = dialog

        def done(_: None) -> None:
            self._pages_dialog = None
            if closed is not None:
                closed()

        self.app.push_screen(dialog, done)

    def ask_file(self, key: str) -> None:
        """Pages from a file (a picture or a PDF, e.g. an online supplement)."""
        def done(path: str | None) -> None:
            if path:
                self.start_capture(key, path=path)

        self.app.push_screen(PromptScreen("从文件添加：图片（JPEG、PNG、TIFF）或 PDF 文件的完整路径",
                                          validate=lambda text: None if text.strip() else "请输入文件路径"), done)

    def start_capture(self, key: str, index: int | None = None, path: str = "") -> None:
        """Take the material's next page (``index``: re-take that page) from the scanner or camera,
        or from the file at ``path``, in a worker: the clerk goes on typing meanwhile."""
        if self._capturing is not None:
            self.say_capture(f"正在采集“{self.material_name(self._capturing)}”的上一页，请稍候", "warning")
            return
        source = self.capture_source
        token = self.capture_token()
        if path:
            from clerk.capture.sources import read_file

            def take() -> Captured:
                return read_file(path)
            where = "文件"
        elif source is None:
            dialog = self._pages_dialog
            way = (f"按 {self.app.keymap.get('pages.file', 'f')}" if dialog is not None and dialog.is_attached
                   else f"按 {self.app.keymap.get(self.PAGES_KEY_ID, 'p')} 后")
            self.say_capture(f"本窗口未配置扫描仪或高拍仪（配置文件 [capture]）：可{way}从文件添加", "warning")
            return
        else:
            def take() -> Captured:  # a camera's wait ends when the pages' owner changes
                return source.capture(lambda: self.capture_token() != token)
            where = source.label
        self._capturing = key
        pages = self.pages_of(key)
        what = f"重拍第 {index + 1} 页" if index is not None else f"第 {len(pages) + 1} 页"
        self.say_capture(f"正在从{where}采集“{self.material_name(key)}”{what}……（可继续录入）", "info")
        self._capture(token, key, take, pages, index)

    @work(thread=True, exclusive=False, exit_on_error=False, group="capture")
    def _capture(self, token: str, key: str, take: Callable[[], Captured], before: MaterialPages,
                 index: int | None) -> None:
        from clerk.capture.pages import CaptureError, pages_from_bytes

        try:
            got = take()
            new = tuple(pages_from_bytes(got.data, source=got.source))
            if index is not None and len(new) != 1:
                raise CaptureError(f"重拍只能换成一页，该文件有 {len(new)} 页")
            after = before.adding(list(new)) if index is None else before.replacing(index, new[0])
            file = after.file(key)  # the PDF and its digests, built here: no key waits for them
        except CaptureError as exc:
            self.post_message(PagesCaptured(token, key, error=str(exc), index=index))
        except Exception as exc:  # noqa: BLE001 - said to the clerk, the work goes on
            self.post_message(PagesCaptured(token, key, error=f"采集失败：{banner_text(exc)}", index=index))
        else:
            self.post_message(PagesCaptured(token, key, before=before, after=after, file=file, added=new,
                                            index=index))

    def on_pages_captured(self, event: PagesCaptured) -> None:
        from clerk.capture.pages import CaptureError

        self._capturing = None
        name = self.material_name(event.key)
        current_token = self.capture_token()
        if event.error and event.token != current_token:
            return  # the wait of a visit or case ended meanwhile: nothing to say about it
        if event.error:
            self.say_capture(f"“{name}”未采集：{event.error}", "warning")
            return
        if event.token != current_token or event.key not in self.capture_keys():
            self.say_capture(f"采集完成时“{name}”已不在当前办件的材料清单中，该页未保存", "warning")
            return
        after, file = event.after, event.file
        current = self.pages_of(event.key)
        if current is not event.before:  # a page removed meanwhile: add to what is there now
            try:
                after = current.adding(list(event.added)) if event.index is None else current.replacing(
                    event.index, event.added[0])
            except CaptureError as exc:
                self.say_capture(f"“{name}”未采集：{exc}", "warning")
                return
            file = after.file(event.key)
        assert after is not None
        self.set_pages(event.key, after, file)
        page = event.added[0]
        what = (f"已重拍第 {event.index + 1} 页" if event.index is not None
                else f"已采集第 {len(after) - len(event.added) + 1}"
                     + (f"–{len(after)}" if len(event.added) > 1 else "") + " 页")
        tick = "" if self.is_received(event.key) else f"；{self.RECEIVE_HINT}"
        note = f"（{page.note}）" if page.note else ""
        self.say_capture(f"“{name}”{what}，共 {len(after)} 页 · {page.size_text}{note}{tick}", "ok")

    def set_pages(self, key: str, pages: MaterialPages, file: MaterialFile | None) -> None:
        if len(pages):
            self.pages[key] = pages
        else:
            self.pages.pop(key, None)
        if file is not None:
            self.files[key] = file
        else:
            self.files.pop(key, None)
        self.pages_shown(key)
        dialog = self._pages_dialog
        if dialog is not None and dialog.is_attached and dialog.key == key:
            dialog.show_pages()

    def remove_page(self, key: str, index: int) -> None:
        """Page ``index`` (0-based) of the material removed; its PDF rebuilt."""
        pages = self.pages_of(key)
        if not 0 <= index < len(pages):
            return
        after = pages.without(index)
        self.set_pages(key, after, after.file(key))
        self.say_capture(f"已删除“{self.material_name(key)}”第 {index + 1} 页，剩 {len(after)} 页", "ok")


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

    def __init__(self, owner: PageCapture, key: str, name: str) -> None:
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
        """The material's pages as the screen holds them now."""
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
        self.owner.ask_file(self.key)

    def action_close(self) -> None:
        self.dismiss(None)
