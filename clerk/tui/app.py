"""The window app: sign-in, intake, lookup; scanner input anywhere.

The app holds who is signed in at which window, the loaded catalog, and the
thread workers that save and print (so a visit keeps saving when the clerk
already moved on).  Workers never touch widgets: they post messages or use
``call_from_thread``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.worker import get_current_worker

from clerk.tui.live import LiveStore
from clerk.tui.messages import CatalogLoaded, Failed, Kept, MessageLog, Printed, Submitted, banner_text, whose
from clerk.tui.navigation import DESTINATIONS, go_bindings, home_of, refusal
from clerk.tui.scanner import ScanDetector
from clerk.tui.seats import SeatKeeper
from clerk.tui.services import Services
from clerk.tui.state import PendingVisit, WindowState
from clerk.tui.widgets.banner import Banner, Level


class ClerkApp(App[None]):
    CSS_PATH = "clerk.tcss"
    TITLE = "clerk 综合受理窗口"
    COMMANDS = App.COMMANDS | {lambda: _clerk_commands()}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "帮助", id="clerk.help"),
        Binding("f5", "lookup", "查询", id="clerk.lookup"),
        Binding("f12", "navigate", "切换", id="clerk.navigate"),
        Binding("f11", "history", "消息", id="clerk.history"),
        *go_bindings(),
        Binding("ctrl+q", "quit", "退出", id="clerk.quit", priority=True),
        Binding("ctrl+backslash", "sign_out", "注销（换人登录）", id="clerk.sign_out", show=False),
    ]
    #: Roles that may sign in (None: every role).  ``SupervisorApp`` narrows it.
    SIGN_IN_ROLES: frozenset[Any] | None = None
    #: Whether sign-in asks for the window number (a supervisor has none).
    ASK_WINDOW = True

    def __init__(
        self,
        services: Services,
        *,
        state: WindowState | None = None,
        keymap: dict[str, str] | None = None,
        notes: tuple[str, ...] = (),
        key_clock: Callable[[], float] = time.monotonic,
        retry_interval: float = 15.0,
        dashboard_refresh: float = 15.0,
        live_interval: float = 1.0,
    ) -> None:
        super().__init__()
        self.services = services
        self.state = state or WindowState()
        self.keymap = dict(keymap or {})
        self.notes = notes  # startup warnings (e.g. unknown keymap ids)
        self.scanner = ScanDetector(prefix=services.settings.scanner_prefix, clock=key_clock)
        self.retry_interval = retry_interval
        self.dashboard_refresh = dashboard_refresh
        self.home: Any = None  # the screen the signed-in role lands on (bottom of the stack)
        self.key_serial = 0  # keys seen so far: lets a screen undo what a scan burst did
        self.catalog: Any = None
        self.user: Any = None
        self.window_number: int | None = services.settings.window or self.state.window()
        self._stop = threading.Event()
        self.message_log = MessageLog(services.now)  # every banner message of the session (F11)
        self.live = LiveStore(self, live_interval)  # screens reload when the store changes
        self._saving: set[str] = set()  # visit keys this process is saving right now
        self._whose: dict[str, str] = {}  # case number -> applicant · item, for later messages
        self.seats = SeatKeeper(self)  # one seat per clerk (clerk.cases.seats)

    # -- start ---------------------------------------------------------
    def on_mount(self) -> None:
        from clerk.tui.screens.signin import SignInScreen

        if self.keymap:
            self.set_keymap(self.keymap)
        self.push_screen(SignInScreen())
        if self.notes:
            self.show_banner("；".join(self.notes), "warning")
        self.call_after_refresh(self._warm_up)  # the first screen is drawn before heavy imports

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

    def on_catalog_loaded(self, event: CatalogLoaded) -> None:
        self.catalog = event.catalog
        for screen in self.screen_stack:
            if hasattr(screen, "catalog_ready"):
                screen.catalog_ready(event.catalog)

    def on_failed(self, event: Failed) -> None:
        self.show_banner(event.text)

    def signed_in(self, user: Any, window: int) -> bool:
        """The sign-in screen's result: land on the role's home screen (False: role refused here)."""
        if self.SIGN_IN_ROLES is not None and user.role not in self.SIGN_IN_ROLES:
            allowed = "、".join(r.label for r in self.SIGN_IN_ROLES)
            self.show_banner(f"账号 {user.id}（{user.role.label}）不能登录“{self.TITLE}”，仅限：{allowed}")
            return False
        self.seats.claim(user, window, lambda note: self._land(user, window, note))
        return True

    def _land(self, user: Any, window: int, note: str = "") -> None:
        """The seat is taken (or could not be recorded: ``note``): the role's home screen."""
        from clerk.tui.screens.signin import SignInScreen

        if not isinstance(self.screen, SignInScreen):
            return  # the clerk left the sign-in meanwhile
        self.user, self.window_number = user, window
        if self.ASK_WINDOW:
            self.state.remember_window(window)
        self.refresh_bindings()
        self.home = DESTINATIONS[home_of(user.role)].make(self)
        self.switch_screen(self.home)
        self.live.start()
        if note:
            self.call_after_refresh(self.show_banner, note, "warning")
        if self.ASK_WINDOW and self.state.pending():
            self.call_after_refresh(self.show_banner, "有暂存未保存的办件，正在自动保存……", "warning")
            self._retry_pending()

    def seat_tick(self) -> None:
        """From the live-store thread (clerk.tui.live): is the seat still this window's?"""
        self.seats.tick()

    def seat_lost(self, text: str) -> None:
        """The clerk signed in elsewhere and took the seat over: sign out here and say so."""
        from clerk.tui.screens.signin import SignInScreen

        if self.user is None:
            return
        while len(self.screen_stack) > 1 and self.screen is not self.home:
            self.pop_screen()
        self.user, self.home = None, None
        self.refresh_bindings()
        screen = SignInScreen()
        self.switch_screen(screen)
        self.call_after_refresh(self.show_banner, text, "warning", sticky=True)

    # -- moving between screens (F12 menu, clerk.go_* keys, palette) -------
    def action_navigate(self) -> None:
        from clerk.tui.navigation import NavigateScreen

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
        from clerk.tui.screens.signin import SignInScreen

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
        from textual.screen import ModalScreen

        from clerk.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return False
        if isinstance(self.screen, ModalScreen):
            self.show_banner("请先完成或关闭当前对话框（Esc）", "warning")
            return True
        return False

    def leave(self, screen: Any) -> None:
        """Esc on a screen: back to where the clerk came from; the home screen stays."""
        if screen is not self.home and screen is self.screen and len(self.screen_stack) > 1:
            screen.dismiss()

    def show_banner(self, text: str, level: Level = "error", *, sticky: bool | None = None) -> None:
        banners = self.screen.query(Banner)
        if banners:
            banners.first().show(text, level, sticky=sticky)
        else:
            self.message_log.add(level, text, type(self.screen).__name__)
            self.notify(text, markup=False, severity="error" if level == "error" else "information",
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
        who = self._whose.get(number)
        return f"{number}（{who}）" if who else number

    # -- keys: help, lookup, scanner -------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("lookup", "navigate", "go", "sign_out") and self.user is None:
            return False  # nothing to look up before signing in (hidden from the footer)
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
            if event.key == "enter":
                burst = self.scanner.pending
                scanned = self.scanner.enter()
                if scanned is not None:
                    event.prevent_default()
                    event.stop()
                    self._scanned(scanned, burst)
                    return
            else:
                self.key_serial += 1
                self.scanner.key(event.character if event.is_printable else None)
        await super().on_event(event)

    def _scanned(self, text: str, burst: str) -> None:
        """A scanner burst: undo what its keys did here, then open that case."""
        focused = self.focused
        if focused is None:
            self._after_scan(text, burst, None)
        else:  # a real scanner's keys may still wait in the widget's queue: undo after them
            focused.call_later(self._after_scan, text, burst, focused)

    def _after_scan(self, text: str, burst: str, focused: Any) -> None:
        from textual.widgets import Input

        from clerk.store.numbering import parse_number

        if isinstance(focused, Input):
            # the longest tail of the field that the burst typed (a max_length field drops the rest)
            cut = next((k for k in range(len(burst), 0, -1) if focused.value.endswith(burst[:k])), 0)
            if cut:
                focused.value = focused.value[: len(focused.value) - cut]
        undo = getattr(self.screen, "undo_keys_since", None)
        if undo is not None:
            undo(self.key_serial - len(burst) + 1)
        if self.user is None:
            self.show_banner("请先登录，再扫描受理编号")
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
        """Save the visit under its key (clerk.cases.visits): at most one case per key, ever."""
        from clerk.cases.visits import new_visit_key

        visit = PendingVisit(self.user.id, self.window_number, draft, outcome, reason, key or new_visit_key())
        if visit.key in self._saving:  # already on its way: never a second attempt
            return
        self._saving.add(visit.key)
        try:
            # written ahead, before anything can be sent: a window killed mid-save finds the
            # visit (and its key) on restart and asks the store for it
            self.state.keep(visit)
        except OSError as exc:
            self.show_banner(f"本机暂存失败（{exc}），仍在保存……", "warning")
        self._submit(screen, self.user, visit)

    def saving(self, key: str) -> bool:
        """A save of this visit is in flight in this process."""
        return key in self._saving

    @work(thread=True, exclusive=False, exit_on_error=False, group="submit")
    def _submit(self, screen: Any, user: Any, visit: PendingVisit) -> None:
        from clerk.cases.visits import SaveNotKnown
        from clerk.store.errors import StoreUnavailable

        who = visit.draft.applicant.name or "本次办件"
        try:
            view = self.services.visits.save(user, visit.window, visit.draft, visit.outcome, visit.reason,
                                             visit.key)
        except SaveNotKnown as exc:
            message: Any = Kept(visit, f"{who}：{exc}")
        except StoreUnavailable as exc:
            message = Kept(visit, f"{who}：{exc} 本次办件已暂存在本机，数据库恢复后自动保存，请勿重复录入。")
        except Exception as exc:
            self.state.saved(visit)  # refused: nothing stored; the form still holds the visit
            message = Failed("submit", exc, f"{who}：未保存。{banner_text(exc)}")
        else:
            self.state.saved(visit)
            self._whose[view.number] = whose(view)
            message = Submitted(view)
        finally:
            self._saving.discard(visit.key)
        self.call_from_thread(self._deliver_submit, screen, message)
        if isinstance(message, Kept):  # after the key left ``_saving``: the retry loop takes it over
            self.call_from_thread(self._retry_pending)

    def _deliver_submit(self, screen: Any, message: Any) -> None:
        """To the intake screen that asked; if it has gone meanwhile, the app still prints."""
        if screen in self.screen_stack:
            screen.post_message(message)
        elif isinstance(message, Submitted):
            self.show_banner(f"受理编号 {self.case_label(message.view.number)}（{message.view.state}）已保存，"
                             "正在打印……", "ok", sticky=True)
            self.print_case(None, message.view.number)
        else:
            self.show_banner(message.text, "warning" if isinstance(message, Kept) else "error", sticky=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="retry")
    def _retry_pending(self) -> None:
        """Save the visits kept during a store outage, until none is left."""
        from clerk.store.errors import StoreUnavailable

        worker = get_current_worker()
        visits = self.services.visits
        while not worker.is_cancelled and not self._stop.is_set():
            # a visit being saved right now is that attempt's business
            pending = [v for v in self.state.pending() if v.key not in self._saving]
            if not pending:
                return
            for visit in pending:
                try:
                    # ask the store for the visit's key first: a save whose answer never came may be there
                    view = visits.resolve(visit.key)
                    if view is None:  # not stored, no attempt in flight: save it (same key: once at most)
                        clerk = self.services.cases.account(visit.clerk_id)  # as the clerk who took it
                        view = visits.save(clerk, visit.window, visit.draft, visit.outcome, visit.reason, visit.key)
                except StoreUnavailable:  # also SaveNotKnown: ask again later
                    break
                except Exception as exc:  # a visit the store refuses: leave it, tell the clerk
                    self.call_from_thread(self.show_banner, f"暂存的办件（{visit.draft.applicant.name}）无法保存："
                                          f"{banner_text(exc)}", "error", sticky=True)
                    return
                self.state.saved(visit)
                self._whose[view.number] = whose(view)
                self.call_from_thread(self._recovered, view)
            else:
                continue
            self._stop.wait(self.retry_interval)

    def _recovered(self, view: Any) -> None:
        self.show_banner(f"暂存的办件已保存：受理编号 {self.case_label(view.number)}（{view.state}），正在打印……",
                         "ok", sticky=True)
        self.print_case(None, view.number)

    def print_case(self, screen: Any, number: str) -> None:
        """Print a case's queued notices; the outcome goes to ``screen``, or to the banner
        of whatever screen is up when that one is gone (or ``None``)."""
        self._print(screen, number)

    @work(thread=True, exclusive=True, exit_on_error=False, group="print")
    def _print(self, screen: Any, number: str) -> None:
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

    def describe_print(self, results: list[Any]) -> str:
        return self.services.describe_print(results)

    def on_unmount(self) -> None:
        self._stop.set()
        self.seats.release(wait=1.0)  # quitting frees the seat (a killed window's seat is taken over)


def _clerk_commands() -> type:
    """The palette provider, imported when the palette first opens."""
    from clerk.tui.commands import ClerkCommands

    return ClerkCommands
