"""The applicant's rating at the end of a ticket's visit (一次一评), into the 好差评 records.

Shown by the window caller once the visit's cases are linked to the ticket: the
applicant presses 1–5 (or clicks), types a comment for a bad rating, and it is
recorded on the visit's cases (``clerk.services.visit_rating.rate_visit``).  Esc:
the applicant did not rate (nothing is written).
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from clerk.domain.views import Rating
from clerk.identity.text import NOTE_MAX
from clerk.services.visit_rating import rate_visit
from clerk.tui.messages import Failed, Message, banner_text
from clerk.tui.plain import TYPED
from clerk.tui.screen import ClerkModal, signed_in_user, window_of
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.footer import KeyFooter

RATINGS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")


class VisitRated(Message):
    """The visit's rating reached its cases (``clerk.services.visit_rating.rate_visit``)."""

    def __init__(self, cases: list[Any]) -> None:
        super().__init__()
        self.cases = cases


class VisitRatingScreen(ClerkModal[None]):
    DEFAULT_CSS = """
    VisitRatingScreen { align: center middle; }
    VisitRatingScreen > Vertical { width: 64; max-width: 100%; height: auto; max-height: 100%;
                                   border: thick $success; background: $surface; padding: 0 2; }
    VisitRatingScreen OptionList { height: auto; max-height: 7; }
    VisitRatingScreen Input { display: none; }
    VisitRatingScreen Input.-shown { display: block; }
    """
    BINDINGS = [
        Binding("f10", "confirm", "提交评价", id="visit_rating.confirm"),
        Binding("escape", "skip", "未评价", id="visit_rating.skip"),
    ]

    def __init__(self, ticket: Any, numbers: list[str]) -> None:
        super().__init__()
        self.ticket, self.ticket_number, self.numbers = ticket, ticket.number, numbers
        self.rating: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"请您对本次服务（{self.ticket_number}）作出评价：按数字键 1–5 或点选", markup=False)
            yield OptionList(*(Option(f"{i}  {r}", id=r) for i, r in enumerate(RATINGS, 1)), id="visit-rating")
            yield Input(placeholder="请写下您的意见（差评必填），回车提交", id="visit-comment", max_length=NOTE_MAX,
                        restrict=TYPED)
            yield Banner()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 1

    def on_key(self, event: Any) -> None:
        if isinstance(self.focused, Input):
            return
        if event.character and event.character in "12345":
            event.stop()
            self._chosen(RATINGS[int(event.character) - 1])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._chosen(str(event.option.id))

    def _chosen(self, rating: str) -> None:
        self.rating = rating
        if RATINGS.index(rating) >= 3:  # 不满意 / 非常不满意: the comment is needed for the follow-up
            comment = self.query_one("#visit-comment", Input)
            comment.add_class("-shown")
            comment.focus()
            self.query_one(Banner).show(f"您选择了“{rating}”，请写下意见后回车", "warning")
            return
        self._save()

    @on(Input.Submitted, "#visit-comment")
    def action_confirm(self) -> None:
        if self.rating is None:
            highlighted = self.query_one(OptionList).highlighted
            self.rating = RATINGS[highlighted or 0]
        self._save()

    def _save(self) -> None:
        comment = self.query_one("#visit-comment", Input).value
        self._rate(self.rating, comment)

    @work(thread=True, exclusive=True, exit_on_error=False, group="visit-rating")
    def _rate(self, rating: str, comment: str) -> None:
        app = self.app
        try:
            views = rate_visit(app.services.cases, app.services.tickets, signed_in_user(app), window_of(app),
                               self.ticket.id, Rating(rating), comment)
        except Exception as exc:
            self.post_message(Failed("visit_rating", exc, banner_text(exc)))
            return
        self.post_message(VisitRated(views))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.query_one(Banner).show(event.text)

    @on(VisitRated)
    def _rated(self, event: VisitRated) -> None:
        self.app.show_banner(f"{self.ticket_number}：已登记评价“{self.rating}”，谢谢！", "ok")
        self.dismiss()

    def action_skip(self) -> None:
        self.dismiss()
