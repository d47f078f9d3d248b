"""``clerk board``: the hall display (叫号屏) for the hall's TV, also through ``clerk serve``.

No sign-in and no keys to speak of: it shows ``TicketService.board()`` — the latest
call large (``请 A012 号 到 7 号窗口``), the recent calls, each queue's length and
estimated wait, and the paused windows.  It wakes on ``clerk.store.changes``
(LISTEN/NOTIFY on PostgreSQL, ``PRAGMA data_version`` on SQLite, polled every
``BOARD_POLL`` seconds so a call reaches the screen within a second) and also
reloads every ``refresh_seconds`` (waits and the clock move without any write).

Each call that appears after the board started is handed to ``announce`` (the
hall's ``announce_command`` run with the Chinese call text as its last argument,
never through a shell) in a worker of its own, in the order they were made.
"""

from __future__ import annotations

import shlex
import subprocess
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from clerk.config import load_settings
from clerk.domain.queueing import wait_text
from clerk.store.changes import ChangeWatcher
from clerk.tui.bigtext import big_text
from clerk.tui.cjk import keep_wide_characters
from clerk.tui.hall import run_hall_app
from clerk.tui.messages import banner_text
from clerk.tui.plain import plain
from clerk.tui.services import Services

keep_wide_characters()  # Chinese under an overlay stays whole (clerk.tui.cjk)

if TYPE_CHECKING:
    from clerk.domain.queueing import BoardView, CallView

#: Seconds between two looks at the store for a change (a call must reach the TV within 1 s).
BOARD_POLL = 0.25
#: Seconds an announce command may take before it is given up (the next call must not wait for ever).
ANNOUNCE_TIMEOUT = 30.0


