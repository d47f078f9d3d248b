"""The one seam between the apps (window, supervisor, kiosk, hall display) and the core.

``Services`` builds the store, catalog, calendar and every service the screens
call from ``Settings`` lazily (SQLAlchemy and reportlab are imported on first
use, in a worker thread, never while the first screen is drawn).  Tests pass
ready-made objects instead.  Every method may block: call them from thread
workers only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from clerk.config import Settings
from clerk.domain.clock import now_utc
from clerk.services.bounded import within
from clerk.services.visits import VisitSaver

if TYPE_CHECKING:
    from clerk.calendar import WorkCalendar
    from clerk.catalog.catalog import Catalog
    from clerk.domain.accounts import ClerkUser
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, Outcome
    from clerk.domain.views import CaseSummary, CaseView, IntakePreview
    from clerk.integration.printing import CasePrinter
    from clerk.printing.printers import Printer
    from clerk.printing.queue import PrintOutcome
    from clerk.reports.dashboard import Dashboard
    from clerk.services.appointments import AppointmentService
    from clerk.services.cases import CaseService
    from clerk.services.complaints import ComplaintDesk
    from clerk.services.desk import DeskService
    from clerk.services.materials import OpenedMaterial
    from clerk.services.seats import SeatService
    from clerk.services.tickets import TicketService
    from clerk.store.engine import Store
    from clerk.store.notices import NoticeKind


#: how long the confirmation waits for the repeated-visit check before it shows without it,
#: besides the round trips of its transaction over the measured link (``recent_visit_limit``)
RECENT_VISIT_SECONDS = 1.0
#: round trips of the repeated-visit check (BEGIN, account, query, COMMIT), with room for a reconnect
RECENT_VISIT_ROUND_TRIPS = 6


def recent_visit_limit(round_trip: float, answer_limit: float) -> float:
    """Seconds the confirmation waits for the repeated-visit check on a link whose round trip takes
    ``round_trip`` seconds (``Store.round_trip``): a second plus its round trips, so that a station
    on a slow extranet link still gets the warning; never more than ``answer_limit``."""
    return min(RECENT_VISIT_SECONDS + RECENT_VISIT_ROUND_TRIPS * round_trip, max(answer_limit, RECENT_VISIT_SECONDS))


class Services:
    """Every core object an app needs, each built once on first use (thread-safe)."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = now_utc,
        store: Store | None = None,
        catalog: Catalog | None = None,
        calendar: WorkCalendar | None = None,
        cases: CaseService | None = None,
        printer: CasePrinter | None = None,
        desk: DeskService | None = None,
        dashboard: Dashboard | None = None,
        complaints: ComplaintDesk | None = None,
        tickets: TicketService | None = None,
        appointments: AppointmentService | None = None,
        ticket_printer: Printer | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self._store, self._catalog, self._calendar, self._cases = store, catalog, calendar, cases
        self._printer, self._desk, self._dashboard, self._complaints = printer, desk, dashboard, complaints
        self._tickets, self._appointments, self._ticket_printer = tickets, appointments, ticket_printer
        self._visits: VisitSaver | None = None
        self._seats: SeatService | None = None
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
    def store(self) -> Store:
        """The hall's store (the case service's, when one was given)."""
        with self._lock:
            if self._store is None:
                if self._cases is not None:
                    return self._cases.store
                from clerk.store.engine import Store

                self._store = Store.from_settings(self.settings)
            return self._store

    @property
    def catalog(self) -> Catalog:
        with self._lock:
            if self._catalog is None:
                from clerk.catalog.loader import load_catalog

                self._catalog = load_catalog(self.settings.catalog_dir, self.settings.cross_region_catalog)
            return self._catalog

    def load_catalog(self) -> Catalog:
        """Load the catalog and compute its search keys (call from a worker)."""
        catalog = self.catalog
        catalog.prepare_search()
        return catalog

    @property
    def calendar(self) -> WorkCalendar:
        with self._lock:
            if self._calendar is None:
                from clerk.calendar import WorkCalendar

                self._calendar = WorkCalendar.load(self.settings.calendar_dir)
            return self._calendar

    @property
    def cases(self) -> CaseService:
        """The ``CaseService`` (imports the store: SQLAlchemy)."""
        with self._lock:
            if self._cases is None:
                from clerk.services.cases import CaseService

                self._cases = CaseService(
                    self.store,
                    self.catalog,
                    self.calendar,
                    self.clock,
                    hall_code=self.settings.hall.code,
                    timezone=self.settings.timezone,
                    font_path=self.settings.font_path,
                )
            return self._cases

    @property
    def printer(self) -> CasePrinter:
        """The window's notice printer (imports reportlab)."""
        with self._lock:
            if self._printer is None:
                from clerk.integration.printing import CasePrinter

                self._printer = CasePrinter(self.settings)
            return self._printer

    @property
    def ticket_printer(self) -> Printer:
        """The kiosk's ticket printer (``print_command`` or the CUPS queue of the hall's config)."""
        with self._lock:
            if self._ticket_printer is None:
                from clerk.printing.printers import printer_for

                self._ticket_printer = printer_for(self.settings)
            return self._ticket_printer

    @property
    def desk(self) -> DeskService:
        """The one desk service (fallback desk, results, EMS, ratings) every desk screen shares."""
        with self._lock:
            if self._desk is None:
                from clerk.services.desk import DeskService

                self._desk = DeskService(self.cases)
            return self._desk

    @property
    def dashboard(self) -> Dashboard:
        """The supervisor's dashboard on the same store."""
        with self._lock:
            if self._dashboard is None:
                from clerk.reports.dashboard import Dashboard

                self._dashboard = Dashboard(self.store, self.calendar, self.clock,
                                            timezone=self.settings.timezone)
            return self._dashboard

    @property
    def complaints(self) -> ComplaintDesk:
        """The complaint desk on the same store."""
        with self._lock:
            if self._complaints is None:
                from clerk.complaint_categories import categories_for
                from clerk.services.complaints import ComplaintDesk

                self._complaints = ComplaintDesk(self.store, self.calendar, categories_for(self.settings),
                                                 self.clock, hall_code=self.settings.hall.code,
                                                 timezone=self.settings.timezone)
            return self._complaints

    @property
    def tickets(self) -> TicketService:
        """The hall's tickets and queues (叫号): kiosk, board and the window's caller."""
        with self._lock:
            if self._tickets is None:
                from clerk.services.tickets import TicketService

                self._tickets = TicketService(self.store, self.settings, self.catalog, self.clock)
            return self._tickets

    @property
    def appointments(self) -> AppointmentService:
        """The hall's appointments (预约): the window's list and the kiosk's check-in."""
        with self._lock:
            if self._appointments is None:
                from clerk.services.appointments import AppointmentService

                self._appointments = AppointmentService(self.store, self.settings, self.clock)
            return self._appointments

    @property
    def visits(self) -> VisitSaver:
        """Exactly-once saves of a visit, bounded by the statement timeout."""
        with self._lock:
            if self._visits is None:
                self._visits = VisitSaver(self.cases, self.settings.statement_timeout_seconds + 1.0)
            return self._visits

    @property
    def seats(self) -> SeatService:
        """Who is signed in at which window."""
        with self._lock:
            if self._seats is None:
                from clerk.services.seats import SeatService

                self._seats = SeatService(self.store, self.clock,
                                          stale_after=timedelta(minutes=self.settings.seat_stale_minutes))
            return self._seats

    # -- the calls the screens make (one call = one transaction) -------
    def authenticate(self, clerk_id: str, password: str, **how: Any) -> ClerkUser:
        """Bounded (``clerk.services.bounded``): a hung server gives a Chinese message in seconds."""
        from clerk.store.signin import SignInPolicy

        cases = self.cases
        policy = SignInPolicy.from_settings(self.settings)
        return within(cases.store.answer_limit, lambda: cases.authenticate(clerk_id, password, policy=policy, **how),
                      name="clerk-sign-in")

    def preview(self, draft: IntakeDraft, outcome: Outcome, reason: str = "") -> IntakePreview:
        """``CaseService.preview``; a draft that takes a material on 告知承诺 also asks the store
        whether the applicant has a 失信记录 (said at the confirmation; the save checks it again).
        A store that does not answer within ``RECENT_VISIT_SECONDS`` leaves that to the save."""
        from dataclasses import replace

        from clerk.domain.errors import StoreUnavailable

        preview = self.cases.preview(draft, outcome, reason)
        if not preview.pledged_materials:
            return preview
        cases, pledged = self.cases, preview.pledged_materials
        try:
            barred = within(RECENT_VISIT_SECONDS, lambda: cases.pledge_problems(draft, pledged), name="clerk-pledge")
        except StoreUnavailable:
            return preview
        return replace(preview, problems=(*preview.problems, *barred)) if barred else preview

    def recent_visit(self, user: ClerkUser, draft: IntakeDraft, visit_key: str) -> CaseSummary | None:
        """``CaseService.recent_visit``, as a warning only: None when the store does not answer
        within ``recent_visit_limit`` of the measured link (an outage must never stop a visit from
        being finished or kept)."""
        from clerk.domain.errors import StoreUnavailable

        minutes = self.settings.repeat_visit_minutes
        if minutes <= 0:
            return None
        cases = self.cases
        try:
            limit = recent_visit_limit(cases.store.round_trip, cases.store.answer_limit)
            return within(limit, lambda: cases.recent_visit(user, draft, visit_key, minutes=minutes),
                          name="clerk-recent-visit")
        except StoreUnavailable:
            return None

    def get(self, number: str, user: ClerkUser, window: int | None = None) -> CaseView:
        """The case in hand, as ``user`` may see it (a ``view`` event when unmasked)."""
        from clerk.services.lookup import LookupService

        return LookupService(self.cases).open(user, number, window=window)

    def open_material(self, number: str, file_id: int, user: ClerkUser, window: int | None = None) -> OpenedMaterial:
        """One material's scan of the case in hand (an audited view; refused to roles without full sight)."""
        from clerk.services.materials import MaterialService

        return MaterialService(self.cases).open(user, number, file_id, window=window)

    def find(self, text: str, user: ClerkUser) -> list[CaseSummary]:
        """Masked summaries; refused for a role that may not look cases up."""
        from clerk.services.lookup import LookupService

        return LookupService(self.cases).find(user, text)

    def print_case(self, number: str, user: ClerkUser | None = None, window: int | None = None) -> list[PrintOutcome]:
        """Print the queued notices of a case; returns the printer's outcomes."""
        return self.printer.print_case(self.cases, number, user, window)

    def previous_applicant(self, user: ClerkUser, window: int | None, kind: ApplicantKind,
                           id_number: str) -> tuple[Applicant, str] | None:
        """A returning applicant's details from their latest case (audited), or None."""
        from clerk.services.returning import previous_applicant

        return previous_applicant(self.cases, user, window, kind, id_number)

    def reprint(self, number: str, user: ClerkUser, window: int,
                kinds: Iterable[NoticeKind] | None = None) -> list[PrintOutcome]:
        """Queue a 补打 of the case's notices (all, or ``kinds``) and print them."""
        return self.printer.reprint_case(self.cases, number, user, window, kinds=kinds)

    def describe_print(self, results: list[PrintOutcome]) -> str:
        from clerk.integration.printing import describe

        text = describe(results, to_printer=bool(self.settings.printer or self.settings.print_command))
        # a print of unknown outcome is not to be reprinted: its sentence says it is settled first
        return text + "。可在查询（F5）中按 F9 重打" if any(not r.ok and not r.unknown for r in results) else text
