"""Look-up as a use case: who may read which applicant's personal data, unmasked.

``find`` returns masked summaries (lists stay masked) and leaves no trace;
``open`` returns one case as the reader's ``Sight`` shows it
(``clerk.domain.permissions.case_sight``) and, whenever personal data is shown
unmasked, appends a ``view`` event (who, which case, when) in the same
transaction.  An unknown or deactivated account, or the administrator, is
refused with a Chinese message and nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk.domain.accounts import ClerkUser
from clerk.domain.errors import PermissionDenied
from clerk.domain.permissions import Action, Sight, case_view_for
from clerk.domain.views import CaseSummary, CaseView

if TYPE_CHECKING:
    from clerk.services.cases import CaseService

__all__ = ["LookupService"]


class LookupService:
    def __init__(self, cases: CaseService) -> None:
        self.cases = cases

    def find(self, user: ClerkUser, text: str, limit: int = 50) -> list[CaseSummary]:
        """Cases by number, ID number, phone or name prefix: masked summaries, no event."""
        with self.cases.store.session(write=False) as session:
            self.cases.uow.authorise(session, user, Action.VIEW_CASE)
        return self.cases.find(text, limit)

    def open(self, user: ClerkUser, number: str, *, window: int | None = None) -> CaseView:
        """The case in hand, opened by its number; a ``view`` event when anything is unmasked."""
        with self.cases.store.session(write=True) as session:
            account = self.cases.uow.authorise(session, user, Action.VIEW_CASE)
            row = self.cases.load(session, number)
            sight = self.cases.reader_sight(session, account, row)
            if sight is Sight.NONE:
                raise PermissionDenied(f"{account.name}（{account.role.label}）无权查看申请人信息")
            view = self.cases.view_of(session, row)
            if sight.unmasked:
                self.cases.uow.audit(session, account.id, window, "view", row.number, None, {"sight": sight.value})
        return case_view_for(view, sight)
