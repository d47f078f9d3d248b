"""The keyed chain covers the data: direct SQL edits of tracked rows, forged
events and a cut tail are all named by ``clerk audit verify`` (SQLite and
PostgreSQL through the ``store`` fixture)."""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from clerk.store.audit import AuditError, HallKeyMissing, keyed_event_hash, verify_chain
from clerk.store.tracked import DB_ALG, hash_algorithm
from tests.support.drafts import hygiene, incomplete_hygiene


@pytest.fixture
def day(service, clock):
    """A clean day of work: accounts, three intakes, one notice printed, one print failed."""
    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome

    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    service.add_user(None, "s01", "刘洋", Role.SUPERVISOR, "secret2")
    numbers = [service.submit(clerk, 3, hygiene(), Outcome.ACCEPT).number]
    clock.advance(minutes=5)
    numbers.append(service.submit(clerk, 3, incomplete_hygiene(), Outcome.FALLBACK).number)
    clock.advance(minutes=5)
    numbers.append(service.submit(clerk, 3, hygiene(), Outcome.ACCEPT).number)
    pending = service.pending_notices()
    service.mark_printed(pending[0].id, path="/tmp/a.pdf", sha256="a" * 64, user=clerk, window=3)
    service.mark_failed(pending[1].id, "缺纸")  # no event of its own: the session adds one
    return numbers


def _verify(store, **kwargs):
    with store.session(write=False) as session:
        return verify_chain(session, **kwargs)


def _sql(store, sql: str, **params) -> None:
    with store.connection() as conn:
        conn.execute(text(sql), params)


def _one(store, sql: str, **params):
    with store.connection(write=False) as conn:
        return conn.execute(text(sql), params).one()


def _case_id(store, number: str) -> int:
    return _one(store, "SELECT id FROM cases WHERE number = :n", n=number)[0]


def _names(report, needle: str) -> bool:
    return any(needle in line for line in report.rows)


def test_a_clean_day_verifies(store, day):
    report = _verify(store)
    assert report.ok, (report.message, report.rows)
    assert report.row_count > 10 and report.head[0] == report.events
    with store.connection(write=False) as conn:
        algs = {a for (a,) in conn.execute(text("SELECT DISTINCT alg FROM audit_events"))}
        actions = [a for (a,) in conn.execute(text("SELECT action FROM audit_events ORDER BY seq"))]
    # PostgreSQL: the database seals (revision 0012); SQLite: the key file
    assert algs == ({DB_ALG} if store.dialect == "postgresql" else {hash_algorithm()})
    assert actions[-1] == "row_write"  # the failed print wrote a notice with no event of its own


@pytest.mark.parametrize(("column", "value"), [
    ("applicant_name", "李四"),
    ("applicant_id_number", "110105194912310038"),
    ("state", "已办结"),
])
def test_direct_edit_of_a_case_is_named(store, day, column, value):
    case_id = _case_id(store, day[1])
    _sql(store, f"UPDATE cases SET {column} = :v WHERE id = :i", v=value, i=case_id)
    report = _verify(store)
    assert not report.ok and report.bad_seq is None  # the chain itself is intact: the data is not
    assert _names(report, f"cases#{case_id}：内容与最近的审计事件")
    assert len(report.rows) == 1


def test_deleted_case_is_named(store, day):
    case_id = _case_id(store, day[0])
    for table in ("notices", "deadlines"):
        _sql(store, f"DELETE FROM {table} WHERE case_id = :i", i=case_id)
    _sql(store, "DELETE FROM cases WHERE id = :i", i=case_id)
    report = _verify(store)
    assert not report.ok and _names(report, f"cases#{case_id}：审计事件")
    assert _names(report, "已不存在（被删除）")


def test_notice_reset_to_queued_is_named(store, day):
    notice_id = _one(store, "SELECT id FROM notices WHERE status = 'printed'")[0]
    _sql(store, "UPDATE notices SET status = 'queued', printed_at = NULL WHERE id = :i", i=notice_id)
    report = _verify(store)
    assert not report.ok and report.rows == (report.rows[0],) and _names(report, f"notices#{notice_id}")


