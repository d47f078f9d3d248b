"""Reading cases with nobody signed in: scripts, jobs, the demo data, benchmarks.

``CaseService.get`` and ``find`` are the services' own reads (a view handed back
to the clerk who just changed the case, the print job rendering the notice it
was asked for); a script that reads cases is a reader too and says who it is:

- ``SystemReader(cases, "demo").masked(number)`` — the case as a list shows it
  (name, ID number, phone, address masked), no event: what a script needs to
  decide what to do next (state, materials, version);
- ``SystemReader(cases, "export", purpose="…").full(number)`` — unmasked, with a
  ``view`` event in the audit chain (actor ``system:<name>``, the purpose), in
  the same transaction as the read (等保 / PIPL: every view of unmasked personal
  data is recorded with who, what and when).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk.domain.errors import ServiceError
from clerk.domain.permissions import Sight, case_view_for
from clerk.domain.views import CaseView

if TYPE_CHECKING:
    from clerk.services.cases import CaseService

__all__ = ["SystemReader"]


class SystemReader:
    def __init__(self, cases: CaseService, name: str, *, purpose: str = "") -> None:
        if not name.strip() or len(name) > 24:
            raise ServiceError("系统读取者须有名称（1—24 个字符）")
        self.cases = cases
        self.actor = f"system:{name.strip()}"
        self.purpose = purpose.strip()

    def masked(self, number: str) -> CaseView:
        """The case with the applicant masked (no event)."""
        return case_view_for(self.cases.get(number), Sight.MASKED)

    def full(self, number: str) -> CaseView:
        """The case unmasked; a ``view`` event (actor ``system:<name>``, purpose) in the same transaction."""
        if not self.purpose:
            raise ServiceError("读取未遮蔽的个人信息须说明用途（purpose）")
        with self.cases.store.session(write=True) as session:
            row = self.cases.load(session, number)
            view = self.cases.view_of(session, row)
            self.cases.uow.audit(session, self.actor, None, "view", row.number, None,
                                 {"sight": Sight.FULL.value, "purpose": self.purpose})
        return view
