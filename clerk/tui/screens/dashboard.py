"""The supervisor's hall dashboard (大厅管理看板).

Live across every window of the shared store: it refreshes itself every
``REFRESH_SECONDS`` in a thread worker (one aggregate query per panel, see
``clerk.reports.dashboard``) and posts the figures back as a message.  Enter on
a deadline line drills down to its cases; C opens the complaint desk.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Sparkline, Static

from clerk.reports.catalog_use import open_under_older_catalog
from clerk.tui.messages import Message, banner_text
from clerk.tui.plain import cells
from clerk.tui.screen import ClerkScreen
from clerk.tui.screens.complaints import ComplaintsScreen
from clerk.tui.screens.queue_figures import QueueFiguresScreen
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from clerk.reports.dashboard import Dashboard
    from clerk.tui.app import ClerkApp

REFRESH_SECONDS = 15.0
LIVE_GAP_SECONDS = 2.0  # live reloads (clerk.tui.live) at most this often: the snapshot is a few queries
NARROW_BELOW = 110  # columns: below this the top panels stack, so the 各窗口 table gets the full width
ITEM_CHARS = 8  # the last item's name is cut to this many characters in the 各窗口 table


def _short(text: str, limit: int = ITEM_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SnapshotReady(Message):
    def __init__(self, snapshot: Any, seats: list[Any] | None = None, older: int = 0) -> None:
        super().__init__()
        self.snapshot, self.seats = snapshot, seats or []
        self.older = older  # open cases taken under an older catalog version


class DrillReady(Message):
    def __init__(self, title: str, cases: list[Any]) -> None:
        super().__init__()
        self.title, self.cases = title, cases


class BoardFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def dashboard_from_app(app: ClerkApp) -> Dashboard:
    """The core ``Dashboard`` of the app's services (call in a worker: may import the store)."""
    return app.services.dashboard


