"""Account administration rows for ``clerk user``: list, new password, disable/enable, unlock.

The functions that change a row work inside the caller's transaction
(:class:`clerk.services.accounts.AccountService`, which first checks that an
administrator acts); each change is an audit event with that administrator
(id, and name in the event) as actor (``password_reset``, ``account_disabled``, ``account_enabled``,
``account_unlocked``).  A password set here must pass the rule and is always
changed by its owner at the next sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlmodel import col

from clerk.domain.accounts import ClerkUser, Role, hash_password
from clerk.domain.passwords import password_problems
from clerk.store.audit import append_event
from clerk.store.convert import aware
from clerk.store.errors import StoreError
from clerk.store.tables import ClerkAccount

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlmodel import Session

    from clerk.store.engine import Store


class AccountError(StoreError):
    """The account does not exist or the change is refused; ``str()`` says why in Chinese."""


@dataclass(frozen=True)
class AccountStatus:
    id: str
    name: str
    role: Role
    active: bool
    locked_until: datetime | None  # aware UTC; None or past: not locked
    must_change_password: bool
    failed_count: int
    password_changed_at: datetime | None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def list_accounts(store: Store) -> list[AccountStatus]:
    with store.session(write=False) as session:
        rows = session.execute(select(ClerkAccount).order_by(col(ClerkAccount.id))).scalars().all()
        return [AccountStatus(r.id, r.name, Role(r.role), r.active, aware(r.locked_until),
                              r.must_change_password, r.failed_count, aware(r.password_changed_at))
                for r in rows]


def active_admins(session: Session) -> int:
    """How many active administrator accounts the store holds (0: the store is still being set up)."""
    query = select(func.count()).select_from(ClerkAccount).where(
        col(ClerkAccount.role) == Role.ADMIN.value, col(ClerkAccount.active).is_(True))
    return int(session.execute(query).scalar_one())


def _change(session: Session, clerk_id: str, at: datetime, by: ClerkUser, action: str,
            apply: Callable[[ClerkAccount], dict[str, object]]) -> None:
    row = session.get(ClerkAccount, clerk_id.strip(), with_for_update=True)
    if row is None:
        raise AccountError(f"没有工号为 {clerk_id} 的账号")
    after = apply(row)
    session.add(row)
    # The actor is the signed-in administrator; the name too, since a shared id says no person.
    append_event(session, at=at, actor=by.id, window=None, action=action,
                 after={"id": row.id, **after, "by_name": by.name})


def set_password(session: Session, clerk_id: str, password: str, *, at: datetime, by: ClerkUser) -> None:
    """A new password (the rule applies), to be changed at the owner's next sign-in; the failure
    count and any lock are cleared."""
    problems = password_problems(password, clerk_id=clerk_id.strip())
    if problems:
        raise AccountError("密码不符合要求：" + "；".join(problems))

    def apply(row: ClerkAccount) -> dict[str, object]:
        row.password_hash = hash_password(password)
        row.must_change_password = True
        row.password_changed_at = at
        row.failed_count = 0
        row.locked_until = None
        return {"must_change": True}

    _change(session, clerk_id, at, by, "password_reset", apply)


def refuse_last_admin(session: Session, row: ClerkAccount) -> None:
    """Disabling the last active administrator would leave nobody to manage accounts: refused.

    The active administrators' rows are locked while counting, so two windows disabling the
    last two at once cannot both pass."""
    if not (row.active and row.role == Role.ADMIN.value):
        return
    query = select(col(ClerkAccount.id)).where(
        col(ClerkAccount.role) == Role.ADMIN.value, col(ClerkAccount.active).is_(True)).with_for_update()
    if len(session.execute(query).scalars().all()) <= 1:
        raise AccountError(f"账号 {row.id} 是最后一个在用的系统管理员账号，不能停用：请先新增另一名管理员")


def set_active(session: Session, clerk_id: str, active: bool, *, at: datetime, by: ClerkUser) -> None:
    """Disable (people who left) or enable an account; a disabled one signs in nowhere."""

    def apply(row: ClerkAccount) -> dict[str, object]:
        if not active:
            refuse_last_admin(session, row)
        row.active = active
        return {"active": active}

    _change(session, clerk_id, at, by, "account_enabled" if active else "account_disabled", apply)


def unlock(session: Session, clerk_id: str, *, at: datetime, by: ClerkUser) -> None:
    """Lift a lock-out before it runs out and forget the failures."""

    def apply(row: ClerkAccount) -> dict[str, object]:
        was = aware(row.locked_until)
        row.locked_until = None
        row.failed_count = 0
        return {"was_locked_until": was.isoformat(timespec="seconds") if was else None}

    _change(session, clerk_id, at, by, "account_unlocked", apply)
