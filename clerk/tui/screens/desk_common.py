"""Pieces shared by the desk screens (fallback, decision, mail, rating).

Each desk screen holds a ``DeskService`` (``clerk.services.desk``): injected by a
test, else the app's shared ``app.services.desk``, fetched on first use inside a
worker thread (the store import stays off the event loop).  Workers post
``DeskDone`` / ``Failed``; only handlers touch widgets.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.screen import Screen

from clerk.store.errors import ConcurrentUpdate
from clerk.store.numbering import parse_number
from clerk.tui.messages import Failed, Message, banner_text
from clerk.tui.widgets.banner import Banner


class DeskDone(Message):
    """A desk worker finished ``action`` with ``result``."""

    def __init__(self, action: str, result: Any, extra: Any = None) -> None:
        super().__init__()
        self.action, self.result, self.extra = action, result, extra


class CaseMoved(Message):
    """The case this screen shows was changed elsewhere (a newer version in the store)."""

    def __init__(self, view: Any) -> None:
        super().__init__()
        self.view = view


class DeskScreen(Screen):
    """Base of the desk screens: the service, who is signed in, running calls."""

    def __init__(self, desk: Any = None, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._desk = desk

    @property
    def desk(self) -> Any:
        """The DeskService (call from a worker: building it may import the store)."""
        if self._desk is None:
            self._desk = self.app.services.desk  # the one DeskService of the app (built once, thread-safe)
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
    def user(self) -> Any:
        return self.app.user

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
            view = self.desk.get(number)
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

    def show_case_again(self, view: Any) -> None:
        """Put a fresher view of the open case in the pane (screens with a case pane override)."""
        self.open_case(view.number)

    def _banner(self) -> Any:
        return self.query_one(Banner)

    def call(self, action: str, fn: Any, *args: Any, **kwargs: Any) -> None:
        """Run ``fn(*args, **kwargs)`` in the thread worker (one call, one transaction)."""
        self._run(action, fn, args, kwargs)

    def _run(self, action: str, fn: Any, args: tuple, kwargs: dict) -> None:
        raise NotImplementedError  # each screen defines its own worker (own group)

    def run_call(self, action: str, fn: Any, args: tuple, kwargs: dict) -> None:
        """Body of a worker: the call, then one message back."""
        try:
            result = fn(self.desk, *args, **kwargs) if callable(fn) else getattr(self.desk, fn)(*args, **kwargs)
        except Exception as exc:  # the clerk sees every error in the banner
            self.post_message(Failed(action, exc, banner_text(exc)))
        else:
            self.post_message(DeskDone(action, result))


def days_text(days: int) -> str:
    return f"剩余 {days} 个工作日" if days >= 0 else f"已超期 {-days} 个工作日"
