"""Appointments of a day (预约): list, add (phone or window booking), cancel.

F2 / F3 the day before / after, F6 adds one (a form: queue, half-day, name, ID
number, phone), F8 cancels the highlighted one, Esc goes back.  The service
(``clerk.services.appointments.AppointmentService``) checks slots, capacity and
the ID number; the screen shows its Chinese refusals.  Lists mask ID numbers
and phones.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Select, Static

from clerk.tui.messages import Failed
from clerk.tui.plain import TYPED, cells, plain
from clerk.tui.screen import ClerkModal
from clerk.tui.screens.desk_common import DeskCall, DeskScreen
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.chinese import ClerkSelect
from clerk.tui.widgets.fit import clip
from clerk.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from clerk.domain.queueing import AppointmentView
    from clerk.services.appointments import AppointmentService


class AddAppointment(ClerkModal[dict | None]):
    """The booking form; F10 or Enter in the last field confirms, Esc goes back."""

    DEFAULT_CSS = """
    AddAppointment { align: center middle; }
    AddAppointment > Vertical { width: 72; max-width: 100%; height: auto; max-height: 100%;
                                border: thick $primary; background: $surface; padding: 0 2; }
    AddAppointment Input, AddAppointment Select { margin-bottom: 0; }
    """
    BINDINGS = [
        Binding("f10", "confirm", "确认", id="dialog.confirm"),
        Binding("escape", "cancel", "返回", id="dialog.cancel"),
    ]

    def __init__(self, day: date, queues: list[tuple[str, str]]) -> None:
        super().__init__()
        self.day, self.queues = day, queues

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"新增预约：{self.day:%Y-%m-%d}（电话或窗口预约）", markup=False)
            yield ClerkSelect([(f"{p} {n}", p) for p, n in self.queues], value=self.queues[0][0] if self.queues
                              else Select.NULL, allow_blank=False, id="add-queue", compact=True)
            yield ClerkSelect([("上午", "上午"), ("下午", "下午")], value="上午", allow_blank=False, id="add-half",
                              compact=True)
            yield Input(placeholder="姓名", id="add-name", max_length=40, restrict=TYPED, compact=True)
            yield Input(placeholder="身份证号", id="add-id", max_length=18, restrict=r"[0-9Xx]*", compact=True)
            yield Input(placeholder="联系电话", id="add-phone", max_length=20, restrict=r"[0-9\-]*", compact=True)
            yield Banner()
        yield KeyFooter()

    @on(Input.Submitted, "#add-phone")
    def action_confirm(self) -> None:
        name = self.query_one("#add-name", Input).value.strip()
        id_number = self.query_one("#add-id", Input).value.strip().upper()
        phone = self.query_one("#add-phone", Input).value.strip()
        missing = [label for label, value in (("姓名", name), ("身份证号", id_number), ("联系电话", phone)) if not value]
        if missing:
            self.query_one(Banner).show("请填写：" + "、".join(missing))
            return
        self.dismiss({"queue": self.query_one("#add-queue", Select).value,
                      "half": self.query_one("#add-half", Select).value,
                      "name": name, "id_number": id_number, "phone": phone})

    def action_cancel(self) -> None:
        self.dismiss(None)


class AppointmentsScreen(DeskScreen["AppointmentService"]):
    WORKER_GROUP = "appointments"
    BINDINGS = [
        Binding("escape", "back", "返回", id="appointments.back"),
        Binding("f6", "add", "新增预约", id="appointments.add"),
        Binding("f8", "cancel_highlighted", "取消预约", id="appointments.cancel"),
        Binding("f2", "day(-1)", "前一天", id="appointments.previous_day"),
        Binding("f3", "day(1)", "后一天", id="appointments.next_day"),
    ]

    def __init__(self, service: AppointmentService | None = None) -> None:
        super().__init__(service)
        self.day: date | None = None

    @property
    def desk(self) -> AppointmentService:
        """The AppointmentService (call from a worker: building it may import the store)."""
        if self._desk is None:
            self._desk = self.app.services.appointments
        return self._desk

    def compose(self) -> ComposeResult:
        yield Static("", id="appointments-title", markup=False)
        yield DataTable(id="appointments-table", cursor_type="row", zebra_stripes=True)
        yield Banner()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.day = self.app.services.today()
        table = self.query_one("#appointments-table", DataTable)
        table.add_columns("预约码", "队列", "时段", "姓名", "身份证号", "电话", "状态")
        self.action_refresh()

    @work(thread=True, exclusive=True, exit_on_error=False, group="appointments-list")
    def _list(self, day: date) -> None:
        self.run_call(DeskCall("list", lambda desk: desk.list(day), self._listed))

    def action_refresh(self) -> None:
        if self.day is None:  # not mounted yet
            return
        self.query_one("#appointments-title", Static).update(
            plain(f"预约 —— {self.day:%Y-%m-%d}（F2 前一天 · F3 后一天 · F6 新增 · F8 取消）"))
        self._list(self.day)

    def action_day(self, delta: int) -> None:
        if self.day is not None:
            self.day += timedelta(days=delta)
            self.action_refresh()

    def action_add(self) -> None:
        day = self.day
        if day is None:
            return
        queues = [(q.prefix, q.name) for q in self.app.services.settings.queues]

        def done(form: dict | None) -> None:
            if form is not None:
                user = self.user
                self.call("add", lambda desk: desk.add(user, form["queue"], day, form["half"], form["name"],
                                                       form["id_number"], form["phone"]), self._added)

        self.app.push_screen(AddAppointment(day, queues), done)

    def action_cancel_highlighted(self) -> None:
        table = self.query_one("#appointments-table", DataTable)
        if not table.row_count:
            self.query_one(Banner).show("这一天没有预约", "warning")
            return
        code = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        user = self.user
        self.call("cancel", lambda desk: desk.cancel(user, code), self._cancelled)

    def _listed(self, appointments: list[AppointmentView]) -> None:
        table = self.query_one("#appointments-table", DataTable)
        table.clear()
        for a in appointments:
            table.add_row(*cells(a.code, f"{a.queue} {a.queue_name}", a.half, clip(a.name, 12), a.id_number_masked,
                                 a.phone_masked, a.state.label), key=a.code)
        if not appointments:
            self.query_one(Banner).show("这一天没有预约（F6 新增）", "info")

    def _added(self, booked: AppointmentView) -> None:
        self.query_one(Banner).show(f"已预约：预约码 {booked.code}（{booked.queue} {booked.half}），"
                                    "请告知申请人凭预约码或身份证号到取号机签到", "ok", sticky=True)
        self.action_refresh()

    def _cancelled(self, _cancelled: AppointmentView) -> None:
        self.query_one(Banner).show("已取消预约", "ok")
        self.action_refresh()

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.query_one(Banner).show(event.text, "error")