def announce_with(command: str, *, timeout: float = ANNOUNCE_TIMEOUT) -> Callable[[str], None] | None:
    """A callable that runs the hall's ``announce_command`` with the call text (None: no command).

    The command line is split like a shell would (``shlex``) but never run by one: the
    text is one argument, whatever it holds.
    """
    argv = shlex.split(command or "")
    if not argv:
        return None

    def run(text: str) -> None:
        subprocess.run([*argv, text], check=False, timeout=timeout, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return run


class BoardLoaded(Message):
    def __init__(self, view: BoardView | None, error: str = "") -> None:
        super().__init__()
        self.view, self.error = view, error


def call_key(call: CallView) -> tuple[str, int, datetime]:
    """One call (a recall is a new one: its own time)."""
    return (call.number, call.window, call.at)


class BoardApp(App[None]):
    """The hall display over ``services`` (its ``tickets.board(now)`` and ``store``)."""

    TITLE = "叫号屏"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    Screen { background: #06121a; color: #e8f0f4; layout: vertical; }
    #board-head { height: 1; background: #0d3b5a; color: #ffffff; padding: 0 1; }
    #board-latest { height: 1fr; min-height: 5; content-align: center middle; text-align: center;
                    background: #0a2a40; color: #ffd54a; text-style: bold; border: heavy #1e6fa8; }
    #board-lower { height: 1fr; }
    #board-recent { width: 1fr; border: round #1e6fa8; }
    #board-queues { width: 2fr; border: round #1e6fa8; }
    #board-recent, #board-queues { background: #06121a; }
    DataTable { background: #06121a; }
    #board-paused { height: auto; min-height: 1; background: #5a3a0d; color: #ffffff; padding: 0 1; }
    #board-status { height: auto; display: none; background: #8b1d1d; color: #ffffff; padding: 0 1; }
    #board-status.-shown { display: block; }
    """
    BINDINGS = [
        Binding("ctrl+q", "quit", "退出", id="board.quit", show=False, priority=True),
    ]

    def __init__(self, services: Services, *, announce: Callable[[str], None] | None = None, watch: bool = True,
                 refresh_seconds: float = 30.0, poll: float = BOARD_POLL, recent: int = 8) -> None:
        super().__init__()
        self.services = services
        self.clock = services.now
        self.hall_name = services.settings.hall.name
        self.watch_store = watch  # wake on the store's changes (tests load by hand instead)
        self.announce = announce
        self.refresh_seconds = refresh_seconds
        self.poll = poll
        self.recent_count = recent
        self.view: BoardView | None = None
        self.loads = 0  # boards shown so far (tests wait on it)
        self.announced: list[str] = []  # call texts handed to ``announce`` (in order)
        self._seen: set[tuple[str, int, datetime]] | None = None  # calls already on the board
        self._stop = threading.Event()
        self._watching = False  # the store's watcher thread has been started
        self._announce_lock = threading.Lock()  # one voice at a time, in call order

    def compose(self) -> ComposeResult:
        yield Static("", id="board-head", markup=False)
        yield Static("", id="board-latest", markup=False)
        with Horizontal(id="board-lower"):
            with Vertical(id="board-recent"):
                yield DataTable(id="board-calls", show_cursor=False, zebra_stripes=True)
            with Vertical(id="board-queues"):
                yield DataTable(id="board-queue-table", show_cursor=False, zebra_stripes=True)
        yield Static("", id="board-paused", markup=False)
        yield Static("", id="board-status", markup=False)

    def on_mount(self) -> None:
        self.query_one("#board-recent").border_title = "最近叫号"
        self.query_one("#board-queues").border_title = "排队情况"
        self.query_one("#board-calls", DataTable).add_columns("号码", "窗口", "时间")
        self.query_one("#board-queue-table", DataTable).add_columns("队列", "业务", "等候人数", "预计等候", "状态")
        self._head()
        self.reload()  # the store's watcher starts once this first load is over (``on_board_loaded``)
        self.set_interval(self.refresh_seconds, self.reload)
        self.set_interval(10.0, self._head)

    def on_resize(self) -> None:
        if self.view is not None:
            self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        if self.view is not None:
            self._show(self.view)
            if self._stale_since is not None:
                self._stale()  # still no answer from the store: the resized board says so too

    def on_unmount(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        def polled(changed: bool, ok: bool) -> None:
            if changed:
                try:
                    self.call_from_thread(self.reload)
                except BaseException:  # noqa: BLE001 - the app has ended
                    self._stop.set()

        while not self._stop.is_set():
            try:
                store = self.services.store
                break
            except Exception:  # noqa: BLE001 - no store yet: the board says so when it loads
                self._stop.wait(1.0)
        else:
            return
        ChangeWatcher(store, interval=self.poll).run(self._stop, polled)

    def _head(self) -> None:
        now = self.clock()
        title = f"{self.hall_name} · 叫号屏" if self.hall_name else "叫号屏"
        self.query_one("#board-head", Static).update(plain(f"{title}    {now:%Y-%m-%d %H:%M}"))

    # -- loading ---------------------------------------------------------------
    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="board")
    def _load(self) -> None:
        try:
            self.services.store.check_version()  # a store not set up (or closed to this version) says so
            view = self.services.tickets.board(self.clock())
        except Exception as exc:  # the store is down: keep the last board, say so at the bottom
            self.post_message(BoardLoaded(None, f"叫号数据暂时无法读取：{banner_text(exc)}"))
            return
        self.post_message(BoardLoaded(view))

    def on_board_loaded(self, event: BoardLoaded) -> None:
        if self.watch_store and not self._watching:
            # Not before: two threads loading the store's modules at once can see a half-imported
            # SQLAlchemy (an ImportError the board showed at start-up, #30 item 14).
            self._watching = True
            threading.Thread(target=self._watch, daemon=True, name="clerk-board-watch").start()
        status = self.query_one("#board-status", Static)
        if event.view is None:
            status.update(plain(event.error))
            status.add_class("-shown")
            self._stale()
            return
        status.remove_class("-shown")
        self._stale_since = None
        self.query_one("#board-queues").border_title = "排队情况"
        self.view = event.view
        self._show(event.view)
        self._announce_new(event.view)
        self.loads += 1

    def _show(self, view: BoardView) -> None:
        latest = view.latest
        box = self.query_one("#board-latest", Static)
        if latest is None:
            box.update(Text("欢迎光临，请取号等候", style="bold"))
        else:
            width = box.content_region.width or self.size.width
            height = box.content_region.height or 5
            box.update(big_text(latest.number, latest.window, latest.text, width, height))
        calls = self.query_one("#board-calls", DataTable)
        calls.clear()
        for call in list(view.recent)[: self.recent_count]:
            calls.add_row(plain(call.number, style="bold"), plain(f"{call.window} 号窗口"),
                          plain(f"{self._local(call.at):%H:%M}"))
        queues = self.query_one("#board-queue-table", DataTable)
        queues.clear()
        for q in view.queues:
            state = "已满" if q.full else ("办理中" if q.open else "未开放")
            wait = (wait_text(q.estimated_wait_minutes, q.serving_windows, short=True)
                    if q.open and (q.waiting or not q.serving_windows) else "—")
            queues.add_row(plain(q.prefix, style="bold"), plain(q.name), plain(f"{q.waiting} 人"), plain(wait),
                           plain(state, style="" if q.open and not q.full else "yellow"))
        paused = self.query_one("#board-paused", Static)
        if view.paused:
            parts = [f"{window} 号窗口（{reason or '暂停'}，{self._local(since):%H:%M} 起）"
                     for window, reason, since in view.paused]
            paused.update(plain("暂停服务：" + "；".join(parts)))
        else:
            paused.update(plain("各窗口正常服务"))

    _stale_since: datetime | None = None  # the first load that failed, while the store does not answer

    def _stale(self) -> None:
        """The store does not answer: the last calls stay (they were made), but nothing claims to be current —
        not 各窗口正常服务, not the queues' waits."""
        if self._stale_since is None:
            self._stale_since = self.clock()
        since = f"{self._local(self._stale_since):%H:%M}"
        self.query_one("#board-paused", Static).update(plain(f"叫号信息自 {since} 起暂停更新，请留意窗口叫号"))
        if self.view is not None:
            self.query_one("#board-queues").border_title = f"排队情况（{since} 前的数据，暂停更新）"

    def _local(self, at: datetime) -> datetime:
        now = self.clock()
        return at.astimezone(now.tzinfo) if at.tzinfo and now.tzinfo else at

    # -- the voice ---------------------------------------------------------------
    def _announce_new(self, view: BoardView) -> None:
        calls = [c for c in ([view.latest] if view.latest else []) + list(view.recent) if c is not None]
        keys = {call_key(c) for c in calls}
        if self._seen is None:  # the first board: what was called before it started is not re-announced
            self._seen = keys
            return
        new = sorted((c for c in calls if call_key(c) not in self._seen), key=lambda c: c.at)
        unique = list({call_key(c): c for c in new}.values())
        self._seen |= keys
        for call in unique:
            self.announced.append(call.text)
            if self.announce is not None:
                self._say(call.text)

    @work(thread=True, exclusive=False, exit_on_error=False, group="announce")
    def _say(self, text: str) -> None:
        announce = self.announce
        if announce is None:
            return
        with self._announce_lock:
            try:
                announce(text)
            except Exception as exc:  # noqa: BLE001 - no voice is no reason to stop the board
                self.call_from_thread(self._voice_failed, banner_text(exc))

    def _voice_failed(self, text: str) -> None:
        status = self.query_one("#board-status", Static)
        status.update(plain(f"语音播报失败：{text}"))
        status.add_class("-shown")


def make_board_app(env: dict[str, str] | None = None) -> BoardApp:
    settings = load_settings(env)
    return BoardApp(Services(settings), announce=announce_with(settings.announce_command))


def run_board() -> int:
    return run_hall_app(make_board_app)
