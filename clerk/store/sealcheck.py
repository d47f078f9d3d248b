"""Checking seals while verifying the audit chain: here with a key, or in the database without one.

A verifier given the key explicitly, or on SQLite (the key file), checks every
MAC itself.  On a store the database seals (PostgreSQL, migration 0012) the
messages go to ``clerk_seal_ok``, which checks them with the store's own key
(also those sealed by the key file before 0012), answers true or false for each
and never gives a MAC away, in batches of :data:`BATCH`; a key file on the
window, right or wrong, plays no part.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import text

from clerk.store.tracked import DB_ALG

if TYPE_CHECKING:
    from sqlmodel import Session

BATCH = 2000


@dataclass
class SealChecks:
    """MACs to check once the walk is done; ``on_fail`` runs for each one that does not hold."""

    session: Session
    key: bytes | None  # given by the caller: every MAC is checked with it
    key_source: Callable[[], bytes]  # read once, when a seal needs it here
    in_database: bool  # the store can check seals itself (PostgreSQL, revision 0012)
    _pending: list[tuple[str, str, str, Callable[[], None]]] = field(default_factory=list)
    _loaded: list[bytes | None] = field(default_factory=list)

    def add(self, alg: str, message: str, expected: str, on_fail: Callable[[], None]) -> None:
        self._pending.append((alg, message, expected, on_fail))
        if len(self._pending) >= BATCH:
            self.run()

    def _local_key(self, alg: str) -> bytes | None:
        """The key to check ``alg`` here, or None to ask the database."""
        if self.key is not None:
            return self.key
        if self.in_database:
            return None  # the database holds the store's key: a key file here is not the authority
        if not self._loaded:
            self._loaded.append(self.key_source())
        return self._loaded[0]

    def run(self) -> None:
        pending, self._pending = self._pending, []
        remote: list[tuple[str, str, str, Callable[[], None]]] = []
        for alg, message, expected, on_fail in pending:
            key = self._local_key(alg)
            if key is None:
                remote.append((alg, message, expected, on_fail))
            elif not hmac.compare_digest(_mac(key, alg, message), expected):
                on_fail()
        if remote:
            answers = self.session.execute(
                text("SELECT clerk_seal_ok(CAST(:a AS text[]), CAST(:m AS text[]), CAST(:h AS text[]))"),
                {"a": [r[0] for r in remote], "m": [r[1] for r in remote], "h": [r[2] for r in remote]},
            ).scalar_one()
            for (*_, on_fail), ok in zip(remote, answers or [], strict=False):
                if not ok:
                    on_fail()
            for *_, on_fail in remote[len(answers or []):]:  # no key in the database: nothing holds
                on_fail()


def _mac(key: bytes, alg: str, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), "sha256" if alg == DB_ALG else alg).hexdigest()
