"""The store's hall key, bound by fingerprint, and who seals the audit chain.

From revision 0012 a store records the fingerprint of its hall key
(``clerk_key_binding``) and who seals its audit events:

- ``database`` (PostgreSQL): the key lives in the database (``clerk_hall_key``,
  readable by the owner role only) and a trigger seals every event
  (``db-sha256``, see clerk.store.audit); the windows need no key.
- ``file`` (SQLite): the process seals with the hall key file; the first
  keyed write binds the key.

A window whose key file has another fingerprint refuses to write
(:class:`HallKeyMismatch`), and ``clerk setup`` never creates a new key for a
store that already has one (:func:`store_has_key`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import inspect, select, text

from clerk.domain.errors import StoreError
from clerk.store.hallkey import HallKeyError, ensure_hall_key, fingerprint, key_path, load_hall_key, short
from clerk.store.tables import KeyBinding, table_of
from clerk.store.tracked import DB_ALG, hash_algorithm

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from clerk.config import Settings
    from clerk.store.engine import Store

__all__ = ["DB_ALG", "Binding", "HallKeyMismatch", "HallKeyMissing", "Sealing", "SealingSource", "fingerprint",
           "short"]

SEALED_BY_DATABASE = "database"
SEALED_BY_FILE = "file"


class HallKeyMismatch(StoreError):
    """The window's key file is not the key this store is bound to."""


class HallKeyMissing(StoreError):
    """No usable hall key: nothing can be written (the store error the screens show)."""


@dataclass(frozen=True)
class Binding:
    fingerprint: str
    sealed_by: str


@dataclass(frozen=True)
class Sealing:
    """How this store's events are sealed: ``key`` is None when the database seals."""

    alg: str
    key: bytes | None

    @property
    def by_database(self) -> bool:
        return self.key is None


def read_binding(conn: Connection) -> Binding | None:
    """The store's binding; None before revision 0012 or before the first keyed write (SQLite)."""
    if not inspect(conn).has_table("clerk_key_binding"):
        return None
    row = conn.execute(select(table_of(KeyBinding).c.fingerprint, table_of(KeyBinding).c.sealed_by)).first()
    return Binding(row[0], row[1]) if row is not None else None


def store_has_key(conn: Connection) -> bool:
    """The store is bound to a key, or holds events sealed by one (before 0012)."""
    if read_binding(conn) is not None:
        return True
    if not inspect(conn).has_table("audit_events"):
        return False
    if "alg" not in {c["name"] for c in inspect(conn).get_columns("audit_events")}:
        return False
    return conn.execute(text("SELECT 1 FROM audit_events WHERE alg IS NOT NULL LIMIT 1")).first() is not None


def bind(conn: Connection, key: bytes, sealed_by: str) -> Binding:
    binding = Binding(fingerprint(key), sealed_by)
    conn.execute(table_of(KeyBinding).insert().values(id=1, fingerprint=binding.fingerprint, sealed_by=sealed_by,
                                                     bound_at=datetime.now(UTC)))
    return binding


def mismatch(binding: Binding, key: bytes) -> HallKeyMismatch:
    return HallKeyMismatch(
        f"本窗口的大厅密钥（指纹 {short(fingerprint(key))}）不是本数据库登记的密钥（指纹 {short(binding.fingerprint)}）："
        "请从本大厅管理员处复制正确的密钥文件，在此之前不能保存任何记录")


class SealingSource:
    """Decides, once per store, how its events are sealed (and checks the window's key)."""

    def __init__(self, key_source: Callable[[], bytes]) -> None:
        self._key_source = key_source
        self._known: Sealing | None = None

    def forget(self) -> None:
        """After a schema change (clerk.store.migrate): decide again on the next write."""
        self._known = None

    def __call__(self, conn: Connection, *, bind_missing: bool = True) -> Sealing:
        if self._known is not None:
            return self._known
        binding = read_binding(conn)
        if binding is not None and binding.sealed_by == SEALED_BY_DATABASE:
            try:
                key = self._key_source()
            except HallKeyError:
                pass  # a window of a database-sealed store needs no key
            else:
                if fingerprint(key) != binding.fingerprint:
                    raise mismatch(binding, key)
            self._known = Sealing(DB_ALG, None)
            return self._known
        key = self._load_key()
        if binding is None:
            if bind_missing and inspect(conn).has_table("clerk_key_binding"):
                bind(conn, key, SEALED_BY_FILE)  # the first keyed write of this store (not cached: may roll back)
            return Sealing(hash_algorithm(), key)
        if fingerprint(key) != binding.fingerprint:
            raise mismatch(binding, key)
        self._known = Sealing(hash_algorithm(), key)
        return self._known

    def _load_key(self) -> bytes:
        try:
            return self._key_source()
        except HallKeyError as exc:
            raise HallKeyMissing(f"{exc}；在此之前无法保存任何记录") from exc


def setup_hall_key(store: Store, settings: Settings) -> str:
    """What ``clerk setup`` does about the hall key, as the line it prints.

    Never a new key for a store that already has one: a missing key file is then an
    error (copy the hall's file), unless the database seals (PostgreSQL), where this
    machine needs no key at all.  Raises ``HallKeyError`` (Chinese message).
    """
    path = key_path(settings)
    with store.connection(write=False) as conn:
        binding = read_binding(conn)
        has_key = binding is not None or store_has_key(conn)
    if path.exists():
        key = load_hall_key(settings)
        if binding is not None and fingerprint(key) != binding.fingerprint:
            raise HallKeyError(str(mismatch(binding, key)))
        return f"大厅密钥 {path} 已存在" + (f"（与数据库登记的一致，指纹 {short(binding.fingerprint)}）" if binding else "")
    if binding is not None and binding.sealed_by == SEALED_BY_DATABASE:
        return f"审计记录由数据库封存（密钥指纹 {short(binding.fingerprint)}），本机不需要大厅密钥文件"
    if has_key:
        shown = f"（指纹 {short(binding.fingerprint)}）" if binding is not None else ""
        raise HallKeyError(f"数据库已有大厅密钥{shown}，不会新建：请从本大厅其他窗口复制同一密钥文件到 {path}")
    created_path, _ = ensure_hall_key(settings)
    return f"已创建大厅密钥 {created_path}（权限 0600；本大厅每个窗口需要同一份副本，请另行备份）"
