"""Schema migrations (Alembic), shipped inside the package.

``upgrade(store)`` brings any database to the head revision; it is what
``clerk db upgrade`` and ``clerk setup`` run.  Several windows may start at
once: on PostgreSQL the upgrade holds an advisory lock, on SQLite the write
transaction (BEGIN IMMEDIATE) serialises it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from clerk.store import audit
from clerk.store.errors import StoreError

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.engine import Connection

    from clerk.store.engine import Store

_ADVISORY_LOCK_KEY = 0x636C65726B  # "clerk"
#: the revision that attests every row it finds (the first ``row_digests``, clerk.store.audit)
_BASELINE_REVISION = "0006"


def alembic_config(connection: object | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "clerk.store:migrations")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def known_revisions() -> set[str]:
    """Every schema revision this release ships."""
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(store: Store) -> str | None:
    with store.connection(write=False) as conn:
        return revision_of(conn)


def check_revision(revision: str) -> None:
    """``head`` or one of the shipped revisions; ``StoreError`` (one line naming them) otherwise."""
    known = sorted(known_revisions())
    if revision != "head" and revision not in known:
        raise StoreError(f"没有名为 {revision[:40]!r} 的数据库版本：可用 head 或 {min(known)}–{max(known)} 之一")


def upgrade(store: Store, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade to ``revision``; returns (revision before, revision after).  ``StoreError`` (before
    anything is read or written) when ``revision`` is neither ``head`` nor a shipped revision."""
    check_revision(revision)
    with store.connection(write=True) as conn:
        if conn.dialect.name == "postgresql":
            # a migration may outlast the windows' statement timeout, and waits for another's
            conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
            conn.exec_driver_sql("SET LOCAL lock_timeout = 0")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK_KEY})")

        before = revision_of(conn)
        if before is not None and before not in known_revisions():
            from clerk import __version__

            raise StoreError(f"数据库版本 {before} 新于本机 clerk {__version__}（数据库版本 {head_revision()}）："
                             "不能用旧版本升级，请在已安装新版本的电脑上运行 clerk db upgrade")
        config = alembic_config(conn)
        config.attributes["hall_key"] = store.hall_key  # 0006 attests the rows it finds (clerk.store.audit)
        if before is not None and _before(before, _BASELINE_REVISION) and _reaches(revision, _BASELINE_REVISION):
            # A store older than the baseline has no digests to compare: take it to the baseline
            # first, so that a later migration changing the rows it attested (0007 adds columns
            # to clerk_accounts) re-attests them below instead of leaving them "changed".
            command.upgrade(config, _BASELINE_REVISION)
        prior = audit.attested_rows(conn, store.hall_key) if before not in (None, head_revision()) else {}
        command.upgrade(config, revision)
        after = revision_of(conn)
        if before != after:  # a column added with a default changes rows' content: attest them again
            audit.reattest_after_upgrade(conn, store.hall_key, prior, before, after)
    store.sealing.forget()  # the schema may now say who seals (revision 0012)
    store.forget_version_check()  # and which apps may write (revision 0014)
    return before, after


def downgrade(store: Store, revision: str) -> None:
    with store.connection(write=True) as conn:
        command.downgrade(alembic_config(conn), revision)


def _reaches(revision: str, ancestor: str) -> bool:
    """Whether upgrading to ``revision`` (or ``head``) passes through ``ancestor``."""
    script = ScriptDirectory.from_config(alembic_config())
    return any(s.revision == ancestor for s in script.walk_revisions(base="base", head=revision))


def _before(revision: str, later: str) -> bool:
    """Whether ``revision`` comes before ``later`` in the shipped history."""
    return revision != later and _reaches(later, revision)


def revision_of(conn: Connection) -> str | None:
    """The store's schema revision (None: no schema yet)."""
    return MigrationContext.configure(conn).get_current_revision()
