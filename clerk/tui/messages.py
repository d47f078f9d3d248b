"""Messages the thread workers post back to the screens, and the session's message history.

Workers never touch widgets: they post one of these, and an ``@on`` handler on
the screen updates the UI on the event loop.  ``MessageLog`` keeps every banner
message of the session with its time (F11 shows it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.message import Message as _Message

from clerk.domain.errors import ServiceError, StoreError, TransitionError
from clerk.incidents import report

if TYPE_CHECKING:
    from clerk.calendar import WorkingDays
    from clerk.catalog.catalog import Catalog
    from clerk.domain.accounts import ClerkUser
    from clerk.domain.intake import Applicant
    from clerk.domain.views import CaseSummary, CaseView


class Message(_Message, bubble=False):
    """Worker results go to the screen that asked, and stop there."""


class Failed(Message):
    """A worker's call failed; ``text`` is the Chinese banner for the clerk."""

    def __init__(self, action: str, error: BaseException, text: str) -> None:
        super().__init__()
        self.action, self.error, self.text = action, error, text


class CatalogLoaded(Message):
    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog


class SignedIn(Message):
    def __init__(self, user: ClerkUser, window: int) -> None:
        super().__init__()
        self.user, self.window = user, window


class Previewed(Message):
    def __init__(self, draft: Any, outcome: Any, reason: str, preview: Any, text: Any = None,
                 recent: Any = None) -> None:
        super().__init__()
        self.draft, self.outcome, self.reason, self.preview = draft, outcome, reason, preview
        self.text = text  # the confirmation's text, built by the worker (no key waits for it)
        self.recent = recent  # the applicant's case for the same item from minutes ago (CaseSummary), if any


class Submitted(Message):
    def __init__(self, view: Any, kept: Any = None) -> None:
        super().__init__()
        self.view, self.kept = view, kept


class Kept(Message):
    """The store was unreachable: the visit is kept on disk for the retry worker."""

    def __init__(self, visit: Any, text: str) -> None:
        super().__init__()
        self.visit, self.text = visit, text


class Printed(Message):
    def __init__(self, number: str, results: list[Any]) -> None:
        super().__init__()
        self.number, self.results = number, results


class CaseLoaded(Message):
    def __init__(self, view: CaseView, days_left: dict[str, WorkingDays] | None = None) -> None:
        super().__init__()
        self.view, self.days_left = view, days_left or {}


class CasesFound(Message):
    def __init__(self, query: str, cases: list[CaseSummary]) -> None:
        super().__init__()
        self.query, self.cases = query, cases


def banner_text(error: BaseException) -> str:
    """The clerk's sentence for an error from the core (already Chinese there)."""
    from clerk.catalog.errors import CatalogError

    name = type(error).__name__
    if isinstance(error, (ServiceError, StoreError, TransitionError)) or name == "PrintError":
        return str(error)
    if isinstance(error, CatalogError):
        return f"事项目录有错误，请联系管理员：{error}"
    if isinstance(error, (ValueError, LookupError)) and not isinstance(error, KeyError) and str(error):
        return str(error)

    return report(error)  # one sentence; the details (masked) go to the log file


class ApplicantFound(Message):
    """A checked ID number / credit code belongs to an earlier case's applicant."""

    def __init__(self, id_number: str, applicant: Applicant, number: str) -> None:
        super().__init__()
        self.id_number, self.applicant, self.number = id_number, applicant, number


@dataclass(frozen=True)
class LoggedMessage:
    at: datetime
    level: str
    text: str
    where: str = ""  # the screen that showed it


class MessageLog:
    """Every message shown in this session, oldest first (bounded)."""

    def __init__(self, clock: Callable[[], datetime] | None = None, limit: int = 2000) -> None:
        self._clock = clock or (lambda: datetime.now().astimezone())
        self._limit = limit
        self._entries: list[LoggedMessage] = []
        self._lock = threading.Lock()

    def add(self, level: str, text: str, where: str = "") -> LoggedMessage:
        entry = LoggedMessage(self._clock(), level, text, where)
        with self._lock:
            self._entries.append(entry)
            del self._entries[:-self._limit]
        return entry

    @property
    def entries(self) -> list[LoggedMessage]:
        with self._lock:
            return list(self._entries)


def whose(view: CaseView | CaseSummary) -> str:
    """Whose case a message is about: applicant and item, for the clerk to tell visits apart."""
    applicant = getattr(getattr(view, "applicant", None), "name", "") or getattr(view, "applicant_name", "")
    name = getattr(view, "name", "")
    return " · ".join(part for part in (applicant, name) if part)
