"""Signing in, the one way in for every entry point (window app, ``clerk serve``, CLI).

- After ``attempts`` consecutive failures an account is locked for ``minutes``;
  while locked even the right password is refused.  The count lives in the
  account row, so every process and every way in shares it.
- Unknown ids cost what known ones cost: the password is checked against a
  dummy scrypt hash of the same parameters, the same transactions run, and
  unknown ids lock after the same number of tries, counted in the store
  (``signin_attempts``) so that every process shares the count as it shares a
  real account's; neither the time nor the message tells which ids exist.
- A disabled account is refused with the same message as a wrong password.
- Every success, failure and lock is an audit event (``sign_in``,
  ``sign_in_failed``, ``account_locked``; ``password_changed`` when a new
  password is set while signing in).
- An account flagged ``must_change_password`` (the demo accounts of ``clerk
  setup``, a password reset by the administrator) signs in only together with
  a new password that passes :func:`clerk.domain.passwords.change_problems`
  (the rule, and more than a change of letter case from the old one).
- ``count_role_refusal``: an account of another role whose password is right
  is refused like a wrong password and, when asked (the administrator's
  command line), counted towards the lock-out like one.

The password is checked outside any transaction; the decision (lock state,
counter) is taken again inside one write transaction holding the account row,
so concurrent guesses cannot slip past the limit once it is reached.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from clerk.config import get_settings
from clerk.domain import accounts
from clerk.domain.accounts import ClerkUser, Role, hash_password, verify_password
from clerk.domain.errors import AccountLocked, PasswordChangeRequired, PasswordRejected, SignInFailed
from clerk.domain.passwords import change_problems
from clerk.store.audit import append_event
from clerk.store.convert import aware
from clerk.store.tables import ClerkAccount, SigninAttempt

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sqlmodel import Session

    from clerk.config import Settings
    from clerk.store.engine import Store

__all__ = ["AccountLocked", "PasswordChangeRequired", "PasswordRejected", "SignIn", "SignInFailed", "SignInPolicy"]

WAYS_IN = ("window", "serve", "cli")


@dataclass(frozen=True)
class SignInPolicy:
    attempts: int = 5
    minutes: int = 15

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInPolicy:
        return cls(max(1, int(settings.lockout_attempts)), max(1, int(settings.lockout_minutes)))


def _default_policy() -> SignInPolicy:
    return SignInPolicy.from_settings(get_settings())


# -- equal cost for unknown ids ------------------------------------------------

_dummy_hashes: dict[tuple[int, int, int], str] = {}


def dummy_hash() -> str:
    """A hash with the current scrypt parameters that no password matches in practice."""
    key = (accounts._N, accounts._R, accounts._P)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hash_password(os.urandom(24).hex())
    return _dummy_hashes[key]


#: Ids with no account whose last failure is older than this are forgotten (the table stays small
#: under a flood of made-up ids).  A real account's count never expires; a day is far beyond the
#: lock-out window, so a probe cannot tell the two apart by waiting.
FORGET_UNKNOWN_AFTER = timedelta(days=1)


def _attempt_key(clerk_id: str) -> str:
    """The key of an unknown id in ``signin_attempts``: printable characters, clipped to the column."""
    return "".join(ch for ch in clerk_id if ch.isprintable())[:64] or "?"


def _actor(clerk_id: str) -> str:
    """What the audit records as the actor of an attempt: the typed id, printable and clipped."""
    clean = "".join(ch for ch in clerk_id if ch.isprintable())
    return clean[:32] or "?"


class SignIn:
    """Sign-in against the store's accounts; one call = one attempt."""

    def __init__(self, store: Store, clock: Callable[[], datetime], tz: ZoneInfo | str = "Asia/Shanghai",
                 policy: SignInPolicy | None = None) -> None:
        self.store = store
        self.clock = clock
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.policy = policy or _default_policy()

    def authenticate(self, clerk_id: str, password: str, *, via: str = "window", window: int | None = None,
                     new_password: str | None = None, roles: Iterable[Role] | None = None,
                     policy: SignInPolicy | None = None, count_role_refusal: bool = False) -> ClerkUser:
        """The signed-in clerk, or a :class:`SignInFailed` saying why not (in Chinese).

        ``via`` and ``window`` go into the audit events; ``new_password`` replaces
        the password (required when the account must change it); ``policy``
        overrides the lock-out policy for this call (the caller's settings).

        ``roles``: when given, an account of another role is refused like a wrong
        password (``clerk serve`` admits supervisors only), after the password check;
        ``count_role_refusal`` counts that refusal towards the lock-out (``clerk user`` and
        the other administrator's commands: a clerk's own password tried there is a probe).
        """
        if policy is not None:
            self.policy = policy
        clerk_id = clerk_id.strip()
        now = self.clock()
        self.store.check_version()  # an app and a store of different schemas: one line, before any read
        with self.store.session(write=False) as session:
            row = session.get(ClerkAccount, clerk_id) if clerk_id else None
            stored = row.password_hash if row is not None else dummy_hash()
        password_ok = verify_password(password, stored) and row is not None
        with self.store.session(write=True) as session:
            # Errors are returned, not raised, so that the counter and the events commit.
            outcome = self._decide(session, clerk_id, password_ok, stored, now, via, window, password, new_password,
                                   roles, count_role_refusal)
        if isinstance(outcome, SignInFailed):
            raise outcome
        return outcome

    def _decide(self, session: Session, clerk_id: str, password_ok: bool, checked: str, now: datetime, via: str,
                window: int | None, password: str, new_password: str | None, roles: Iterable[Role] | None,
                count_role_refusal: bool) -> ClerkUser | SignInFailed:
        row = session.get(ClerkAccount, clerk_id, with_for_update=True) if clerk_id else None
        if row is None:
            return self._unknown_id(session, clerk_id, now, via, window)
        password_ok = password_ok and row.password_hash == checked  # changed meanwhile: not this password
        until = aware(row.locked_until)
        if until is not None and until > now:
            self._audit(session, now, row.id, window, "sign_in_failed", {"via": via, "reason": "locked"})
            return AccountLocked(until.astimezone(self.tz))
        allowed = roles is None or Role(row.role) in set(roles)
        if not password_ok or (not allowed and count_role_refusal and row.active):
            locked = self._count_failure(session, row, now, via, window, "password" if not password_ok else "role")
            return AccountLocked(locked.astimezone(self.tz)) if locked is not None else SignInFailed()
        if not row.active or not allowed:  # the right password: nothing to lock against, same answer
            self._audit(session, now, row.id, window, "sign_in_failed",
                        {"via": via, "reason": "disabled" if not row.active else "role"})
            return SignInFailed()
        if row.must_change_password or new_password is not None:
            if new_password is None:
                return PasswordChangeRequired()
            problems = change_problems(new_password, password, clerk_id=row.id)
            if problems:
                return PasswordRejected(problems)
            row.password_hash = hash_password(new_password)
            row.must_change_password = False
            row.password_changed_at = now
            self._audit(session, now, row.id, window, "password_changed", {"via": via, "by": row.id})
        row.failed_count = 0
        row.locked_until = None
        session.add(row)
        self._audit(session, now, row.id, window, "sign_in", {"via": via})
        return ClerkUser(row.id, row.name, Role(row.role))

    def _unknown_id(self, session: Session, clerk_id: str, now: datetime, via: str,
                    window: int | None) -> SignInFailed:
        key = _attempt_key(clerk_id)
        if self._add_attempt_row(session, key, now):
            self._forget_old_unknown_ids(session, now, key)
        # The row lock first, then the chain head (the event), as for a real account's row:
        # concurrent tries on one id queue here, and no two transactions wait on each other.
        attempt = session.get(SigninAttempt, key, with_for_update=True, populate_existing=True)
        assert attempt is not None  # added above, and only ever deleted a day after its last failure
        until = aware(attempt.locked_until)
        if until is not None and until > now:
            self._audit(session, now, _actor(clerk_id), window, "sign_in_failed",
                        {"via": via, "reason": "locked", "known": False})
            return AccountLocked(until.astimezone(self.tz))
        self._audit(session, now, _actor(clerk_id), window, "sign_in_failed",
                    {"via": via, "reason": "unknown", "known": False})
        attempt.failed_count = (attempt.failed_count or 0) + 1
        attempt.last_failed_at = now
        locked = None
        if attempt.failed_count >= self.policy.attempts:
            locked = now + timedelta(minutes=self.policy.minutes)
            attempt.locked_until, attempt.failed_count = locked, 0
        session.add(attempt)
        return AccountLocked(locked.astimezone(self.tz)) if locked is not None else SignInFailed()

    @staticmethod
    def _add_attempt_row(session: Session, key: str, now: datetime) -> bool:
        """The id's row with no failure yet, unless it exists (two first tries at once: one row)."""
        dialect = session.connection().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(SigninAttempt).values(clerk_id=key, failed_count=0, last_failed_at=now)
        result = session.execute(statement.on_conflict_do_nothing(index_elements=["clerk_id"]))
        return bool(getattr(result, "rowcount", 0))

    @staticmethod
    def _forget_old_unknown_ids(session: Session, now: datetime, keep: str) -> None:
        """Drop ids whose last failure is over a day old (a few at a time, skipping any in use)."""
        old = session.execute(
            select(col(SigninAttempt.clerk_id))
            .where(col(SigninAttempt.last_failed_at) < now - FORGET_UNKNOWN_AFTER, col(SigninAttempt.clerk_id) != keep)
            .limit(100).with_for_update(skip_locked=True)).scalars().all()
        if old:
            session.execute(delete(SigninAttempt).where(col(SigninAttempt.clerk_id).in_(old)))

    def _count_failure(self, session: Session, row: ClerkAccount, now: datetime, via: str,
                       window: int | None, reason: str) -> datetime | None:
        row.failed_count = (row.failed_count or 0) + 1
        self._audit(session, now, row.id, window, "sign_in_failed",
                    {"via": via, "reason": reason, "failed": row.failed_count})
        locked = None
        if row.failed_count >= self.policy.attempts:
            locked = now + timedelta(minutes=self.policy.minutes)
            row.locked_until = locked
            row.failed_count = 0
            self._audit(session, now, row.id, window, "account_locked",
                        {"via": via, "until": locked.astimezone(UTC).isoformat(timespec="seconds"),
                         "attempts": self.policy.attempts})
        session.add(row)
        return locked

    def _audit(self, session: Session, now: datetime, actor: str, window: int | None, action: str,
               after: dict[str, object]) -> None:
        append_event(session, at=now, actor=actor, window=window, action=action, after=after)
