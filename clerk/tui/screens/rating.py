"""Ratings (好差评) and the follow-up of bad ones (回访整改).

Scan or type the case number, choose the rating, type the applicant's comment,
F10 records it (a clerk cannot rate a case they took).  不满意 / 非常不满意
opens a follow-up due in 15 working days; the table below lists open
follow-ups, and a supervisor closes the highlighted one with F6 and a note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Select, Static

from clerk.domain.views import Rating
from clerk.identity.text import NOTE_MAX
from clerk.tui.messages import Failed
from clerk.tui.plain import LINE_LIMIT, TYPED, cells, plain
from clerk.tui.screens.desk_common import DeskCall, DeskScreen, days_text
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.chinese import ClerkSelect
from clerk.tui.widgets.fit import clip
from clerk.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from clerk.domain.desk_views import FollowUpEntry
    from clerk.domain.views import CaseView
    from clerk.services.desk import DeskService

RATINGS = [(r, r) for r in ("非常满意", "满意", "基本满意", "不满意", "非常不满意")]


class RatingScreen(DeskScreen["DeskService"]):
    WORKER_GROUP = "rating"
    BINDINGS = [
        Binding("escape", "back", "返回", id="rating.back"),
        Binding("f10", "save", "登记评价", id="rating.save"),
        Binding("f6", "resolve", "整改办结", id="rating.resolve"),
        Binding("f3", "refresh", "刷新", id="rating.refresh"),
    ]
    AUTO_FOCUS = "#rating-scan"

    def __init__(self, desk: DeskService | None = None) -> None:
        super().__init__(desk)
        self.number: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("好差评 —— 扫描受理编号条码（或输入编号回车），选择评价并记录意见", id="rating-title")
        yield Input(placeholder="受理编号", id="rating-scan", compact=True, max_length=32, restrict=TYPED)
        yield Static("", id="rating-case")
        yield ClerkSelect(RATINGS, value="满意", allow_blank=False, id="rating-value", compact=True)
        yield Input(placeholder="申请人意见（差评必填）", id="rating-comment", compact=True, max_length=NOTE_MAX, restrict=TYPED)
        yield DataTable(id="rating-follow-ups", cursor_type="row", zebra_stripes=True)
        yield Input(placeholder="整改情况（主管填写后按 F6）", id="rating-note", compact=True, max_length=NOTE_MAX, restrict=TYPED)
        yield Banner()
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#rating-follow-ups", DataTable)
        table.add_columns("受理编号", "事项", "评价", "意见", "整改期限", "剩余")
        table.border_title = "待整改的差评"
        self.action_refresh()

    @work(thread=True, exclusive=True, exit_on_error=False, group="rating-list")
    def _list(self) -> None:
        self.run_call(DeskCall("list", lambda desk: desk.follow_ups(), self._listed))

    def action_refresh(self) -> None:
        self._list()

    @on(Input.Submitted, "#rating-scan")
    def _scanned(self, event: Input.Submitted) -> None:
        number = event.value.strip()
        event.input.value = ""
        if number:
            self.open_case(number)

    def open_case(self, number: str) -> None:
        user, window = self.user, self.window
        self.call("open", lambda desk: desk.open(user, window, number), self._opened)

    def action_save(self) -> None:
        if self.number is None:
            self.query_one(Banner).show("请先扫码或输入受理编号", "warning")
            return

        value = self.query_one("#rating-value", Select).value
        if not isinstance(value, str):
            self.query_one(Banner).show("请选择评价", "warning")
            return
        rating = Rating(value)
        comment = self.query_one("#rating-comment", Input).value
        user, window, number = self.user, self.window, self.number
        self.call("rate", lambda desk: desk.rate(user, window, number, rating, comment), self._rated)

    def action_resolve(self) -> None:
        table = self.query_one("#rating-follow-ups", DataTable)
        if not table.row_count:
            self.query_one(Banner).show("没有待整改的差评", "warning")
            return
        number = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        note = self.query_one("#rating-note", Input).value
        user, window = self.user, self.window
        self.call("resolve", lambda desk: desk.resolve_follow_up(user, window, number, note), self._resolved)

    def _listed(self, follow_ups: list[FollowUpEntry]) -> None:
        table = self.query_one("#rating-follow-ups", DataTable)
        table.clear()
        for f in follow_ups:
            style = "bold red" if f.days_left <= 2 else ""
            table.add_row(*cells(f.number, clip(f.name, 16), str(f.rating), clip(f.comment, 20), f"{f.due_on:%Y-%m-%d}",
                          Text(days_text(f.days_left), style=style)), key=f.number)

    def _opened(self, view: CaseView) -> None:
        self.number = view.number
        rated = f"，已评价：{view.rating}" if view.rating else ""
        self.query_one("#rating-case", Static).update(plain(f"{view.number}  {view.name}  {view.state}{rated}", limit=LINE_LIMIT))
        self.query_one("#rating-value", Select).focus()

    def _rated(self, view: CaseView) -> None:
        follow = "，已生成回访整改（15个工作日）" if view.rating and view.rating.is_bad else ""
        self.query_one(Banner).show(f"{view.number}：已登记“{view.rating}”{follow}", "ok")
        self.query_one("#rating-comment", Input).value = ""
        self.action_refresh()

    def _resolved(self, view: CaseView) -> None:
        self.query_one(Banner).show(f"{view.number}：差评整改已办结", "ok")
        self.query_one("#rating-note", Input).value = ""
        self.action_refresh()

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.query_one(Banner).show(event.text, "error")
