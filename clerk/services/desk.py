"""``DeskService``: the fallback desk, back-office results, the EMS station and ratings.

Wraps a ``CaseService`` (composition: the case service stays the one owner of
the case lifecycle and its guarded transaction) and a ``Carrier`` (default:
``ManualCarrier``, EMS by hand).  Screens and scripts call it like the case
service: one call, one transaction, frozen views back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from clerk.carriers import ManualCarrier
from clerk.domain.permissions import Sight, case_view_for
from clerk.services.lookup import LookupService
from clerk.services.mail import MailRoom
from clerk.services.pickups import FallbackDesk
from clerk.services.ratings import Ratings
from clerk.services.verification import VerificationDesk

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from clerk.calendar import WorkCalendar, WorkingDays
    from clerk.carriers.base import Carrier
    from clerk.domain.accounts import ClerkUser
    from clerk.domain.views import CaseView
    from clerk.services.cases import CaseService
    from clerk.services.materials import OpenedMaterial


class DeskService(FallbackDesk, MailRoom, Ratings):
    def __init__(self, cases: CaseService, carrier: Carrier | None = None) -> None:
        if carrier is None:
            carrier = ManualCarrier()
        self.cases = cases
        self.carrier = carrier
        self.verifications = VerificationDesk(cases)  # 告知承诺: the verifications due and their results

    # pass-throughs the desk screens need, so a screen holds one object
    def get(self, number: str) -> CaseView:
        """The case masked (state, version, materials, deadlines; no event): what a screen checks
        or shows without personal data.  The applicant in full comes through ``open`` (audited)."""
        return case_view_for(self.cases.get(number), Sight.MASKED)

    def open(self, user: ClerkUser, window: int | None, number: str) -> CaseView:
        """The case in hand as ``user`` may see it (``LookupService.open``: a ``view`` event when unmasked)."""
        return LookupService(self.cases).open(user, number, window=window)

    def open_material(self, user: ClerkUser, window: int | None, number: str, file_id: int) -> OpenedMaterial:
        """One material's scan of the case in hand (``MaterialService.open``: an audited view)."""
        from clerk.services.materials import MaterialService

        return MaterialService(self.cases).open(user, number, file_id, window=window)

    def today(self) -> date:
        return self.cases.today()

    @property
    def calendar(self) -> WorkCalendar:
        return self.cases.calendar

    def working_days_left(self, due: date) -> WorkingDays:
        return self.cases.working_days_left(due)

    @staticmethod
    def still_owed(view: CaseView, arriving: Iterable[str] = ()) -> list[str]:
        """Materials on the one-time notice not received yet nor arriving now (what a pickup fetches)."""
        arriving = set(arriving)
        return [line.key for line in view.one_time_notice or ()
                if line.key not in arriving
                and not (line.key in view.marks and view.marks[line.key].status.received)]

    @property
    def tz(self) -> ZoneInfo:
        return self.cases.tz

    def reject(self, user: ClerkUser, window: int, number: str, reason: str, *, version: int | None = None) -> CaseView:
        """不予受理 at the fallback desk (the case service's call)."""
        return self.cases.reject(user, window, number, reason, version=version)
