"""``clerk kiosk``: the hall's ticket machine (取号机), also through ``clerk serve``.

Chinese only, big targets for a finger or a mouse, and keys for a keypad:

- a button per queue (digits 1–9), each with its people waiting and estimated wait;
  a closed or full queue is shown so and cannot be pressed;
- F2 searches an item (name, pinyin initials, code): Enter takes a ticket in the
  queue that serves it (``TicketService.queue_for_item``);
- F4 the ID number (optional; an ID card reader types it): the window then sees the
  applicant's returning data, and 70+ from its birth date is the 绿色通道 by itself;
- F6 绿色通道 for people the attendant at the door confirms (残疾人, 军人, 孕妇);
- F3 appointment check-in (预约签到) by code or ID number.

A ticket is taken, printed and only then counted (``clerk.integration.tickets``),
in a worker; a printer out of paper or a store that does not answer leaves a clear
message on the screen and no ticket.  The ID number is cleared after every ticket
and whenever the machine is left alone (``IDLE_SECONDS``): the next person never
sees it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets import Input as _Input
from textual.widgets.option_list import Option

from clerk.config import load_settings
from clerk.domain.queueing import NO_WINDOW, Priority
from clerk.identity import check_resident_id
from clerk.integration.tickets import check_in_and_print, issue_ticket
from clerk.tui.bigtext import block_lines, drawable
from clerk.tui.cjk import keep_wide_characters
from clerk.tui.hall import run_hall_app
from clerk.tui.keymap import keymap_from_settings
from clerk.tui.messages import banner_text
from clerk.tui.plain import TYPED, lines, plain
from clerk.tui.services import Services
from clerk.tui.widgets.footer import KeyFooter

keep_wide_characters()  # Chinese under an overlay stays whole (clerk.tui.cjk)

if TYPE_CHECKING:
    from textual.timer import Timer

    from clerk.domain.queueing import QueueStatus, TicketView

#: Seconds without a touch or key after which the kiosk forgets the ID number and choices.
IDLE_SECONDS = 60.0
#: Seconds the printed ticket's details stay on screen.
RESULT_SECONDS = 8.0
#: Keys this close (seconds) are one burst (a card reader types 5–20 ms a key; a finger, 100+ ms).
BURST_GAP = 0.05
#: A digit picks its queue once no other key followed it this long (seconds).
BURST_WAIT = 0.15
#: 绿色通道 the attendant confirms at the door (value of clerk.domain.queueing.Priority, label).
DOOR_PRIORITIES = [("none", "不需要"), ("disability", "残疾人"), ("service_member", "军人"),
                   ("pregnancy", "孕妇")]


class QueuesLoaded(Message):
    """The queues' buttons to show (``queues``), or why they could not be read (``error``)."""

    def __init__(self, queues: list[QueueStatus], error: str = "") -> None:
        super().__init__()
        self.queues, self.error = queues, error


class SearchHits(Message):
    """The items found for ``text``: (code, name)."""

    def __init__(self, text: str, hits: list[tuple[str, str]]) -> None:
        super().__init__()
        self.text, self.hits = text, hits


class TicketIssued(Message):
    """A ticket printed and counted (``ticket``), or why not (``error``)."""

    def __init__(self, ticket: TicketView | None, error: str = "") -> None:
        super().__init__()
        self.ticket, self.error = ticket, error