def test_deadlines_moved_thirty_days_are_named(store, day):
    with store.connection() as conn:
        rows = conn.execute(text("SELECT id, due_on FROM deadlines")).all()
        for deadline_id, due in rows:
            due = due if not isinstance(due, str) else __import__("datetime").date.fromisoformat(due)
            conn.execute(text("UPDATE deadlines SET due_on = :d WHERE id = :i"),
                         {"d": due + timedelta(days=30), "i": deadline_id})
    report = _verify(store)
    assert not report.ok and len(rows) >= 2
    for deadline_id, _ in rows:
        assert _names(report, f"deadlines#{deadline_id}")


def test_account_made_admin_is_named(store, day):
    _sql(store, "UPDATE clerk_accounts SET role = 'admin' WHERE id = 'w01'")
    report = _verify(store)
    assert not report.ok and _names(report, "clerk_accounts#w01")


def test_another_password_hash_is_named(store, day):
    theirs = _one(store, "SELECT password_hash FROM clerk_accounts WHERE id = 's01'")[0]
    _sql(store, "UPDATE clerk_accounts SET password_hash = :h WHERE id = 'w01'", h=theirs)
    report = _verify(store)
    assert not report.ok and report.rows == (report.rows[0],) and _names(report, "clerk_accounts#w01")


def test_deleted_row_is_named(store, day):
    deadline_id = _one(store, "SELECT min(id) FROM deadlines")[0]
    _sql(store, "DELETE FROM deadlines WHERE id = :i", i=deadline_id)
    report = _verify(store)
    assert not report.ok and _names(report, f"deadlines#{deadline_id}：审计事件")


def test_row_written_behind_the_application_is_named(store, day):
    _sql(store, "INSERT INTO clerk_accounts (id, name, role, password_hash, active, created_at,"
                " failed_count, must_change_password)"
                " VALUES ('x99', '某人', 'admin', 'x', :t, :at, 0, :f)",
         t=True, f=False, at=__import__("datetime").datetime(2026, 11, 25, 3, 0))
    report = _verify(store)
    assert not report.ok and _names(report, "clerk_accounts#x99：没有任何审计事件")


def test_event_edited_and_later_hashes_recomputed_without_the_key_is_named(store, day):
    """Whoever rewrites the chain without the hall key (here: with a key of their own) is caught at the
    first event they touched, even though every link and the head agree."""
    from sqlmodel import Session, select

    from clerk.store.tables import AuditEvent, AuditHead

    forged_key = secrets.token_bytes(32)
    with Session(store.engine) as session:  # a plain session: no audit machinery
        events = list(session.exec(select(AuditEvent).order_by(AuditEvent.seq)))
        target = events[3].seq
        prev = events[3].prev_hash
        for event in events[3:]:
            if event.seq == target:
                event.actor = "mallory"
            event.prev_hash = prev
            event.hash = prev = keyed_event_hash(forged_key, prev, event.model_dump())
        session.get(AuditHead, 1).hash = prev
        session.commit()
    report = _verify(store)
    assert not report.ok and report.bad_seq == target
    assert f"#{target}" in report.message


def test_tail_cut_with_head_rolled_back_is_shown_by_the_anchor(store, day, monkeypatch, capsys):
    signed = _verify(store).head  # what the supervisor signed on the day's report
    keep = signed[0] - 2
    kept_hash = _one(store, "SELECT hash FROM audit_events WHERE seq = :s", s=keep)[0]
    _sql(store, "DELETE FROM audit_events WHERE seq > :s", s=keep)
    _sql(store, "UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1", s=keep, h=kept_hash)

    report = _verify(store, anchor=(signed[0], signed[1]))
    assert not report.ok and report.bad_seq == signed[0] and "截断" in report.message

    from clerk.cli import main
    from clerk.config import get_settings

    monkeypatch.setenv("CLERK_DATABASE_URL", store.url)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    get_settings.cache_clear()
    try:
        assert main(["audit", "verify", "--anchor", f"{signed[0]}:{signed[1]}"]) == 1
        err = capsys.readouterr().err
        assert f"#{signed[0]}" in err
        assert main(["audit", "verify", "--anchor", "12:nothex"]) == 1
        assert "锚点格式" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()


def test_anchor_of_an_intact_chain_passes_and_a_rewritten_one_fails(store, day):
    signed = _verify(store).head
    assert _verify(store, anchor=(signed[0], signed[1])).ok
    assert not _verify(store, anchor=(signed[0] - 1, signed[1])).ok


