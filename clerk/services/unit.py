"""The unit of work every service call goes through.

One call = one transaction that (1) re-reads the acting account and refuses a
deactivated or unknown one (a ``ClerkUser`` made up in a script does not act),
(2) checks the stored role against the domain's one table
(``clerk.domain.permissions.MAY``), (3) appends the audit event and (4) commits.
A refusal raises before anything is written and has a Chinese message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select

from clerk.domain.accounts import ClerkUser, Role
from clerk.domain.errors import PermissionDenied
from clerk.domain.permissions import Action, check_permission
from clerk.store.audit import append_event
from clerk.store.tables import ClerkAccount, table_of

if TYPE_CHECKING:
    from sqlmodel import Session

    from clerk.store.engine import Store

__all__ = ["UnitOfWork", "acting_account", "checked_account"]


_ACCOUNT: Any = None  # the Core statement reading the acting account, built on first use


def acting_account(session: Session, user: ClerkUser) -> ClerkUser:
    """The account as stored now; ``PermissionDenied`` for an unknown or deactivated one.

    Read with one prepared Core statement on the session's connection (every service call
    does this first: no ORM entity, no statement rebuilt)."""
    global _ACCOUNT
    if _ACCOUNT is None:
        table = table_of(ClerkAccount)
        _ACCOUNT = select(table.c.id, table.c.name, table.c.role, table.c.active).where(
            table.c.id == bindparam("id", type_=table.c.id.type))
    account_id = getattr(user, "id", None)
    row = session.connection().execute(_ACCOUNT, {"id": account_id}).one_or_none() if account_id is not None else None
    return checked_account(row, user)


def checked_account(row: Any, user: ClerkUser) -> ClerkUser:
    """The acting account from its stored ``row`` (id, name, role, active; None or a NULL id: no
    such account), refused as ``acting_account`` says; for a call that reads the account in a
    statement of its own (``CaseService.submit``: with the visit's key)."""
    if row is None or row.id is None:
        raise PermissionDenied(f"工号 {getattr(user, 'id', '')} 不存在，不能办理业务")
    if not row.active:
        raise PermissionDenied(f"账号 {row.id}（{row.name}）已停用，不能办理业务")
    try:
        role = Role(row.role)
    except ValueError:
        raise PermissionDenied(f"账号 {row.id} 的角色“{row.role}”无效，不能办理业务") from None
    return ClerkUser(row.id, row.name, role)


class UnitOfWork:
    """Opens the transaction of one service call for one acting account.

    ``with uow.begin(user, Action.X) as (session, account):`` — ``account`` is
    the re-read ``ClerkUser``; ``uow.audit(session, ...)`` appends the event.
    Leaving the block commits; an exception rolls everything back.
    """

    def __init__(self, store: Store, clock: Callable[[], datetime], *, fallback_may_decide: bool = False) -> None:
        self.store = store
        self.clock = clock
        self.fallback_may_decide = fallback_may_decide

    def authorise(self, session: Session, user: ClerkUser, action: Action) -> ClerkUser:
        return self.permitted(acting_account(session, user), action)

    def permitted(self, account: ClerkUser, action: Action) -> ClerkUser:
        """``account`` (as stored) when its role may do ``action``; ``PermissionDenied`` otherwise."""
        check_permission(account, action, fallback_may_decide=self.fallback_may_decide)
        return account

    @contextmanager
    def begin(self, user: ClerkUser, action: Action, *, write: bool = True) -> Iterator[tuple[Session, ClerkUser]]:
        with self.store.session(write=write) as session:
            yield session, self.authorise(session, user, action)

    def audit(self, session: Session, actor: str, window: int | None, action: str, number: str | None,
              before: dict[str, object] | None, after: dict[str, object] | None) -> None:
        append_event(session, at=self.clock(), actor=actor, window=window, action=action,
                     case_number=number, before=before, after=after)
