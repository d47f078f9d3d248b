"""SQLModel tables.  Rows never leave the store: the service converts them to
frozen domain objects before returning.

The schema is owned by the Alembic migrations in ``clerk/store/migrations``;
these classes must match the head revision (a test compares them).
Datetimes are aware UTC (sqlmodel's ``UTCDateTime`` refuses naive values);
dates (due dates) are calendar dates in the hall's local time.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, LargeBinary, String, Table, UniqueConstraint
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Field, SQLModel

# Named constraints: Alembic's batch mode (SQLite) needs names to alter them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}


def table_of(model: type[SQLModel]) -> Table:
    """The Core ``Table`` of a table class (SQLModel declares no ``__table__`` a type checker sees)."""
    table = sa_inspect(model).local_table
    assert isinstance(table, Table)
    return table


class _Keyed(Protocol):
    id: int | None


def saved_id(row: _Keyed) -> int:
    """The key of a row already flushed (SQLModel types ``id`` ``int | None`` for rows not yet saved)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id before it is flushed")
    return row.id


class ClerkAccount(SQLModel, table=True):
    """A person who logs in at a window (窗口人员, 兜底窗口, EMS, 管理)."""

    __tablename__ = "clerk_accounts"

    id: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=64)
    role: str = Field(max_length=16)
    password_hash: str = Field(max_length=255)
    active: bool = True
    created_at: datetime
    # Sign-in protection (clerk.store.signin): consecutive failures, lock-out, forced change.
    failed_count: int = 0
    locked_until: datetime | None = None
    must_change_password: bool = False
    password_changed_at: datetime | None = None


class SigninAttempt(SQLModel, table=True):
    """Failed sign-ins of an id with no account (clerk.store.signin), so that it locks like a real one
    in every process; the key is the typed id, printable characters only, clipped.  Not covered by
    the audit chain (each attempt is an event of its own): its first row is written with an
    ``INSERT … ON CONFLICT DO NOTHING``, which two windows may send at once."""

    __tablename__ = "signin_attempts"

    clerk_id: str = Field(primary_key=True, max_length=64)
    failed_count: int = 0
    locked_until: datetime | None = None
    last_failed_at: datetime = Field(index=True)  # the purge of ids asked long ago


class CaseCounter(SQLModel, table=True):
    """Last serial handed out per day and hall; bumped in the case's transaction."""

    __tablename__ = "case_counters"

    day: str = Field(primary_key=True, max_length=8)
    hall: str = Field(primary_key=True, max_length=8)
    last: int = 0


