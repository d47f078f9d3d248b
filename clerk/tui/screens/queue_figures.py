"""排队叫号 for the supervisor: today's measured waits and handling times (``q`` on the dashboard).

Per queue: waiting now, the longest wait now, tickets called, mean and 90th-percentile wait,
no-shows, 绿色通道/预约 served; per window: served, mean handling time (call → finish),
paused with the reason.  A red line names every queue where someone has waited longer
than ``wait_alert_minutes``.  Figures come from ``TicketService.figures`` (measured
times, not estimates); the screen reloads when the store changes (at most every
``LIVE_GAP_SECONDS``) and every ``REFRESH_SECONDS``.
"""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from clerk.tui.messages import Failed, Message, banner_text
from clerk.tui.plain import cells, plain
from clerk.tui.screen import ClerkScreen
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.footer import KeyFooter

REFRESH_SECONDS = 30.0
LIVE_GAP_SECONDS = 2.0


class FiguresReady(Message):
    def __init__(self, queues: list[Any], windows: list[Any]) -> None:
        super().__init__()
        self.queues, self.windows = queues, windows


def _minutes(value: float) -> str:
    return f"{value:.0f} 分" if value else "—"


def long_waits(queues: list[Any], limit_minutes: int) -> list[Any]:
    """The queues where the longest wait now passes the hall's limit (the alert line)."""
    return [q for q in queues if q.longest_wait_now > limit_minutes]


class QueueFiguresScreen(ClerkScreen):
    BINDINGS = [
        Binding("escape", "back", "返回", id="queue_figures.back"),
        Binding("f3,r", "refresh", "刷新", id="queue_figures.refresh"),
    ]
    DEFAULT_CSS = """
    QueueFiguresScreen #figures-title { height: 1; padding: 0 1; background: $boost; }
    QueueFiguresScreen #figures-alert { height: auto; padding: 0 1; display: none; background: $error; color: $text;
                                        text-style: bold; }
    QueueFiguresScreen #figures-alert.-shown { display: block; }
    QueueFiguresScreen #figures-body { height: 1fr; }
    QueueFiguresScreen .panel { border: round $primary; height: 1fr; }
    QueueFiguresScreen #figures-queues-box { width: 3fr; }
    QueueFiguresScreen #figures-windows-box { width: 2fr; }
    QueueFiguresScreen.-narrow #figures-body { layout: vertical; }
    QueueFiguresScreen.-narrow #figures-queues-box, QueueFiguresScreen.-narrow #figures-windows-box { width: 1fr; }
    """

    def __init__(self, tickets: Any = None) -> None:
        super().__init__()
        self._tickets = tickets
        self._loaded_at = 0.0

    def compose(self) -> ComposeResult:
        yield Static("", id="figures-title", markup=False)
        yield Static("", id="figures-alert", markup=False)
        with Horizontal(id="figures-body"):
            with Vertical(id="figures-queues-box", classes="panel"):
                yield DataTable(id="figures-queues", cursor_type="row", zebra_stripes=True)
            with Vertical(id="figures-windows-box", classes="panel"):
                yield DataTable(id="figures-windows", cursor_type="row", zebra_stripes=True)
        yield Banner()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#figures-queues-box").border_title = "各队列（今日，分钟）"
        self.query_one("#figures-windows-box").border_title = "各窗口"
        self.query_one("#figures-queues", DataTable).add_columns(
            "队列", "等候", "最长等候", "已叫", "平均等候", "90%等候", "过号", "优先")
        self.query_one("#figures-windows", DataTable).add_columns("窗口", "已办", "平均办理", "状态")
        self.query_one("#figures-title", Static).update(
            plain(f"排队叫号 · {self.app.services.today():%Y-%m-%d}（F3 刷新，Esc 返回）"))
        self.action_refresh()
        self.set_interval(REFRESH_SECONDS, self.action_refresh)

    def action_back(self) -> None:
        leave = getattr(self.app, "leave", None)
        leave(self) if leave else self.dismiss()

    def store_changed(self) -> None:
        if time.monotonic() - self._loaded_at >= LIVE_GAP_SECONDS:
            self.action_refresh()

    def action_refresh(self) -> None:
        self._loaded_at = time.monotonic()
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-figures")
    def _load(self) -> None:
        try:
            if self._tickets is None:
                self._tickets = self.app.services.tickets
            queues, windows = self._tickets.figures()
        except Exception as exc:
            self.post_message(Failed("figures", exc, banner_text(exc)))
            return
        self.post_message(FiguresReady(queues, windows))

    @on(FiguresReady)
    def _ready(self, event: FiguresReady) -> None:
        limit = self.app.services.settings.wait_alert_minutes
        table = self.query_one("#figures-queues", DataTable)
        table.clear()
        for q in event.queues:
            longest = Text(_minutes(q.longest_wait_now), style="bold red" if q.longest_wait_now > limit else "")
            table.add_row(*cells(f"{q.prefix} {q.name}", f"{q.waiting_now} 人", longest, q.called,
                                 _minutes(q.mean_wait), _minutes(q.p90_wait), q.no_shows, q.priority_served))
        windows = self.query_one("#figures-windows", DataTable)
        windows.clear()
        for w in event.windows:
            state: Text | str
            if w.paused:
                state = Text(f"暂停（{w.reason}）", style="yellow")
            else:
                state = f"接待 {w.current}" if w.current else "服务中"
            windows.add_row(*cells(f"{w.window} 号", w.served, _minutes(w.mean_handling), state))
        alert = self.query_one("#figures-alert", Static)
        late = long_waits(event.queues, limit)
        if late:
            names = "、".join(f"{q.prefix} {q.name}（{q.longest_wait_now:.0f} 分钟）" for q in late)
            alert.update(plain(f"等候超过 {limit} 分钟：{names}。请增开窗口或安排引导分流"))
        alert.set_class(bool(late), "-shown")

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.query_one(Banner).show(event.text)
