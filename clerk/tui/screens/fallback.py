"""The fallback desk (兜底窗口): queue, supplements, EMS pickups, acceptance.

The queue lists incomplete and 容缺 cases of every window, oldest first, with
the deadline that matters (the 5-working-day one-time-notice limit, or the 容缺
supply-by date) and the working days left; rows about to lapse are red.  Scan
a case's barcode (or type its number and Enter) to open it; tick the materials
that arrived (space), choose the channel, F10 logs the supplement.  Unticking a
material that was never on the one-time notice is refused by the service (一次
告知) and the banner says so.  When the case becomes accepted the 承诺件通知书
is printed, its completion date counted from that moment.

The arriving materials' pages are captured as at the window (issue 26, ``PageCapture``):
s takes the highlighted material's next page from this desk's scanner or document
camera, p lists its pages, f adds a picture or PDF file (an online supplement's).  The
list shows them before the name (``本次▣2``, not saved yet); capturing ticks nothing;
F10 saves them with the supplement or not at all, and refuses pages of a material not
ticked received.  Opening another case drops pages not saved, and says so.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Select, SelectionList, Static

from clerk.domain.desk_views import SupplyChannel
from clerk.domain.intake import MaterialMark, MaterialStatus
from clerk.domain.views import NoticeLine
from clerk.identity.text import NOTE_MAX
from clerk.services.pickups import received_mark
from clerk.tui.messages import Failed, banner_text
from clerk.tui.plain import TYPED, cells, plain
from clerk.tui.plain import lines as plain_lines
from clerk.tui.screens.desk_common import DeskCall, DeskDone, DeskScreen, days_text
from clerk.tui.screens.pages import PageCapture
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.chinese import ClerkSelect
from clerk.tui.widgets.fit import clip
from clerk.tui.widgets.footer import KeyFooter
from clerk.tui.widgets.materials import MaterialFiles
from clerk.tui.widgets.rowdetail import RowDetail

if TYPE_CHECKING:
    from clerk.domain.desk_views import FallbackEntry, MailItemView
    from clerk.domain.scans import MaterialFile
    from clerk.domain.views import CaseView
    from clerk.services.desk import DeskService

CHANNELS = [("现场递交", "in_person"), ("网上上传", "online"), ("EMS揽收", "ems")]


class FallbackMaterials(SelectionList[str]):
    """The open case's materials: space ticks one received; s, p, f its pages (as on the window's
    checklist: ``PageCapture``)."""

    BINDINGS = [
        Binding("s", "screen.capture_page", "扫描", id="fallback.capture"),
        Binding("p", "screen.pages", "扫描页", id="fallback.pages", show=False),  # on the list's edge
        Binding("f", "screen.attach_file", "附文件", id="fallback.file", show=False),
    ]


class FallbackScreen(PageCapture, DeskScreen["DeskService"]):
    WORKER_GROUP = "fallback"
    BINDINGS = [
        Binding("escape", "back", "返回", id="fallback.back", show=False),
        Binding("f3", "refresh", "刷新", id="fallback.refresh"),
        Binding("f10", "save", "补充", id="fallback.save"),
        Binding("f6", "tolerate", "容缺", id="fallback.tolerate"),
        Binding("f7", "pickup", "揽收", id="fallback.pickup"),
        Binding("f8", "reject", "不予受理", id="fallback.reject"),
        Binding("f2", "focus_scan", "扫码", id="fallback.scan", show=False),
        # as on the intake screen: F4 is the materials, written on their pane's title
        Binding("f4", "focus_materials", "材料", id="fallback.materials", show=False),
        Binding("f9", "open_scan", "扫描件", id="fallback.scans"),
    ]
    AUTO_FOCUS = "#fallback-scan"
    PAGES_KEY_ID = "fallback.pages"
    RECEIVE_HINT = "收到请按空格勾选"

    def __init__(self, desk: DeskService | None = None) -> None:
        super().__init__(desk)
        self.case: Any = None
        self.init_capture()
        self._pages_for = uuid4().hex  # the open case's pages (a new one: earlier captures are not kept)

    def compose(self) -> ComposeResult:
        yield Static("兜底窗口 —— 扫描受理编号条码（或输入编号回车）打开案件", id="fallback-title")
        yield Input(placeholder="受理编号（F2）", id="fallback-scan", compact=True, max_length=32, restrict=TYPED)
        yield DataTable(id="fallback-queue", cursor_type="row", zebra_stripes=True)
        yield RowDetail(id="fallback-row")
        with Horizontal(id="fallback-case"):
            yield FallbackMaterials(id="fallback-materials")
            with Vertical(id="fallback-form"):
                yield Static("", id="fallback-detail")
                yield ClerkSelect(CHANNELS, value="in_person", allow_blank=False, id="fallback-channel", compact=True)
                yield Input(placeholder="上传编号 / 邮件号（可空）", id="fallback-ref", compact=True, max_length=64, restrict=TYPED)
                yield Input(placeholder="揽收日期 YYYY-MM-DD 时段 09:00-11:30", id="fallback-pickup", compact=True)
                yield Input(placeholder="不予受理理由", id="fallback-reason", compact=True, max_length=NOTE_MAX, restrict=TYPED)
        yield MaterialFiles(id="fallback-files", listed=False)  # the scans are badges in the list above
        yield Banner()
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#fallback-queue", DataTable)
        # what the desk works by first (fits 80 columns); the rest scrolls in from the right
        table.add_columns("受理编号", "申请人", "剩余", "到期日", "尚缺材料", "事项", "状态", "期限")
        self.query_one("#fallback-materials").border_title = "材料（F4，空格勾选已收到）"
        self.query_one("#fallback-materials").border_subtitle = "p扫描页 f附文件"
        self.open_capture_source()
        self.action_refresh()

    # -- the arriving materials' pages (issue 26: ``PageCapture``) ------------------------
    def capture_token(self) -> str:
        return self._pages_for

    def capture_keys(self) -> set[str]:
        return {e.material.key for e in self.case.checklist.entries} if self.case is not None else set()

    def material_name(self, key: str) -> str:
        entries = self.case.checklist.entries if self.case is not None else ()
        return next((e.material.name for e in entries if e.material.key == key), key)

    def is_received(self, key: str) -> bool:
        return key in self.query_one("#fallback-materials", SelectionList).selected

    def pages_shown(self, key: str) -> None:
        materials = self.query_one("#fallback-materials", SelectionList)
        for index in range(materials.option_count):
            if materials.get_option_at_index(index).value == key:
                materials.replace_option_prompt_at_index(index, self._label(key))

    def _label(self, key: str) -> Text:
        view = self.case
        entry = next(e for e in view.checklist.entries if e.material.key == key)
        flag = "（告知书）" if key in {ln.key for ln in view.one_time_notice or ()} else ""
        scan = view.file_of(key)
        badge = f" {scan.badge}" if scan is not None else ""
        pending = f"本次▣{len(self.pages[key])} " if key in self.pages else ""  # first: a long name cuts the end
        return plain(f"{pending}{entry.material.name}{flag}{badge}")

    def _new_pages(self) -> None:
        """The pages captured so far are not this case's any more (saved, or another case opened)."""
        self.forget_pages()
        self._pages_for = uuid4().hex

    def _highlighted_material(self) -> str | None:
        if not self._needs_case():
            return None
        materials = self.query_one("#fallback-materials", SelectionList)
        index = materials.highlighted
        if index is None:
            self.query_one(Banner).show("请先在材料列表（F4）中选中一项材料", "warning")
            return None
        return str(materials.get_option_at_index(index).value)

    def action_capture_page(self) -> None:
        key = self._highlighted_material()
        if key is not None:
            self.start_capture(key)

    def action_pages(self) -> None:
        key = self._highlighted_material()
        if key is not None:
            self.open_pages(key, self.query_one("#fallback-materials", SelectionList).focus)

    def action_attach_file(self) -> None:
        key = self._highlighted_material()
        if key is not None:
            self.ask_file(key)

    def supplement_files(self) -> dict[str, MaterialFile] | None:
        """The pages that go with the supplement: of materials ticked received (None: some pages
        are of a material not ticked, and the banner says which)."""
        unticked = [key for key in self.files if not self.is_received(key)]
        if unticked:
            names = "、".join(f"“{self.material_name(key)}”" for key in unticked)
            self.query_one(Banner).show(f"{names}已有扫描页但未勾选收到：请按空格勾选，或按 "
                                        f"{self.app.keymap.get('fallback.pages', 'p')} 删除其扫描页", "warning")
            return None
        return dict(self.files)

    # -- workers -----------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="fallback-list")
    def _list(self) -> None:
        self.run_call(DeskCall("queue", lambda desk: desk.fallback_queue(), self._fill_queue))

    # -- actions -------------------------------------------------------------------
    def action_refresh(self) -> None:
        self._list()

    def action_focus_scan(self) -> None:
        self.query_one("#fallback-scan", Input).focus()

    def action_focus_materials(self) -> None:
        if self._needs_case():
            self.query_one("#fallback-materials", SelectionList).focus()

    def action_open_scan(self) -> None:
        """The scan of the highlighted material (``▣2`` in the list), with the system viewer."""
        if not self._needs_case():
            return
        materials = self.query_one("#fallback-materials", SelectionList)
        index = materials.highlighted
        key = str(materials.get_option_at_index(index).value) if index is not None else ""
        file = self.case.file_of(key) if key else None
        name = next((e.material.name for e in self.case.checklist.entries if e.material.key == key), key)
        if file is None:
            self.query_one(Banner).show(f"材料“{name}”没有扫描件" if key else "请先在材料列表（F4）中选中一项材料",
                                        "warning")
        elif file.purged:
            self.query_one(Banner).show(f"材料“{name}”的扫描件已按保存期限清理，只保留了摘要", "warning")
        else:
            self.query_one(MaterialFiles).open_file(file.id, f"{name} {file.badge}")

    @on(MaterialFiles.Said)
    def _scan_said(self, event: MaterialFiles.Said) -> None:
        self.query_one(Banner).show(event.text, event.level)  # type: ignore[arg-type]

    @on(Input.Submitted, "#fallback-scan")
    def _scanned(self, event: Input.Submitted) -> None:
        number = event.value.strip()
        event.input.value = ""
        if number:
            self.open_case(number)

    @on(DataTable.RowSelected, "#fallback-queue")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.open_case(str(event.row_key.value))

    def open_case(self, number: str) -> None:
        self.query_one(Banner).show(f"正在打开 {number} ……", "info")
        user, window = self.user, self.window
        self.call("open", lambda desk: desk.open(user, window, number), self._opened)

    def _marks(self) -> dict[str, Any]:
        """Materials newly ticked → received as the notice asks; unticked received ones → demanded again."""
        chosen = set(self.query_one("#fallback-materials", SelectionList).selected)
        marks: dict[str, Any] = {}
        for e in self.case.checklist.entries:
            m = e.material
            had = self.case.marks.get(m.key, MaterialMark()).status.received
            if m.key in chosen and not had:
                marks[m.key] = received_mark(NoticeLine(m.key, m.name, str(m.form), m.copies, m.requirement))
            elif had and m.key not in chosen:
                marks[m.key] = MaterialMark(MaterialStatus.MISSING)
        return marks

    def _needs_case(self) -> bool:
        if self.case is None:
            self.query_one(Banner).show("请先扫码或输入受理编号打开案件", "warning")
            return False
        return True

    def action_save(self, tolerate: bool = False) -> None:
        if not self._needs_case():
            return
        files = self.supplement_files()  # first: pages of an unticked material are why nothing is ticked
        if files is None:
            return
        marks = self._marks()
        if not marks and not tolerate:
            self.query_one(Banner).show("没有新勾选的材料", "warning")
            return
        if self._capturing is not None:
            self.query_one(Banner).show(f"正在采集“{self.material_name(self._capturing)}”的扫描页，请等采集完成后再登记",
                                        "warning")
            return
        channel = SupplyChannel(str(self.query_one("#fallback-channel", Select).value))  # never blank
        reference = self.query_one("#fallback-ref", Input).value
        user, window, case, token = self.user, self.window, self.case, self._pages_for
        self.call("supplement", lambda desk: desk.log_supplement(user, window, case.number, marks, channel,
                                                                 reference=reference, tolerate=tolerate,
                                                                 version=case.version, files=files),
                  partial(self._supplemented, token, len(files)))

    def action_tolerate(self) -> None:
        self.action_save(tolerate=True)

    def action_pickup(self) -> None:
        if not self._needs_case():
            return
        text = self.query_one("#fallback-pickup", Input).value.split()
        try:
            day = date.fromisoformat(text[0])
            start, end = text[1].split("-")
        except (IndexError, ValueError):
            self.query_one(Banner).show("揽收安排请按“2026-11-26 09:00-11:30”填写", "error")
            return
        arriving = self.query_one("#fallback-materials", SelectionList).selected
        owed = self.desk.still_owed(self.case, arriving)
        user, window, case = self.user, self.window, self.case
        self.call("pickup", lambda desk: desk.schedule_pickup(user, window, case.number, owed, day=day,
                                                              window_from=start, window_to=end,
                                                              version=case.version), self._pickup_scheduled)

    def action_reject(self) -> None:
        if not self._needs_case():
            return
        reason = self.query_one("#fallback-reason", Input).value
        user, window, case = self.user, self.window, self.case
        self.call("reject", lambda desk: desk.reject(user, window, case.number, reason, version=case.version),
                  self._changed)

    # -- results -------------------------------------------------------------------
    def _opened(self, view: CaseView) -> None:
        self._show_case(view)
        self.query_one(Banner).show(f"已打开 {view.number}：{view.state}", "info")

    def _pickup_scheduled(self, item: MailItemView) -> None:
        self.query_one(Banner).show(f"已安排 {item.pickup_on:%m-%d} {item.pickup_from}-{item.pickup_to} 上门揽收："
                                    f"{item.contents}", "ok")
        user, window, number = self.user, self.window, item.case_number
        self.call("reopen", lambda desk: desk.open(user, window, number), self._show_case)

    def _supplemented(self, token: str, scans: int, view: CaseView) -> None:
        """A supplement was recorded, with the pages captured for it (``scans`` materials')."""
        if token == self._pages_for:
            self._new_pages()  # saved with it: they are the case's now, listed as ▣n
        self._changed(view, f"，扫描件 {scans} 份已保存" if scans else "")

    def _changed(self, view: CaseView, saved: str = "") -> None:
        """A supplement or a refusal was recorded."""
        self._show_case(view)
        # whatever the change queued (承诺件通知书, 容缺承诺书, 不予受理通知书) is printed now
        waiting = list(dict.fromkeys(n.kind.title for n in view.notices if not n.status.issued))
        who = f"{view.number}（{view.applicant.name}）"
        banner = self.query_one(Banner)
        if waiting:
            banner.show(f"{who}{saved}：当前状态 {view.state}，正在打印{'、'.join(waiting)}……", "ok", sticky=True)
            self._print(view.number)
        else:
            banner.show(f"{who}：已登记{saved}，当前状态 {view.state}", "ok", sticky=True)
        self.action_refresh()

    def _printed(self, text: str) -> None:
        self.query_one(Banner).show(text, "ok")

    @work(thread=True, exclusive=True, exit_on_error=False, group="fallback-print")
    def _print(self, number: str) -> None:
        services = self.app.services
        try:
            results = services.print_case(number, self.user, self.window)
            text = f"{number}：{services.describe_print(results)}"
        except Exception as exc:
            self.post_message(Failed("print", exc, banner_text(exc)))
        else:
            self.post_message(DeskDone(partial(self._printed, text)))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        # not saved / not printed stays until the clerk's next action; a failed list is an outage line
        event.stop()  # shown here: the app's banner would show it again, no longer lasting
        self.query_one(Banner).show(event.text, "error", sticky=event.action not in ("queue", "open", "reopen"))

    def show_case_again(self, view: CaseView) -> None:
        """Changed at another window: read it again as this clerk may see it (an audited view)."""
        user, window, number = self.user, self.window, view.number
        self.call("reopen", lambda desk: desk.open(user, window, number), self._show_case)

    def _fill_queue(self, entries: list[FallbackEntry]) -> None:
        self.query_one(Banner).clear_outage()  # the store answered
        table = self.query_one("#fallback-queue", DataTable)
        row = table.cursor_row
        table.clear()
        self.entries = {e.number: e for e in entries}
        for e in entries:
            d = e.deadline
            style = "bold red" if d and d.warn else ""
            due = (f"{d.due_on:%Y-%m-%d}" + ("（暂定）" if d.provisional else "")) if d else ""
            kind = d.kind.label if d else ("已告知待补正" if str(e.state) == "待补正" else "")
            table.add_row(*cells(e.number, clip(e.applicant_name, 14), Text(days_text(d.days_left), style=style) if d else "",
                          due, clip("、".join(e.outstanding), 20), clip(e.name, 16), str(e.state), kind),
                          key=e.number)
        if entries and row is not None:  # a live reload keeps the clerk's place
            table.move_cursor(row=min(row, len(entries) - 1))
        self._show_row()
        lapsing = sum(1 for e in entries if e.deadline and e.deadline.warn)
        self.query_one("#fallback-queue").border_title = f"待补正 / 容缺 {len(entries)} 件" + (
            f"，{lapsing} 件即将或已经超期" if lapsing else "")

    @on(DataTable.RowHighlighted, "#fallback-queue")
    def _show_row(self) -> None:
        """The highlighted case in full under the queue: the list cuts names at 80 columns."""
        table = self.query_one("#fallback-queue", DataTable)
        entry = None
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            entry = getattr(self, "entries", {}).get(key)
        if entry is None:
            self.query_one("#fallback-row", RowDetail).show_lines([])
            return
        d = entry.deadline
        due = ""
        if d:
            due = f" · {d.kind.label} {d.due_on:%Y-%m-%d}" + ("（暂定）" if d.provisional else "") + \
                f"（{days_text(d.days_left)}）"
        self.query_one("#fallback-row", RowDetail).show_lines([
            f"{entry.number} {entry.state}{due}",
            "尚缺：" + ("、".join(entry.outstanding) or "—"),
            f"申请人：{entry.applicant_name} · {entry.name}",
        ])

    def _show_case(self, view: CaseView) -> None:
        if self.case is not None and self.case.number != view.number:
            if self.pages:  # captured for the case left and never saved
                left = sum(len(p) for p in self.pages.values())
                self.query_one(Banner).show(f"{self.case.number} 未登记的 {left} 页扫描件已放弃", "warning",
                                            sticky=True)
            self._new_pages()
        self.case = view
        materials = self.query_one("#fallback-materials", SelectionList)
        materials.clear_options()
        on_notice = {ln.key for ln in view.one_time_notice or ()}
        for e in view.checklist.entries:
            m = e.material
            mark = view.marks.get(m.key)
            has_it = bool(mark and mark.status.received)
            materials.add_option((self._label(m.key), m.key, has_it))
        a = view.applicant
        lines = [f"{view.number}  {view.name}", f"状态：{view.state}  申请人：{a.name}  {a.address}"]
        lines += [f"{d.kind.label}：{d.due.date:%Y-%m-%d}" + ("  已完成" if d.met_at else "")
                  for d in view.deadlines]
        self.query_one("#fallback-detail", Static).update(plain_lines(lines))
        user, window = self.user, self.window
        self.query_one(MaterialFiles).show(
            view, lambda file_id: self.desk.open_material(user, window, view.number, file_id))
        received = {k for k, mark in view.marks.items() if mark.status.received}
        owed = [i for i, e in enumerate(view.checklist.entries)
                if e.material.key in on_notice and e.material.key not in received]
        if owed:  # the cursor starts on the first material still owed, not on one already received
            materials.highlighted = owed[0]
        materials.focus()
