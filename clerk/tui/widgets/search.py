"""The item search: type Chinese, pinyin initials or a code; Enter picks.

The list narrows on every keystroke (``Catalog.search`` is in memory); ↑ ↓
move through the hits without leaving the field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from clerk.tui.plain import TYPED, plain

if TYPE_CHECKING:
    from clerk.catalog.catalog import Catalog

_KIND_LABEL = {"item": "事项", "bundle": "一件事"}


class ItemSearch(Vertical):
    DEFAULT_CSS = """
    ItemSearch { height: auto; }
    ItemSearch #search-results { display: none; height: auto; max-height: 10; overlay: screen; }
    ItemSearch.-open #search-results { display: block; }
    """
    BINDINGS = [
        Binding("down", "move(1)", "下一条", id="search.down", show=False),
        Binding("up", "move(-1)", "上一条", id="search.up", show=False),
        Binding("escape", "close", "收起", id="search.close", show=False),
    ]

    class Picked(Message):
        """The clerk chose an item or bundle."""

        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    class CountsReady(Message):
        """This hall's intakes per code over the last 90 days (search tie-breaks)."""

        def __init__(self, counts: dict[str, int]) -> None:
            super().__init__()
            self.counts = counts

    def __init__(self, id: str | None = "search") -> None:
        super().__init__(id=id)
        self.catalog: Catalog | None = None  # set once the catalog is loaded
        self.counts: dict[str, int] = {}  # code -> recent intakes; ties in a tier go to the busier item

    @work(thread=True, exclusive=True, exit_on_error=False, group="search-counts")
    def load_counts(self, fetch) -> None:
        """Run ``fetch()`` (a store query) off the UI thread; without it ties stay by name."""
        try:
            counts = fetch()
            if self.catalog is not None:
                self.catalog.prepare_search(counts)  # the tie-break order, built here, not per keystroke
        except Exception:  # noqa: BLE001 - a nicety: search works the same without counts
            return
        self.post_message(self.CountsReady(counts))

    @on(CountsReady)
    def _counts_ready(self, event: CountsReady) -> None:
        event.stop()
        self.counts = event.counts

    def compose(self) -> ComposeResult:
        yield Input(placeholder="事项：输入名称、拼音首字母或事项编码，回车选定（F2）", id="search-input", compact=True,
                    max_length=100, restrict=TYPED)
        yield OptionList(id="search-results")

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    @property
    def results(self) -> OptionList:
        return self.query_one("#search-results", OptionList)

    @on(Input.Changed, "#search-input")
    def _narrow(self, event: Input.Changed) -> None:
        event.stop()
        query = event.value.strip()
        results = self.results
        results.clear_options()
        if not query or self.catalog is None:
            self.remove_class("-open")
            return
        hits = self.catalog.search(query, limit=12, counts=self.counts)
        results.add_options(
            Option(plain(f"{hit.label}  [{_KIND_LABEL[hit.kind]} {hit.code}]" + (f"  ← {hit.via}" if hit.via else "")),
                   id=hit.code)
            for hit in hits
        )
        if not hits:
            results.add_option(Option(plain(f"没有与“{query}”匹配的事项"), disabled=True))
        else:
            results.highlighted = 0
        self.add_class("-open")

    @on(Input.Submitted, "#search-input")
    def _pick_highlighted(self, event: Input.Submitted) -> None:
        event.stop()
        results = self.results
        if not self.has_class("-open") or results.highlighted is None:
            return
        option = results.get_option_at_index(results.highlighted)
        if option.id:
            self._pick(option.id)

    @on(OptionList.OptionSelected, "#search-results")
    def _pick_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._pick(event.option.id)

    def _pick(self, code: str) -> None:
        self.remove_class("-open")
        self.input.value = ""
        self.post_message(self.Picked(code))

    def action_move(self, delta: int) -> None:
        results = self.results
        if self.has_class("-open") and results.option_count:
            current = results.highlighted if results.highlighted is not None else -1
            results.highlighted = max(0, min(results.option_count - 1, current + delta))

    def action_close(self) -> None:
        if self.has_class("-open"):
            self.remove_class("-open")
        else:
            self.screen.focus_next()
