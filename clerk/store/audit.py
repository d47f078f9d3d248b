"""The audit trail: append-only events in a keyed hash chain that covers the data.

Each event's hash is ``HMAC_alg(hall_key, prev_hash + canonical_json(event))``
where the canonical JSON holds every stored field except the hashes (sorted
keys, no whitespace, UTF-8) and ``alg`` is SM3 where the platform offers it,
SHA-256 otherwise (recorded in the event).  Events written before revision
0006 have no ``alg`` and keep their unkeyed ``sha256(prev_hash + json)``.

An event also carries ``row_digests``: for each row of a tracked table
(``clerk.store.tracked``) its transaction wrote or deleted, ``[table, key,
digest]`` (``None`` for a delete).  Rows are collected by the session
(``clerk.store.audited``) and digested when the transaction commits, so a
write path needs nothing but its ORM writes and its ``append_event``; a
transaction that writes tracked rows without an event gets one (``row_write``,
actor ``system``).

On PostgreSQL from revision 0012 the database seals (``alg`` ``db-sha256``, see
clerk.store.keybinding): the client sends ``sha256(canonical_json(event))`` in
``hash``; a trigger stamps what the client cannot forge (``db_login``, ``db_role``,
``client_addr``, ``txid``, ``server_at``), takes the previous hash from
``audit_head`` and stores ``HMAC-SHA256(db_key, prev_hash + body digest + "|" +
the stamped columns joined by "|")`` (:func:`db_seal_message`).  Row digests of
such events are plain SHA-256 of the canonical row: the seal covers them, and no
window holds a key.  Events sealed by the key file before keep verifying (the
database holds the same key and checks them for a verifier without the file).

Appends lock the single ``audit_head`` row with an UPDATE (PostgreSQL row
lock; SQLite's BEGIN IMMEDIATE already serialises writers), so concurrent
writers can never fork the chain.  ``verify_chain`` walks the chain, then
compares every current row with the digest of its latest event.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, select, text
from sqlmodel import col

from clerk.store.hallkey import HallKeyError
from clerk.store.keybinding import SEALED_BY_DATABASE, HallKeyMissing, Sealing, read_binding
from clerk.store.sealcheck import SealChecks
from clerk.store.tables import AuditEvent, AuditHead, table_of
from clerk.store.tracked import (
    DB_ALG,
    all_payloads,
    canonical_json,
    digests_of,
    hash_algorithm,
    mac,
    misspelt_rows,
    tracked_table,
    tracked_tables,
    utc_text,
)

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

GENESIS_HASH = "0" * 64
_ALGS = ("sm3", "sha256", DB_ALG)

_LOCK_HEAD = "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"
_SET_HEAD = "UPDATE audit_head SET hash = :h WHERE id = 1"

# Keys of ``session.info`` (see clerk.store.audited).
KEY_SOURCE = "clerk_hall_key"  # a callable returning the hall key's bytes
SEALING = "clerk_sealing"  # a callable (connection) -> Sealing: who seals this store's events
_SEALING_NOW = "clerk_sealing_now"  # this transaction's Sealing
PENDING = "clerk_audit_pending"  # events appended in this transaction, hashes not yet final
PREV = "clerk_audit_prev"  # the head's hash when this transaction's first event was appended
TOUCHED = "clerk_audit_touched"  # {table: {primary key tuple}}

_utc_text = utc_text  # kept for callers of the old private name


class AuditError(RuntimeError):
    """A write the audit chain cannot cover (a programming error; message in Chinese)."""


__all__ = ["HallKeyMissing"]  # re-exported: defined in clerk.store.keybinding


def _body(event: Mapping[str, Any]) -> dict[str, object]:
    return {
        "seq": event["seq"],
        "at": utc_text(event["at"]),
        "actor": event["actor"],
        "window": event["window"],
        "case_number": event["case_number"],
        "action": event["action"],
        "before": event["before"],
        "after": event["after"],
    }


def event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    """The legacy (pre-0006) unkeyed hash."""
    return hashlib.sha256((prev_hash + canonical_json(_body(event))).encode("utf-8")).hexdigest()


def keyed_event_hash(key: bytes, prev_hash: str, event: Mapping[str, Any]) -> str:
    """The hash of an event: sealed by ``key`` (file-keyed events, or the database's key for ``db-sha256``)."""
    if event["alg"] == DB_ALG:
        return mac_with(key, "sha256", db_seal_message(prev_hash, event))
    return mac(key, event["alg"], prev_hash + canonical_json(_keyed_body(event)))


def mac_with(key: bytes, alg: str, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), alg).hexdigest()


