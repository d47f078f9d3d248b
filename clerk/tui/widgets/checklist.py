"""The checklist: one row per material (merged for a bundle).

Keys on a row: 1 原件, 2 复印件, 3 缺, 4 容缺, 5 不适用, + / − copies, n note,
a marks every unticked row as received original, s captures the row's next page
(scanner or document camera), p lists its pages (re-take, remove, add from a file).
The table only shows the marks and page counts (``▣2``); the intake screen owns them
and asks ``assess`` for the verdict.
"""

from __future__ import annotations

from os.path import commonprefix

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from clerk.catalog.model import Checklist, Need
from clerk.domain.intake import MaterialMark, MaterialStatus
from clerk.identity.text import printable
from clerk.tui.plain import cells

_STATUS_STYLE = {
    MaterialStatus.PENDING: "dim",
    MaterialStatus.ORIGINAL: "bold green",
    MaterialStatus.COPY: "green",
    MaterialStatus.MISSING: "bold red",
    MaterialStatus.TOLERATED: "bold yellow",
    MaterialStatus.NOT_APPLICABLE: "dim",
    MaterialStatus.COMMITTED: "bold cyan",
}
_NEED_MARK = {Need.REQUIRED: "", Need.CONDITIONAL: "（情形）", Need.OPTIONAL: "（非必要）"}
ALT_MARK = "[或] "  # one of several alternatives (any one of them will do)


def _cut(text: str, width: int) -> str:
    shown = Text(text)
    shown.truncate(width, overflow="ellipsis")
    return shown.plain


def _head(text: str, cells: int) -> str:
    """The longest start of ``text`` that fits ``cells`` terminal cells."""
    out = ""
    for char in text:
        if cell_len(out + char) > cells:
            break
        out += char
    return out


