"""The complaint desk (有事您说话 / 办不成事 window).

Log a complaint with its category (answer limit in working days), then, on the
selected row, type in the note field and press F9 to hand off (the note is the
department), F6 to reply, F7/F8 for a satisfied/unsatisfied return visit.
首问负责: the service refuses changes by anyone but the owner or a supervisor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Select, Static

from clerk.identity.text import NAME_MAX, SUMMARY_MAX
from clerk.tui.messages import Message, banner_text
from clerk.tui.plain import TYPED, cells, plain
from clerk.tui.plain import lines as plain_lines
from clerk.tui.screen import ClerkScreen
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.chinese import ClerkSelect
from clerk.tui.widgets.fit import clip
from clerk.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from clerk.domain.accounts import ClerkUser
    from clerk.services.complaints import ComplaintDesk
    from clerk.tui.app import ClerkApp

#: One change at the complaint desk (in the worker): the service call, and what the banner says after it.
Change: TypeAlias = "Callable[[ComplaintDesk, ClerkUser], str]"


class ComplaintsLoaded(Message):
    def __init__(self, complaints: list[Any], categories: list[Any], today: Any, done: str = "") -> None:
        super().__init__()
        self.complaints, self.categories, self.today, self.done = complaints, categories, today, done


class ComplaintFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def desk_from_app(app: ClerkApp) -> ComplaintDesk:
    """The complaint desk of the app's services (call in a worker: may import the store)."""
    return app.services.complaints