def _keyed_body(event: Mapping[str, Any]) -> dict[str, object]:
    return _body(event) | {"alg": event["alg"], "rows": event["row_digests"]}


def body_digest(event: Mapping[str, Any]) -> str:
    """What a client sends in ``hash`` for the database to seal (``db-sha256``)."""
    return hashlib.sha256(canonical_json(_keyed_body(event)).encode("utf-8")).hexdigest()


def db_seal_message(prev_hash: str, event: Mapping[str, Any]) -> str:
    """The text the database's ``clerk_audit_seal`` trigger MACs (migration 0012)."""
    server_at = event.get("server_at")
    stamped = [event.get("db_login") or "", event.get("db_role") or "", event.get("client_addr") or "",
               str(event.get("txid") or ""), utc_text(server_at) if server_at is not None else ""]
    return prev_hash + body_digest(event) + "|" + "|".join(stamped)


def _key_of(session: Session) -> bytes:
    source: Callable[[], bytes] | None = session.info.get(KEY_SOURCE)
    if source is None:  # every Store.session() passes its key source; anything else is a bug
        raise AuditError("审计会话缺少大厅密钥来源（请通过 Store.session() 写入）")
    try:
        return source()
    except HallKeyError as exc:
        raise HallKeyMissing(f"{exc}；在此之前无法保存任何记录") from exc


def _sealing(session: Session) -> Sealing:
    """How this transaction's events are sealed (decided once per transaction)."""
    known: Sealing | None = session.info.get(_SEALING_NOW)
    if known is not None:
        return known
    source: Callable[..., Sealing] | None = session.info.get(SEALING)
    sealing = source(session.connection()) if source is not None else Sealing(hash_algorithm(), _key_of(session))
    session.info[_SEALING_NOW] = sealing
    return sealing


def append_event(
    session: Session,
    *,
    at: datetime,
    actor: str,
    window: int | None,
    action: str,
    case_number: str | None = None,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
) -> int:
    """Append one event inside the caller's transaction; returns its sequence number.

    Its hash and row digests are set when the transaction commits.  Raises
    ``HallKeyMissing`` (a ``StoreError``, Chinese message) at once when the hall
    key is missing, before anything is written.
    """
    sealing = _sealing(session)  # say a missing or wrong key before anything is written
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # The statement that takes the head also notifies the live screens (delivered at commit,
        # as ``Store.session``'s own ``NOTIFY`` would be): one round trip less per audited write.
        from clerk.store.engine import CHANGES_CHANNEL, NOTIFIED

        seq, prev_hash, _ = conn.execute(text(_LOCK_HEAD + f", pg_notify('{CHANGES_CHANNEL}', '')")).one()
        session.info[NOTIFIED] = True
    else:
        seq, prev_hash = conn.execute(text(_LOCK_HEAD)).one()
    pending: list[Any] = session.info.setdefault(PENDING, [])
    if not pending:
        session.info[PREV] = prev_hash
    # JSON round trip: what is hashed is exactly what the database gives back.
    row = AuditEvent(
        seq=seq,
        at=at.astimezone(UTC),
        actor=actor,
        window=window,
        case_number=case_number,
        action=action,
        before=json.loads(canonical_json(before)) if before is not None else None,
        after=json.loads(canonical_json(after)) if after is not None else None,
        alg=sealing.alg,
        row_digests=None,
        prev_hash="",
        hash="",
    )
    pending.append(row)  # inserted, with its hash, when the transaction commits (finalise)
    session.flush()  # callers may rely on the flush an append always did
    return int(seq)


