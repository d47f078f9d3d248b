"""The audit trail: append-only events chained by SHA-256.

Each event's hash is ``sha256(prev_hash + canonical_json(event))`` where the
canonical JSON holds every stored field except the hashes (sorted keys, no
whitespace, UTF-8).  Appends lock the single ``audit_head`` row with an UPDATE
(PostgreSQL row lock; SQLite's BEGIN IMMEDIATE already serialises writers), so
concurrent writers can never fork the chain.  ``verify`` walks the chain and
names the first event that does not match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64

_LOCK_HEAD = "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _utc_text(at: datetime) -> str:
    if at.tzinfo is None:  # SQLite hands back UTC without an offset
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    body = {
        "seq": event["seq"],
        "at": _utc_text(event["at"]),
        "actor": event["actor"],
        "window": event["window"],
        "case_number": event["case_number"],
        "action": event["action"],
        "before": event["before"],
        "after": event["after"],
    }
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


def append_event(
    session: Any,
    *,
    at: datetime,
    actor: str,
    window: int | None,
    action: str,
    case_number: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> int:
    """Append one event inside the caller's transaction; returns its sequence number."""
    from sqlalchemy import text

    from clerk.store.tables import AuditEvent

    seq, prev_hash = session.execute(text(_LOCK_HEAD)).one()
    # JSON round trip: what is hashed is exactly what the database gives back.
    event = {
        "seq": seq,
        "at": at.astimezone(UTC),
        "actor": actor,
        "window": window,
        "case_number": case_number,
        "action": action,
        "before": json.loads(canonical_json(before)) if before is not None else None,
        "after": json.loads(canonical_json(after)) if after is not None else None,
    }
    digest = event_hash(prev_hash, event)
    session.add(AuditEvent(**event, prev_hash=prev_hash, hash=digest))
    session.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": digest})
    session.flush()
    return seq


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    bad_seq: int | None = None
    message: str = ""


def verify_chain(session: Any) -> ChainReport:
    """Recompute every hash in order; the first mismatch is reported."""
    from sqlalchemy import select

    from clerk.store.tables import AuditEvent, AuditHead

    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000))
    for (row,) in rows:
        event = row.model_dump()
        if row.seq != expected_seq:
            return ChainReport(False, count, row.seq, f"审计事件 #{expected_seq} 缺失（下一条为 #{row.seq}）")
        if row.prev_hash != prev_hash:
            return ChainReport(False, count, row.seq, f"审计事件 #{row.seq} 的前序哈希与上一条不一致")
        if event_hash(prev_hash, event) != row.hash:
            return ChainReport(False, count, row.seq, f"审计事件 #{row.seq} 的内容被改动（哈希不符）")
        prev_hash = row.hash
        expected_seq += 1
        count += 1
    head = session.get(AuditHead, 1)
    if head is None or head.seq != count or head.hash != prev_hash:
        bad = count + 1 if head is None or head.seq > count else count
        return ChainReport(False, count, bad, f"审计链末端不符：记录到 #{head.seq if head else 0}，实有 {count} 条")
    return ChainReport(True, count, None, f"审计链完整，共 {count} 条事件")
