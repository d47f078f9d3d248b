"""Back-office results (后台审批结果): record the department's decision on a case.

Scan or type the case number; choose 准予许可 / 需补正 / 不予许可; type the
correction items (one per "；") or the refusal reason; F10 shows what will be
recorded and printed (``DecisionConfirmScreen``, as an intake's confirmation),
F10 there records it, Esc goes back.  The matching notice is printed, an EMS case is queued for mailing, and the banner
says whether the decision came within the promised limit.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from clerk.domain.decisions import DecisionPreview, preview_decision
from clerk.domain.errors import IntakeError
from clerk.domain.views import Decision
from clerk.identity.text import NOTE_MAX
from clerk.tui.messages import Failed, banner_text
from clerk.tui.plain import TYPED
from clerk.tui.plain import lines as plain_lines
from clerk.tui.screen import ClerkModal
from clerk.tui.screens.desk_common import DeskDone, DeskScreen, days_text
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.chinese import ClerkSelect
from clerk.tui.widgets.footer import KeyFooter
from clerk.tui.widgets.materials import MaterialFiles

if TYPE_CHECKING:
    from clerk.domain.desk_views import DecisionResult
    from clerk.domain.views import CaseView
    from clerk.services.desk import DeskService

DECISIONS = [("准予许可（符合办证条件）", "approved"), ("需补正（补正材料通知书）", "correction"),
             ("不予许可（不予许可决定书）", "refused")]


class DecisionScreen(DeskScreen["DeskService"]):
    WORKER_GROUP = "decision"
    BINDINGS = [
        Binding("escape", "back", "返回", id="decision.back"),
        Binding("f10", "save", "登记结果", id="decision.save"),
        Binding("f2", "focus_scan", "扫码", id="decision.scan"),
        Binding("f6", "open_scans", "扫描件", id="decision.scans"),
    ]
    AUTO_FOCUS = "#decision-scan"

    def __init__(self, desk: DeskService | None = None) -> None:
        super().__init__(desk)
        self.case: Any = None
        self._said = ""  # what the last decision's banner said (the print result is added to it)

    def compose(self) -> ComposeResult:
        yield Static("审批结果登记 —— 扫描受理编号条码（或输入编号回车）", id="decision-title")
        yield Input(placeholder="受理编号", id="decision-scan", compact=True, max_length=32, restrict=TYPED)
        yield Static("", id="decision-detail")
        yield MaterialFiles(id="decision-files")
        yield ClerkSelect(DECISIONS, value="approved", allow_blank=False, id="decision-kind", compact=True)
        yield Input(placeholder="补正内容（多项用“；”分隔）或不予许可理由", id="decision-text", compact=True,
                    max_length=NOTE_MAX, restrict=TYPED)
        yield Banner()
        yield KeyFooter()

    def action_focus_scan(self) -> None:
        self.query_one("#decision-scan", Input).focus()

    def action_open_scans(self) -> None:
        """The case's scans: to the list, or (already there) open the highlighted one."""
        if not self.query_one(MaterialFiles).to_list_or_open():
            self.query_one(Banner).show("本案件没有材料扫描件" if self.case is not None else "请先扫码或输入受理编号打开案件",
                                        "warning")

    @on(MaterialFiles.Said)
    def _scan_said(self, event: MaterialFiles.Said) -> None:
        self.query_one(Banner).show(event.text, event.level)  # type: ignore[arg-type]

    @on(Input.Submitted, "#decision-scan")
    def _scanned(self, event: Input.Submitted) -> None:
        number = event.value.strip()
        event.input.value = ""
        if number:
            self.open_case(number)

    def open_case(self, number: str) -> None:
        self.query_one(Banner).show(f"正在打开 {number} ……", "info")
        self.call("open", lambda desk: _open(desk, number), self._opened)

    def action_save(self) -> None:
        if self.case is None:
            self.query_one(Banner).show("请先扫码或输入受理编号打开案件", "warning")
            return

        value = self.query_one("#decision-kind", Select).value
        if not isinstance(value, str):
            self.query_one(Banner).show("请选择审批结果", "warning")
            return
        decision = Decision(value)
        text = self.query_one("#decision-text", Input).value.strip()
        items = [t for t in text.replace(";", "；").split("；") if t.strip()] if decision is Decision.CORRECTION else []
        user, window, case = self.user, self.window, self.case
        try:
            preview = preview_decision(case, decision, text, items)
        except IntakeError as exc:  # said now, not after a confirmation
            self.query_one(Banner).show(str(exc), "warning")
            return

        def confirmed(ok: bool | None) -> None:
            if not ok:
                return
            if self.case is not case:  # reloaded meanwhile (changed at another desk): read it again first
                self.query_one(Banner).show(f"{case.number} 已重新载入，请核对后再按 F10 登记", "warning")
                return
            self.call("decide", lambda desk: desk.record_decision(user, window, case.number, decision, reason=text,
                                                                  items=items, version=case.version), self._decided)

        self.app.push_screen(DecisionConfirmScreen(preview), confirmed)

    def _opened(self, opened: tuple[CaseView, int | None]) -> None:
        view, left = opened
        self._show(view, left)
        self.query_one("#decision-kind", Select).focus()
        self.query_one(Banner).show(f"已打开 {view.number}", "info")

    def _decided(self, r: DecisionResult) -> None:
        self._show(r.case, None)
        timing = "" if r.on_time is None else ("按期作出" if r.on_time else f"超期 {r.late_days} 个工作日")
        mail = "，已列入EMS待寄清单" if r.mail else "，请通知申请人到窗口领取"
        self._said = f"{r.case.number}：{r.case.state}" + (f"（{timing}）" if timing else "") + mail
        self.query_one(Banner).show(f"{self._said}，正在打印通知书……", "ok" if r.on_time is not False else "warning")
        self._print(r.case.number)

    def _printed(self, text: str) -> None:
        printed = text.removeprefix(f"{self.case.number}：") if self.case else text
        self.query_one(Banner).show(f"{self._said}；{printed}" if self._said else text, "ok")

    def show_case_again(self, view: CaseView) -> None:
        self.open_case(view.number)  # days left come with the reopen

    def _show(self, view: CaseView, left: int | None) -> None:
        self.case = view
        due = view.promised_due
        lines = [f"{view.number}  {view.name}  状态：{view.state}  送达：{view.delivery}"]
        if due is not None:
            left_text = f"  {days_text(left)}" if left is not None else ""
            lines.append(f"承诺办结时间：{due.date:%Y-%m-%d}" + ("（暂定）" if due.provisional else "") + left_text)
        self.query_one("#decision-detail", Static).update(plain_lines(lines))
        user, window = self.user, self.window
        self.query_one(MaterialFiles).show(
            view, lambda file_id: self.desk.open_material(user, window, view.number, file_id))

    @work(thread=True, exclusive=True, exit_on_error=False, group="decision-print")
    def _print(self, number: str) -> None:
        services = self.app.services
        try:
            text = f"{number}：{services.describe_print(services.print_case(number, self.user, self.window))}"
        except Exception as exc:
            self.post_message(Failed("print", exc, banner_text(exc)))
        else:
            self.post_message(DeskDone(partial(self._printed, text)))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.query_one(Banner).show(event.text, "error", sticky=event.action != "open")