class CaseRow(SQLModel, table=True):
    """One case (办件).  A bundle is a parent case with one child per item."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_window_state_received", "window", "state", "received_at"),
        Index("ix_cases_due_state", "due_on", "state"),
        Index("ix_cases_applicant_id", "applicant_id_number"),
        Index("ix_cases_applicant_phone", "applicant_phone"),
        Index("ix_cases_applicant_name", "applicant_name"),
        Index("ix_cases_parent", "parent_id"),
        Index("uq_cases_visit_key", "visit_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=24, unique=True)
    parent_id: int | None = Field(default=None, foreign_key="cases.id")
    code: str = Field(max_length=64)  # item or bundle code
    name: str = Field(max_length=200)
    department: str = Field(default="", max_length=100)
    is_bundle: bool = False
    item_kind: str = Field(default="", max_length=8)
    catalog_version: str = Field(max_length=64)
    checklist: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    marks: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    applicant_kind: str = Field(max_length=8)
    applicant_name: str = Field(max_length=200)
    applicant_id_number: str = Field(max_length=32)
    applicant_phone: str = Field(max_length=32)
    applicant_address: str = Field(default="", max_length=400)
    applicant_postcode: str = Field(default="", max_length=8)
    delivery: str = Field(max_length=16)
    window: int
    clerk_id: str = Field(max_length=32)
    state: str = Field(max_length=16)
    outcome: str = Field(max_length=16)
    received_at: datetime
    due_on: date | None = None  # the deadline that currently runs (for queues)
    due_kind: str | None = Field(default=None, max_length=24)
    due_provisional: bool = False
    one_time_notice: list[Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    notice_issued_at: datetime | None = None
    reason: str = Field(default="", max_length=1000)
    rating: str | None = Field(default=None, max_length=8)
    waybill: str | None = Field(default=None, max_length=32)
    version: int = 1
    updated_at: datetime
    visit_key: str | None = Field(default=None, max_length=32)  # the visit it came from (exactly once)
    child_name: str | None = Field(default=None, max_length=200)  # 新生儿姓名 (NULL: not asked; digests unchanged)


class DeadlineRow(SQLModel, table=True):
    """A working-day deadline of a case, kept with its basis so it can be recomputed."""

    __tablename__ = "deadlines"
    __table_args__ = (UniqueConstraint("case_id", "kind", name="uq_deadlines_case_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    kind: str = Field(max_length=24)
    start_on: date  # local date the count starts after (not counted)
    working_days: int
    requested_on: date | None = None  # 容缺 supply-by date asked for (capped by the count)
    due_on: date
    provisional: bool = Field(index=True)
    missing_years: str = Field(default="", max_length=64)
    met_at: datetime | None = None
    unit: str | None = Field(default=None, max_length=8)  # the limit's LimitUnit; NULL: 工作日


class AuditEvent(SQLModel, table=True):
    """Append-only audit event, chained by hash to its predecessor."""

    __tablename__ = "audit_events"

    seq: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    at: datetime
    actor: str = Field(max_length=32)
    window: int | None = None
    case_number: str | None = Field(default=None, max_length=24, index=True)
    action: str = Field(max_length=32)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    prev_hash: str = Field(sa_column=Column(String(64), nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))
    alg: str | None = Field(default=None, max_length=16)  # sm3 | sha256 | db-sha256; None: legacy unkeyed SHA-256
    row_digests: list[Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Set by the database (PostgreSQL, revision 0012: a BEFORE INSERT trigger), whatever the client sends:
    # who wrote the event as the server saw it.  NULL on SQLite and in older events.
    db_login: str | None = Field(default=None, max_length=64)  # session_user
    db_role: str | None = Field(default=None, max_length=64)  # current_user
    client_addr: str | None = Field(default=None, max_length=64)  # inet_client_addr(); NULL: a unix socket
    txid: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, index=True))
    server_at: datetime | None = None  # clock_timestamp()


class AuditHead(SQLModel, table=True):
    """The single row every chain append locks: last sequence number and hash."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(max_length=64)


class HallKeyRow(SQLModel, table=True):
    """The hall's chain key inside the database (PostgreSQL, revision 0012): readable by the
    owner role only; the sealing functions (SECURITY DEFINER) use it.  Empty on SQLite."""

    __tablename__ = "clerk_hall_key"

    id: int = Field(default=1, primary_key=True)
    key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class KeyBinding(SQLModel, table=True):
    """The store's hall key, by fingerprint (clerk.store.keybinding): a window holding
    another key refuses to write; ``sealed_by`` is ``database`` (PostgreSQL) or ``file``."""

    __tablename__ = "clerk_key_binding"

    id: int = Field(default=1, primary_key=True)
    fingerprint: str = Field(max_length=64)
    sealed_by: str = Field(max_length=16)
    bound_at: datetime


class RowWrite(SQLModel, table=True):
    """Every write of a tracked row as the database saw it (PostgreSQL, revision 0012: a trigger
    fills it; nobody else may write it): names the login of an edit made behind the services' back."""

    __tablename__ = "clerk_row_writes"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    txid: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    table_name: str = Field(max_length=64)
    row_key: str = Field(max_length=200)
    op: str = Field(max_length=8)
    db_login: str = Field(max_length=64)
    client_addr: str | None = Field(default=None, max_length=64)
    server_at: datetime


class NoticeRow(SQLModel, table=True):
    """A document to print for a case (the printing engine works this queue)."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: str = Field(max_length=32)
    paper: str = Field(default="a4", max_length=8)
    path: str = Field(default="", max_length=400)
    sha256: str = Field(default="", max_length=64)
    status: str = Field(default="queued", max_length=8)
    reason: str = Field(default="", max_length=400)
    attempts: int = 0
    is_reprint: bool = False
    created_at: datetime
    printed_at: datetime | None = None


class StoreInfo(SQLModel, table=True):
    """What the store says about itself (revision 0014, clerk.store.versioning): the oldest
    app version that may write to it (``min_app_version``)."""

    __tablename__ = "clerk_store_info"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)