class ComplaintsScreen(ClerkScreen):
    BINDINGS = [
        Binding("escape", "back", "返回", id="complaints.back"),
        Binding("f10", "log", "登记诉求", id="complaints.log"),
        Binding("f9", "hand_off", "转办", id="complaints.hand_off"),
        Binding("f6", "reply", "答复", id="complaints.reply"),
        Binding("f7", "visit(True)", "回访满意", id="complaints.visit_ok"),
        Binding("f8", "visit(False)", "回访不满意", id="complaints.visit_bad"),
    ]
    # Two form lines and a short list fit 80 columns; the highlighted complaint's
    # whole text, person, owner and department show on the lines under the list.
    DEFAULT_CSS = """
    ComplaintsScreen #complaint-form { height: auto; }
    ComplaintsScreen #complaint-form Horizontal { height: 1; }
    ComplaintsScreen #complaint-form Input { width: 1fr; }
    ComplaintsScreen #complaint-category { width: 32; }
    ComplaintsScreen #complaint-list { height: 1fr; }
    ComplaintsScreen #complaint-detail { height: auto; max-height: 4; color: $text-muted; }
    """
    AUTO_FOCUS = "#complaint-summary"

    def __init__(self, desk: Any = None, *, user: Any = None) -> None:
        super().__init__()
        self.desk, self.user = desk, user
        self.numbers: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("诉求登记（有事您说话 / 办不成事窗口）—— 首问负责：登记人负责到底", id="complaint-title")
        with Vertical(id="complaint-form"):
            with Horizontal():
                yield ClerkSelect([], prompt="诉求类别", id="complaint-category", compact=True)
                yield Input(placeholder="诉求内容", id="complaint-summary", compact=True, max_length=SUMMARY_MAX,
                            restrict=TYPED)
            with Horizontal():
                yield Input(placeholder="诉求人", id="complaint-name", compact=True, max_length=NAME_MAX, restrict=TYPED)
                yield Input(placeholder="联系电话", id="complaint-phone", compact=True, max_length=20, restrict=TYPED)
                yield Input(placeholder="相关受理编号（可空）", id="complaint-case", compact=True, max_length=32,
                            restrict=TYPED)
        yield DataTable(id="complaint-list", cursor_type="row", zebra_stripes=True)
        yield Static("", id="complaint-detail", markup=False)
        yield Input(placeholder="转办部门 / 答复内容 / 回访情况，然后按 F9 / F6 / F7 / F8", id="complaint-note",
                    compact=True, max_length=SUMMARY_MAX, restrict=TYPED)
        yield Banner()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("编号", "类别", "诉求内容", "状态", "答复期限")
        self._run(None)

    def _user(self) -> Any:
        return self.user or getattr(self.app, "user", None)

    def _desk(self) -> Any:
        if self.desk is None:
            self.desk = desk_from_app(self.app)
        return self.desk

    # -- actions -------------------------------------------------------------
    def action_back(self) -> None:
        leave = getattr(self.app, "leave", None)
        leave(self) if leave else self.dismiss()

    def action_log(self) -> None:
        category = self.query_one("#complaint-category", Select).value
        if category is Select.NULL:
            self.query_one(Banner).show("请选择诉求类别", "error")
            return
        summary, name, phone, case = (self.query_one(f"#complaint-{k}", Input).value
                                      for k in ("summary", "name", "phone", "case"))
        chosen, window = str(category), getattr(self.app, "window_number", None)

        def log(desk: ComplaintDesk, user: ClerkUser) -> str:
            view = desk.log(user, window, chosen, summary, applicant_name=name, applicant_phone=phone,
                            case_number=case or None)
            return f"已登记诉求 {view.number}，{desk.categories[chosen].limit_text}（{view.due_on:%Y-%m-%d}前）"

        self._run(log)

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.numbers or table.cursor_row is None or table.cursor_row >= len(self.numbers):
            self.query_one(Banner).show("请先在列表中选择一件诉求", "error")
            return None
        return self.numbers[table.cursor_row]

    def action_hand_off(self) -> None:
        if (chosen := self._noted()) is not None:
            number, department = chosen

            def hand_off(desk: ComplaintDesk, user: ClerkUser) -> str:
                view = desk.hand_off(user, number, department)
                return f"诉求 {view.number} 已转办 {view.department}"

            self._run(hand_off)

    def action_reply(self) -> None:
        if (chosen := self._noted()) is not None:
            number, text = chosen
            self._run(lambda desk, user: f"诉求 {desk.reply(user, number, text).number} 已答复")

    def action_visit(self, satisfied: bool) -> None:
        if (chosen := self._noted()) is not None:
            number, note = chosen
            self._run(lambda desk, user: f"诉求 {desk.return_visit(user, number, note, satisfied).number} 已回访，办结")

    def _noted(self) -> tuple[str, str] | None:
        """The selected complaint's number and the note typed for it (None: nothing selected)."""
        number = self._selected()
        return None if number is None else (number, self.query_one("#complaint-note", Input).value)

    # -- worker --------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="complaints")
    def _run(self, change: Change | None) -> None:
        """Make ``change`` (None: only reload), then reload the list."""
        try:
            desk, user, done = self._desk(), self._user(), ""
            if change is not None:
                if user is None:
                    raise ValueError("请先登录")
                done = change(desk, user)
            self.post_message(ComplaintsLoaded(desk.open_complaints(user=self._user()), list(desk.categories.values()),
                                               desk.today(), done))
        except Exception as exc:
            self.post_message(ComplaintFailed(banner_text(exc)))

    @on(ComplaintFailed)
    def _failed(self, message: ComplaintFailed) -> None:
        self.query_one(Banner).show(message.text, "error")

    @on(ComplaintsLoaded)
    def _loaded(self, message: ComplaintsLoaded) -> None:
        select = self.query_one("#complaint-category", Select)
        if not select._options or len(select._options) <= 1:
            select.set_options([(plain(f"{c.name}（{c.limit_text}）"), c.name) for c in message.categories])
        table = self.query_one(DataTable)
        table.clear()
        self.numbers = [c.number for c in message.complaints]
        self.complaints = {c.number: c for c in message.complaints}
        for c in message.complaints:
            due = f"{c.due_on:%Y-%m-%d}" + ("逾期" if c.overdue_on(message.today) else "")
            table.add_row(*cells(c.number, clip(c.category, 8), clip(c.summary, 24), clip(c.state.value, 6), due))
        self._show_detail()
        if message.done:
            self.query_one(Banner).show(message.done, "info")
            for key in ("summary", "name", "phone", "case"):
                self.query_one(f"#complaint-{key}", Input).value = ""
            self.query_one("#complaint-note", Input).value = ""

    @on(DataTable.RowHighlighted, "#complaint-list")
    def _show_detail(self) -> None:
        """The highlighted complaint in full: the list cuts its text at 80 columns."""
        detail = self.query_one("#complaint-detail", Static)
        table = self.query_one(DataTable)
        row = table.cursor_row
        c = getattr(self, "complaints", {}).get(self.numbers[row]) if self.numbers and row is not None and \
            row < len(self.numbers) else None
        if c is None:
            detail.update("")
            return
        who = " ".join(x for x in (c.applicant_name, c.applicant_phone_masked) if x) or "—"
        head = (f"{c.number} {c.category} · 诉求人 {who} · 负责人 {c.owner_name} · 承办部门 {c.department or '—'}"
                f" · 答复期限 {c.due_on:%Y-%m-%d}" + (f" · 受理编号 {c.case_number}" if c.case_number else ""))
        detail.update(plain_lines([head, f"诉求内容：{c.summary}"], limit=SUMMARY_MAX + 40))
