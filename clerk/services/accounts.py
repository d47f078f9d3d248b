"""Accounts as a use case: create and deactivate (the administrator's work).

``by=None`` is the administrator's command line on the server (``clerk user``,
``clerk setup``); any other caller acts through the unit of work, so only an
active ``admin`` account may manage accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlmodel import col

from clerk.domain.accounts import ClerkUser, Role, account_text_problems, hash_password
from clerk.domain.errors import IntakeError, NotFound
from clerk.domain.passwords import password_problems
from clerk.domain.permissions import Action
from clerk.services.unit import UnitOfWork
from clerk.store.tables import ClerkAccount

if TYPE_CHECKING:
    from clerk.store.engine import Store

__all__ = ["AccountService"]


class AccountService:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock
        self.uow = UnitOfWork(store, lambda: self.clock())

    def add(self, by: ClerkUser | None, clerk_id: str, name: str, role: Role, password: str, *,
            must_change: bool = False, password_rule: bool = False) -> ClerkUser:
        """Create an account (one transaction, one ``account_add`` event).

        ``password_rule`` applies ``clerk.domain.passwords`` (every password a person chooses);
        ``must_change`` marks an initial password, replaced at the first sign-in.
        """
        role = Role(role)
        with self.store.session(write=True) as session:
            actor = self.uow.authorise(session, by, Action.ACCOUNTS).id if by is not None else "admin"
            if problems := account_text_problems(clerk_id, name):
                raise IntakeError(problems)
            clerk_id, name = clerk_id.strip(), name.strip()
            if not clerk_id or not name:
                raise IntakeError(["工号和姓名不能为空"])
            if password_rule and (problems := password_problems(password, clerk_id=clerk_id)):
                raise IntakeError(problems)
            if len(password) < 6:
                raise IntakeError(["密码至少需要6位"])
            if session.get(ClerkAccount, clerk_id) is not None:
                raise IntakeError([f"工号 {clerk_id} 已存在"])
            session.add(ClerkAccount(id=clerk_id, name=name, role=role.value,
                                     password_hash=hash_password(password), created_at=self.clock(),
                                     must_change_password=must_change))
            self.uow.audit(session, actor, None, "account_add", None, None,
                           {"id": clerk_id, "name": name, "role": role.value})
        return ClerkUser(clerk_id, name, role)

    def active_with_role(self, role: Role) -> int:
        """How many active accounts have ``role`` (``clerk setup`` warns when the back office has none)."""
        query = select(func.count()).select_from(ClerkAccount).where(
            col(ClerkAccount.role) == Role(role).value, col(ClerkAccount.active).is_(True))
        with self.store.session(write=False) as session:
            return int(session.execute(query).scalar_one())

    def deactivate(self, by: ClerkUser | None, clerk_id: str) -> None:
        """Deactivate an account: from now on it neither signs in nor acts."""
        with self.store.session(write=True) as session:
            actor = self.uow.authorise(session, by, Action.ACCOUNTS).id if by is not None else "admin"
            row = session.get(ClerkAccount, clerk_id.strip())
            if row is None:
                raise NotFound(f"工号 {clerk_id.strip()} 不存在")
            if not row.active:
                raise IntakeError([f"账号 {row.id} 已停用"])
            row.active = False
            session.add(row)
            session.flush()
            self.uow.audit(session, actor, None, "account_deactivate", None, {"id": row.id, "active": True},
                           {"id": row.id, "active": False})
