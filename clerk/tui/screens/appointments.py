"""Appointments of a day (预约): list, add (phone or window booking), cancel.

F2 / F3 the day before / after, F6 adds one (a form: queue, half-day, name, ID
number, phone), F8 cancels the highlighted one, Esc goes back.  The service
(``clerk.services.appointments.AppointmentService``) checks slots, capacity and
the ID number; the screen shows its Chinese refusals.  Lists mask ID numbers
and phones.
"""

from __future__ import annotations

import threading
import weakref
from datetime import date, timedelta
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

from clerk.services.appointments import AppointmentService
from clerk.tui.messages import Failed
from clerk.tui.plain import TYPED, cells, plain
from clerk.tui.screens.desk_common import DeskDone, DeskScreen
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.chinese import ClerkSelect
from clerk.tui.widgets.fit import clip

_SERVICES: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_SERVICES_LOCK = threading.Lock()


def appointments_of(services: Any) -> Any:
    """The window app's ``AppointmentService`` (one per ``Services``; built in a worker)."""
    with _SERVICES_LOCK:
        found = _SERVICES.get(services)
        if found is None:
            found = AppointmentService(services.cases.store, services.settings, services.clock)
            _SERVICES[services] = found
        return found


class AddAppointment(ModalScreen[dict | None]):
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
        yield Footer()

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


class AppointmentsScreen(DeskScreen):
    BINDINGS = [
        Binding("escape", "back", "返回", id="appointments.back"),
        Binding("f6", "add", "新增预约", id="appointments.add"),
        Binding("f8", "cancel_highlighted", "取消预约", id="appointments.cancel"),
        Binding("f2", "day(-1)", "前一天", id="appointments.previous_day"),
        Binding("f3", "day(1)", "后一天", id="appointments.next_day"),
    ]

    def __init__(self, service: Any = None) -> None:
        super().__init__(service)
        self.day: date | None = None

    @property
    def desk(self) -> Any:
        """The AppointmentService (call from a worker: building it may import the store)."""
        if self._desk is None:
            self._desk = appointments_of(self.app.services)
        return self._desk

    def compose(self) -> ComposeResult:
        yield Static("", id="appointments-title", markup=False)
        yield DataTable(id="appointments-table", cursor_type="row", zebra_stripes=True)
        yield Banner()
        yield Footer()

    def on_mount(self) -> None:
        self.day = self.app.services.today()
        table = self.query_one("#appointments-table", DataTable)
        table.add_columns("预约码", "队列", "时段", "姓名", "身份证号", "电话", "状态")
        self.action_refresh()

    @work(thread=True, exclusive=True, exit_on_error=False, group="appointments")
    def _run(self, action: str, fn: Any, args: tuple, kwargs: dict) -> None:
        self.run_call(action, fn, args, kwargs)

    @work(thread=True, exclusive=True, exit_on_error=False, group="appointments-list")
    def _list(self, day: date) -> None:
        self.run_call("list", "list", (day,), {})

    def action_refresh(self) -> None:
        self.query_one("#appointments-title", Static).update(
            plain(f"预约 —— {self.day:%Y-%m-%d}（F2 前一天 · F3 后一天 · F6 新增 · F8 取消）"))
        self._list(self.day)

    def action_day(self, delta: int) -> None:
        self.day = self.day + timedelta(days=delta)
        self.action_refresh()

    def action_add(self) -> None:
        queues = [(q.prefix, q.name) for q in self.app.services.settings.queues]

        def done(form: dict | None) -> None:
            if form is not None:
                self.call("add", "add", self.user, form["queue"], self.day, form["half"], form["name"],
                          form["id_number"], form["phone"])

        self.app.push_screen(AddAppointment(self.day, queues), done)

    def action_cancel_highlighted(self) -> None:
        table = self.query_one("#appointments-table", DataTable)
        if not table.row_count:
            self.query_one(Banner).show("这一天没有预约", "warning")
            return
        code = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        self.call("cancel", "cancel", self.user, code)

    @on(DeskDone)
    def _done(self, event: DeskDone) -> None:
        banner = self.query_one(Banner)
        if event.action == "list":
            table = self.query_one("#appointments-table", DataTable)
            table.clear()
            for a in event.result:
                table.add_row(*cells(a.code, f"{a.queue} {a.queue_name}", a.half, clip(a.name, 12), a.id_number_masked,
                                     a.phone_masked, a.state.label), key=a.code)
            if not event.result:
                banner.show("这一天没有预约（F6 新增）", "info")
        elif event.action == "add":
            banner.show(f"已预约：预约码 {event.result.code}（{event.result.queue} {event.result.half}），"
                        "请告知申请人凭预约码或身份证号到取号机签到", "ok", sticky=True)
            self.action_refresh()
        elif event.action == "cancel":
            banner.show("已取消预约", "ok")
            self.action_refresh()

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.query_one(Banner).show(event.text, "error")