def test_cli_names_every_differing_row_and_exits_non_zero(store, day, monkeypatch, capsys):
    from clerk.cli import main
    from clerk.config import get_settings

    monkeypatch.setenv("CLERK_DATABASE_URL", store.url)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    get_settings.cache_clear()
    try:
        assert main(["audit", "verify"]) == 0
        assert "审计链完整" in capsys.readouterr().out
        _sql(store, "UPDATE clerk_accounts SET role = 'admin' WHERE id = 'w01'")
        _sql(store, "UPDATE cases SET applicant_name = '李四'")
        assert main(["audit", "verify"]) == 1
        err = capsys.readouterr().err
        assert "clerk_accounts#w01" in err and err.count("cases#") == 3
    finally:
        get_settings.cache_clear()


def test_missing_key_is_said_when_verifying_and_when_writing(store, day, monkeypatch, tmp_path, capsys, service):
    """SQLite: without the key file nothing is written or verified.  PostgreSQL (revision 0012):
    the database seals and checks, so a window without any key file works and verifies."""
    from clerk.cli import main
    from clerk.config import get_settings
    from clerk.domain.accounts import Role
    from clerk.store.engine import Store

    sealed_by_database = store.dialect == "postgresql"
    monkeypatch.setenv("CLERK_DATABASE_URL", store.url)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_KEY_FILE", str(tmp_path / "gone.key"))
    get_settings.cache_clear()
    try:
        if sealed_by_database:
            assert main(["audit", "verify"]) == 0
            assert "审计链完整" in capsys.readouterr().out
        else:
            assert main(["audit", "verify"]) == 1
            assert "找不到大厅密钥文件" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()

    from clerk.config import Settings
    from clerk.services.cases import CaseService

    keyless = CaseService(Store(store.url, settings=Settings.defaults(key_file=tmp_path / "gone.key")), service.catalog,
                          service.calendar, service.clock)
    before = _one(store, "SELECT count(*) FROM clerk_accounts")[0]
    if sealed_by_database:
        keyless.add_user(None, "w09", "钱七", Role.WINDOW, "secret9")
        assert _one(store, "SELECT count(*) FROM clerk_accounts")[0] == before + 1
        assert _verify(store).ok
    else:
        with pytest.raises(HallKeyMissing, match="找不到大厅密钥文件"):
            keyless.add_user(None, "w09", "钱七", Role.WINDOW, "secret9")
        assert _one(store, "SELECT count(*) FROM clerk_accounts")[0] == before
    keyless.store.dispose()


def test_a_wrong_key_fails_every_keyed_event(store, day):
    report = _verify(store, key=secrets.token_bytes(32))
    assert not report.ok and report.bad_seq == 1


def test_raw_sql_writes_to_a_tracked_table_through_a_session_are_refused(store, day):
    with pytest.raises(AuditError, match="cases"):
        with store.session() as session:
            session.execute(text("UPDATE cases SET state = 'x'"))
    assert _verify(store).ok  # rolled back, nothing written


@pytest.mark.parametrize("sql", [
    "WITH gone AS (SELECT id FROM cases LIMIT 1) UPDATE cases SET state = 'x' WHERE id IN (SELECT id FROM gone)",
    "with t as (delete from deadlines returning id) select count(*) from t",
    "WITH RECURSIVE n(i) AS (SELECT 1) INSERT INTO notices (case_id) SELECT i FROM n",
    "UPDATE ONLY cases SET state = 'x'",
])
def test_raw_writes_behind_a_with_clause_are_refused_too(store, day, sql):
    with pytest.raises(AuditError, match="原始 SQL"):
        with store.session() as session:
            session.execute(text(sql))
    assert _verify(store).ok


def test_a_session_without_the_stores_key_source_cannot_append_events(store, day):
    """No silent fallback to the settings' key file: only Store.session() hands out audited sessions."""
    from clerk.store.audit import append_event
    from clerk.store.audited import AuditedSession

    store.engine  # noqa: B018
    with AuditedSession(store.engine) as session, session.begin():
        with pytest.raises(AuditError, match="Store.session"):
            append_event(session, at=datetime.now(UTC), actor="x", window=None, action="view")


