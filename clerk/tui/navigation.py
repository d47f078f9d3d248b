"""Which screens each role may open, where each role lands, and the F12 menu.

The service layer enforces roles on every call (``clerk.domain.permissions``); this
table only decides what the app offers, so a clerk gets a clear banner instead
of a screen whose every key ends in "无权限".  ``tests/tui/test_roles.py``
checks it against the service layer's role sets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from clerk.domain.accounts import ClerkUser, Role
from clerk.domain.permissions import DESK_ROLES, MAIL_ROLES, MAY, Action, allowed_roles
from clerk.tui.commands import key_display
from clerk.tui.screen import ClerkModal
from clerk.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from clerk.tui.app import ClerkApp

# The menu follows the domain's one role table (clerk.domain.permissions).

# The back office; the fallback desk too, which the service refuses unless the
# hall's config has ``fallback_may_decide``.
_DECIDE = allowed_roles(Action.DECIDE, fallback_may_decide=True)


@dataclass(frozen=True)
class Destination:
    name: str  # the action argument: go('<name>')
    title: str
    roles: frozenset[Role]
    make: Callable[[ClerkApp], Screen[Any]]  # app -> a new screen
    screen: str  # its class name (to tell "already there")


def _intake(app: ClerkApp) -> Screen[Any]:
    from clerk.tui.screens.intake import IntakeScreen

    return IntakeScreen()


def _fallback(app: ClerkApp) -> Screen[Any]:
    from clerk.tui.screens.fallback import FallbackScreen

    return FallbackScreen()


def _decision(app: ClerkApp) -> Screen[Any]:
    from clerk.tui.screens.decision import DecisionScreen

    return DecisionScreen()


def _mail(app: ClerkApp) -> Screen[Any]:
    from clerk.tui.screens.mail import MailScreen

    return MailScreen()


def _rating(app: ClerkApp) -> Screen[Any]:
    from clerk.tui.screens.rating import RatingScreen

    return RatingScreen()


def _verification(app: ClerkApp) -> Screen[Any]:
    from clerk.tui.screens.verification import VerificationScreen

    return VerificationScreen()


def _dashboard(app: ClerkApp) -> Screen[Any]:
    from clerk.tui.screens.dashboard import DashboardScreen

    return DashboardScreen(refresh_seconds=app.dashboard_refresh, user=app.user)


def _appointments(app: ClerkApp) -> Screen[Any]:
    from clerk.tui.screens.appointments import AppointmentsScreen

    return AppointmentsScreen()


def _complaints(app: ClerkApp) -> Screen[Any]:
    from clerk.tui.screens.complaints import ComplaintsScreen

    return ComplaintsScreen(user=app.user)


DESTINATIONS: dict[str, Destination] = {d.name: d for d in (
    Destination("intake", "综合受理", DESK_ROLES | {Role.ADMIN}, _intake, "IntakeScreen"),
    Destination("fallback", "兜底窗口", DESK_ROLES, _fallback, "FallbackScreen"),
    Destination("decision", "后台结果录入", _DECIDE, _decision, "DecisionScreen"),
    Destination("verification", "告知承诺核查", MAY[Action.VERIFY], _verification, "VerificationScreen"),
    Destination("mail", "EMS邮件", MAIL_ROLES, _mail, "MailScreen"),
    Destination("rating", "好差评", MAY[Action.RATE], _rating, "RatingScreen"),
    Destination("dashboard", "管理看板", frozenset({Role.SUPERVISOR, Role.ADMIN}), _dashboard, "DashboardScreen"),
    Destination("complaints", "诉求窗口", frozenset(Role), _complaints, "ComplaintsScreen"),
    Destination("appointments", "预约", MAY[Action.APPOINTMENT], _appointments,
                "AppointmentsScreen"),
)}

HOME: dict[Role, str] = {
    Role.WINDOW: "intake",
    Role.FALLBACK: "fallback",
    Role.MAILROOM: "mail",
    Role.SUPERVISOR: "dashboard",
    Role.ADMIN: "intake",
    Role.BACKOFFICE: "decision",
}

#: The app's bindings that open a destination (ids ``clerk.go_<name>``): keys no screen uses.
GO_KEYS = {
    "intake": "ctrl+t",
    "fallback": "ctrl+g",
    "decision": "ctrl+r",
    "verification": "ctrl+z",
    "mail": "ctrl+y",
    "rating": "ctrl+o",
    "dashboard": "ctrl+l",
    "complaints": "ctrl+s",
    "appointments": "ctrl+b",
}


def go_bindings() -> list[Binding]:
    return [Binding(GO_KEYS[d.name], f"go('{d.name}')", d.title, id=f"clerk.go_{d.name}", show=False)
            for d in DESTINATIONS.values()]


def home_of(role: Role) -> str:
    return HOME.get(role, "intake")


def refusal(user: ClerkUser | None, dest: Destination) -> str | None:
    """The banner text when ``user`` may not open ``dest`` (None when allowed)."""
    if user is None:
        return "请先登录"
    if user.role in dest.roles:
        return None
    allowed = "、".join(r.label for r in Role if r in dest.roles)
    return f"当前账号（{user.role.label}）无权打开“{dest.title}”，仅限：{allowed}"


class NavigateScreen(ClerkModal[str | None]):
    """F12: every destination with its key; the ones the role may not open are marked."""

    DEFAULT_CSS = """
    NavigateScreen { align: center middle; }
    NavigateScreen > Static { width: 50; background: $panel; padding: 0 1; }
    NavigateScreen > OptionList { width: 50; height: auto; max-height: 12; border: thick $primary; }
    """
    BINDINGS = [
        Binding("escape,f12", "close", "返回", id="navigate.close"),
    ]

    def compose(self) -> ComposeResult:
        app = self.app
        yield Static("切换到（数字键或回车）", markup=False)
        options = []
        for n, dest in enumerate(DESTINATIONS.values(), 1):
            key = key_display(app.keymap.get(f"clerk.go_{dest.name}", GO_KEYS[dest.name]))
            mark = "" if refusal(app.user, dest) is None else "（无权限）"
            options.append(Option(f"{n}  {dest.title}{mark}    {key}", id=dest.name))
        sign_out = key_display(app.keymap.get("clerk.sign_out", "ctrl+backslash"))
        options.append(Option(f"0  注销（换人登录）    {sign_out}", id="sign_out"))
        yield OptionList(*options)
        yield KeyFooter()

    def on_key(self, event: events.Key) -> None:
        if event.character == "0":
            event.stop()
            self.dismiss("sign_out")
        elif event.character and event.character.isdigit():
            n = int(event.character)
            names = list(DESTINATIONS)
            if 1 <= n <= len(names):
                event.stop()
                self.dismiss(names[n - 1])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
