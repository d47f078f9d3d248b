"""The session every ``Store.session()`` hands out: it notes the tracked rows a
transaction writes and seals the audit events when it commits.

- ORM writes (add, change, delete of mapped rows): collected after each flush.
- ORM bulk ``update(Table)`` / ``delete(Table)`` through the session: the keys
  the statement's WHERE matches are read first — unless the caller names them
  (``execution_options(clerk_keys=[(pk,), …])``, e.g. an optimistic version
  bump whose WHERE is the primary key): no extra SELECT then.
- ``insert(Table)`` statements and textual SQL that write a tracked table are
  refused (``AuditError``): nothing would tell which rows they wrote.  Use the
  ORM, or write an untracked table.
- Core connections (``Store.connection()``, migrations) are not sessions: what
  they write to a tracked table without an event shows up in
  ``clerk audit verify`` as a row no event covers.

Before the commit the session flushes, then ``clerk.store.audit.finalise``
digests every touched row and sets the events' hashes and the chain head.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event, inspect, select, text
from sqlmodel import Session

from clerk.store import audit
from clerk.store.tracked import TRACKED

#: A write anywhere in a textual statement (also after ``WITH …``, or inside a CTE), naming its table.
#: ``FOR UPDATE [OF t]`` and ``DO UPDATE SET`` name no table after the verb and do not match a tracked one.
_RAW_WRITE = re.compile(r"\b(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+(?:only\s+)?\"?(\w+)",
                        re.IGNORECASE)


#: Execution option of a bulk ``update``/``delete``: the primary keys it may touch, known to the
#: caller (the hook then reads none).  Naming fewer keys than the WHERE matches breaks the chain.
KEYS = "clerk_keys"
#: ``session.info`` key: this transaction wrote something (``Store.session`` notifies live screens only then).
WROTE = "clerk_wrote"
#: ``session.info`` key: set to a list by a caller that wants the rows its transaction inserts kept
#: there as they are flushed (the session's identity map holds them only weakly): a new case's view
#: is built from them (``CaseService.submit``).
INSERTED = "clerk_inserted"


class AuditedSession(Session):
    """A SQLModel session whose transactions extend the audit chain."""

    def wrote(self) -> bool:
        """Whether this transaction wrote anything so far (flushed or still pending)."""
        return bool(self.info.get(WROTE) or self.new or self.dirty or self.deleted)


def _touch(session: Session, table: str, key: tuple[Any, ...]) -> None:
    session.info.setdefault(audit.TOUCHED, {}).setdefault(table, set()).add(key)


@event.listens_for(AuditedSession, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[WROTE] = True
    kept = session.info.get(INSERTED)
    if kept is not None:
        kept.extend(session.new)
    for group in (session.new, session.dirty, session.deleted):
        for obj in group:
            mapper = inspect(obj).mapper
            table = mapper.local_table.name
            if table in TRACKED:
                _touch(session, table, tuple(mapper.primary_key_from_instance(obj)))


@event.listens_for(AuditedSession, "do_orm_execute")
def _on_execute(state: Any) -> None:
    statement = state.statement
    if state.is_update or state.is_delete or state.is_insert:
        state.session.info[WROTE] = True
    if state.is_update or state.is_delete:
        table = statement.table
        named = state.execution_options.get(KEYS)
        if named is not None and getattr(table, "name", None) in TRACKED:
            for key in named:
                _touch(state.session, table.name, tuple(key))
        elif getattr(table, "name", None) in TRACKED:
            pk = list(table.primary_key.columns)
            query = select(*pk)
            if statement.whereclause is not None:
                query = query.where(statement.whereclause)
            for key in state.session.execute(query):
                _touch(state.session, table.name, tuple(key))
    elif state.is_insert:
        if getattr(statement.table, "name", None) in TRACKED:
            raise audit.AuditError(f"审计链无法覆盖对 {statement.table.name} 的批量插入：请逐行写入")
    elif not state.is_select:
        names = _RAW_WRITE.findall(str(statement))
        if names:
            state.session.info[WROTE] = True
        for name in names:
            if name.lower() in TRACKED:
                raise audit.AuditError(f"审计链无法覆盖对 {name} 的原始 SQL 写入：请通过 ORM 写入")


@event.listens_for(AuditedSession, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer commit seals everything
    if session.new or session.dirty or session.deleted:
        session.flush()
    audit.finalise(session)


@event.listens_for(AuditedSession, "after_soft_rollback")
def _after_rollback(session: Session, previous: Any) -> None:
    from clerk.store.engine import NOTIFIED

    session.info.pop(NOTIFIED, None)  # a pg_notify rolled back with a savepoint: the commit notifies itself
    if previous.nested:  # a savepoint rolled back: forget the events it appended (their seq went back)
        head = session.execute(text("SELECT seq FROM audit_head WHERE id = 1")).scalar_one()
        pending = [e for e in session.info.get(audit.PENDING, []) if e.seq <= head]
        if pending:
            session.info[audit.PENDING] = pending
            return
    for name in (audit.TOUCHED, audit.PENDING, audit.PREV):
        session.info.pop(name, None)