class DashboardScreen(ClerkScreen):
    BINDINGS = [
        Binding("escape", "back", "返回", id="dashboard.back"),
        Binding("f3,r", "refresh", "刷新", id="dashboard.refresh"),
        Binding("enter", "drill", "查看案件", id="dashboard.drill"),
        Binding("c", "complaints", "诉求登记", id="dashboard.complaints"),
        Binding("q", "queue_figures", "排队叫号", id="dashboard.queues"),
    ]
    DEFAULT_CSS = """
    DashboardScreen #board-top { height: auto; }
    DashboardScreen #windows { width: 3fr; height: 12; }
    DashboardScreen #totals-box { width: 2fr; height: 12; }
    DashboardScreen #deadlines, DashboardScreen #drill { height: 1fr; }
    DashboardScreen #board-bottom { height: 1fr; }
    DashboardScreen #side { width: 2fr; }
    DashboardScreen #deadline-box { width: 3fr; }
    DashboardScreen Sparkline { height: 2; margin: 0 1; }
    DashboardScreen .panel { border: round $primary; }
    DashboardScreen #drill { display: none; }  /* until a deadline line is opened (Enter) */
    DashboardScreen #drill.-shown { display: block; }
    /* 80×24: the top panels stack, shorter (the totals on two lines, no curves), so that 期限预警 and
       提醒 below keep their header and lines readable */
    DashboardScreen.-narrow #board-top { layout: vertical; }
    DashboardScreen.-narrow #windows { width: 1fr; height: 7; }
    DashboardScreen.-narrow #totals-box { width: 1fr; height: 4; }
    DashboardScreen.-narrow Sparkline { display: none; }
    """

    def __init__(self, dashboard: Any = None, *, refresh_seconds: float = REFRESH_SECONDS,
                 complaint_desk: Any = None, user: Any = None) -> None:
        super().__init__()
        self.dashboard, self.refresh_seconds = dashboard, refresh_seconds
        self.complaint_desk, self.user = complaint_desk, user
        self.snapshot: Any = None
        self._line_keys: list[tuple[str, str]] = []
        self._last_load = 0.0  # time.monotonic() of the last load started
        self._live_pending = False
        self._narrow: bool | None = None  # the deadline columns' layout (80 columns or wider)

    def compose(self) -> ComposeResult:
        yield Static("大厅管理看板 —— 正在读取……", id="board-title")
        with Horizontal(id="board-top"):
            yield DataTable(id="windows", cursor_type="row", zebra_stripes=True, classes="panel")
            with Vertical(id="totals-box", classes="panel"):
                yield Static("", id="totals")
                yield Sparkline([], id="hourly")
        with Horizontal(id="board-bottom"):
            with Vertical(id="deadline-box", classes="panel"):
                yield DataTable(id="deadlines", cursor_type="row", zebra_stripes=True)
                yield DataTable(id="drill", cursor_type="row", zebra_stripes=True)
            with Vertical(id="side", classes="panel"):
                yield Static("", id="watch")
                yield Static("", id="ratings")
                yield Sparkline([], id="rating-trend")
        yield Banner()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#windows", DataTable).add_columns("窗口", "在岗", "今日", "最近办件", "平均办理", "待补正")
        self.set_class(self.app.size.width < NARROW_BELOW, "-narrow")
        self._deadline_columns()
        self.query_one("#drill", DataTable).add_columns("受理编号", "事项", "状态", "窗口", "期限")
        self.query_one("#windows").border_title = "各窗口"
        self.query_one("#totals-box").border_title = "全厅"
        self.query_one("#deadline-box").border_title = "期限预警（回车查看案件）"
        self.query_one("#side").border_title = "提醒与好差评"
        self.query_one("#deadlines", DataTable).focus()
        self.action_refresh()
        self.set_interval(self.refresh_seconds, self.action_refresh)

    # -- actions -------------------------------------------------------------
    def action_back(self) -> None:
        leave = getattr(self.app, "leave", None)
        leave(self) if leave else self.dismiss()

    def on_resize(self) -> None:
        narrow = self.app.size.width < NARROW_BELOW
        self.set_class(narrow, "-narrow")  # (the app's breakpoints put it at another width)
        if narrow != self._narrow:
            self._deadline_columns()
            if self.snapshot is not None:
                self._show_totals(self.snapshot)
                self._show_deadlines(self.snapshot)

    def _deadline_columns(self) -> None:
        """The counts first: a long item name scrolls in from the right, never the figures (shorter at 80 columns)."""
        table = self.query_one("#deadlines", DataTable)
        table.clear(columns=True)
        self._narrow = self.has_class("-narrow")
        if self._narrow:
            table.add_columns("逾期", "1日内", "3日内", "部门", "事项")
        else:
            table.add_columns("逾期", "1个工作日内", "3个工作日内", "部门", "事项")

    def action_refresh(self) -> None:
        self._last_load = time.monotonic()
        self._load()

    def store_changed(self) -> None:
        """The store changed (clerk.tui.live): reload, at most every ``LIVE_GAP_SECONDS``."""
        wait = self._last_load + LIVE_GAP_SECONDS - time.monotonic()
        if wait <= 0:
            self.action_refresh()
        elif not self._live_pending:
            self._live_pending = True
            self.set_timer(wait, self._live_reload)

    def _live_reload(self) -> None:
        self._live_pending = False
        self.action_refresh()

    def action_drill(self) -> None:
        table = self.query_one("#deadlines", DataTable)
        if not self._line_keys or table.cursor_row is None or table.cursor_row >= len(self._line_keys):
            return
        department, code = self._line_keys[table.cursor_row]
        self._drill(department, code)

    @on(DataTable.RowSelected, "#deadlines")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()  # the focused table takes Enter itself: drill from its selection
        self.action_drill()

    def action_complaints(self) -> None:
        self.app.push_screen(ComplaintsScreen(self.complaint_desk, user=self.user))

    def action_queue_figures(self) -> None:
        self.app.push_screen(QueueFiguresScreen())

    # -- workers -------------------------------------------------------------
    def _board(self) -> Any:
        if self.dashboard is None:
            self.dashboard = dashboard_from_app(self.app)
        return self.dashboard

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard")
    def _load(self) -> None:
        try:
            snapshot = self._board().snapshot()
        except Exception as exc:  # shown, never fatal: the next refresh retries
            self.post_message(BoardFailed(banner_text(exc)))
            return
        try:
            seats = self.app.services.seats.seats()
        except Exception:  # noqa: BLE001 - who sits where is a nicety: the figures still show
            seats = []
        self.post_message(SnapshotReady(snapshot, seats, self._older_catalog_cases()))

    def _older_catalog_cases(self) -> int:
        """Open cases taken under a catalog version other than the one loaded now."""
        catalog = getattr(self.app, "catalog", None)
        if catalog is None:
            return 0
        try:
            return open_under_older_catalog(self._board().store, catalog.version)
        except Exception:  # noqa: BLE001 - a nicety beside the figures, which already loaded
            return 0

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard-drill")
    def _drill(self, department: str, code: str) -> None:
        try:
            cases = self._board().drill(department, code, "due_3")
            self.post_message(DrillReady(f"{department} {code}", cases))
        except Exception as exc:
            self.post_message(BoardFailed(banner_text(exc)))

    # -- handlers ------------------------------------------------------------
    @on(BoardFailed)
    def _failed(self, message: BoardFailed) -> None:
        self.query_one(Banner).show(message.text, "error")

    @on(DrillReady)
    def _show_drill(self, message: DrillReady) -> None:
        table = self.query_one("#drill", DataTable)
        table.clear()
        table.add_class("-shown")
        for c in message.cases:
            table.add_row(*cells(c.number, c.name, c.state, f"{c.window}号", f"{c.due_on:%m-%d}" if c.due_on else "—"))
        self.query_one(Banner).show(f"{message.title}：3个工作日内到期及逾期 {len(message.cases)} 件", "info")

    def _show_totals(self, snap: Any) -> None:
        t = snap.totals
        if self.has_class("-narrow"):  # two lines at 80 columns, without the hourly curve
            text = (f"今日办件 {t.cases_today}　本月 {t.cases_month}　当场办结率 {_pct(t.on_the_spot_share)}\n"
                    f"兜底待补正 {t.fallback_backlog}　容缺待补 {t.tolerated_open}　待寄件 {t.mail_queue}")
        else:
            text = (f"今日办件 {t.cases_today}　本月 {t.cases_month}\n"
                    f"当场办结率 {_pct(t.on_the_spot_share)}\n"
                    f"兜底待补正 {t.fallback_backlog}　容缺待补 {t.tolerated_open}\n"
                    f"待寄件 {t.mail_queue}\n今日各时段办件（8—18时）：")
        self.query_one("#totals", Static).update(text)
        self.query_one("#hourly", Sparkline).data = list(t.hourly)

    def _show_deadlines(self, snap: Any) -> None:
        d = snap.deadlines
        lines = self.query_one("#deadlines", DataTable)
        row = lines.cursor_row
        lines.clear()
        self._line_keys = [(line.department, line.code) for line in d.lines]
        for line in d.lines:
            lines.add_row(*cells(str(line.overdue), str(line.due_1), str(line.due_3), line.department or "—", line.name))
        if d.lines and row is not None:
            lines.move_cursor(row=min(row, len(d.lines) - 1))

    @on(SnapshotReady)
    def _show(self, message: SnapshotReady) -> None:
        snap = self.snapshot = message.snapshot
        self.query_one(Banner).clear_outage()  # the store answered
        now = snap.at.astimezone(self.dashboard.tz) if self.dashboard is not None else snap.at
        self.query_one("#board-title", Static).update(
            f"大厅管理看板 —— {now:%Y-%m-%d %H:%M:%S} 更新（有办件即刷新）")
        windows = self.query_one("#windows", DataTable)
        windows.clear()
        seated: dict[int, list[str]] = {}
        for seat in message.seats:
            if seat.window:  # a window whose heartbeat stopped (killed, cut off) is 离线
                seated.setdefault(seat.window, []).append(f"{seat.name}（离线）" if seat.stale else seat.name)
        loads = {w.window: w for w in snap.windows}
        for number in sorted(set(loads) | set(seated)):
            w = loads.get(number)
            who = Text("、".join(seated.get(number, [])) or "—")
            if w is None:
                windows.add_row(f"{number}号", who, "0", "—", "—", "0")
                continue
            # the serial and a short item name: the whole row fits at 80 columns
            last = Text(f"{w.last_number.rsplit('-', 1)[-1]} {_short(w.last_item)}") if w.last_number else "—"
            if w.handling_minutes is not None:  # measured from the tickets: call -> finish
                avg = f"{w.handling_minutes:.1f}分钟"
            else:  # no tickets: estimated from the gaps between receipts
                avg = f"约{w.avg_minutes:.1f}分钟" if w.avg_minutes is not None else "—"
            windows.add_row(*cells(f"{number}号", who, str(w.cases_today), last, avg, str(w.open_fallback)))
        self._show_totals(snap)
        self._show_deadlines(snap)
        d = snap.deadlines
        note = "（日历未载入，期限按法定节日从宽推算）" if d.provisional else ""
        watch = Text(
            f"逾期合计 {d.overdue_total}{note}\n"
            f"一次性告知：逾期 {d.notice_overdue}，1个工作日内到期 {d.notice_due_1}\n"
            f"容缺材料逾期未补 {d.supply_overdue}\n"
            f"差评整改：未办结 {d.follow_up_open}，逾期 {d.follow_up_overdue}\n"
            f"诉求：未办结 {d.complaints_open}，逾期未答复 {d.complaints_overdue}")
        if d.verify_open:  # 告知承诺: overdue verifications in red
            watch.append(f"\n告知承诺核查：待核查 {d.verify_open}，")
            watch.append(f"逾期 {d.verify_overdue}", style="bold red" if d.verify_overdue else "")
        if message.older:
            watch.append(f"\n旧版事项目录受理的在办件 {message.older} 件（按受理时的清单办理）")
        self.query_one("#watch", Static).update(watch)
        r = snap.ratings
        trend = " ".join(f"{m[5:]}月{_pct(s)}" for m, s in r.trend[-3:])
        self.query_one("#ratings", Static).update(
            f"本月满意率 {_pct(r.good_share)}（{r.month_good}/{r.month_rated}）\n近月：{trend}")
        self.query_one("#rating-trend", Sparkline).data = [s * 100 if s is not None else 0 for _, s in r.trend]