def _apart(mark: str, body: str, shared: int, width: int) -> str:
    """``body`` in ``width`` cells, its first ``shared`` characters (the same in other names) cut short so
    that what differs shows: 经营场所租赁合同 → “经…租赁…”."""
    room = width - cell_len(mark) - 1  # the “…” between the start and what differs
    tail = body[shared:]
    tail_cells = min(cell_len(tail), max(4, room // 2))  # at least two Chinese characters of the difference
    cut = cell_len(tail) > tail_cells
    head = _head(body[:shared], room - tail_cells - cut)
    return f"{mark}{head}…{_cut(tail, tail_cells + 1) if cut else tail}"


def distinct_names(names: list[str], width: int) -> list[str]:
    """The names as a ``width``-cell column can show them apart: names it would cut to the same text
    (two alternatives 经营场所租赁合同 and 经营场所产权证明 both read “[或] 经营场 …” at 80 columns)
    shorten the start they share instead, “[或] 经…租赁…”; the whole name shows under the list."""
    shown = [_cut(name, width) for name in names]
    out = list(names)
    for text in set(shown):
        same = [i for i, cut in enumerate(shown) if cut == text]
        group = [names[i] for i in same]
        if len(set(group)) < 2:
            continue  # one row, or the same name twice: nothing to tell apart
        mark = ALT_MARK if all(name.startswith(ALT_MARK) for name in group) else ""
        bodies = [name[len(mark):] for name in group]
        shared = min(len(commonprefix(bodies)), min(len(body) for body in bodies) - 1)
        if shared > 0:
            for i, body in zip(same, bodies, strict=True):
                out[i] = _apart(mark, body, shared, width)
    return out


class ChecklistTable(DataTable):
    BINDINGS = [
        Binding("1", "mark('已收原件')", "原件", id="checklist.original"),
        Binding("2", "mark('已收复印件')", "复印", id="checklist.copy"),
        Binding("3", "mark('缺')", "缺", id="checklist.missing"),
        Binding("4", "mark('容缺')", "容缺", id="checklist.tolerated"),
        Binding("5", "mark('不适用')", "不适用", id="checklist.not_applicable"),
        # rare (only materials the catalog marks 〔可告知承诺〕): the material's detail line names it, not the footer
        Binding("6", "mark('告知承诺')", "告知承诺", id="checklist.pledge", show=False),
        Binding("plus,equals_sign", "copies(1)", "份数+", id="checklist.more_copies", show=False),
        Binding("minus", "copies(-1)", "份数−", id="checklist.fewer_copies", show=False),
        Binding("n", "note", "备注", id="checklist.note", show=False),
        Binding("a", "all_received", "其余收原件", id="checklist.all_received", show=False),  # on the pane's edge
        Binding("s", "capture", "扫描", id="checklist.capture"),
        Binding("p", "pages", "扫描页", id="checklist.pages", show=False),  # on the pane's edge
    ]

    class Marked(Message):
        """The clerk asked for a new status on a material."""

        def __init__(self, key: str, status: MaterialStatus) -> None:
            super().__init__()
            self.key, self.status = key, status

    class CopiesChanged(Message):
        def __init__(self, key: str, delta: int) -> None:
            super().__init__()
            self.key, self.delta = key, delta

    class NoteRequested(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class AllReceived(Message):
        pass

    class CaptureRequested(Message):
        """The clerk asked for the row's next page from the window's scanner or camera."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class PagesRequested(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    #: the fixed columns' widths; the material's name takes the rest of the pane
    FIXED = {"n": 2, "form": 6, "status": 12}

    def __init__(self, id: str | None = "checklist") -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.checklist: Checklist | None = None
        self._marks: dict[str, MaterialMark] = {}
        self._pages: dict[str, tuple[int, bool]] = {}  # material key → (pages, travels with the visit)
        self._names: dict[str, str] = {}  # material key → the name as the column shows it
        self._name_width = 0

    def on_mount(self) -> None:
        self._columns(21)

    def _columns(self, name_width: int) -> None:
        # no horizontal scrolling at any width: a long name ends in “…”; the whole
        # name, the requirement text and the note of the highlighted row show below
        self._name_width = name_width
        self.add_column("#", key="n", width=self.FIXED["n"])
        self.add_column("材料", key="name", width=name_width)
        self.add_column("要求", key="form", width=self.FIXED["form"])
        self.add_column("状态", key="status", width=self.FIXED["status"])

    def on_resize(self) -> None:
        padding = 2 * self.cell_padding * (len(self.FIXED) + 1)
        name_width = max(8, self.size.width - sum(self.FIXED.values()) - padding - 1)  # 1: the scrollbar
        if name_width != self._name_width:
            self.clear(columns=True)
            self._columns(name_width)
            self._shown_rows = []
            self.show(self.checklist, self._marks)

    @property
    def current_key(self) -> str | None:
        if self.checklist is None or not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def show(self, checklist: Checklist | None, marks: dict[str, MaterialMark]) -> None:
        """Rebuild the rows (new item or new situation answers)."""
        rows = self._rows(checklist)
        if rows == self._shown_rows:
            # the same rows (a situation answer that changes no material, an undone scan burst,
            # an empty list emptied again): only the status cells that differ are redrawn
            shown, self.checklist, self._marks = self._marks, checklist, dict(marks)
            for key, *_ in rows:
                if shown.get(key) != marks.get(key):
                    self.update_cell(key, "status", self._mark_cell(marks.get(key)))
            return
        self.checklist, self._marks, self._shown_rows = checklist, dict(marks), rows
        row = self.cursor_row
        self.clear()
        names = distinct_names([name for _, _, name, _ in rows], self._name_width)
        self._names = {key: name for (key, *_), name in zip(rows, names, strict=True)}
        self._pages = {key: shown for key, shown in self._pages.items() if key in self._names}
        for (key, n, _, form), name in zip(rows, names, strict=True):
            self.add_row(n, self._name_cell(key), form, self._mark_cell(marks.get(key)), key=key)
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))

    _shown_rows: list[tuple[str, str, str, str]] = []

    @staticmethod
    def _rows(checklist: Checklist | None) -> list[tuple[str, str, str, str]]:
        """(key, number, name, form) of each row, without the status."""
        if checklist is None:
            return []
        bundle = len(checklist.item_codes) > 1
        rows = []
        for i, entry in enumerate(checklist.entries, start=1):
            m = entry.material
            name = m.name + _NEED_MARK[m.need] + ("〔可容缺〕" if m.tolerable else "") + ("〔可告知承诺〕" if m.commitment else "")
            if bundle and len(entry.needed_by) > 1:
                name += f"（{len(entry.needed_by)}项共用）"
            if m.alt_group:
                name = ALT_MARK + name
            rows.append((m.key, str(i), printable(name, None), f"{m.form.value}×{m.copies}"))
        return rows

    def _name_cell(self, key: str) -> Text:
        """The name, after the page count when the row has pages (``▣2``; dim: they do not travel)."""
        name = self._names.get(key, "")
        count, kept = self._pages.get(key, (0, True))
        if not count:
            return Text(name, no_wrap=True, overflow="ellipsis")
        mark = f"▣{count} "
        cell = Text(mark, style="bold cyan" if kept else "dim strike", no_wrap=True, overflow="ellipsis")
        cell.append(_cut(name, max(1, self._name_width - cell_len(mark))))
        return cell

    def update_pages(self, key: str, count: int, kept: bool = True) -> None:
        """The row's page count (0: none); ``kept`` False: the pages do not travel (不适用)."""
        shown = (count, kept)
        if self._pages.get(key, (0, True)) == shown:
            return
        if count:
            self._pages[key] = shown
        else:
            self._pages.pop(key, None)
        if key in self._names:
            self.update_cell(key, "name", self._name_cell(key))

    def page_counts(self) -> dict[str, int]:
        """The page counts shown, per material key (for tests and the detail line)."""
        return {key: count for key, (count, _) in self._pages.items()}

    def update_mark(self, key: str, mark: MaterialMark | None) -> None:
        if mark is None:
            self._marks.pop(key, None)
        else:
            self._marks[key] = mark
        self.update_cell(key, "status", self._mark_cell(mark))

    @staticmethod
    def _mark_cell(mark: MaterialMark | None) -> Text:
        mark = mark or MaterialMark()
        status = Text(mark.status.value, style=_STATUS_STYLE[mark.status])
        if mark.status.received:
            status.append(f"×{mark.copies}")
        if mark.supply_by:
            status.append(f"→{mark.supply_by:%m-%d}")
        if mark.note:
            status.append("*", style="bold")
        return status

    # -- actions -------------------------------------------------------
    def action_mark(self, status: str) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Marked(key, MaterialStatus(status)))
            if self.cursor_row < self.row_count - 1:
                self.move_cursor(row=self.cursor_row + 1)

    def action_copies(self, delta: int) -> None:
        if (key := self.current_key) is not None:
            self.post_message(self.CopiesChanged(key, delta))

    def action_note(self) -> None:
        if (key := self.current_key) is not None:
            self.post_message(self.NoteRequested(key))

    def action_capture(self) -> None:
        if (key := self.current_key) is not None:
            self.post_message(self.CaptureRequested(key))

    def action_pages(self) -> None:
        if (key := self.current_key) is not None:
            self.post_message(self.PagesRequested(key))

    def action_all_received(self) -> None:
        if self.checklist is not None:
            self.post_message(self.AllReceived())
