"""Screens of the window app, which see the app as a ``ClerkApp``.

Textual types ``self.app`` as ``App[object]``; the window's screens read its
services, who is signed in and the window number, so they derive from these
bases and a type checker knows what ``self.app`` holds (Textual's own
``getters.app`` pattern).  Only for the type checker: at run time ``app`` stays
Textual's property, which does not insist on the class, so a test may mount a
desk screen in a small app of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual._context import NoActiveAppError
from textual.screen import ModalScreen, Screen

from clerk.domain.errors import PermissionDenied

if TYPE_CHECKING:
    from textual import getters

    from clerk.domain.accounts import ClerkUser
    from clerk.tui.app import ClerkApp

ResultType = TypeVar("ResultType")


class ClerkScreen(Screen[ResultType]):
    """A full screen of the window app."""

    if TYPE_CHECKING:
        app = getters.app(ClerkApp)

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name, id, classes)
        # The app's breakpoint class (-narrow/-wide) from the start: Textual adds it on the first
        # Resize, which would style every widget of the freshly composed screen a second time.
        try:
            app = self.app
        except NoActiveAppError:  # built outside a running app (a test)
            return
        width = app.size.width
        for threshold, class_name in sorted(app.HORIZONTAL_BREAKPOINTS or [], reverse=True):
            if width >= threshold:
                self.add_class(class_name)
                break

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc ``返回`` is neither offered nor done on the screen a role lands on: there is nowhere
        to return to (the supervisor's dashboard offered it, alone in ``clerk dashboard``)."""
        if action == "back" and self is getattr(self.app, "home", None):
            return False
        return True


class ClerkModal(ModalScreen[ResultType]):
    """A dialog of the window app."""

    if TYPE_CHECKING:
        app = getters.app(ClerkApp)


def signed_in_user(app: ClerkApp) -> ClerkUser:
    """Who is signed in, for the screens past sign-in (a call started before a sign-out is refused)."""
    user = app.user
    if user is None:
        raise PermissionDenied("请先登录")
    return user


def window_of(app: ClerkApp) -> int:
    """The window signed in at (0: none, as the supervisor's app signs in)."""
    return app.window_number or 0
