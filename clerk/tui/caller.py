"""The window caller (叫号器) on the intake screen.

Keys (``CALLER_BINDINGS``, ids ``intake.call_next/recall/caller``, remappable in ``[keymap]``): F7 calls the next ticket of
this window's queues, F8 recalls (重呼) the current one, F9 opens the caller's
menu (1 过号, 2 转移, 3 暂停/上岗, 4 过号再呼, 5 结束接待: F9 then the digit; the
free ctrl keys are taken or mean Enter/Tab in a terminal).  The intake header
shows the current ticket (or that the window is paused).  Every case saved
while a ticket is served belongs to its visit; the visit ends with F7 (the next
call) or F9 → 5: its cases are linked to the ticket (``TicketService.link_cases``)
and the applicant is asked for a rating, which goes to the cases' 好差评 records.

Every call is one ``TicketService`` call in a thread worker; the answers come
back as ``CallerDone`` / ``Failed`` messages.  The rules (who is next, a second
call while a ticket is open, a number scanned at the wrong window) are the
service's: the screen only shows its Chinese refusals.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from textual import on, work
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.widgets import Input

from clerk.domain.intake import ApplicantKind
from clerk.domain.queueing import parse_ticket_number
from clerk.tui.messages import Failed, Message, banner_text
from clerk.tui.screen import ClerkScreen, signed_in_user, window_of
from clerk.tui.screens.choose import ChooseScreen
from clerk.tui.screens.prompt import PromptScreen
from clerk.tui.screens.visit_rating import VisitRatingScreen
from clerk.tui.widgets.applicant import ApplicantForm
from clerk.tui.widgets.banner import Banner

if TYPE_CHECKING:
    from clerk.domain.accounts import ClerkUser
    from clerk.domain.queueing import TicketView, WindowStatus
    from clerk.services.tickets import TicketService
    from clerk.tui.widgets.banner import Level

#: Seconds between two reloads of the window's status when the store changes elsewhere.
STATUS_EVERY = 3.0


R = TypeVar("R")


@dataclass(frozen=True)
class CallerCall(Generic[R]):
    """One call of the window's caller: the ``TicketService`` call (run in a worker) and what its
    answer does on the screen (``done``, on the event loop, after the header shows the new status)."""

    run: Callable[[TicketService], R]
    done: Callable[[R], None]
    #: the answer is the window's status (``call_next``, ``window_status``); else it is read after the call
    status: Callable[[R], WindowStatus] | None = None
    #: a read: its answer is dropped when a call of this window that changes it started meanwhile
    read: bool = False
    #: the call ends the current ticket's visit itself (its cases are linked, not forgotten)
    ends_visit: bool = False


class CallerDone(Message):
    """A caller call went through: the window's status after it, and the screen's part of its answer."""

    def __init__(self, serial: int, status: WindowStatus | None, answer: Callable[[], None], *, read: bool,
                 ends_visit: bool) -> None:
        super().__init__()
        self.serial, self.status, self.answer = serial, status, answer
        self.read, self.ends_visit = read, ends_visit


class HolderId(Message):
    """The full ID number the called ticket's holder gave at the kiosk (an audited view)."""

    def __init__(self, ticket_id: int, number: str) -> None:
        super().__init__()
        self.ticket_id, self.number = ticket_id, number


MENU = [
    ("no_show", "过号（可在 30 分钟内再呼一次）"),
    ("transfer", "转移到其他队列或窗口"),
    ("pause", "暂停服务（离岗）/ 恢复服务（上岗）"),
    ("recall_no_show", "过号再呼（输入号码）"),
    ("finish_visit", "结束接待（关联本次已办的件，请申请人评价）"),
]

CALLER_BINDINGS = [
    Binding("f7", "call_next", "叫号", id="intake.call_next"),
    Binding("f8", "recall", "重呼", id="intake.recall", show=False),
    Binding("f9", "caller_menu", "叫号操作", id="intake.caller"),
]