def test_raw_reads_and_untracked_writes_still_pass(store, day):
    events = _verify(store).events
    with store.session() as session:
        counted = session.execute(text("WITH c AS (SELECT id FROM cases) SELECT count(*) FROM c")).scalar_one()
        assert not session.wrote()  # a read: live screens are not told of a change
        session.execute(text("WITH s AS (SELECT 1) INSERT INTO seats (clerk_id, \"window\", machine, app, token, since, "
                             "seen_at) SELECT 'w01', 3, 'PC-1', 'window', 't1', :at, :at FROM s"),
                        {"at": datetime(2026, 11, 25, 2, 0, tzinfo=UTC)})
        session.execute(text("WITH s AS (SELECT 1) UPDATE seats SET machine = 'PC-2' WHERE clerk_id = 'w01'"))
        assert session.wrote()  # an untracked write still tells live screens
    assert counted == 3
    with store.session(write=False) as session:
        assert session.execute(text("SELECT number FROM cases ORDER BY id")).scalars().all() == day
        assert session.execute(text("SELECT clerk_id, machine FROM seats")).all() == [("w01", "PC-2")]
    report = _verify(store)  # an untracked table is outside the chain: no event, nothing uncovered
    assert report.ok and report.events == events, report.rows


def test_orm_bulk_update_is_covered(store, day):
    from sqlalchemy import update

    from clerk.store.tables import CaseRow

    with store.session() as session:
        session.execute(update(CaseRow).where(CaseRow.number == day[2]).values(reason="补正说明"))
    assert _verify(store).ok

    from sqlalchemy import delete

    from clerk.store.tables import DeadlineRow

    gone = _one(store, "SELECT max(id) FROM deadlines")[0]
    with store.session() as session:
        session.execute(delete(DeadlineRow).where(DeadlineRow.id == gone))
    report = _verify(store)
    assert report.ok, report.rows
    with pytest.raises(AuditError, match="批量插入"):
        with store.session() as session:
            from sqlalchemy import insert

            session.execute(insert(DeadlineRow).values(case_id=1, kind="x", start_on=day_one(),
                                                        working_days=1, due_on=day_one(), provisional=False))


def day_one():
    from datetime import date

    return date(2026, 11, 25)


def test_schema_upgrade_reattests_sound_rows_only(store, day):
    """What ``clerk.store.migrate.upgrade`` does around a later migration that fills a new column:
    rows sound before it are attested again; a row tampered before it stays named."""
    from clerk.store.audit import attested_rows, reattest_after_upgrade

    _sql(store, "UPDATE clerk_accounts SET role = 'admin' WHERE id = 'w01'")  # tampered before the upgrade
    with store.connection() as conn:  # one transaction, as clerk.store.migrate.upgrade runs it
        prior = attested_rows(conn, store.hall_key)
        assert ("clerk_accounts", "w01") not in prior and ("clerk_accounts", "s01") in prior
        conn.execute(text("UPDATE clerk_accounts SET name = name || '（迁移）'"))  # the migration's own change
        conn.execute(text("UPDATE deadlines SET missing_years = '2025'"))
        seq = reattest_after_upgrade(conn, store.hall_key, prior, "0006", "0007")
        attested = conn.execute(text("SELECT row_digests FROM audit_events WHERE seq = :s"), {"s": seq}).scalar_one()
    if isinstance(attested, str):
        attested = json.loads(attested)
    named = {f"{table}#{row_id}" for table, row_id, _digest in attested}
    assert "clerk_accounts#s01" in named and "clerk_accounts#w01" not in named
    assert any(name.startswith("deadlines#") for name in named)
    report = _verify(store)
    assert seq == report.head[0] and report.bad_seq is None
    assert [line.split("：")[0] for line in report.rows] == ["账号 clerk_accounts#w01"]


def test_a_rolled_back_savepoint_leaves_a_sound_chain(store, day):
    from clerk.store.audit import append_event
    from clerk.store.tables import ClerkAccount

    at = __import__("datetime").datetime(2026, 11, 25, 4, 0, tzinfo=__import__("datetime").UTC)
    with store.session() as session:
        append_event(session, at=at, actor="s01", window=None, action="note")
        session.get(ClerkAccount, "w01").name = "张三丰"
        savepoint = session.begin_nested()
        append_event(session, at=at, actor="s01", window=None, action="undone")
        session.get(ClerkAccount, "s01").name = "改名"
        session.flush()
        savepoint.rollback()
    report = _verify(store)
    assert report.ok, (report.message, report.rows)
    assert _one(store, "SELECT action FROM audit_events WHERE seq = :s", s=report.head[0])[0] == "note"


