"""Which app versions may use a store (the schema gate).

Every release has its own version (``clerk.__version__``).  The store records the
schema it is at (Alembic's ``alembic_version``) and, from revision 0014 on, the
oldest app version that may write to it (``clerk_store_info.min_app_version``).

- An app whose schema is newer than the store's refuses until ``clerk db upgrade``
  has run (its tables would not match the store's).
- An app older than the store's schema refuses unless the store says it may still
  write (``min_app_version`` at or below the app's version): a migration that keeps
  older windows safe lowers nothing; one that does not raises ``min_app_version``.
  So during a rolling upgrade either both versions may write, or the old one stops.

Releases before 0.4.0 check none of this themselves.  On PostgreSQL the store
refuses them: a statement trigger on every table (``clerk_version_gate``) refuses a
write from a session that does not say, in the ``clerk.app_version`` setting every
clerk connection sends, an app version of at least ``min_app_version``
(``psql`` and ``pg_restore`` sessions excepted, for the administrator's repairs and
restores).  A single-PC SQLite store is upgraded with its one app.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from clerk import __version__
from clerk.domain.errors import StoreUnavailable

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.engine import Connection

    from clerk.store.engine import Store

#: The PostgreSQL setting each clerk connection sends with its version (``-c clerk.app_version=…``).
APP_VERSION_SETTING = "clerk.app_version"
#: ``clerk_store_info`` key of the oldest app version that may write to the store.
MIN_APP_VERSION = "min_app_version"

#: Each release from 0.4.0 on and the schema revision it writes (releases before 0.4.0 all
#: called themselves 0.1.0: schemas 0005, 0011 and 0013).  A release that adds a migration
#: adds its line here with a new version (a test holds ``__version__`` to the head revision).
RELEASES: dict[str, str] = {
    "0.4.0": "0014",
    "0.5.0": "0015",
    "0.6.0": "0016",
    "0.7.0": "0017",
}

_VERSION = re.compile(r"^\d+(\.\d+)*$")


class StoreVersionMismatch(StoreUnavailable):
    """This app may not use the store as it is: the store's schema is older (run ``clerk db
    upgrade``) or newer and closed to this version (upgrade this PC's clerk).  A kind of
    unavailability: a visit being saved is kept on the window and saved once it is resolved."""


def parse_version(value: str) -> tuple[int, ...]:
    """``"0.4.0"`` → ``(0, 4, 0)``; ``ValueError`` for anything else."""
    if not _VERSION.match(value.strip()):
        raise ValueError(f"not a version: {value!r}")
    return tuple(int(part) for part in value.strip().split("."))


def app_version() -> str:
    return __version__


def store_info(conn: Connection) -> dict[str, str]:
    """What the store records about itself (empty before revision 0014)."""
    if not inspect(conn).has_table("clerk_store_info"):
        return {}
    return {key: value for key, value in conn.execute(text("SELECT key, value FROM clerk_store_info"))}


def refusal(conn: Connection) -> str | None:
    """One Chinese line saying why this app may not use the store, or None when it may."""
    from clerk.store.migrate import head_revision, known_revisions, revision_of

    mine, head = app_version(), head_revision()
    revision = revision_of(conn)
    if revision == head:
        return None
    if revision is None:
        return "数据库尚未初始化（没有任何版本记录）：请先运行 clerk setup"
    if revision in known_revisions():
        return (f"数据库版本 {revision} 旧于本机 clerk {mine}（数据库版本 {head}）：请系统管理员先运行 clerk db upgrade，"
                "再使用本窗口")
    need = store_info(conn).get(MIN_APP_VERSION)
    try:
        if need is not None and parse_version(need) <= parse_version(mine):
            return None  # a newer schema that still admits this version
    except ValueError:
        pass
    wanted = f"clerk {need} 或更高版本" if need else "新版本的 clerk"
    return (f"数据库已升级到版本 {revision}，需要 {wanted}；本机 clerk 为 {mine}：请系统管理员为本机安装{wanted}"
            "（clerk --version 可查看本机版本）")


def standing(store: Store) -> tuple[str | None, str | None]:
    """The store's schema revision, and ``refusal`` for it (``clerk doctor``, ``clerk db current``)."""
    from clerk.store.migrate import revision_of

    with store.connection(write=False) as conn:
        return revision_of(conn), refusal(conn)


def check(conn: Connection) -> None:
    """``StoreVersionMismatch`` when this app may not use the store."""
    line = refusal(conn)
    if line is not None:
        raise StoreVersionMismatch(line)