class CallerScreen(ClerkScreen):
    """Base of the intake screen: the caller's status and calls (its keys: ``CALLER_BINDINGS``, listed
    in the intake screen's own ``BINDINGS`` so that the F1 help and the palette show them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window_status: WindowStatus | None = None  # once loaded
        self.visit_cases: list[str] = []  # cases saved during the current ticket's visit
        self._status_at = 0.0
        self._serial = 0  # caller calls started so far
        self._acted = 0  # serial of the latest call that changes something

    def on_mount(self) -> None:
        self.reload_window_status()

    def reload_window_status(self) -> None:
        window = self.app.window_number
        if window:
            self._call(CallerCall(lambda tickets: tickets.window_status(window), _ignore, status=_same, read=True))

    # -- what the header says ---------------------------------------------------
    def caller_header(self) -> str:
        """The header's first words (the ticket matters more than the hall's name at 80 columns)."""
        status = self.window_status
        if status is None:
            return ""
        if status.paused:
            return f"暂停服务（{status.reason or '离岗'}） · "
        current = status.current
        if current is None:
            return "未叫号（F7 叫号） · "
        mark = f" {current.priority.label}" if current.priority.is_priority else ""
        who = f" {current.id_number_masked}" if current.id_number_masked else ""
        done = f" 已办 {len(self.visit_cases)} 件" if self.visit_cases else ""
        return f"当前 {current.number} {current.state.label} {current.queue_name}{mark}{who}{done} · "

    def _status_changed(self) -> None:
        """The header shows the new status (IntakeScreen's ``tick_header``)."""
        tick = getattr(self, "tick_header", None)
        if tick is not None:
            tick()

    def store_changed(self) -> None:
        """Another window or the kiosk wrote: refresh now and then (transfers to this window)."""
        if time.monotonic() - self._status_at >= STATUS_EVERY:
            self.reload_window_status()

    # -- the keys -----------------------------------------------------------------
    def _signed_in(self) -> bool:
        return self.app.user is not None and bool(self.app.window_number)

    def _seat(self) -> tuple[ClerkUser, int]:
        """Who calls, at which window (only once ``_signed_in``)."""
        return signed_in_user(self.app), window_of(self.app)

    def action_call_next(self) -> None:
        """叫号; with a ticket being served whose visit saved cases, end that visit first (link, rate)."""
        if not self._signed_in():
            return
        current = self.window_status.current if self.window_status is not None else None
        if current is not None and self.visit_cases:
            self._finish_visit(then_call=True)
            return
        self._call_next()

    def _call_next(self) -> None:
        user, window = self._seat()
        self._call(CallerCall(lambda tickets: tickets.call_next(user, window), self._called, status=_same))

    def _called(self, status: WindowStatus) -> None:
        ticket = status.current
        if ticket is None:
            self._say("当前没有等候的号", "info")
            return
        self._say(f"已叫号：{ticket.number}（{ticket.queue_name}），请到 {ticket.window} 号窗口", "ok")
        if ticket.id_number_masked:  # read at the kiosk: the window needs not ask for the card
            self._take_holder_id(ticket.id)

    def action_finish_visit(self) -> None:
        """结束接待: the ticket is done, with the cases saved during its visit (none for a 咨询)."""
        if self._signed_in():
            self._finish_visit(then_call=False)

    def _finish_visit(self, *, then_call: bool) -> None:
        current = self.window_status.current if self.window_status is not None else None
        if current is None:
            self._say("本窗口当前没有正在接待的号", "warning")
            return
        user, window = self._seat()
        numbers = list(self.visit_cases)
        self._call(CallerCall(lambda tickets: tickets.link_cases(user, window, numbers),
                              partial(self._visit_ended, current, numbers, then_call), ends_visit=True))

    def _visit_ended(self, ticket: TicketView, numbers: list[str], then_call: bool, _done: TicketView) -> None:
        self.visit_cases = [n for n in self.visit_cases if n not in numbers]
        self._status_changed()
        linked = f"，已关联受理编号 {'、'.join(numbers)}" if numbers else ""
        self._say(f"{ticket.number} 的接待已结束{linked}", "ok")

        def rated(_: object = None) -> None:
            if then_call:
                self._call_next()

        if numbers:
            self.ask_rating(ticket, numbers, rated)
        else:
            rated()

    def action_recall(self) -> None:
        if self._signed_in():
            user, window = self._seat()
            self._call(CallerCall(lambda tickets: tickets.recall(user, window),
                                  lambda ticket: self._say(f"已重呼：{ticket.number}", "ok")))

    def action_no_show(self) -> None:
        if self._signed_in():
            user, window = self._seat()
            self._call(CallerCall(lambda tickets: tickets.no_show(user, window),
                                  lambda ticket: self._say(f"已过号：{ticket.number}（30 分钟内可过号再呼一次）",
                                                           "warning")))

    def action_caller_menu(self) -> None:
        def chosen(index: int | None) -> None:
            if index is not None:
                getattr(self, f"action_{MENU[index][0]}")()

        self.app.push_screen(ChooseScreen("叫号操作（数字键或回车）", [text for _, text in MENU]), chosen)

    def action_transfer(self) -> None:
        queues = list(self.app.services.settings.queues)
        lines = [f"转到 {q.prefix} {q.name}" for q in queues] + ["转到指定窗口……"]

        def to_window(text: str | None) -> None:
            if text:
                self._transfer(to_window=int(text))

        def chosen(index: int | None) -> None:
            if index is None:
                return
            if index < len(queues):
                self._transfer(to_queue=queues[index].prefix)
            else:
                self.app.push_screen(PromptScreen("转到几号窗口？", validate=_window_problem), to_window)

        self.app.push_screen(ChooseScreen("转移当前号（保留原取号时间排队）", lines), chosen)

    def _transfer(self, *, to_queue: str | None = None, to_window: int | None = None) -> None:
        user, window = self._seat()
        self._call(CallerCall(lambda tickets: tickets.transfer(user, window, to_queue=to_queue, to_window=to_window),
                              self._transferred))

    def _transferred(self, ticket: TicketView) -> None:
        where = f"{ticket.target_window} 号窗口" if ticket.target_window else ticket.queue_name
        self._say(f"已转移：{ticket.number} 转到{where}等候（保留原取号时间）", "ok")

    def action_pause(self) -> None:
        if not self._signed_in():
            return
        user, window = self._seat()
        if self.window_status is not None and self.window_status.paused:
            self._call(CallerCall(lambda tickets: tickets.resume(user, window),
                                  lambda _status: self._say("本窗口已恢复服务（上岗）", "ok")))
            return

        def reason(text: str | None) -> None:
            if text:
                self._call(CallerCall(lambda tickets: tickets.pause(user, window, text),
                                      lambda _status: self._say("本窗口已暂停服务（离岗），按 F9、3 恢复服务", "warning")))

        self.app.push_screen(PromptScreen("暂停服务（离岗）的原因", "临时离开",
                                          validate=lambda t: None if t.strip() else "请填写原因"), reason)

    def action_recall_no_show(self) -> None:
        def number(text: str | None) -> None:
            if text:
                user, window = self._seat()
                wanted = text.strip().upper()
                self._call(CallerCall(lambda tickets: tickets.recall_no_show(user, window, wanted),
                                      lambda ticket: self._say(f"已再呼：{ticket.number}", "ok")))

        self.app.push_screen(PromptScreen("过号再呼：号码（如 A012）", validate=lambda t: None if t.strip()
                                          else "请输入号码"), number)

    # -- a ticket's barcode scanned at the window ---------------------------------
    def expects_scan(self, text: str) -> bool:
        """A fast burst that is a ticket number (its Code 128 on the paper) is a scan here."""
        return parse_ticket_number(text, [q.prefix for q in self.app.services.settings.queues]) is not None

    def scanned(self, text: str) -> bool:
        """A scanned ticket: the service says whether it is this window's (else where to go)."""
        if not self.expects_scan(text) or not self._signed_in():
            return False
        _, window = self._seat()
        self._call(CallerCall(lambda tickets: tickets.find(text, window), self._found))
        return True

    def _found(self, ticket: TicketView) -> None:
        lane = f"，{ticket.priority.label}" if ticket.priority.is_priority else ""
        self._say(f"{ticket.number}（{ticket.queue_name}{lane}）：是本窗口{ticket.state.label}的号", "ok")

    # -- finishing the visit ------------------------------------------------------
    def visit_saved(self, view: Any) -> None:
        """A case of this visit was saved: it (and a bundle's items) will be linked to the ticket being
        served when the visit ends — F7 for the next person, or F9 → 5 — so one applicant's
        several items all land on their ticket."""
        status = self.window_status
        if status is None or status.current is None or not self._signed_in():
            return
        for number in (view.number, *(child.number for child in getattr(view, "children", ()) or ())):
            if number not in self.visit_cases:
                self.visit_cases.append(number)
        self._status_changed()

    # -- running calls --------------------------------------------------------------
    def _call(self, call: CallerCall[R]) -> None:
        self._status_at = time.monotonic()
        self._serial += 1
        if not call.read:
            self._acted = self._serial
        self._run_call(call, self._serial)

    @work(thread=True, exclusive=False, exit_on_error=False, group="caller")
    def _run_call(self, call: CallerCall[Any], serial: int) -> None:
        app = self.app
        try:
            tickets = app.services.tickets
            result = call.run(tickets)
        except Exception as exc:
            if not call.read:  # a read: the header stays as it was (the banner has the outage)
                self.post_message(Failed("caller", exc, banner_text(exc)))
            return
        status: WindowStatus | None
        try:
            status = call.status(result) if call.status is not None else tickets.window_status(window_of(app))
        except Exception:  # noqa: BLE001 - the call itself went through
            status = self.window_status
        self.post_message(CallerDone(serial, status, partial(call.done, result), read=call.read,
                                     ends_visit=call.ends_visit))

    @on(CallerDone)
    def _caller_done(self, event: CallerDone) -> None:
        if event.read and event.serial < self._acted:
            return  # read before a call of this window that changed it: that call's answer is newer
        before = getattr(getattr(self.window_status, "current", None), "id", None)
        after = getattr(getattr(event.status, "current", None), "id", None)
        if before != after and not event.ends_visit:  # 过号, 转移 …: another ticket's visit from here
            self.visit_cases = []
        self.window_status = event.status
        if before is not None and before != after:
            self.applicant_left()  # ended, transferred or 过号: nothing of its applicant stays for the next
        self._status_changed()
        event.answer()

    def applicant_left(self) -> None:
        """The ticket being served left this window (the intake screen empties its form)."""

    def _say(self, text: str, level: Level) -> None:
        self.query_one(Banner).show(text, level)

    @work(thread=True, exclusive=True, exit_on_error=False, group="caller-holder")
    def _take_holder_id(self, ticket_id: int) -> None:
        app = self.app
        try:
            number = app.services.tickets.holder_id_number(signed_in_user(app), ticket_id)
        except Exception:  # noqa: BLE001 - a convenience: the clerk asks for the card as before
            return
        if number:
            self.post_message(HolderId(ticket_id, number))

    @on(HolderId)
    def _holder_id(self, event: HolderId) -> None:
        """The called ticket's ID number goes into an empty 身份证号 field; its check then offers the
        returning applicant's details (F6) like a card read at the window."""
        current = self.window_status.current if self.window_status is not None else None
        if current is None or current.id != event.ticket_id:
            return  # another ticket by now (过号, 转移)
        try:
            form = self.query_one(ApplicantForm)
        except NoMatches:
            return
        field = form.query_one("#applicant-id", Input)
        if form.kind is ApplicantKind.PERSON and not field.value.strip():
            field.value = event.number

    def ask_rating(self, ticket: Any, numbers: list[str], after: Any = None) -> None:
        """The applicant rates the visit (好差评, 一次一评); ``after`` runs once the rating screen closes."""
        self.app.push_screen(VisitRatingScreen(ticket, numbers), after)


def _same(status: WindowStatus) -> WindowStatus:
    return status


def _ignore(_: object) -> None:
    return None


def _window_problem(text: str) -> str | None:
    return None if text.strip().isdigit() and 0 < int(text) < 1000 else "请输入窗口号（数字）"