def _open(desk: DeskService, number: str) -> tuple[CaseView, int | None]:
    view = desk.get(number)
    due = view.promised_due
    left = desk.working_days_left(due.date).days if due else None
    return view, left


class DecisionConfirmScreen(ClerkModal[bool]):
    """What F10 will record and print, read before it is: F10 or Enter records, Esc goes back."""

    DEFAULT_CSS = """
    DecisionConfirmScreen { align: center middle; }
    DecisionConfirmScreen > Vertical { width: 90; max-width: 100%; height: auto; max-height: 100%;
                                       border: thick $accent; background: $surface; padding: 1 2; }
    DecisionConfirmScreen #decision-confirm-hint { margin-top: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("f10,enter", "confirm", "确认登记并打印", id="decision_confirm.confirm"),
        Binding("escape", "cancel", "返回修改", id="decision_confirm.cancel"),
    ]

    def __init__(self, preview: DecisionPreview) -> None:
        super().__init__()
        self.preview = preview

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("请核对审批结果，确认后登记并打印通知书", id="decision-confirm-title")
            yield Static(plain_lines(self.preview.lines()), id="decision-preview")
            yield Static("F10 或 回车：确认登记并打印    Esc：返回修改", id="decision-confirm-hint")
        yield KeyFooter()

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