def finalise(session: Session) -> None:
    """Digest the rows this transaction wrote and seal its events (runs before commit)."""
    touched: dict[str, set[tuple[Any, ...]]] = session.info.pop(TOUCHED, {})
    pending: list[Any] = session.info.get(PENDING, [])
    if not touched and not pending:
        return
    sealing = _sealing(session)
    key, alg = sealing.key, sealing.alg
    rows: list[list[str | None]] = []
    conn = session.connection()  # Core: no ORM overhead for what is only the audit's own work
    for name in sorted(touched):
        found = digests_of(conn, key, alg, tracked_table(name), sorted(touched[name], key=str))
        rows.extend([name, row_id, digest] for row_id, digest in sorted(found.items()))
    if not pending:
        append_event(session, at=datetime.now(UTC), actor="system", window=None, action="row_write")
        pending = session.info[PENDING]
    prev = session.info.pop(PREV)
    session.info.pop(PENDING)
    last = pending[-1]
    values = []
    for row in pending:
        row.row_digests = rows if (row is last and rows) else None
        row.prev_hash = prev
        if key is None:  # the database seals (and sets prev_hash and the head)
            row.hash = body_digest(_stored(row))
        else:
            row.hash = prev = keyed_event_hash(key, prev, _stored(row))
        values.append(_stored(row) | {"prev_hash": row.prev_hash, "hash": row.hash})
    conn.execute(table_of(AuditEvent).insert(), values)
    if key is not None:
        conn.execute(text(_SET_HEAD), {"h": prev})
    session.info.pop(_SEALING_NOW, None)


def _stored(row: AuditEvent) -> dict[str, object]:
    """The event as the database will give it back (``row_digests`` holds only JSON-plain values)."""
    return {"seq": row.seq, "at": row.at, "actor": row.actor, "window": row.window, "case_number": row.case_number,
            "action": row.action, "before": row.before, "after": row.after, "alg": row.alg,
            "row_digests": row.row_digests}


def append_baseline(session: Session | Connection, key: bytes | None, *, at: datetime, action: str,
                    after: Mapping[str, object] | None, rows: Sequence[Sequence[str | None]]) -> int | None:
    """Attest ``rows`` (``[table, key, digest]``) in one event of their own (migrations).

    ``key`` None: the database seals (``db-sha256``; the digests are plain SHA-256)."""
    if not rows:
        return None
    seq, prev = session.execute(text(_LOCK_HEAD)).one()
    alg = hash_algorithm() if key is not None else DB_ALG
    event = {"seq": seq, "at": at.astimezone(UTC), "actor": "system", "window": None, "case_number": None,
             "action": action, "before": None, "after": json.loads(canonical_json(after)) if after else None,
             "alg": alg, "row_digests": rows}
    digest = keyed_event_hash(key, prev, event) if key is not None else body_digest(event)

    values = {c: event[c] for c in event} | {"prev_hash": prev, "hash": digest}
    session.execute(table_of(AuditEvent).insert().values(**values))
    if key is not None:
        session.execute(text(_SET_HEAD), {"h": digest})
    return int(seq)


# -- verification ------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    bad_seq: int | None = None
    message: str = ""
    rows: tuple[str, ...] = ()  # every row that differs from its latest event
    head: tuple[int, str, datetime | None] | None = None  # (seq, hash, time) of the last event
    row_count: int = 0


@dataclass
class _Walk:
    count: int = 0
    bad_seq: int | None = None
    message: str = ""
    latest: dict[tuple[str, str], tuple[int, str | None, str]] = field(default_factory=dict)
    last: tuple[int, str, datetime | None] | None = None

    def fail(self, seq: int, message: str) -> None:
        if self.bad_seq is None or seq < self.bad_seq:  # seals are checked in batches: keep the earliest
            self.bad_seq, self.message = seq, message


