"""Accounts as a use case: create, new password, disable/enable, unlock (the administrator's work).

Every change is made by a signed-in, active administrator (``by``, authorised
through the unit of work in the change's own transaction) and the audit event
names that person.  ``by=None`` is the first setup only: it is accepted while
the store has no active administrator (``clerk setup`` creating the first
accounts, an empty test store) and refused once one exists.

- A password given by someone else is an initial one: changed at the first
  sign-in (``must_change`` is forced whenever an administrator sets it).
- The last active administrator cannot be disabled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlmodel import col

from clerk.domain.accounts import ClerkUser, Role, account_text_problems, hash_password
from clerk.domain.errors import IntakeError, NotFound, PermissionDenied
from clerk.domain.passwords import password_problems
from clerk.domain.permissions import Action
from clerk.services.unit import UnitOfWork
from clerk.store import account_admin
from clerk.store.tables import ClerkAccount

if TYPE_CHECKING:
    from sqlmodel import Session

    from clerk.store.engine import Store

__all__ = ["SETUP", "AccountService"]

#: The actor of changes made while the store has no administrator yet (the first setup).
SETUP = ClerkUser("(setup)", "首次设置（尚无系统管理员）", Role.ADMIN)


class AccountService:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock
        self.uow = UnitOfWork(store, lambda: self.clock())

    def _actor(self, session: Session, by: ClerkUser | None) -> ClerkUser:
        """The administrator acting, as stored now; ``SETUP`` while the store has none."""
        if by is not None:
            return self.uow.authorise(session, by, Action.ACCOUNTS)
        if account_admin.active_admins(session):
            raise PermissionDenied("已有系统管理员：此操作须由管理员登录后办理（命令行加 --admin 工号）")
        return SETUP

    def add(self, by: ClerkUser | None, clerk_id: str, name: str, role: Role, password: str, *,
            must_change: bool = False, password_rule: bool = False) -> ClerkUser:
        """Create an account (one transaction, one ``account_add`` event).

        ``password_rule`` applies ``clerk.domain.passwords`` (every password a person chooses);
        ``must_change`` marks an initial password, replaced at the first sign-in (always so
        when an administrator creates the account: the password is not its owner's).
        """
        role = Role(role)
        with self.store.session(write=True) as session:
            actor = self._actor(session, by)
            must_change = must_change or by is not None
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
            self.uow.audit(session, actor.id, None, "account_add", None, None,
                           {"id": clerk_id, "name": name, "role": role.value, "by_name": actor.name})
        return ClerkUser(clerk_id, name, role)

    def active_with_role(self, role: Role) -> int:
        """How many active accounts have ``role`` (``clerk setup`` warns when the back office has none)."""
        query = select(func.count()).select_from(ClerkAccount).where(
            col(ClerkAccount.role) == Role(role).value, col(ClerkAccount.active).is_(True))
        with self.store.session(write=False) as session:
            return int(session.execute(query).scalar_one())

    def reset_password(self, by: ClerkUser | None, clerk_id: str, password: str) -> None:
        """A new password set by the administrator: its owner changes it at the next sign-in."""
        with self.store.session(write=True) as session:
            account_admin.set_password(session, clerk_id, password, at=self.clock(), by=self._actor(session, by))

    def set_active(self, by: ClerkUser | None, clerk_id: str, active: bool) -> None:
        """Disable (people who left) or enable an account; never the last active administrator."""
        with self.store.session(write=True) as session:
            account_admin.set_active(session, clerk_id, active, at=self.clock(), by=self._actor(session, by))

    def unlock(self, by: ClerkUser | None, clerk_id: str) -> None:
        """Lift a lock-out before it runs out and forget the failures."""
        with self.store.session(write=True) as session:
            account_admin.unlock(session, clerk_id, at=self.clock(), by=self._actor(session, by))

    def deactivate(self, by: ClerkUser | None, clerk_id: str) -> None:
        """Deactivate an account: from now on it neither signs in nor acts."""
        with self.store.session(write=True) as session:
            actor = self._actor(session, by)
            row = session.get(ClerkAccount, clerk_id.strip())
            if row is None:
                raise NotFound(f"工号 {clerk_id.strip()} 不存在")
            if not row.active:
                raise IntakeError([f"账号 {row.id} 已停用"])
            account_admin.refuse_last_admin(session, row)
            row.active = False
            session.add(row)
            session.flush()
            self.uow.audit(session, actor.id, None, "account_deactivate", None, {"id": row.id, "active": True},
                           {"id": row.id, "active": False, "by_name": actor.name})
