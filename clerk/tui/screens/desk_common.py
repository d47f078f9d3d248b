"""Pieces shared by the desk screens (fallback, decision, mail, rating).

Each desk screen holds a ``DeskService`` (``clerk.services.desk``): injected by a
test, else the app's shared ``app.services.desk``, fetched on first use inside a
worker thread (the store import stays off the event loop).  Each call is a
``DeskCall``: the service call, typed, and the screen's method that shows its
answer.  Workers post ``DeskDone`` / ``Failed``; only handlers touch widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, cast

from textual import on, work

from clerk.store.errors import ConcurrentUpdate
from clerk.store.numbering import parse_number
from clerk.tui.messages import Failed, Message, banner_text
from clerk.tui.screen import ClerkScreen, signed_in_user
from clerk.tui.widgets.banner import Banner

if TYPE_CHECKING:
    from clerk.domain.accounts import ClerkUser
    from clerk.domain.views import CaseView

D = TypeVar("D")
R = TypeVar("R")


@dataclass(frozen=True)
class DeskCall(Generic[D, R]):
    """One desk call: ``run`` (in a worker: one service call, one transaction) and ``done``, the
    screen's method that shows its answer (on the event loop)."""

    what: str  # the action, as ``Failed.action`` names it to the screen's error banner
    run: Callable[[D], R]
    done: Callable[[R], None]


class _CaseDesk(Protocol):
    def get(self, number: str) -> Any: ...


class DeskDone(Message):
    """A desk call went through: ``answer`` shows it (the call's ``done`` with its result)."""

    def __init__(self, answer: Callable[[], None]) -> None:
        super().__init__()
        self.answer = answer


class CaseMoved(Message):
    """The case this screen shows was changed elsewhere (a newer version in the store)."""

    def __init__(self, view: CaseView) -> None:
        super().__init__()
        self.view = view


class DeskScreen(ClerkScreen, Generic[D]):
    """Base of the desk screens: the service (``D``), who is signed in, running calls."""

    #: the group of the screen's call worker (exclusive: one call of a screen at a time)
    WORKER_GROUP: ClassVar[str] = "desk"

    def __init__(self, desk: D | None = None, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._desk = desk

    @property
    def desk(self) -> D:
        """The DeskService (call from a worker: building it may import the store)."""
        if self._desk is None:
            self._desk = cast(D, self.app.services.desk)  # the one DeskService of the app (built once, thread-safe)
        return self._desk

    def action_back(self) -> None:
        leave = getattr(self.app, "leave", None)  # the window app keeps the role's home screen
        leave(self) if leave else self.dismiss()

    def scanned(self, text: str) -> bool:
        """A barcode scan while this screen is up: a case number opens the case here."""
        number = text.strip().upper()
        if parse_number(number) is None:
            return False
        self.open_case(number)
        return True

    def open_case(self, number: str) -> None:
        raise NotImplementedError

    @property
    def user(self) -> ClerkUser:
        """Who is signed in (the desk screens are only shown past sign-in)."""
        return signed_in_user(self.app)

    @property
    def window(self) -> int:
        return self.app.window_number or 0

    # -- live: the store changed (clerk.tui.live) --------------------------------------
    def store_changed(self) -> None:
        """Reload the list this screen shows, and check the open case is still current."""
        refresh = getattr(self, "action_refresh", None)
        if refresh is not None:
            refresh()
        case = getattr(self, "case", None)
        if case is not None:
            self._recheck(case.number, case.version)

    @work(thread=True, exclusive=True, exit_on_error=False, group="desk-recheck")
    def _recheck(self, number: str, version: int) -> None:
        try:
            view = cast(_CaseDesk, self.desk).get(number)  # only screens that show a case have a ``case``
        except Exception:  # noqa: BLE001 - the next change or the clerk's next action will tell
            return
        if view.version != version:
            self.post_message(CaseMoved(view))

    @on(CaseMoved)
    def _case_moved(self, event: CaseMoved) -> None:
        case = getattr(self, "case", None)
        if case is None or case.number != event.view.number or case.version >= event.view.version:
            return  # another case by now, or this screen's own change
        self.show_case_again(event.view)
        self._banner().show(f"{event.view.number}（{event.view.applicant.name}）已在其他窗口更新，"
                            f"当前状态 {event.view.state}，已重新载入", "warning", sticky=True)

    @on(Failed)
    def _conflict_reload(self, event: Failed) -> None:
        """Refused because another window changed the case: show the case as it now is."""
        case = getattr(self, "case", None)
        if isinstance(event.error, ConcurrentUpdate) and case is not None:
            self._recheck(case.number, case.version)

    def show_case_again(self, view: CaseView) -> None:
        """Put a fresher view of the open case in the pane (screens with a case pane override)."""
        self.open_case(view.number)

    def _banner(self) -> Banner:
        return self.query_one(Banner)

    def call(self, what: str, run: Callable[[D], R], done: Callable[[R], None]) -> None:
        """Run ``run(desk)`` in the screen's thread worker (one call, one transaction); ``done`` shows
        its answer."""
        self.run_worker(partial(self.run_call, DeskCall(what, run, done)), group=self.WORKER_GROUP,
                        thread=True, exclusive=True, exit_on_error=False)

    def run_call(self, call: DeskCall[D, R]) -> None:
        """Body of a worker: the call, then one message back."""
        try:
            result = call.run(self.desk)
        except Exception as exc:  # the clerk sees every error in the banner
            self.post_message(Failed(call.what, exc, banner_text(exc)))
        else:
            self.post_message(DeskDone(partial(call.done, result)))

    @on(DeskDone)
    def _desk_done(self, event: DeskDone) -> None:
        event.answer()


def days_text(days: int) -> str:
    return f"剩余 {days} 个工作日" if days >= 0 else f"已超期 {-days} 个工作日"