def test_a_delete_through_the_application_leaves_a_tombstone(store, day):
    from clerk.store.tables import DeadlineRow

    deadline_id = _one(store, "SELECT max(id) FROM deadlines")[0]
    with store.connection(write=False) as conn:
        saved = dict(conn.execute(text("SELECT * FROM deadlines WHERE id = :i"), {"i": deadline_id}).mappings().one())
    with store.session() as session:
        session.delete(session.get(DeadlineRow, deadline_id))
    report = _verify(store)
    assert report.ok, report.rows
    from clerk.store.tables import AuditEvent

    with store.session(write=False) as session:
        assert ["deadlines", str(deadline_id), None] in session.get(AuditEvent, report.head[0]).row_digests

    columns = ", ".join(saved)
    _sql(store, f"INSERT INTO deadlines ({columns}) VALUES ({', '.join(':' + c for c in saved)})", **saved)
    report = _verify(store)
    assert not report.ok and _names(report, f"deadlines#{deadline_id}：审计事件 #{report.head[0]} 记录其已删除")


# -- the stored spelling: another ISO form of the same value (issue 23, High 3) ----------------


def _iso_week(stored: str) -> str:
    year, week, weekday = __import__("datetime").date.fromisoformat(stored).isocalendar()
    return f"{year}W{week:02d}{weekday}"


def _basic_datetime(stored: str) -> str:
    """'2026-11-25 01:00:00.000000' → '20261125T090000.000000+08:00': the same instant, other text."""
    at = __import__("datetime").datetime.fromisoformat(stored).replace(tzinfo=UTC)
    return at.astimezone(__import__("datetime").timezone(timedelta(hours=8))).strftime("%Y%m%dT%H%M%S.%f%z")


#: (table, column, WHERE, new text from the stored text)
RESPELLINGS = {
    "date": ("deadlines", "due_on", "id = (SELECT min(id) FROM deadlines)", _iso_week),
    "datetime": ("cases", "received_at", "id = (SELECT min(id) FROM cases)", _basic_datetime),
    "bool-true": ("clerk_accounts", "active", "id = 'w01'", lambda stored: "true"),
    "bool-false": ("cases", "is_bundle", "id = (SELECT min(id) FROM cases)", lambda stored: ""),
    "integer": ("clerk_accounts", "failed_count", "id = 'w01'", lambda stored: "0x0"),
}


def _respell(store, kind: str):
    """Store another spelling of one value; SQL comparing with the value no longer finds the row."""
    table, column, where, respelt = RESPELLINGS[kind]
    row_id, stored = _one(store, f"SELECT id, {column} FROM {table} WHERE {where}")
    probe = f"SELECT count(*) FROM {table} WHERE {where} AND {column} = :v"
    assert _one(store, probe, v=stored)[0] == 1
    _sql(store, f"UPDATE {table} SET {column} = :v WHERE {where}", v=respelt(str(stored)))
    assert _one(store, probe, v=stored)[0] == 0  # what the overdue list and the reports compare has changed
    return table, column, row_id


