"""Case lookup: by number, applicant name, phone or ID; the case's own form.

Lists mask identity numbers and phones; the case's own form (the detail pane)
shows full values.  Deadlines show working days left; F9 reprints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Static

from clerk.domain.views import DeadlineKind
from clerk.identity.text import NAME_MAX
from clerk.tui.messages import CaseLoaded, CasesFound, Failed, Printed, banner_text
from clerk.tui.plain import TYPED, cells, literal
from clerk.tui.screen import ClerkScreen, signed_in_user, window_of
from clerk.tui.screens.choose import ChooseScreen
from clerk.tui.widgets.banner import Banner, Level
from clerk.tui.widgets.fit import clip
from clerk.tui.widgets.footer import KeyFooter
from clerk.tui.widgets.materials import MaterialFiles

if TYPE_CHECKING:
    from clerk.calendar import WorkingDays
    from clerk.domain.views import CaseView
    from clerk.store.notices import NoticeKind

_NOTICE_STATUS = {"queued": "待打印", "printed": "已打印", "saved": "已生成PDF，未打印（未设置打印机）",
                  "failed": "打印失败", "unknown": "打印结果未知（待核实）"}
#: audit action codes (clerk.domain / clerk.store) as the history shows them
_ACTIONS = {
    "intake": "窗口收件", "supplement": "补正材料", "reject": "不予受理", "decide": "后台决定",
    "mail_queue": "待寄出", "mail_hand_over": "交寄EMS", "mail_deliver": "已签收", "mail_return": "邮件退回",
    "mail_requeue": "重新寄出", "pick_up": "窗口领取", "pickup_schedule": "预约取件", "close": "办结",
    "rate": "评价", "reprint_queue": "申请补打", "print": "打印通知书", "save_pdf": "生成通知书PDF（未打印）",
    "print_unknown": "打印结果未知（待核实）", "deadline_recompute": "重算期限",
    "view": "调阅申请人信息（老申请人带入）",
    "purge_materials": "清理材料扫描件（按保存期限，摘要保留）",
    "verify": "告知承诺核查",
}


class LookupScreen(ClerkScreen):
    BINDINGS = [
        Binding("escape", "back", "返回", id="lookup.back"),
        Binding("f10", "open", "打开", id="lookup.open"),
        Binding("f9", "reprint", "重打", id="lookup.reprint"),
        Binding("f2,ctrl+f", "focus_query", "查询", id="lookup.query"),
        Binding("f6", "open_scans", "扫描件", id="lookup.scans"),
    ]
    AUTO_FOCUS = "#lookup-input"

    def __init__(self, number: str | None = None) -> None:
        super().__init__()
        self.initial = number
        self.view: Any = None
        self.wanted: str | None = None
        self._announce = True
        self.days_left: dict[str, WorkingDays] = {}

    def compose(self) -> ComposeResult:
        yield Static("案件查询 —— 受理编号、申请人姓名、电话或证件号码，回车查询；扫码直接打开", id="lookup-title")
        yield Input(placeholder="受理编号 / 姓名 / 电话 / 证件号码", id="lookup-input", compact=True,
                    max_length=NAME_MAX, restrict=TYPED)
        with Vertical(id="lookup-main"):
            yield DataTable(id="lookup-results", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="case-pane"):
                yield MaterialFiles(id="lookup-files")
                yield Static("", id="case-detail")
        yield Banner()
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#lookup-results", DataTable)
        table.add_columns("受理编号", "事项", "申请人", "证件号码", "电话", "状态", "办结日期")
        self.query_one("#case-pane").border_title = "案件"
        if self.initial:
            self.open_number(self.initial)

    def action_back(self) -> None:
        self.dismiss()

    def action_focus_query(self) -> None:
        self.query_one("#lookup-input", Input).focus()

    def action_open_scans(self) -> None:
        """The open case's scans: to the list, or (already there) open the highlighted one."""
        if not self.query_one(MaterialFiles).to_list_or_open():
            self.query_one(Banner).show("本案件没有材料扫描件" if self.view is not None else "请先查询并打开案件",
                                        "warning")

    @on(MaterialFiles.Said)
    def _scan_said(self, event: MaterialFiles.Said) -> None:
        self.query_one(Banner).show(event.text, event.level)  # type: ignore[arg-type]

    def open_number(self, number: str) -> None:
        """A scan (or the caller) opens ``number``: the query starts empty again."""
        self.query_one("#lookup-input", Input).value = ""
        self.query_one(Banner).show(f"正在打开 {number} ……", "info")
        self._open(number)

    def _open(self, number: str, announce: bool = True) -> None:
        self.wanted = number  # the case the clerk asked for last: only it is shown, F9 acts on it
        self._announce = announce  # False: a refresh after printing keeps the printer's message
        self._load(number)

    # -- search ----------------------------------------------------------
    @on(Input.Submitted, "#lookup-input")
    def _search(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.query_one(Banner).show("正在查询……", "info")
            self._find(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="lookup")
    def _find(self, text: str) -> None:
        try:
            found = self.app.services.find(text, signed_in_user(self.app))
        except Exception as exc:
            self.post_message(Failed("find", exc, banner_text(exc)))
        else:
            self.post_message(CasesFound(text, found))

    @on(CasesFound)
    def _found(self, event: CasesFound) -> None:
        table = self.query_one("#lookup-results", DataTable)
        table.clear()
        for c in event.cases:
            due = f"{c.due_on:%Y-%m-%d}" + ("（暂定）" if c.due_provisional else "") if c.due_on else ""
            table.add_row(
                *cells(c.number, clip(c.name, 16), clip(c.applicant_name, 14), c.applicant_id_masked, c.phone_masked, str(c.state), due),
                key=c.number,
            )
        banner = self.query_one(Banner)
        if not event.cases:
            banner.show(f"没有找到与“{event.query}”相关的案件", "warning")
        elif len(event.cases) == 1:
            self._open(event.cases[0].number)
        else:
            banner.show(f"找到 {len(event.cases)} 件，↑↓ 选择，回车打开", "info")
            table.focus()

    @on(DataTable.RowSelected, "#lookup-results")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:  # the case number (the rows' keys)
            self._open(event.row_key.value)

    def action_open(self) -> None:
        table = self.query_one("#lookup-results", DataTable)
        number = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        if number:
            self._open(number)

    # -- one case ----------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="lookup")
    def _load(self, number: str) -> None:
        services = self.app.services
        try:
            view = services.get(number, signed_in_user(self.app), self.app.window_number)
            days = {d.kind.value: services.cases.working_days_left(d.due.date) for d in view.deadlines}
        except Exception as exc:
            self.post_message(Failed("get", exc, banner_text(exc)))
        else:
            self.post_message(CaseLoaded(view, days))

    @on(CaseLoaded)
    def _loaded(self, event: CaseLoaded) -> None:
        if self.wanted is not None and event.view.number != self.wanted:
            return  # a slower load of a case the clerk has moved away from
        self.view, self.days_left = event.view, event.days_left
        self.query_one("#case-detail", Static).update(self._describe(event.view))
        user, window, number = signed_in_user(self.app), self.app.window_number, event.view.number
        self.query_one(MaterialFiles).show(
            event.view, lambda file_id: self.app.services.open_material(number, file_id, user, window))
        self.query_one("#case-pane").border_title = f"案件 {event.view.number}"
        if self._announce:
            self.query_one(Banner).show(f"已打开 {event.view.number}：{event.view.state}（F9 重打通知书）", "info")

    def _describe(self, v: CaseView) -> Group:
        a = v.applicant
        lines = [
            Text(f"{v.number}  {v.name}", style="bold"),
            Text(f"状态：{v.state}    {v.department}    {v.item_kind}"),
            Text(f"申请人：{a.name}（{a.kind}） {a.id_number}  电话 {a.phone}"),
            Text(f"送达：{v.delivery}  {a.address}"),
            Text(f"收件：{v.received_at.astimezone(self.app.services.tz):%Y-%m-%d %H:%M}  第 {v.window} 窗口  {v.clerk_id}"),
        ]
        if v.reason:
            lines.append(Text(f"理由：{v.reason}"))
        for d in v.deadlines:
            left = self.days_left.get(d.kind.value)
            text = Text(f"{d.kind.label}：{d.due.date:%Y-%m-%d}")
            if d.kind is DeadlineKind.PROMISED and v.promise_suspended:  # 补正: neither kept nor running
                text.append("  等待补正，中止计时，补正后顺延", style="yellow")
            elif d.met_at:
                text.append("  已完成", style="green")
            elif left is not None:
                style = "bold red" if left.days < 0 else "bold yellow" if left.days <= 2 else ""
                text.append(f"  剩余 {left.days} 个工作日" if left.days >= 0 else f"  已超期 {-left.days} 个工作日", style=style)
            if d.due.provisional:
                text.append("（暂定：节假日安排未公布）", style="yellow")
            lines.append(text)
        if v.one_time_notice:
            lines.append(Text("一次性告知的缺件：", style="bold"))
            lines.extend(Text(f"  · {line.name}：{line.requirement}") for line in v.one_time_notice)
        for child in v.children:
            lines.append(Text(f"  └ {child.number} {child.name}：{child.state}"))
        verifications = [*v.verifications, *(x for child in v.children for x in child.verifications)]
        if verifications:  # 告知承诺: what the commitment replaced and where its verification stands
            lines.append(Text("告知承诺：", style="bold"))
            for x in verifications:
                instead = "" if x.replaces == x.name else f"代替{x.replaces}，"
                text = Text(f"  ·{x.name}（{instead}{x.method}，{x.due_on:%Y-%m-%d}前核查）：")
                text.append(x.state.value, style="bold red" if x.state.value == "不实" else "")
                if x.note:
                    text.append(f"  {x.note}")
                lines.append(text)
        if v.notices:
            lines.append(Text("通知书：", style="bold"))
            for n in v.notices:
                title = n.kind.title
                status = _NOTICE_STATUS.get(str(n.status), str(n.status))
                lines.append(Text(f"  · {title}{'（重打）' if n.is_reprint else ''}：{status} {n.reason}"))
        if v.events:
            lines.append(Text("经办记录：", style="bold"))
            for e in v.events:
                at = e.at.astimezone(self.app.services.tz)
                where = f" 第{e.window}窗口" if e.window else ""
                what = "调阅材料扫描件" if e.action == "view" and "material" in (e.after or {}) else \
                    _ACTIONS.get(e.action, e.action)
                lines.append(Text(f"  {at:%m-%d %H:%M} {what}  {e.actor}{where}"))
        return Group(*(literal(line) for line in lines))

    # -- reprint -----------------------------------------------------------
    def action_reprint(self) -> None:
        """F9: which notice of the case being looked at?  Then print that one."""
        view = self.view
        if view is None or view.number != self.wanted:
            self.query_one(Banner).show("请先打开一个案件", "warning")
            return
        kinds = list(dict.fromkeys(n.kind for n in view.notices if not n.is_reprint))
        if not kinds:
            self.query_one(Banner).show(f"{view.number} 没有出具过通知书，无可重打", "warning")
            return
        lines = []
        for kind in kinds:
            latest = [n for n in view.notices if n.kind == kind][-1]
            lines.append(f"{kind.title}（{_NOTICE_STATUS.get(str(latest.status), str(latest.status))}）")

        def chosen(index: int | None) -> None:
            if index is None:
                self.query_one(Banner).show("未重打", "info")
                return
            kind = kinds[index]
            self.query_one(Banner).show(f"正在重打 {view.number} 的{kind.title}……", "info")
            self._reprint(view.number, kind)

        self.app.push_screen(ChooseScreen(f"重打 {view.number} 的哪一份通知书？", lines), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="print")
    def _reprint(self, number: str, kind: NoticeKind) -> None:
        try:
            results = self.app.services.reprint(number, signed_in_user(self.app), window_of(self.app), kinds=[kind])
        except Exception as exc:
            self.post_message(Failed("reprint", exc, banner_text(exc)))
        else:
            self.post_message(Printed(number, results))

    @on(Printed)
    def _printed(self, event: Printed) -> None:
        level: Level = "ok" if all(r.ok for r in event.results) else "warning"
        at = self.app.services.now().astimezone(self.app.services.tz)
        self.query_one(Banner).show(f"{at:%H:%M} {event.number}：{self.app.describe_print(event.results)}", level)
        self._open(event.number, announce=False)

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.query_one(Banner).show(event.text)
