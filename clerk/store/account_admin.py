"""Account administration for ``clerk user``: list, new password, disable/enable, unlock.

Every change is an audit event with the administrator as actor
(``password_reset``, ``account_disabled``, ``account_enabled``,
``account_unlocked``).  A password set here must pass the rule and, unless
told otherwise, be changed by its owner at the next sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import col

from clerk.domain.accounts import Role, hash_password
from clerk.domain.passwords import password_problems
from clerk.store.audit import append_event
from clerk.store.convert import aware
from clerk.store.errors import StoreError
from clerk.store.tables import ClerkAccount

if TYPE_CHECKING:
    from collections.abc import Callable

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


def _change(store: Store, clerk_id: str, at: datetime, by: str, action: str,
            apply: Callable[[ClerkAccount], dict[str, object]]) -> None:
    with store.session(write=True) as session:
        row = session.get(ClerkAccount, clerk_id.strip(), with_for_update=True)
        if row is None:
            raise AccountError(f"没有工号为 {clerk_id} 的账号")
        after = apply(row)
        session.add(row)
        append_event(session, at=at, actor=by, window=None, action=action, after={"id": row.id, **after})


def set_password(store: Store, clerk_id: str, password: str, *, at: datetime, must_change: bool = True,
                 by: str = "admin") -> None:
    """A new password (the rule applies); the failure count and any lock are cleared."""
    problems = password_problems(password, clerk_id=clerk_id.strip())
    if problems:
        raise AccountError("密码不符合要求：" + "；".join(problems))

    def apply(row: ClerkAccount) -> dict[str, object]:
        row.password_hash = hash_password(password)
        row.must_change_password = must_change
        row.password_changed_at = at
        row.failed_count = 0
        row.locked_until = None
        return {"must_change": must_change}

    _change(store, clerk_id, at, by, "password_reset", apply)


def set_active(store: Store, clerk_id: str, active: bool, *, at: datetime, by: str = "admin") -> None:
    """Disable (people who left) or enable an account; a disabled one signs in nowhere."""

    def apply(row: ClerkAccount) -> dict[str, object]:
        row.active = active
        return {"active": active}

    _change(store, clerk_id, at, by, "account_enabled" if active else "account_disabled", apply)


def unlock(store: Store, clerk_id: str, *, at: datetime, by: str = "admin") -> None:
    """Lift a lock-out before it runs out and forget the failures."""

    def apply(row: ClerkAccount) -> dict[str, object]:
        was = aware(row.locked_until)
        row.locked_until = None
        row.failed_count = 0
        return {"was_locked_until": was.isoformat(timespec="seconds") if was else None}

    _change(store, clerk_id, at, by, "account_unlocked", apply)
