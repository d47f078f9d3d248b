"""告知承诺核查: the back office's verifications of commitments, earliest deadline first.

The table lists what is due (overdue in red): ↑↓ choose one; F6 records 属实; F7 不实
asks for the finding, then revokes the case, enters the applicant in the dishonesty
list and prints the 撤销决定书; F8 无法核查 asks why.  F4 shows one department at a
time (again: the next one, then all); F3 reloads.  Every result is one service call
(``VerificationDesk.record``), audited.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from clerk.domain.verification import VerificationResult
from clerk.tui.messages import Failed, banner_text
from clerk.tui.plain import cells
from clerk.tui.screens.desk_common import DeskCall, DeskDone, DeskScreen, days_text
from clerk.tui.screens.prompt import PromptScreen
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.fit import clip
from clerk.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from datetime import date

    from clerk.domain.verification import VerificationView
    from clerk.domain.views import CaseView
    from clerk.services.desk import DeskService


TITLE = "告知承诺核查 —— 到期在前，逾期标红；F7 不实即撤销案件并记入失信名单"


class VerificationScreen(DeskScreen["DeskService"]):
    WORKER_GROUP = "verification"
    BINDINGS = [
        Binding("escape", "back", "返回", id="verification.back"),
        Binding("f6", "record('属实')", "属实", id="verification.true"),
        Binding("f7", "record('不实')", "不实", id="verification.false"),
        Binding("f8", "record('无法核查')", "无法核查", id="verification.unverifiable"),
        Binding("f4", "department", "部门", id="verification.department"),
        Binding("f3", "refresh", "刷新", id="verification.refresh"),
    ]
    AUTO_FOCUS = "#verification-list"

    def __init__(self, desk: DeskService | None = None) -> None:
        super().__init__(desk)
        self.department = ""  # "" = every department
        self.departments: list[str] = []
        self.rows: dict[str, VerificationView] = {}
        self._left: dict[int, int] = {}  # verification id → working days left (negative: overdue)
        self._said = ""

    def compose(self) -> ComposeResult:
        yield Static(TITLE, id="verification-title")
        yield DataTable(id="verification-list", cursor_type="row", zebra_stripes=True)
        yield Static("", id="verification-detail")
        yield Banner()
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#verification-list", DataTable)
        # narrow enough for 80 columns; the item and department are on the line under the table
        table.add_columns("核查期限", "工作日", "受理编号", "承诺内容", "核查方式", "申请人")
        self.action_refresh()

    def action_refresh(self) -> None:
        self._list()

    @work(thread=True, exclusive=True, exit_on_error=False, group="verification-list")
    def _list(self) -> None:
        user, department = self.user, self.department

        def load(desk: DeskService) -> tuple[list[tuple[VerificationView, int]], list[str], date]:
            due = desk.verifications.due(user, department=department)
            return ([(v, desk.working_days_left(v.due_on).days) for v in due], desk.verifications.departments(user),
                    desk.today())

        self.run_call(DeskCall("list", load, self._listed))

    def _listed(self, answer: tuple[list[tuple[VerificationView, int]], list[str], date]) -> None:
        due, departments, today = answer
        self.departments = departments
        table = self.query_one("#verification-list", DataTable)
        table.clear()
        self.rows = {}
        self._left = {v.id: left for v, left in due}
        for v, left in due:
            style = "bold red" if v.overdue(today) else ("yellow" if left <= 3 else "")
            key = str(v.id)
            self.rows[key] = v
            left_text = f"余{left}" if left >= 0 else f"超{-left}"
            table.add_row(*cells(f"{v.due_on:%Y-%m-%d}", Text(left_text, style=style), v.case_number,
                                 clip(v.name, 14), v.method, v.applicant_name), key=key)
        where = self.department or "全部部门"
        self.query_one("#verification-title", Static).update(
            Text(f"告知承诺核查（{where}，待核查 {len(due)} 件）—— 到期在前，逾期标红；F4 换部门"))
        self._show_detail()

    @on(DataTable.RowHighlighted, "#verification-list")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _current(self) -> VerificationView | None:
        table = self.query_one("#verification-list", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(str(key))

    def _show_detail(self) -> None:
        v = self._current()
        text = "" if v is None else (f"{v.item_name}（{v.department}）  以承诺代替：{v.replaces}  "
                                     f"{days_text(self._left.get(v.id, 0))}"
                                     + ("" if v.every_case else f"  抽查 {v.sample_percent}%，本件已抽中"))
        self.query_one("#verification-detail", Static).update(Text(text))

    def action_department(self) -> None:
        """Next department (after the last: every department again)."""
        names = ["", *self.departments]
        at = names.index(self.department) if self.department in names else 0
        self.department = names[(at + 1) % len(names)]
        self.action_refresh()

    def action_record(self, result: str) -> None:
        v = self._current()
        if v is None:
            self.query_one(Banner).show("没有待核查的告知承诺", "warning")
            return
        verdict = VerificationResult(result)
        user, window = self.user, self.window

        def save(note: str) -> None:
            self.call("verify", lambda desk: desk.verifications.record(user, window, v.id, verdict, note),
                      partial(self._recorded, verdict))

        if verdict is VerificationResult.TRUE:
            save("")
            return
        title = (f"核查不实：{v.case_number}“{v.name}”——将撤销该案件、记入失信名单并打印撤销决定书。请填写核查发现的情况"
                 if verdict is VerificationResult.FALSE else f"无法核查：{v.case_number}“{v.name}”——请填写原因")

        def done(text: str | None) -> None:
            if text:
                save(text)
            self.query_one("#verification-list", DataTable).focus()

        self.app.push_screen(PromptScreen(title, validate=lambda text: None if text.strip() else "请填写情况说明"), done)

    def _recorded(self, verdict: VerificationResult, view: CaseView) -> None:
        self._said = f"{view.number}：已登记核查结果“{verdict.value}”"
        if view.state.value == "已撤销":
            self._said += "，案件已撤销，已记入失信名单"
            self.query_one(Banner).show(f"{self._said}，正在打印撤销决定书……", "warning")
            self._print(view.number)
        else:
            self.query_one(Banner).show(self._said, "ok")
        self.action_refresh()

    @work(thread=True, exclusive=True, exit_on_error=False, group="verification-print")
    def _print(self, number: str) -> None:
        services = self.app.services
        try:
            text = services.describe_print(services.print_case(number, self.user, self.window))
        except Exception as exc:
            self.post_message(Failed("print", exc, banner_text(exc)))
        else:
            self.post_message(DeskDone(partial(self._printed, text)))

    def _printed(self, text: str) -> None:
        self.query_one(Banner).show(f"{self._said}；{text}", "ok")

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.query_one(Banner).show(event.text, "error", sticky=event.action != "list")
