"""The sign-in's seat (clerk.services.seats) for the window app.

``SeatKeeper.claim`` runs after the password was accepted: it takes the seat,
or — when the clerk sits elsewhere — asks whether to take over (F10) or not
(Esc).  While signed in, ``tick`` (called from the live-store thread about
every second) checks every few seconds that the seat is still this window's,
and every ``HEARTBEAT_SECONDS`` beats instead (the seat's ``seen_at``: a seat
without heartbeats goes 离线 and is taken without a question); when it was
taken over elsewhere the window signs out and says where, keeping a
half-entered visit for that clerk's next sign-in at this machine.  A store
that cannot be reached never blocks the sign-in: the clerk is told the seat
could not be recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label

from clerk.services.bounded import within
from clerk.tui.messages import banner_text
from clerk.tui.screen import ClerkModal
from clerk.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from clerk.domain.accounts import ClerkUser
    from clerk.services.seats import Seat, SeatService
    from clerk.tui.app import ClerkApp

CHECK_EVERY = 2  # polls of the live-store thread between seat checks


class SeatTakeoverScreen(ClerkModal[bool]):
    DEFAULT_CSS = """
    SeatTakeoverScreen { align: center middle; }
    SeatTakeoverScreen > Vertical { width: 76; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    """
    BINDINGS = [
        Binding("f10", "take_over", "接管（那边注销）", id="seat.take_over"),
        Binding("escape", "cancel", "不登录", id="seat.cancel"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.text, id="seat-where", markup=False)
            yield Label("按 F10 在本窗口登录并接管（那边的窗口将被注销）；按 Esc 取消。")
        yield KeyFooter()

    def action_take_over(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class SeatKeeper:
    def __init__(self, app: ClerkApp) -> None:
        self.app = app
        self.seat: Seat | None = None
        self._polls = 0
        self._checking = threading.Lock()
        self._beat_at = 0.0  # time.monotonic() of the last heartbeat (0: none yet)
        self.heartbeat_every: float | None = None  # seconds (None: clerk.services.seats.HEARTBEAT_SECONDS)

    @property
    def _service(self) -> SeatService:
        return self.app.services.seats

    def _app_kind(self) -> str:
        return "window" if getattr(self.app, "ASK_WINDOW", True) else "supervisor"

    # -- sign-in -------------------------------------------------------------------
    def claim(self, user: ClerkUser, window: int | None, land: Callable[[str], None], *, take_over: bool = False) -> None:
        """Take the seat, then ``land(note)`` (note: a warning for the banner, or "")."""
        self.app.run_worker(lambda: self._claim(user, window, land, take_over), thread=True, exclusive=True,
                            exit_on_error=False, group="seat")

    def _claim(self, user: ClerkUser, window: int | None, land: Callable[[str], None], take_over: bool) -> None:
        from clerk.services.seats import SeatTaken

        service = self._service
        try:
            seat = within(service.store.answer_limit,
                          lambda: service.take(user, window or None, app=self._app_kind(), take_over=take_over),
                          name="clerk-seat")
        except SeatTaken as taken:
            self.app.call_from_thread(self._ask, user, window, land, str(taken))
            return
        except Exception as exc:  # noqa: BLE001 - the store is down: sign in anyway, say so
            self.seat = None
            self.app.call_from_thread(land, f"未能登记本窗口的登录（{banner_text(exc)}）")
            return
        self.seat = seat
        self._beat_at = time.monotonic()  # taking the seat set seen_at
        self.app.call_from_thread(land, "")

    def _ask(self, user: ClerkUser, window: int | None, land: Callable[[str], None], text: str) -> None:
        def answered(take: bool | None) -> None:
            if take:
                self.claim(user, window, land, take_over=True)
            else:
                self.app.show_banner(f"{text}已取消登录。", "warning")

        self.app.push_screen(SeatTakeoverScreen(text), answered)

    # -- while signed in -------------------------------------------------------------
    def tick(self) -> None:
        """From the live-store thread: is the seat still ours?"""
        self._polls += 1
        seat = self.seat
        if seat is None or self._polls % CHECK_EVERY or not self._checking.acquire(blocking=False):
            return
        from clerk.services.seats import HEARTBEAT_SECONDS

        every = HEARTBEAT_SECONDS if self.heartbeat_every is None else self.heartbeat_every
        try:
            if time.monotonic() - self._beat_at >= every:
                lost = self._service.heartbeat(seat.token)
                self._beat_at = time.monotonic()
            else:
                lost = self._service.check(seat.token)
        except Exception:  # noqa: BLE001 - unreachable now: ask again at the next tick
            return
        finally:
            self._checking.release()
        if lost is not None and self.seat is seat:
            self.seat = None
            try:
                self.app.call_from_thread(self.app.seat_lost, lost.text())
            except BaseException:  # noqa: BLE001 - the app has ended
                pass

    def release(self, wait: float = 0.0) -> None:
        """Sign-out or quit: free the seat (in a thread, waiting at most ``wait`` seconds; an
        unreachable store keeps it until the clerk takes it over elsewhere)."""
        seat, self.seat = self.seat, None
        if seat is None:
            return

        def free() -> None:
            try:
                self._service.release(seat.token)
            except Exception:  # noqa: BLE001
                pass

        thread = threading.Thread(target=free, daemon=True, name="clerk-seat-release")
        thread.start()
        if wait:
            thread.join(wait)