class TicketShown(ModalScreen[None]):
    """The printed ticket's number, people ahead and wait; any key or touch closes it."""

    DEFAULT_CSS = """
    TicketShown { align: center middle; }
    TicketShown > Vertical { width: 60; max-width: 100%; height: auto; border: thick $success;
                             background: $surface; padding: 1 2; }
    TicketShown #ticket-number { text-align: center; text-style: bold; color: $success; }
    TicketShown #ticket-details { text-align: center; margin-top: 1; }
    """
    BINDINGS = [Binding("escape,enter,space", "close", "好的", id="kiosk.ticket_close")]

    def __init__(self, ticket: TicketView, seconds: float = RESULT_SECONDS) -> None:
        super().__init__()
        self.ticket, self.seconds = ticket, seconds

    def compose(self) -> ComposeResult:
        t = self.ticket
        number = Text(justify="center")
        if drawable(t.number):
            number.append("\n".join(block_lines(t.number, 1)) + "\n\n")  # a line between number and caption
        number.append(f"您的号码：{t.number}")
        wait = (f"，{NO_WINDOW}" if not t.serving_windows
                else f"，预计等候约 {t.estimated_wait_minutes} 分钟" if t.ahead else "")
        lane = f"（{t.priority.label}）" if t.priority.is_priority else ""
        details = lines([f"{t.queue_name}{lane}", f"前面还有 {t.ahead} 人{wait}", "请取走号票，留意叫号屏和语音叫号"])
        with Vertical():
            yield Static(number, id="ticket-number")
            yield Static(details, id="ticket-details")

    def on_mount(self) -> None:
        self.set_timer(self.seconds, self.action_close)

    def on_click(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        if self.is_attached and self.app.screen is self:
            self.dismiss()


class CheckInScreen(ModalScreen[str | None]):
    """预约签到: the appointment code or the ID number it was booked with."""

    DEFAULT_CSS = """
    CheckInScreen { align: center middle; }
    CheckInScreen > Vertical { width: 64; max-width: 100%; height: auto; border: thick $primary;
                               background: $surface; padding: 1 2; }
    CheckInScreen Button { width: 1fr; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "返回", id="kiosk.checkin_cancel")]
    AUTO_FOCUS = "#checkin-input"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("预约签到：请输入预约码或预约时登记的身份证号，按回车", markup=False)
            yield Input(placeholder="预约码 / 身份证号", id="checkin-input", max_length=32, restrict=TYPED)
            with Horizontal():
                yield Button("签到取号", id="checkin-ok", variant="primary")
                yield Button("返回", id="checkin-cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#checkin-ok")
    def _ok(self) -> None:
        text = self.query_one("#checkin-input", Input).value.strip()
        if text:
            self.dismiss(text)

    @on(Button.Pressed, "#checkin-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class KioskApp(App[None]):
    """The ticket machine over ``services`` (tickets, appointments, catalog, ticket printer)."""

    TITLE = "自助取号"
    ENABLE_COMMAND_PALETTE = False  # Textual's palette is in English; a kiosk needs none
    AUTO_FOCUS = None  # nothing focused: the digit keys pick a queue
    CSS = """
    Screen { layout: vertical; }
    #kiosk-head { height: 1; background: $primary; color: $text; padding: 0 1; text-style: bold; }
    #kiosk-hint { height: 1; padding: 0 1; }
    #kiosk-queues { grid-size: 3; grid-gutter: 0 1; height: auto; padding: 0 1; }
    #kiosk-queues Button { width: 100%; height: 5; }
    #kiosk-form { height: auto; padding: 0 1; }
    #kiosk-form Input { width: 1fr; }
    #kiosk-search-row, #kiosk-id-row, #kiosk-lane-row { height: auto; }
    .kiosk-label { width: 14; padding: 1 0 0 0; }
    #kiosk-hits { height: auto; max-height: 6; display: none; }
    #kiosk-hits.-shown { display: block; }
    #kiosk-lane-row Button { min-width: 8; width: 1fr; }
    #kiosk-lane-row Button.-chosen { background: $success; }
    #kiosk-checkin { width: 100%; }
    #kiosk-message { height: auto; min-height: 1; padding: 0 1; }
    #kiosk-message.-error { background: $error; color: $text; text-style: bold; }
    #kiosk-message.-busy { background: $primary; color: $text; }
    """
    BINDINGS = [
        Binding("f2", "focus_search", "搜索事项", id="kiosk.search"),
        Binding("f3", "check_in", "预约签到", id="kiosk.check_in"),
        Binding("f4", "focus_id", "身份证号", id="kiosk.id"),
        Binding("f6", "next_lane", "绿色通道", id="kiosk.lane"),
        Binding("escape", "clear", "清空", id="kiosk.clear"),
        Binding("ctrl+q", "quit", "退出", id="kiosk.quit", show=False, priority=True),
    ]

    def __init__(self, services: Services, *, idle_clock: Callable[[], float] = time.monotonic,
                 refresh_seconds: float = 15.0, result_seconds: float = RESULT_SECONDS,
                 idle_check: float = 5.0, key_clock: Callable[[], float] = time.monotonic,
                 burst_wait: float = BURST_WAIT) -> None:
        super().__init__()
        self.idle_check = idle_check
        self.services = services
        self.idle_clock = idle_clock
        self.refresh_seconds = refresh_seconds
        self.result_seconds = result_seconds
        self.queues: list[QueueStatus] = []  # in the order of the buttons
        self.lane = "none"
        self.busy = False  # a ticket is being printed: a second press waits
        self.issued: list[TicketView] = []  # tickets printed by this kiosk (tests read it)
        self.key_clock = key_clock
        self.hall_keymap: dict[str, str] = {}
        self.burst_wait = burst_wait
        self._burst, self._burst_at = "", 0.0
        self._burst_timer: Timer | None = None
        self.last_touch = idle_clock()

    def compose(self) -> ComposeResult:
        yield Static("", id="kiosk-head", markup=False)
        yield Static("请选择办理的业务（点按或按数字键）", id="kiosk-hint", markup=False)
        yield Grid(id="kiosk-queues")
        with Vertical(id="kiosk-form"):
            with Horizontal(id="kiosk-search-row"):
                yield Static("搜索事项 F2", classes="kiosk-label", markup=False)
                yield Input(placeholder="事项名称、拼音首字母或编码，回车取号", id="kiosk-search", max_length=40,
                            restrict=TYPED)
            yield OptionList(id="kiosk-hits")
            with Horizontal(id="kiosk-id-row"):
                yield Static("身份证号 F4", classes="kiosk-label", markup=False)
                yield Input(placeholder="可不填；刷身份证或输入，窗口可调出您的办事记录", id="kiosk-id", max_length=18,
                            restrict=r"[0-9Xx]*", password=False)
            with Horizontal(id="kiosk-lane-row"):
                yield Static("绿色通道 F6", classes="kiosk-label", markup=False)
                for value, label in DOOR_PRIORITIES:
                    yield Button(label, id=f"lane-{value}", classes="-chosen" if value == "none" else "")
            yield Button("预约签到（F3）", id="kiosk-checkin", variant="primary")
        yield Static("", id="kiosk-message", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.hall_keymap:
            self.set_keymap(self.hall_keymap)
        self._head()
        self.set_interval(10.0, self._head)
        self.set_interval(self.idle_check, self._check_idle)
        self.reload()
        self.set_interval(self.refresh_seconds, self.reload)

    def _head(self) -> None:
        now = self.services.now()
        self.query_one("#kiosk-head", Static).update(
            plain(f"{self.services.settings.hall.name} · 自助取号    {now:%Y-%m-%d %H:%M}"))

    # -- the idle reset ---------------------------------------------------------
    def on_key(self) -> None:
        self.last_touch = self.idle_clock()

    def on_click(self) -> None:
        self.last_touch = self.idle_clock()

    def _check_idle(self) -> None:
        if self.idle_clock() - self.last_touch >= IDLE_SECONDS and not self.busy:
            try:
                self.action_clear()
            except NoMatches:  # the form is not on screen (closing down, or a screen over it): next check
                pass

    def action_clear(self) -> None:
        """Forget the ID number, the search and the 绿色通道 choice (the next person starts clean)."""
        self.query_one("#kiosk-id", Input).value = ""
        self.query_one("#kiosk-search", Input).value = ""
        self._hits([])
        self._set_lane("none")
        self._message("")
        self.set_focus(None)

    # -- queue buttons ------------------------------------------------------------
    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="kiosk-load")
    def _load(self) -> None:
        try:
            self.services.store.check_version()  # a store not set up (or closed to this version) says so
            queues = self.services.tickets.queue_status(self.services.now())
        except Exception as exc:
            self.post_message(QueuesLoaded([], f"暂时无法取号：{banner_text(exc)}。请稍候或咨询服务台。"))
            return
        self.post_message(QueuesLoaded(queues))

    def _show_queues(self, queues: list[QueueStatus]) -> None:
        grid = self.query_one("#kiosk-queues", Grid)
        same = [q.prefix for q in queues] == [q.prefix for q in self.queues] and len(grid.children) == len(queues)
        self.queues = list(queues)
        if not same:
            grid.remove_children()
            grid.mount_all(Button("", id=f"queue-{i}") for i in range(len(queues)))
        for i, q in enumerate(queues):
            button = grid.query_one(f"#queue-{i}", Button)
            button.label = self._queue_label(i, q)
            button.disabled = not q.open or q.full
            button.variant = "primary" if q.open and not q.full else "default"

    @staticmethod
    def _queue_label(index: int, q: QueueStatus) -> Text:
        label = Text(f"{index + 1}  {q.prefix} {q.name}\n", style="bold")
        if not q.open:
            label.append("现在不在办理时间")
        elif q.full:
            label.append("今日号已取完")
        elif not q.serving_windows:  # no signed-in window serves it: no wait to promise
            label.append(NO_WINDOW)
        else:
            wait = f" · 约 {q.estimated_wait_minutes} 分钟" if q.waiting else ""
            label.append(f"等候 {q.waiting} 人{wait}")
        return label

    @on(Button.Pressed, "#kiosk-queues Button")
    def _queue_pressed(self, event: Button.Pressed) -> None:
        index = int((event.button.id or "queue-0").removeprefix("queue-"))
        self.take(self.queues[index].prefix)

    def _pick_queue(self, digit: int) -> None:
        if 1 <= digit <= len(self.queues):
            self.take(self.queues[digit - 1].prefix)
        else:
            self._message(f"没有第 {digit} 项业务，请按 1–{len(self.queues)} 选择", error=True)

    async def on_event(self, event: events.Event) -> None:
        """Digits pick a queue — unless they come as a burst: an ID card reader typing the number
        (and Enter) while nothing is focused fills the ID field and takes no ticket."""
        if (isinstance(event, events.Key) and not isinstance(self.focused, _Input)
                and self.screen is self.screen_stack[0] and self._burst_key(event)):
            event.prevent_default()
            event.stop()
            return
        await super().on_event(event)

    def _burst_key(self, event: events.Key) -> bool:
        char = event.character or ""
        now = self.key_clock()
        fast = bool(self._burst) and now - self._burst_at <= BURST_GAP
        if event.key == "enter" and self._burst:
            self._burst_done()
            return True
        if not (char.isdigit() or (char in "Xx" and fast)):
            return False
        if not fast:
            self._burst = ""
        self._burst += char.upper()
        self._burst_at = now
        if self._burst_timer is not None:
            self._burst_timer.stop()
        self._burst_timer = self.set_timer(self.burst_wait, self._burst_done)
        return True

    def _burst_done(self) -> None:
        if self._burst_timer is not None:
            self._burst_timer.stop()
            self._burst_timer = None
        text, self._burst = self._burst, ""
        if len(text) == 1:
            self._pick_queue(int(text))
        elif len(text) >= 15:  # a card reader: the ID number, never a ticket by itself
            self.query_one("#kiosk-id", Input).value = self._card_number(text)
            self._message("已读取身份证号，请选择办理的业务", busy=True)
        elif text:
            self._message("请只按一个数字键选择业务", error=True)

    def _card_number(self, burst: str) -> str:
        """The ID number in a reader's burst: a digit pressed just before the card was swiped
        runs into the burst (``1`` + 18 characters), so the number is its valid 18-character
        tail, else its last 18 characters (the reader types the number last, then Enter)."""
        today = self.services.now().date()
        for start in range(max(0, len(burst) - 18), len(burst) - 14):
            if check_resident_id(burst[start:], today=today).ok:
                return burst[start:]
        return burst[-18:]

    # -- item search -------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#kiosk-search", Input).focus()

    def action_focus_id(self) -> None:
        self.query_one("#kiosk-id", Input).focus()

    @on(Input.Changed, "#kiosk-search")
    def _search_changed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if not text:
            self._hits([])
            return
        self._search(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="kiosk-search")
    def _search(self, text: str) -> None:
        try:
            hits = [(h.code, h.name) for h in self.services.catalog.search(text, limit=6) if h.kind == "item"]
        except Exception:  # noqa: BLE001 - no catalog: the queue buttons still work
            hits = []
        self.post_message(SearchHits(text, hits))

    def _hits(self, hits: list[tuple[str, str]]) -> None:
        box = self.query_one("#kiosk-hits", OptionList)
        box.clear_options()
        box.add_options(Option(plain(name), id=code) for code, name in hits)
        box.set_class(bool(hits), "-shown")
        if hits:
            box.highlighted = 0

    @on(Input.Submitted, "#kiosk-search")
    def _search_submitted(self) -> None:
        box = self.query_one("#kiosk-hits", OptionList)
        if box.option_count and box.highlighted is not None:
            self._take_for_item(box.get_option_at_index(box.highlighted).id)
        else:
            self._message("请先输入事项名称，在列表中选择", error=True)

    @on(OptionList.OptionSelected, "#kiosk-hits")
    def _hit_selected(self, event: OptionList.OptionSelected) -> None:
        self._take_for_item(event.option.id)

    def _take_for_item(self, code: str | None) -> None:
        if code:
            self.take(None, item=code)

    # -- 绿色通道 -----------------------------------------------------------------------
    @on(Button.Pressed, "#kiosk-lane-row Button")
    def _lane_pressed(self, event: Button.Pressed) -> None:
        self._set_lane((event.button.id or "lane-none").removeprefix("lane-"))

    def action_next_lane(self) -> None:
        values = [v for v, _ in DOOR_PRIORITIES]
        self._set_lane(values[(values.index(self.lane) + 1) % len(values)])

    def _set_lane(self, value: str) -> None:
        self.lane = value
        for v, _ in DOOR_PRIORITIES:
            self.query_one(f"#lane-{v}", Button).set_class(v == value, "-chosen")

    # -- taking a ticket ------------------------------------------------------------------
    def take(self, queue: str | None, *, item: str | None = None) -> None:
        if self.busy:
            self._message("正在打印号票，请稍候……", busy=True)
            return
        id_number = self.query_one("#kiosk-id", Input).value.strip().upper() or None
        if id_number is not None:
            check = check_resident_id(id_number, today=self.services.now().date())
            if not check.ok:
                self._message(f"身份证号有误：{check.reason}。可清空（Esc）后不填身份证号取号", error=True)
                return
            id_number = check.value
        self.busy = True
        self._message("正在取号打印，请稍候……", busy=True)
        self._issue(queue, item, id_number, self.lane)

    @work(thread=True, exclusive=True, exit_on_error=False, group="kiosk-issue")
    def _issue(self, queue: str | None, item: str | None, id_number: str | None, lane: str) -> None:
        services = self.services
        try:
            if queue is None:
                if item is None:
                    raise ValueError("neither a queue nor an item to take a ticket for")
                queue = services.tickets.queue_for_item(item)
            ticket = issue_ticket(services.tickets, services.ticket_printer, services.settings, queue,
                                  id_number=id_number, priority=Priority(lane))
        except Exception as exc:
            self.post_message(TicketIssued(None, f"未能取号：{banner_text(exc)}"))
            return
        self.post_message(TicketIssued(ticket))

    def action_check_in(self) -> None:
        if self.busy:
            return

        def entered(text: str | None) -> None:
            if text:
                self.busy = True
                self._message("正在签到打印，请稍候……", busy=True)
                self._check_in(text)

        self.push_screen(CheckInScreen(), entered)

    @on(Button.Pressed, "#kiosk-checkin")
    def _check_in_pressed(self) -> None:
        self.action_check_in()

    @work(thread=True, exclusive=True, exit_on_error=False, group="kiosk-issue")
    def _check_in(self, code_or_id: str) -> None:
        services = self.services
        try:
            ticket = check_in_and_print(services.appointments, services.tickets, services.ticket_printer,
                                        services.settings, code_or_id.upper(), now=services.clock())
        except Exception as exc:
            self.post_message(TicketIssued(None, f"预约签到未成功：{banner_text(exc)}"))
            return
        self.post_message(TicketIssued(ticket))

    # -- answers ----------------------------------------------------------------------------
    @on(QueuesLoaded)
    def _queues_loaded(self, event: QueuesLoaded) -> None:
        if event.error:
            self._message(event.error, error=True)
        else:
            self._show_queues(event.queues)

    @on(SearchHits)
    def _search_hits(self, event: SearchHits) -> None:
        if self.query_one("#kiosk-search", Input).value.strip() == event.text:
            self._hits(event.hits)

    @on(TicketIssued)
    def _ticket_issued(self, event: TicketIssued) -> None:
        self.busy = False
        if event.ticket is None:
            self.bell()
            self._message(event.error, error=True)
            return
        self.issued.append(event.ticket)
        self.action_clear()
        self.push_screen(TicketShown(event.ticket, self.result_seconds))
        self.reload()

    def _message(self, text: str, *, error: bool = False, busy: bool = False) -> None:
        box = self.query_one("#kiosk-message", Static)
        box.update(plain(text, limit=400))
        box.set_class(error, "-error")
        box.set_class(busy, "-busy")


def make_kiosk_app(env: dict[str, str] | None = None) -> KioskApp:
    settings = load_settings(env)
    app = KioskApp(Services(settings))
    keymap, _ = keymap_from_settings(settings)  # the hall's [keymap]: ids kiosk.*
    app.hall_keymap = {k: v for k, v in keymap.items() if k.startswith("kiosk.")}
    return app


def run_kiosk() -> int:
    return run_hall_app(make_kiosk_app)
