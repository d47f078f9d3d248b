"""The one seam between the window app and the core.

``Services`` builds the catalog, calendar, case service and print queue from
``Settings`` lazily (SQLAlchemy and reportlab are imported on first use, in a
worker thread, never while the first screen is drawn).  Tests pass ready-made
objects instead.  Every method may block: call them from thread workers only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from clerk.config import Settings


def now_utc() -> datetime:
    return datetime.now(UTC)


class Services:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = now_utc,
        catalog: Any = None,
        calendar: Any = None,
        cases: Any = None,
        printer: Any = None,
        desk: Any = None,
        dashboard: Any = None,
        complaints: Any = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self._catalog, self._calendar, self._cases, self._printer = catalog, calendar, cases, printer
        self._desk, self._dashboard, self._complaints = desk, dashboard, complaints
        self._visits: Any = None
        self._lock = threading.RLock()

    # -- time ----------------------------------------------------------
    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> datetime:
        """The hall's local time (aware)."""
        return self.clock().astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()

    # -- core objects, built on first use ------------------------------
    @property
    def catalog(self) -> Any:
        with self._lock:
            if self._catalog is None:
                from clerk.catalog.loader import load_catalog

                self._catalog = load_catalog(self.settings.catalog_dir)
            return self._catalog

    def load_catalog(self) -> Any:
        """Load the catalog and compute its search keys (call from a worker)."""
        catalog = self.catalog
        catalog.prepare_search()
        return catalog

    @property
    def calendar(self) -> Any:
        with self._lock:
            if self._calendar is None:
                from clerk.calendar import WorkCalendar

                self._calendar = WorkCalendar.load(self.settings.calendar_dir)
            return self._calendar

    @property
    def cases(self) -> Any:
        """The ``CaseService`` (imports the store: SQLAlchemy)."""
        with self._lock:
            if self._cases is None:
                from clerk.services.cases import CaseService
                from clerk.store.engine import Store

                store = Store.from_settings(self.settings)
                self._cases = CaseService(
                    store,
                    self.catalog,
                    self.calendar,
                    self.clock,
                    hall_code=self.settings.hall.code,
                    timezone=self.settings.timezone,
                )
            return self._cases

    @property
    def printer(self) -> Any:
        """The window's printer (``clerk.integration.printing.CasePrinter``; imports reportlab)."""
        with self._lock:
            if self._printer is None:
                from clerk.integration.printing import CasePrinter

                self._printer = CasePrinter(self.settings)
            return self._printer

    @property
    def desk(self) -> Any:
        """The one ``DeskService`` (fallback desk, results, EMS, ratings) every desk screen shares."""
        with self._lock:
            if self._desk is None:
                from clerk.services.desk import DeskService

                self._desk = DeskService(self.cases)
            return self._desk

    @property
    def dashboard(self) -> Any:
        """The supervisor's ``clerk.reports.dashboard.Dashboard`` on the same store."""
        with self._lock:
            if self._dashboard is None:
                from clerk.reports.dashboard import Dashboard

                self._dashboard = Dashboard(self.cases.store, self.calendar, self.clock,
                                            timezone=self.settings.timezone)
            return self._dashboard

    @property
    def complaints(self) -> Any:
        """The complaint desk (``clerk.services.complaints.ComplaintDesk``) on the same store."""
        with self._lock:
            if self._complaints is None:
                from clerk.complaint_categories import categories_for
                from clerk.services.complaints import ComplaintDesk

                self._complaints = ComplaintDesk(self.cases.store, self.calendar, categories_for(self.settings),
                                                 self.clock, hall_code=self.settings.hall.code,
                                                 timezone=self.settings.timezone)
            return self._complaints

    @property
    def visits(self) -> Any:
        """The ``clerk.services.visits.VisitSaver``: exactly-once saves, bounded by the statement timeout."""
        with self._lock:
            if self._visits is None:
                from clerk.services.visits import VisitSaver

                self._visits = VisitSaver(self.cases, self.settings.statement_timeout_seconds + 1.0)
            return self._visits

    @property
    def seats(self) -> Any:
        """The ``clerk.services.seats.SeatService``: who is signed in at which window."""
        with self._lock:
            if getattr(self, "_seats", None) is None:
                from clerk.services.seats import SeatService

                self._seats = SeatService(self.cases.store, self.clock,
                                          stale_after=timedelta(minutes=self.settings.seat_stale_minutes))
            return self._seats

    def warm_up(self) -> None:
        """Import and open everything heavy once the first screen is up."""
        self.load_catalog()
        self.calendar
        self.cases

    # -- the calls the screens make (one call = one transaction) -------
    def authenticate(self, clerk_id: str, password: str, **how: Any) -> Any:
        """Bounded (``clerk.services.bounded``): a hung server gives a Chinese message in seconds."""
        from clerk.services.bounded import within
        from clerk.store.signin import SignInPolicy

        cases = self.cases
        policy = SignInPolicy.from_settings(self.settings)
        return within(cases.store.answer_limit, lambda: cases.authenticate(clerk_id, password, policy=policy, **how),
                      name="clerk-sign-in")

    def preview(self, draft: Any, outcome: Any, reason: str = "") -> Any:
        return self.cases.preview(draft, outcome, reason)

    def submit(self, user: Any, window: int, draft: Any, outcome: Any, reason: str = "") -> Any:
        return self.cases.submit(user, window, draft, outcome, reason=reason)

    def get(self, number: str, user: Any, window: int | None = None) -> Any:
        """The case in hand, as ``user`` may see it (a ``view`` event when unmasked)."""
        from clerk.services.lookup import LookupService

        return LookupService(self.cases).open(user, number, window=window)

    def find(self, text: str, user: Any) -> list[Any]:
        """Masked summaries; refused for a role that may not look cases up."""
        from clerk.services.lookup import LookupService

        return LookupService(self.cases).find(user, text)

    def print_case(self, number: str, user: Any = None, window: int | None = None) -> list[Any]:
        """Print the queued notices of a case; returns the printer's outcomes."""
        return self.printer.print_case(self.cases, number, user, window)

    def previous_applicant(self, user: Any, window: int | None, kind: Any, id_number: str) -> Any:
        """A returning applicant's details from their latest case (audited), or None."""
        from clerk.services.returning import previous_applicant

        return previous_applicant(self.cases, user, window, kind, id_number)

    def reprint(self, number: str, user: Any, window: int, kinds: Any = None) -> list[Any]:
        """Queue a 补打 of the case's notices (all, or ``kinds``) and print them."""
        return self.printer.reprint_case(self.cases, number, user, window, kinds=kinds)

    def describe_print(self, results: list[Any]) -> str:
        from clerk.integration.printing import describe

        text = describe(results, to_printer=bool(self.settings.printer or self.settings.print_command))
        return text + "。可在查询（F5）中按 F9 重打" if any(not r.ok for r in results) else text