def parse_anchor(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` as printed on the daily report; ValueError (Chinese) otherwise."""
    seq, sep, digest = text.strip().partition(":")
    seq = seq.strip()
    digest = "".join(digest.split()).lower()  # the report prints the hash in groups
    if (not sep or not seq.isascii() or not seq.isdigit() or len(digest) != 64
            or any(c not in "0123456789abcdef" for c in digest)):
        raise ValueError(f"锚点格式应为 序号:哈希（64位十六进制），收到 {_shown(text)}")
    if len(seq) > 18:  # beyond any chain (and beyond the database's 64-bit integers)
        raise ValueError(f"锚点序号 {_shown(seq)} 过大：应为日报上打印的审计事件序号")
    return int(seq), digest


def _shown(text: str, limit: int = 80) -> str:
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"…（共 {len(text)} 字符）"


def verify_chain(session: Session, *, key: bytes | None = None, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Recompute every hash in order, then check every tracked row against its latest event.

    The first bad event is named; so is every row that differs.  ``anchor``
    (sequence, hash) is a head printed earlier: the chain must still hold it.
    With ``key`` every seal is checked with it; without, the store's key file is
    read (``HallKeyError``) only when a keyed event or row needs it, and on a
    store the database seals, the database checks what no key here can.
    """
    walk = _Walk()
    binding = read_binding(session.connection())
    checks = SealChecks(session, key, lambda: _key_of(session),
                        in_database=binding is not None and binding.sealed_by == SEALED_BY_DATABASE)
    prev_hash = GENESIS_HASH
    expected_seq = 1
    keyed = False
    rows = session.execute(select(AuditEvent).order_by(col(AuditEvent.seq)).execution_options(yield_per=2000))
    for (row,) in rows:
        event = row.model_dump()
        if row.seq != expected_seq:
            walk.fail(row.seq, f"审计事件 #{expected_seq} 缺失（下一条为 #{row.seq}）")
        elif row.prev_hash != prev_hash:
            walk.fail(row.seq, f"审计事件 #{row.seq} 的前序哈希与上一条不一致")
        if row.alg is None:
            if keyed:
                walk.fail(row.seq, f"审计事件 #{row.seq} 未加密钥，却排在加密钥的事件之后（伪造）")
            elif event_hash(row.prev_hash, event) != row.hash:
                walk.fail(row.seq, f"审计事件 #{row.seq} 的内容被改动（哈希不符）")
        else:
            keyed = True
            if row.alg not in _ALGS:
                walk.fail(row.seq, f"审计事件 #{row.seq} 的算法 {row.alg!r} 无法识别")
            elif row.alg == DB_ALG and (row.db_login is None or row.server_at is None or row.txid is None):
                walk.fail(row.seq, f"审计事件 #{row.seq} 缺少数据库记录的登录名、事务或时间（未经数据库封存）")
            else:
                message = (db_seal_message(row.prev_hash, event) if row.alg == DB_ALG
                           else row.prev_hash + canonical_json(_keyed_body(event)))
                checks.add(row.alg, message, row.hash, _event_failed(walk, row.seq))
            for table, row_id, digest in row.row_digests or ():
                walk.latest[(table, row_id)] = (row.seq, digest, row.alg)
        prev_hash = row.hash
        expected_seq = row.seq + 1
        walk.count += 1
        walk.last = (row.seq, row.hash, row.at)
    checks.run()
    head = session.get(AuditHead, 1)
    last_seq = walk.last[0] if walk.last else 0
    if head is None or head.seq != last_seq or head.hash != prev_hash:
        walk.fail(last_seq + 1 if head is None or head.seq > last_seq else last_seq,
                  f"审计链末端不符：记录到 #{head.seq if head else 0}，实有 {walk.count} 条")
    if anchor is not None:
        _check_anchor(session, walk, anchor)
    differing, row_count = _check_rows(session, walk, checks)
    from clerk.store.materials import material_damage  # the bytes of material files (clerk.store.materials)

    differing += material_damage(session)
    if checks.in_database:
        differing = _with_unaudited_writes(differing, unaudited_writes(session))
    ok = walk.bad_seq is None and not differing
    if ok:
        message = f"审计链完整，共 {walk.count} 条事件；{row_count} 行数据与最近事件一致"
    elif walk.bad_seq is None:
        message = f"审计链本身完整，但有 {len(differing)} 行数据与审计记录不符"
    else:
        message = walk.message
    return ChainReport(ok, walk.count, walk.bad_seq, message, tuple(differing), walk.last, row_count)


def _event_failed(walk: _Walk, seq: int) -> Callable[[], None]:
    return lambda: walk.fail(seq, f"审计事件 #{seq} 的内容被改动或哈希被重算（密钥校验不符）")


def _check_anchor(session: Session, walk: _Walk, anchor: tuple[int, str]) -> None:
    seq, digest = anchor
    row = session.get(AuditEvent, seq)
    if row is None:
        walk.fail(seq, f"锚点 #{seq} 之后（含）的审计事件已被截断：链中没有事件 #{seq}")
    elif row.hash != digest:
        walk.fail(seq, f"审计事件 #{seq} 与签字锚点的哈希不符：锚点之前的记录被改写")


_TABLE_LABELS = {
    "clerk_accounts": "账号", "cases": "办件", "deadlines": "期限", "notices": "通知书", "mail_items": "邮件",
    "supplement_log": "补件记录", "rating_notes": "评价", "complaints": "诉求", "complaint_steps": "诉求步骤",
    "material_files": "材料扫描件",
}


def _row_name(table: str, row_id: str) -> str:
    return f"{_TABLE_LABELS.get(table, table)} {table}#{row_id}"


def _check_rows(session: Session, walk: _Walk, checks: SealChecks) -> tuple[list[str], int]:
    differing: list[str] = []
    seen: set[tuple[str, str]] = set()
    unreadable: set[str] = set()  # tables said in one line (dropped, or not read): not row by row
    count = 0
    for table in tracked_tables():
        broken = _table_damage(session, table)
        if broken:
            differing.append(broken)
            unreadable.add(table.name)
            continue
        for row_id, spelt in misspelt_rows(session, table):
            differing.append(f"{_row_name(table.name, row_id)}：{'、'.join(spelt)}，不是系统写入的格式（被改动）")
        payloads = all_payloads(session, table) if _has_rows(session, table) else ()
        try:
            for row_id, payload in payloads:
                count += 1
                seen.add((table.name, row_id))
                latest = walk.latest.get((table.name, row_id))
                name = _row_name(table.name, row_id)
                if latest is None:
                    differing.append(f"{name}：没有任何审计事件记录过这一行（绕过系统写入）")
                elif latest[1] is None:
                    differing.append(f"{name}：审计事件 #{latest[0]} 记录其已删除，现在却存在")
                elif latest[2] not in _ALGS:
                    differing.append(f"{name}：内容与最近的审计事件 #{latest[0]} 不符（被改动）")
                elif latest[2] == DB_ALG:
                    if mac(None, DB_ALG, payload) != latest[1]:
                        differing.append(f"{name}：内容与最近的审计事件 #{latest[0]} 不符（被改动）")
                else:
                    checks.add(latest[2], payload, latest[1],
                               _note(differing, f"{name}：内容与最近的审计事件 #{latest[0]} 不符（被改动）"))
        except (ValueError, TypeError, OverflowError):  # a stored value the column type cannot read
            differing.append(f"{_TABLE_LABELS.get(table.name, table.name)}表 {table.name} 中有无法读取的值（被改动），"
                             "其余行未能逐行核对")
            unreadable.add(table.name)
    checks.run()
    for (name, row_id), (seq, digest, _alg) in sorted(walk.latest.items(), key=lambda item: item[1][0]):
        if digest is not None and (name, row_id) not in seen and name not in unreadable:
            differing.append(f"{_row_name(name, row_id)}：审计事件 #{seq} 记录的这一行已不存在（被删除）")
    return differing, count


def _note(lines: list[str], line: str) -> Callable[[], None]:
    return lambda: lines.append(line)


def unaudited_writes(session: Session) -> dict[str, str]:
    """Row name -> the last write of it whose transaction appended no event (PostgreSQL,
    revision 0012): made behind the services' back, as the database recorded it."""
    found = session.execute(text(
        "SELECT w.table_name, w.row_key, w.op, w.db_login, w.client_addr, w.server_at, w.txid"
        " FROM clerk_row_writes w WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.txid = w.txid)"
        " ORDER BY w.id"))
    verbs = {"insert": "写入", "update": "改动", "delete": "删除"}
    return {_row_name(table, row_id): f"数据库记录其于 {utc_text(at)} 被数据库账号 {login}"
            f"（{'地址 ' + addr if addr else '本机套接字'}，事务 {txid}）绕过系统{verbs.get(op, op)}，没有审计事件"
            for table, row_id, op, login, addr, at, txid in found}


def _with_unaudited_writes(differing: list[str], writes: dict[str, str]) -> list[str]:
    """Each differing row says who wrote it behind the services' back; a row written so but
    matching again (a later write absorbed the edit) gets a line of its own."""
    lines = []
    for line in differing:
        name = line.partition("：")[0]
        lines.append(f"{line}；{writes.pop(name)}" if name in writes else line)
    return lines + [f"{name}：{what}" for name, what in writes.items()]


def _table_damage(session: Session, table: Table) -> str | None:
    """One line when a tracked table or one of its columns is gone (dropped behind the application)."""
    inspector = inspect(session.connection())
    label = f"{_TABLE_LABELS.get(table.name, table.name)}表 {table.name}"
    if not inspector.has_table(table.name):
        return f"{label} 已不存在（整张表被删除），其中的记录无法核对"
    present = {c["name"] for c in inspector.get_columns(table.name)}
    gone = [c.name for c in table.columns if c.name not in present]
    if gone:
        return f"{label} 缺少列 {'、'.join(gone)}（表结构被改动），其中的记录无法核对"
    return None


def _has_rows(session: Session, table: Table) -> bool:
    return session.execute(select(1).select_from(table).limit(1)).first() is not None


# -- schema upgrades ------------------------------------------------------------------


def attested_rows(conn: Connection, key_source: Callable[[], bytes]) -> dict[tuple[str, str], str]:
    """Rows whose current content matches their latest event (read before a schema upgrade),
    with the plain SHA-256 of that content.

    Reads only the columns the database has, so it works while the table
    classes are ahead of the schema.  Empty when the chain records no rows.
    Rows sealed by the key file are skipped when no key is at hand on a store
    the database seals.
    """
    if "row_digests" not in {c["name"] for c in inspect(conn).get_columns("audit_events")}:
        return {}
    audit_events = table_of(AuditEvent)
    column = audit_events.c.row_digests
    latest: dict[tuple[str, str], tuple[str | None, str]] = {}
    query = select(column, audit_events.c.alg).where(column.is_not(None)).order_by(audit_events.c.seq)
    for rows, alg in conn.execute(query):
        for table, row_id, digest in rows or ():
            latest[(table, row_id)] = (digest, alg)
    if not latest:
        return {}
    keys: list[bytes | None] = []

    def key_for(alg: str) -> bytes | None:
        if alg == DB_ALG:
            return None
        if not keys:
            try:
                keys.append(key_source())
            except HallKeyError:
                if not _sealed_by_database(conn):
                    raise
                keys.append(None)
        return keys[0]

    sound: dict[tuple[str, str], str] = {}
    for t in tracked_tables(conn):
        for row_id, payload in all_payloads(conn, t, live=True):
            digest, alg = latest.get((t.name, row_id), (None, ""))
            if digest is None or alg not in _ALGS:
                continue
            key = key_for(alg)
            if (alg == DB_ALG or key is not None) and mac(key, alg, payload) == digest:
                sound[(t.name, row_id)] = mac(None, DB_ALG, payload)
    return sound


def _sealed_by_database(conn: Connection) -> bool:
    binding = read_binding(conn)
    return binding is not None and binding.sealed_by == SEALED_BY_DATABASE


def reattest_after_upgrade(conn: Connection, key_source: Callable[[], bytes], prior: dict[tuple[str, str], str],
                           before: str | None, after: str | None) -> int | None:
    """A schema change that altered rows' canonical content (a column added with a
    default) re-attests the rows that were sound before it, in one event (sealed
    by the database when it seals)."""
    if not prior:
        return None
    key = None if _sealed_by_database(conn) else key_source()
    alg = DB_ALG if key is None else hash_algorithm()
    changed = [[t.name, row_id, mac(key, alg, payload)] for t in tracked_tables(conn)
               for row_id, payload in all_payloads(conn, t, live=True)
               if prior.get((t.name, row_id), mac(None, DB_ALG, payload)) != mac(None, DB_ALG, payload)]
    return append_baseline(conn, key, at=datetime.now(UTC), action="schema_upgrade",
                           after={"from": before, "to": after}, rows=changed)
