"""The window app: sign-in, intake, lookup; scanner input anywhere.

The app holds who is signed in at which window, the loaded catalog, and the
thread workers that save and print (so a visit keeps saving when the clerk
already moved on).  Workers never touch widgets: they post messages or use
``call_from_thread``.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input
from textual.worker import get_current_worker

from clerk.identity.text import printable
from clerk.incidents import open_log, report
from clerk.services.visits import new_visit_key
from clerk.tui.cjk import keep_wide_characters
from clerk.tui.keyinput import KeyInput, Scan
from clerk.tui.live import LiveStore
from clerk.tui.messages import CatalogLoaded, Failed, Kept, MessageLog, Printed, Submitted, banner_text
from clerk.tui.navigation import DESTINATIONS, NavigateScreen, go_bindings, home_of, refusal
from clerk.tui.saving import KeptForLater, Saved, SaveOutcome, VisitSaving
from clerk.tui.scanner import ScanDetector
from clerk.tui.screen import signed_in_user
from clerk.tui.screens.signin import SignInScreen
from clerk.tui.seats import SeatKeeper
from clerk.tui.services import Services
from clerk.tui.state import PendingVisit, StateError, WindowState
from clerk.tui.widgets.banner import Banner, Level

keep_wide_characters()  # Chinese under an overlay stays whole (clerk.tui.cjk)

if TYPE_CHECKING:
    from textual.widget import Widget

    from clerk.catalog.catalog import Catalog
    from clerk.config import Settings
    from clerk.domain.accounts import ClerkUser, Role
    from clerk.printing.queue import PrintOutcome


class ClerkApp(App[None]):
    CSS_PATH = "clerk.tcss"
    TITLE = "clerk 综合受理窗口"
    COMMANDS = {lambda: _clerk_commands()}  # no Textual system commands: they are in English
    ENABLE_COMMAND_PALETTE = True
    #: every screen gets -narrow below 100 columns (80×24 terminals) and -wide from 100 (120×36)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("ctrl+p", "command_palette", "搜索操作", id="clerk.palette", show=False, priority=True),
        Binding("f1", "help", "帮助", id="clerk.help"),
        Binding("f5", "lookup", "查询", id="clerk.lookup"),
        Binding("f12", "navigate", "切换", id="clerk.navigate"),
        Binding("f11", "history", "消息", id="clerk.history"),
        *go_bindings(),
        Binding("ctrl+q", "quit", "退出", id="clerk.quit", priority=True, show=False),  # F1 lists it; the footer keeps room
        Binding("ctrl+backslash", "sign_out", "注销（换人登录）", id="clerk.sign_out", show=False),
    ]
    #: Roles that may sign in (None: every role).  ``SupervisorApp`` narrows it.
    SIGN_IN_ROLES: frozenset[Role] | None = None
    #: Whether sign-in asks for the window number (a supervisor has none).
    ASK_WINDOW = True

    def __init__(
        self,
        services: Services,
        *,
        state: WindowState | None = None,
        keymap: dict[str, str] | None = None,
        notes: tuple[str, ...] = (),
        key_clock: Callable[[], float] | None = None,
        idle_clock: Callable[[], float] = time.monotonic,
        retry_interval: float = 15.0,
        dashboard_refresh: float = 15.0,
        live_interval: float = 1.0,
    ) -> None:
        super().__init__()
        self.services = services
        self.state = state or WindowState()
        if self.state.key is None:  # kept visits: the hall key file, or this window's own key
            self.state.key = partial(_local_key, services.settings)

        open_log(self.state.log_path)  # unexpected errors: details (masked) there, a sentence on screen
        self.keymap = dict(keymap or {})
        self.notes = notes  # startup warnings (e.g. unknown keymap ids)
        self.scanner = ScanDetector(prefix=services.settings.scanner_prefix, hall=services.settings.hall.code)
        #: keys one at a time, judged by when they arrived (``key_clock``: a simulated arrival clock for tests)
        self.keys = KeyInput(self, self.scanner, super().on_event, self._scanned, key_clock)
        self.dashboard_refresh = dashboard_refresh
        self.home: Screen[Any] | None = None  # the screen the signed-in role lands on (bottom of the stack)
        self.catalog: Catalog | None = None
        self.user: ClerkUser | None = None
        self.window_number: int | None = services.settings.window or self.state.window()
        self._stop = threading.Event()
        self.idle_clock = idle_clock  # the idle lock's clock (tests move it instead of waiting)
        self.last_key = idle_clock()
        self.locked = False
        self.message_log = MessageLog(services.now)  # every banner message of the session (F11)
        self.live = LiveStore(self, live_interval)  # screens reload when the store changes
        #: saving finished visits: write-ahead keep, bounded save, retry of kept visits (clerk.tui.saving)
        self.saves: VisitSaving[Screen[Any]] = VisitSaving(
            self.state, lambda: services.visits, lambda clerk_id: services.cases.account(clerk_id),
            SavesToScreens(self), on_ui=self.call_from_thread, explain=banner_text,
            retry_interval=retry_interval, stop=self._stop)
        self.seats = SeatKeeper(self)  # one seat per clerk (clerk.services.seats)

    # -- start ---------------------------------------------------------
    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        self.push_screen(SignInScreen())
        if self.notes:
            self.show_banner("；".join(self.notes), "warning")
        self.call_after_refresh(self._warm_up)  # the first screen is drawn before heavy imports
        self.set_interval(IDLE_CHECK_SECONDS, self.check_idle_lock)

    @work(thread=True, exclusive=True, exit_on_error=False, group="startup")
    def _warm_up(self) -> None:
        """Load the catalog, then import the store, after the first screen is up."""
        try:
            catalog = self.services.load_catalog()
        except Exception as exc:
            self.post_message(Failed("catalog", exc, banner_text(exc)))
            return
        self.post_message(CatalogLoaded(catalog))
        try:
            self.services.calendar
            self.services.cases
        except Exception as exc:
            self.post_message(Failed("store", exc, banner_text(exc)))
        # The catalog, its search index and the libraries are loaded for good: move them out of
        # the garbage collector's sight, or every full collection walks them all on the UI thread
        # (250–400 ms measured: a stall in the middle of a clerk's typing).
        gc.freeze()

    def on_catalog_loaded(self, event: CatalogLoaded) -> None:
        self.catalog = event.catalog
        for screen in self.screen_stack:
            if hasattr(screen, "catalog_ready"):
                screen.catalog_ready(event.catalog)

    def on_failed(self, event: Failed) -> None:
        self.show_banner(event.text)

    def signed_in(self, user: ClerkUser, window: int) -> bool:
        """The sign-in screen's result: land on the role's home screen (False: role refused here)."""
        if self.SIGN_IN_ROLES is not None and user.role not in self.SIGN_IN_ROLES:
            allowed = "、".join(r.label for r in self.SIGN_IN_ROLES)
            self.show_banner(f"账号 {user.id}（{user.role.label}）不能登录“{self.TITLE}”，仅限：{allowed}")
            return False
        self.seats.claim(user, window, lambda note: self._land(user, window, note))
        return True

    def _land(self, user: ClerkUser, window: int, note: str = "") -> None:
        """The seat is taken (or could not be recorded: ``note``): the role's home screen."""
        if self.user is not None:
            return  # somebody landed meanwhile (a second answer to the same sign-in)
        self.user, self.window_number = user, window
        if self.ASK_WINDOW:
            self.state.remember_window(window)
        self.refresh_bindings()
        self.home = DESTINATIONS[home_of(user.role)].make(self)
        self.switch_screen(self.home)
        self.live.start()
        if note:
            self.call_after_refresh(self.show_banner, note, "warning")
        if self.ASK_WINDOW:  # kept visits: the sound ones are saved, any other is set aside and reported
            self.call_after_refresh(self.saves.look_for_kept)

    def seat_tick(self) -> None:
        """From the live-store thread (clerk.tui.live): is the seat still this window's?"""
        self.seats.tick()

    def seat_lost(self, text: str) -> None:
        """The clerk signed in elsewhere and took the seat over: sign out here and say so."""
        if self.user is None:
            return
        text += self._keep_open_visit_of(self.user, self.home)
        while len(self.screen_stack) > 1 and self.screen is not self.home:
            self.pop_screen()
        self.user, self.home = None, None
        self.refresh_bindings()
        screen = SignInScreen()
        self.switch_screen(screen)
        self.call_after_refresh(self.show_banner, text, "warning", sticky=True)

    def _keep_open_visit_of(self, user: ClerkUser, home: Screen[Any] | None) -> str:
        """Signed out mid-visit: the half-entered visit stays on this machine (the intake screen
        keeps it on every change; once more now) for ``user``'s next sign-in here; what to say."""
        what = getattr(home, "open_visit_summary", lambda: None)()
        if not what:
            return ""
        keep = getattr(home, "keep_open_visit", None)  # the intake screen's
        try:
            if keep is not None:
                keep(now=True)  # on disk now: the writer thread may still hold the last change
        except Exception:  # noqa: BLE001 - the copy of the last change is on disk already
            pass
        if self.state.open_visit(user.id) is None:
            return f"未办完的办件（{what}）未能暂存在本机，请重新录入。"
        return f"未办完的办件（{what}）已暂存在本机，工号 {user.id} 下次在本机登录时自动恢复。"

    # -- idle lock (clerk.tui.screens.lock) ---------------------------------
    def check_idle_lock(self) -> None:
        """Lock the screen once ``idle_lock_minutes`` passed without a key (0: never)."""
        minutes = self.services.settings.idle_lock_minutes
        if self.user is None or self.locked or minutes <= 0:
            return
        if self.idle_clock() - self.last_key >= minutes * 60:
            from clerk.tui.screens.lock import LockScreen

            self.locked = True
            self.push_screen(LockScreen(self.user, self.window_number))

    def unlock(self) -> None:
        """The clerk who was signed in is back: exactly where she left off."""
        from clerk.tui.screens.lock import LockScreen

        if self.locked and isinstance(self.screen, LockScreen):
            self.locked = False
            self.last_key = self.idle_clock()
            self.pop_screen()

    def hand_over(self, user: ClerkUser) -> None:
        """Another clerk at a locked window signs the first out; her unfinished visit is kept for her."""
        if self.SIGN_IN_ROLES is not None and user.role not in self.SIGN_IN_ROLES:
            self.show_banner(f"账号 {user.id}（{user.role.label}）不能登录“{self.TITLE}”")
            return
        owner, home = self.user, self.home
        keep = getattr(home, "keep_open_visit", None)
        if keep is not None:
            try:
                keep(now=True)  # her visit, sealed for her, waits in the one kept-visit file
            except StateError as exc:
                who = owner.name if owner is not None else "上一位工作人员"
                self.show_banner(f"无法为 {who} 暂存未办完的办件（{exc}），请由其本人解锁后办结")
                return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.seats.release(wait=2.0)  # the first clerk's seat at this window is free again
        self.locked, self.user, self.home = False, None, None
        self.last_key = self.idle_clock()
        self.signed_in(user, self.window_number or 0)

    # -- moving between screens (F12 menu, clerk.go_* keys, palette) -------
    def action_navigate(self) -> None:
        if self.user is None:
            self.show_banner("请先登录")
        elif isinstance(self.screen, NavigateScreen):
            self.screen.dismiss(None)
        elif not self._modal_open():
            self.push_screen(NavigateScreen(), self._navigated)

    def _navigated(self, name: str | None) -> None:
        if name == "sign_out":
            self.call_after_refresh(self.action_sign_out)
        elif name:
            self.action_go(name)

    def action_go(self, name: str) -> None:
        dest = DESTINATIONS[name]
        refused = refusal(self.user, dest)
        if refused is not None:
            self.show_banner(refused, "warning")
            return
        if self._modal_open() or type(self.screen).__name__ == dest.screen:
            return
        while self.screen is not self.home and len(self.screen_stack) > 1:
            self.pop_screen()
        if type(self.home).__name__ != dest.screen:
            self.push_screen(dest.make(self))

    def action_sign_out(self) -> None:
        """Hand the window to the next clerk: back to sign-in, nothing half-done left behind."""
        if self.user is None or self._modal_open():
            return
        if getattr(self.home, "item", None) is not None:
            self.show_banner("当前办件尚未办结：请先办结，或按 ctrl+n 清空后再注销", "warning")
            return
        while len(self.screen_stack) > 1 and self.screen is not self.home:
            self.pop_screen()
        self.user, self.home = None, None
        self.seats.release()
        self.refresh_bindings()
        self.switch_screen(SignInScreen())

    def _modal_open(self) -> bool:
        """A dialog is up: finish or close it first (a half-confirmed visit is never dropped)."""
        from clerk.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return False
        if isinstance(self.screen, ModalScreen):
            self.show_banner("请先完成或关闭当前对话框（Esc）", "warning")
            return True
        return False

    def leave(self, screen: Screen[Any]) -> None:
        """Esc on a screen: back to where the clerk came from; the home screen stays."""
        if screen is not self.home and screen is self.screen and len(self.screen_stack) > 1:
            screen.dismiss()

    def show_banner(self, text: str, level: Level = "error", *, sticky: bool | None = None) -> None:
        banners = self.screen.query(Banner)
        if banners:
            banners.first().show(text, level, sticky=sticky)
        else:
            self.message_log.add(level, text, type(self.screen).__name__)
            self.notify(printable(text, 600), markup=False, severity="error" if level == "error" else "information",
                        timeout=30 if sticky else 5)

    def action_history(self) -> None:
        """F11: the session's messages with their times; the banners' lasting ones count as read."""
        from clerk.tui.screens.history import MessageHistoryScreen

        if isinstance(self.screen, MessageHistoryScreen):
            self.screen.dismiss(None)
            return
        for screen in self.screen_stack:
            for banner in screen.query(Banner):
                banner.acknowledge()
        self.push_screen(MessageHistoryScreen())

    def case_label(self, number: str) -> str:
        """``number（applicant · item）`` when this window saved it, else the number."""
        return self.saves.case_label(number)

    # -- keys: help, lookup, scanner -------------------------------------
    # -- quitting ----------------------------------------------------------
    async def action_quit(self) -> None:
        """Ctrl+Q: with a visit half-entered, ask first (the visit is kept on this machine)."""
        from clerk.tui.screens.quit import QuitScreen

        if isinstance(self.screen, QuitScreen):
            return
        what = getattr(self.home, "open_visit_summary", lambda: None)() if self.user is not None else None
        if not what:
            self.exit()
            return
        keep = getattr(self.home, "keep_open_visit", None)
        if keep is not None:
            try:
                keep(now=True)  # on disk now, whatever happens next
            except OSError as exc:
                self.show_banner(f"本机暂存失败：{exc}", "warning")

        def answered(quit_: bool | None) -> None:
            if quit_:
                self.exit()

        self.push_screen(QuitScreen(what), answered)

    def action_help_quit(self) -> None:
        """Ctrl+C: Textual's English toast, said in Chinese."""
        key = self.keymap.get("clerk.quit", "ctrl+q")
        self.show_banner(f"退出请按 {key}（ctrl+c 不会退出）", "info")

    def action_command_palette(self) -> None:
        from clerk.tui.widgets.chinese import ClerkCommandPalette

        # Textual types is_open(app: App[object]); App is invariant in its return type, ClerkApp is App[None]
        if self.use_command_palette and not ClerkCommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(ClerkCommandPalette())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("lookup", "navigate", "go", "sign_out") and self.user is None:
            return False  # nothing to look up before signing in (hidden from the footer)
        if self.locked and action in ("lookup", "navigate", "go", "sign_out", "command_palette", "quit", "help"):
            return False  # a locked window opens nothing until it is unlocked
        return True

    def action_help(self) -> None:
        from clerk.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_lookup(self) -> None:
        from clerk.tui.screens.lookup import LookupScreen

        if self.user is None:
            self.show_banner("请先登录")
        elif not isinstance(self.screen, LookupScreen):
            self.push_screen(LookupScreen())

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.last_key = self.idle_clock()
            await self.keys.arrived(event)  # one at a time, a scan recognised (clerk.tui.keyinput)
            return
        await super().on_event(event)

    def _scanned(self, scan: Scan) -> None:
        """A scanner burst: undo what its keys did here, then open that case."""
        from clerk.store.numbering import parse_number

        focused = self.focused
        if isinstance(focused, Input) and scan.acted:
            # the longest tail of the field that the burst typed (a max_length field drops the rest;
            # a field that drops separators, e.g. the ID number, says how the burst landed)
            landed = getattr(focused, "typed_form", lambda text: text)(scan.acted)
            cut = next((k for k in range(len(landed), 0, -1) if focused.value.endswith(landed[:k])), 0)
            if cut:
                focused.value = focused.value[: len(focused.value) - cut]
        if scan.first_serial:
            self.keys.restore_before(scan.first_serial)  # e.g. the checklist's marks and cursor
        text = scan.text
        if self.user is None or self.locked:
            self.show_banner("请先登录，再扫描受理编号" if self.user is None else "本窗口已锁定，请先解锁")
            return
        own = getattr(self.screen, "scanned", None)  # a desk screen takes its own scans
        if own is not None and own(text.strip()):
            return
        number = text.strip().upper()
        if parse_number(number) is None:
            self.show_banner(f"扫描内容不是受理编号：“{text}”。请重新扫描通知书上的条码。")
            return
        self.open_case(number)

    def open_case(self, number: str) -> None:
        from clerk.tui.screens.lookup import LookupScreen

        if isinstance(self.screen, LookupScreen):
            self.screen.open_number(number)
        else:
            self.push_screen(LookupScreen(number))

    # -- saving and printing (workers owned by the app) --------------------
    def submit_visit(self, screen: Any, draft: Any, outcome: Any, reason: str, key: str = "") -> None:
        """Save the visit under its key (clerk.services.visits): at most one case per key, ever."""
        visit = PendingVisit(signed_in_user(self).id, self.window_number or 0, draft, outcome, reason, key or new_visit_key(),
                             at=self.services.clock())  # the applicant's time, however late the store gets it
        if self.saves.begin(visit):
            self._submit(screen, self.user, visit)

    def saving(self, key: str) -> bool:
        """A save of this visit is in flight in this process."""
        return self.saves.saving(key)

    @work(thread=True, exclusive=False, exit_on_error=False, group="submit")
    def _submit(self, screen: Any, user: Any, visit: PendingVisit) -> None:
        self.saves.save(screen, user, visit)

    @work(thread=True, exclusive=True, exit_on_error=False, group="retry")
    def _retry_pending(self) -> None:
        """Save the visits kept during a store outage, until none is left."""
        worker = get_current_worker()
        self.saves.retry_kept(lambda: worker.is_cancelled)

    def print_case(self, screen: Any, number: str) -> None:
        """Print a case's queued notices; the outcome goes to ``screen``, or to the banner
        of whatever screen is up when that one is gone (or ``None``)."""
        self._print_notices(screen, number)

    @work(thread=True, exclusive=True, exit_on_error=False, group="print")
    def _print_notices(self, screen: Any, number: str) -> None:
        """The print worker (not ``_print``: Textual's ``App._print`` takes what the program writes
        to stdout and stderr while the app runs)."""
        try:
            results = self.services.print_case(number, self.user, self.window_number)
        except Exception as exc:
            message: Any = Failed("print", exc, banner_text(exc) + " 可在查询（F5）中按 F9 重打。")
        else:
            message = Printed(number, results)
        self.call_from_thread(self._deliver_print, screen, message)

    def _deliver_print(self, screen: Any, message: Any) -> None:
        if screen is not None and screen in self.screen_stack:
            screen.post_message(message)
        elif isinstance(message, Printed):
            failed = any(not r.ok for r in message.results)
            self.show_banner(f"{self.case_label(message.number)}：{self.describe_print(message.results)}",
                             "error" if failed else "ok", sticky=failed)
        else:
            self.show_banner(message.text, sticky=True)

    def describe_print(self, results: list[PrintOutcome]) -> str:
        return self.services.describe_print(results)

    def on_unmount(self) -> None:
        self._stop.set()
        self.seats.release(wait=1.0)  # quitting frees the seat (a killed window's seat is taken over)

    def _handle_exception(self, error: Exception) -> None:
        """A crash leaves one sentence on the terminal, never Textual's traceback with its
        locals (names, ID numbers, addresses); the details go to the log, masked.
        (Textual's own handler, pinned 8.2.8, minus the traceback; Pilot still re-raises.)"""
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        text = report(error, "the window app stopped")
        self.bell()
        self._exit_renderables.append(Text(f"clerk 已退出：{text} 日志：{self.state.log_path}"))
        self._close_messages_no_wait()