@pytest.mark.parametrize("kind", list(RESPELLINGS))
@pytest.mark.parametrize("anchored", [False, True], ids=["plain", "anchor"])
def test_another_spelling_of_the_same_value_is_named_on_sqlite(store, day, backend, kind, anchored):
    """The digest covers the parsed value; SQL compares the stored text.  A date, datetime, boolean or
    integer stored in another spelling is named, with and without the signed anchor."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL stores these columns as typed values (see the test below)")
    signed = _verify(store).head
    table, column, row_id = _respell(store, kind)

    report = _verify(store, anchor=(signed[0], signed[1]) if anchored else None)
    assert not report.ok and report.bad_seq is None
    assert [line for line in report.rows if f"{table}#{row_id}：{column} 存为" in line and "不是系统写入的格式" in line]


def test_another_spelling_is_named_by_the_cli(store, day, backend, monkeypatch, capsys):
    if backend != "sqlite":
        pytest.skip("PostgreSQL stores dates as typed values (see the test below)")
    from clerk.cli import main
    from clerk.config import get_settings
    from clerk.store.tables import DeadlineRow

    table, column, row_id = _respell(store, "date")
    with store.session(write=False) as session:  # the application reads the same date: the digest holds
        assert session.get(DeadlineRow, row_id).due_on.isocalendar()[1] > 0
    monkeypatch.setenv("CLERK_DATABASE_URL", store.url)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    get_settings.cache_clear()
    try:
        assert main(["audit", "verify"]) == 1
        err = capsys.readouterr().err
        assert f"deadlines#{row_id}：due_on 存为 '" in err and "W" in err and "程序内部错误" not in err
    finally:
        get_settings.cache_clear()


#: PostgreSQL's input forms of the same value: (table, column, WHERE, other text from the stored value)
PG_RESPELLINGS = {
    "date": ("deadlines", "due_on", "id = (SELECT min(id) FROM deadlines)", lambda v: v.strftime("%Y%m%d")),
    "datetime": ("cases", "received_at", "id = (SELECT min(id) FROM cases)",
                 lambda v: v.astimezone(__import__("datetime").timezone(timedelta(hours=8))).strftime("%Y%m%dT%H%M%S.%f+08")),
    "bool": ("clerk_accounts", "active", "id = 'w01'", lambda v: "yes" if v else "no"),
    "integer": ("clerk_accounts", "failed_count", "id = 'w01'", lambda v: f" {v:+d} "),
}


@pytest.mark.parametrize("kind", list(PG_RESPELLINGS))
def test_postgresql_stores_one_form_whatever_the_spelling(store, day, backend, kind):
    """On PostgreSQL a date, timestamp, boolean or integer column stores the value, not the text it was
    given: another spelling leaves the stored row exactly as it was, so its content still matches its
    event; the write itself is still named (the database logs every write of a tracked row)."""
    if backend != "postgresql":
        pytest.skip("SQLite stores the text as given (see the tests above)")
    table, column, where, respelt = PG_RESPELLINGS[kind]
    read = f"SELECT {column}, {column}::text FROM {table} WHERE {where}"
    value, stored = _one(store, read)
    _sql(store, f"UPDATE {table} SET {column} = CAST(:v AS text)::{_pg_type(store, table, column)} WHERE {where}",
         v=respelt(value))
    assert tuple(_one(store, read)) == (value, stored)
    report = _verify(store)
    assert not any("不符" in line or "格式" in line for line in report.rows), report.rows
    assert len(report.rows) == 1 and "绕过系统改动，没有审计事件" in report.rows[0], report.rows


def _pg_type(store, table: str, column: str) -> str:
    return _one(store, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = CAST(:t AS regclass)"
                       " AND attname = :c", t=table, c=column)[0]


@pytest.mark.parametrize("table", ["deadlines", "rating_notes"])
def test_a_dropped_tracked_table_is_one_line_from_verify(store, day, backend, table, monkeypatch, capsys):
    from clerk.cli import main
    from clerk.config import get_settings

    _sql(store, f"DROP TABLE {table}" + (" CASCADE" if backend == "postgresql" else ""))
    report = _verify(store)
    assert not report.ok
    assert [line for line in report.rows if table in line] == [next(
        line for line in report.rows if "整张表被删除" in line)]
    monkeypatch.setenv("CLERK_DATABASE_URL", store.url)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    get_settings.cache_clear()
    try:
        assert main(["audit", "verify"]) == 1
        err = capsys.readouterr().err
        assert f"{table} 已不存在（整张表被删除）" in err and "程序内部错误" not in err
    finally:
        get_settings.cache_clear()


def test_a_dropped_tracked_column_is_one_line_from_verify(store, day):
    _sql(store, "ALTER TABLE deadlines DROP COLUMN requested_on")
    report = _verify(store)
    assert not report.ok and report.rows == ("期限表 deadlines 缺少列 requested_on（表结构被改动），其中的记录无法核对",)


def test_a_value_the_column_cannot_read_is_named(store, day, backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL refuses a date that does not exist")
    _sql(store, "UPDATE deadlines SET due_on = '2026-02-30' WHERE id = (SELECT min(id) FROM deadlines)")
    report = _verify(store)
    assert not report.ok and any("无法读取的值" in line for line in report.rows)
