"""The EMS station (EMS工作站): results going out and pickups coming in, one queue.

Filter with the selector; ↑↓ picks an item, also from the waybill field (the
list's cursor stays bold while the focus is in a field).  Scan (or type) the
waybill and press Enter to hand the highlighted item to EMS (checked with
``clerk.identity.check_waybill``); F6 marks it delivered / received, F7
returned (with the reason; flagged for follow-up), F8 sends a returned item
again.  F9 prints the day's manifest (交寄清单), F4 exports it as CSV for the
EMS batch system (both role-checked by the service, one audited ``view`` naming
the day's cases).  The list comes masked from the service (``mail_queue``); the
highlighted item's full recipient, phone and address show below it, read through
``open_mail_item`` (a ``view`` event per item opened).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Select, Static

from clerk.domain.desk_views import MailDirection, MailStatus
from clerk.filemodes import private_dirs, write_private
from clerk.identity import check_waybill
from clerk.identity.text import NOTE_MAX
from clerk.printing.rendering import render
from clerk.store.numbering import parse_number
from clerk.tui.messages import Failed
from clerk.tui.plain import TYPED, cells
from clerk.tui.screens.desk_common import DeskCall, DeskScreen
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.chinese import ClerkSelect
from clerk.tui.widgets.fit import clip
from clerk.tui.widgets.footer import KeyFooter
from clerk.tui.widgets.rowdetail import RowDetail

if TYPE_CHECKING:
    from clerk.domain.desk_views import MailItemView
    from clerk.services.desk import DeskService

FILTERS = [("全部在途", "open"), ("结果寄递", "outbound"), ("材料揽收", "inbound"), ("已退回待跟进", "follow_up"),
           ("全部（含已完成）", "all")]


def _query(desk: DeskService, which: str) -> list[MailItemView]:
    if which == "follow_up":
        return desk.mail_queue(follow_up_only=True)
    if which in ("outbound", "inbound"):
        return desk.mail_queue(direction=MailDirection(which), statuses=(MailStatus.QUEUED, MailStatus.HANDED))
    if which == "all":
        return desk.mail_queue()
    return desk.mail_queue(statuses=(MailStatus.QUEUED, MailStatus.HANDED, MailStatus.RETURNED))


class MailScreen(DeskScreen["DeskService"]):
    WORKER_GROUP = "mail"
    BINDINGS = [
        Binding("escape", "back", "返回", id="mail.back", show=False),
        Binding("f3", "refresh", "刷新", id="mail.refresh"),
        Binding("f6", "deliver", "妥投", id="mail.deliver"),
        Binding("f7", "return_item", "退回", id="mail.return"),
        Binding("f8", "requeue", "重寄", id="mail.requeue"),
        Binding("f9", "manifest", "交寄清单", id="mail.manifest"),
        Binding("f4", "export", "导出", id="mail.export"),
        Binding("f2", "focus_waybill", "邮件号", id="mail.waybill", show=False),
        # the fields take no ↑↓ themselves: the arrows pick the item the next waybill goes to
        Binding("up", "move(-1)", "上一件", id="mail.previous", show=False),
        Binding("down", "move(1)", "下一件", id="mail.next", show=False),
    ]
    AUTO_FOCUS = "#mail-waybill"

    def __init__(self, desk: DeskService | None = None, out_dir: Path | None = None) -> None:
        super().__init__(desk)
        self.out_dir = out_dir
        self.items: dict[str, Any] = {}
        self._opened: MailItemView | None = None  # the highlighted item read in full (an audited view)
        self._handing: MailItemView | None = None  # the item the latest waybill was for

    def compose(self) -> ComposeResult:
        yield Static("EMS工作站 —— ↑↓ 选择邮件，扫描或输入邮件号回车即交寄", id="mail-title")
        yield ClerkSelect(FILTERS, value="open", allow_blank=False, id="mail-filter", compact=True)
        yield DataTable(id="mail-items", cursor_type="row", zebra_stripes=True)
        yield RowDetail(id="mail-row")
        yield Input(placeholder="邮件号（扫描）", id="mail-waybill", compact=True, max_length=32, restrict=TYPED)
        yield Input(placeholder="退回原因 / 新地址（重寄时）", id="mail-reason", compact=True, max_length=NOTE_MAX, restrict=TYPED)
        yield Banner()
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#mail-items", DataTable)
        # what the station works by first (fits 80 columns); the rest scrolls in from the right
        table.add_columns("受理编号", "收/寄件人", "状态", "邮件号", "类别", "电话", "地址", "内件", "揽收时间")
        self.action_refresh()

    @work(thread=True, exclusive=True, exit_on_error=False, group="mail-list")
    def _list(self, which: str) -> None:
        self.run_call(DeskCall("list", lambda desk: _query(desk, which), self._listed))

    @work(thread=True, exclusive=True, exit_on_error=False, group="mail-detail")
    def _detail(self, item_id: int) -> None:
        user, window = self.user, self.window
        self.run_call(DeskCall("detail", lambda desk: desk.open_mail_item(user, window, item_id), self._detailed))

    @on(DataTable.RowHighlighted, "#mail-items")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        item = self.items.get(str(event.row_key.value)) if event.row_key is not None else None
        if item is None:
            return
        what = (item.id, item.recipient, item.phone, item.address)
        if getattr(self, "_shown", None) == what:  # a live reload kept the place: no second view event
            return
        self._shown = what
        self._opened = None  # the masked lines until the audited detail arrives
        self._detail(item.id)

    def action_refresh(self) -> None:
        self._list(str(self.query_one("#mail-filter", Select).value))

    def action_focus_waybill(self) -> None:
        self.query_one("#mail-waybill", Input).focus()

    def action_move(self, step: int) -> None:
        """↑↓ from a field: the list's cursor moves, the focus stays where the scan goes."""
        table = self.query_one("#mail-items", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    @on(Select.Changed, "#mail-filter")
    def _filter(self) -> None:
        self.action_refresh()

    def _current(self) -> Any:
        table = self.query_one("#mail-items", DataTable)
        if not table.row_count:
            self.query_one(Banner).show("没有选中的邮件", "warning")
            return None
        return self.items[str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)]

    @on(Input.Submitted, "#mail-waybill")
    def _waybill(self, event: Input.Submitted) -> None:
        self.hand_over(event.value.strip())

    def hand_over(self, waybill: str) -> None:
        """Hand the highlighted item to EMS under ``waybill`` (the service checks the number)."""
        if not waybill:
            return  # an Enter in the empty field (e.g. the one that opened this screen) is nothing
        item = self._current()
        if item is not None:
            self._handing = item
            user, window = self.user, self.window
            self.call("hand_over", lambda desk: desk.hand_over_item(user, window, item.id, waybill), self._moved)

    def expects_scan(self, text: str) -> bool:
        """A waybill scanned here is a scan too (case numbers always are)."""
        return check_waybill(text).ok

    def scanned(self, text: str) -> bool:
        """A scan here: a case number picks its item; anything else is a waybill for the highlighted one."""
        value = text.strip().upper()
        if parse_number(value) is None:
            self.query_one("#mail-waybill", Input).value = value
            self.hand_over(value)
            return True
        self.open_case(value)
        return True

    def open_case(self, number: str) -> None:
        table = self.query_one("#mail-items", DataTable)
        for row, item in enumerate(self.items.values()):
            if item.case_number == number:
                table.move_cursor(row=row)
                self.query_one(Banner).show(f"已选中 {number}：{item.direction.label}{item.status_label}", "info")
                return
        self.query_one(Banner).show(f"当前清单中没有受理编号 {number} 的邮件（可切换筛选或刷新）", "warning")

    def action_deliver(self) -> None:
        if (item := self._current()) is not None:
            user, window = self.user, self.window
            self.call("deliver", lambda desk: desk.deliver_item(user, window, item.id), self._moved)

    def action_return_item(self) -> None:
        if (item := self._current()) is not None:
            reason = self.query_one("#mail-reason", Input).value
            user, window = self.user, self.window
            self.call("return", lambda desk: desk.return_item(user, window, item.id, reason), self._moved)

    def action_requeue(self) -> None:
        if (item := self._current()) is not None:
            address = self.query_one("#mail-reason", Input).value.strip() or None
            user, window = self.user, self.window
            self.call("requeue", lambda desk: desk.requeue_item(user, window, item.id, address=address), self._moved)

    def action_manifest(self) -> None:
        self.call("manifest", lambda desk: self._write_manifest(desk, "pdf"), self._manifest_done)

    def action_export(self) -> None:
        self.call("export", lambda desk: self._write_manifest(desk, "csv"), self._manifest_done)

    def _write_manifest(self, desk: DeskService, kind: str) -> str:
        """Runs in the worker: render/export the day's manifest, save it (and print the PDF)."""
        services = self.app.services
        settings = getattr(services, "settings", None)
        day = desk.today()

        root = self.out_dir or (settings.receipts_dir if settings is not None else None)
        if root is None:
            raise ValueError("no folder for the manifest (receipts_dir)")
        folder = private_dirs(root / f"{day:%Y-%m-%d}")
        user, window = self.user, self.window
        if kind == "csv":  # every recipient in full: role-checked, one audited view naming its cases
            path = write_private(folder / f"EMS-{day:%Y%m%d}.csv", desk.manifest_csv(user, window, day))
            return f"已导出交寄清单（{len(desk.manifest_items(day))} 件）：{path}"

        data = desk.manifest_data(user, window, day, hall=settings.hall if settings else None,
                                  clerk_name=user.name)
        if not data.rows:
            return "今天还没有交寄的邮件"
        path = write_private(folder / f"EMS-{day:%Y%m%d}-交寄清单.pdf", render("manifest", data, settings=settings))
        device = getattr(getattr(services, "printer", None), "device", None)
        if device is not None:
            device.send(path, "交寄清单")
        return f"交寄清单（{len(data.rows)} 件）已打印：{path}"

    def _detailed(self, item: MailItemView) -> None:
        self._opened = item  # opened in full (a view event): shown while it stays highlighted
        self._show_row()

    def _listed(self, items: list[MailItemView]) -> None:
        self.query_one(Banner).clear_outage()  # the store answered
        table = self.query_one("#mail-items", DataTable)
        row = table.cursor_row
        kept = None  # the highlighted item, where the reload put it (a handed item may move)
        if table.row_count:
            kept = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        table.clear()
        self.items = {str(i.id): i for i in items}
        for i in items:
            when = f"{i.pickup_on:%m-%d} {i.pickup_from}-{i.pickup_to}" if i.pickup_on else ""
            status = Text(i.status_label, style="bold red" if i.follow_up else "")
            table.add_row(*cells(i.case_number, i.recipient, status, i.waybill or "", i.direction.label,
                          i.phone, i.address, clip(i.contents, 10), when),  # masked by ``mail_queue``
                          key=str(i.id))
        if kept in self.items:  # a reload keeps the clerk's item, wherever it is now
            table.move_cursor(row=list(self.items).index(kept))
        elif items and row is not None:  # gone (filtered out): the same place
            table.move_cursor(row=min(row, len(items) - 1))
        self._show_row()

    def _manifest_done(self, text: str) -> None:
        self.query_one(Banner).show(text, "ok")

    def _moved(self, item: MailItemView) -> None:
        """An item was handed over, delivered, returned or sent again."""
        self.query_one(Banner).show(f"{item.case_number}：{item.direction.label}{item.status_label}"
                                    + (f"（{item.waybill}）" if item.waybill else ""), "ok")
        self.query_one("#mail-waybill", Input).value = ""
        self.query_one("#mail-reason", Input).value = ""
        self.action_refresh()

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        text = event.text
        item = self._handing
        if event.action == "hand_over" and item is not None:  # which item it was for, and how to pick another
            text += f"（当前选中 {item.case_number} {item.recipient}，{item.status_label}：按 ↑↓ 选择要交寄的邮件后回车）"
        event.stop()  # shown here: not once more, plainer, by the app
        self.query_one(Banner).show(text, "error")

    @on(DataTable.RowHighlighted, "#mail-items")
    def _show_row(self) -> None:
        """The highlighted item under the list: masked as in the list until ``open_mail_item``
        (an audited view) answers, then in full."""
        table = self.query_one("#mail-items", DataTable)
        item = None
        if table.row_count:
            item = self.items.get(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))
        if item is None:
            self.query_one("#mail-row", RowDetail).show_lines([])
            return
        opened = getattr(self, "_opened", None)
        if opened is not None and opened.id == item.id:
            who = f"{opened.recipient} {opened.phone} · {opened.address}"
            postcode = opened.postcode
        else:
            who = f"{item.recipient} {item.phone} · {item.address}"  # as listed: masked
            postcode = getattr(item, "postcode", "")
        when = f" · 揽收 {item.pickup_on:%Y-%m-%d} {item.pickup_from}-{item.pickup_to}" if item.pickup_on else ""
        self.query_one("#mail-row", RowDetail).show_lines([
            f"{item.case_number} {item.direction.label}{item.status_label}"
            + (f" · 邮件号 {item.waybill}" if item.waybill else "") + when,
            who + (f"（{postcode}）" if postcode else "") + f" · 内件：{item.contents}",
        ])