IDLE_CHECK_SECONDS = 15.0


def _local_key(settings: Settings) -> bytes:
    from clerk.store.hallkey import local_key

    return local_key(settings)


def _clerk_commands() -> type:
    """The palette provider, imported when the palette first opens."""
    from clerk.tui.commands import ClerkCommands

    return ClerkCommands


class SavesToScreens:
    """How the saving of visits (``clerk.tui.saving``) reaches the window: its outcomes as messages to
    the screen that asked, or the banner of whatever screen is up."""

    def __init__(self, app: ClerkApp) -> None:
        self.app = app

    def shows(self, screen: Screen[Any]) -> bool:
        return screen in self.app.screen_stack

    def to_screen(self, screen: Screen[Any], outcome: SaveOutcome) -> None:
        message: Message
        if isinstance(outcome, Saved):
            message = Submitted(outcome.view)
        elif isinstance(outcome, KeptForLater):
            message = Kept(outcome.visit, outcome.text)
        else:
            message = Failed("submit", outcome.error, outcome.text)
        screen.post_message(message)

    def banner(self, text: str, level: Level = "error", sticky: bool | None = None) -> None:
        self.app.show_banner(text, level, sticky=sticky)

    def withdraw(self, text: str) -> None:
        for screen in self.app.screen_stack:
            for banner in screen.query(Banner):
                banner.withdraw(text)

    def print_case(self, number: str) -> None:
        self.app.print_case(None, number)

    def bell(self) -> None:
        self.app.bell()

    def start_retry(self) -> None:
        self.app._retry_pending()
