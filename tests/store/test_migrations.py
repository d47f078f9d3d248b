"""Migrations: head matches the tables, and an old database with rows upgrades intact."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, text
from sqlmodel.sql.sqltypes import UTCDateTime

from clerk.store.migrate import current_revision, head_revision, upgrade


def test_head_revision_matches_the_table_classes(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with store.connection() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []
    assert current_revision(store) == head_revision()


def test_upgrade_is_idempotent(store):
    assert upgrade(store) == (head_revision(), head_revision())


def _insert_0001_rows(conn) -> None:
    """Rows as revision 0001 wrote them: datetimes in SQLAlchemy's stored form (what the application
    always wrote; ``clerk audit verify`` names any other spelling)."""
    at = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    stamped = bindparam("at", type_=UTCDateTime())
    conn.execute(text("INSERT INTO case_counters (day, hall, last) VALUES ('20261124', 'SF', 1)"))
    conn.execute(
        text(
            "INSERT INTO cases (number, code, name, department, is_bundle, item_kind, catalog_version, checklist,"
            " marks, applicant_kind, applicant_name, applicant_id_number, applicant_phone, applicant_address,"
            " applicant_postcode, delivery, \"window\", clerk_id, state, outcome, received_at, due_provisional,"
            " reason, version, updated_at) VALUES ('20261124-SF-0001', 'T-JB-003', '个体工商户名称查询', '', :f,"
            " '即办件', 'v0', :cl, '{}', '个人', '赵六', '11010519491231002X', '13812345678', '', '', '窗口领取',"
            " 2, 'w01', '即办办结', 'accept', :at, :f, '', 1, :at)"
        ).bindparams(stamped),
        {"f": False, "at": at, "cl": '{"catalog_version": "v0", "item_codes": ["T-JB-003"], "answers": [], "entries": []}'},
    )
    for kind, status in (("on_the_spot", "printed"), ("acceptance", "queued")):
        conn.execute(
            text("INSERT INTO notices (case_id, kind, paper, path, sha256, status, reason, created_at)"
                 " VALUES (1, :k, 'a4', '', '', :s, '', :at)").bindparams(stamped),
            {"k": kind, "s": status, "at": at},
        )


def test_database_with_rows_at_0001_upgrades_without_loss(empty_store, catalog, calendar, clock):
    assert upgrade(empty_store, "0001") == (None, "0001")
    with empty_store.connection() as conn:
        _insert_0001_rows(conn)

    assert upgrade(empty_store) == ("0001", head_revision())

    with empty_store.connection(write=False) as conn:
        cases = conn.execute(text("SELECT number, applicant_name, state FROM cases")).all()
        notices = conn.execute(text("SELECT kind, status, attempts, is_reprint FROM notices ORDER BY id")).all()
    assert [tuple(r) for r in cases] == [("20261124-SF-0001", "赵六", "即办办结")]
    # 0005 renamed the stored kinds to the printing layer's names
    assert [tuple(r) for r in notices] == [("on-the-spot", "printed", 1, False), ("promised", "queued", 0, False)]

    # The upgraded store serves the old case and numbers on from the old counter.
    from clerk.services.cases import CaseService

    service = CaseService(empty_store, catalog, calendar, clock)
    old = service.get("20261124-SF-0001")
    assert old.applicant.name == "赵六" and old.notices[0].attempts == 1
    assert [s.number for s in service.find("赵六")] == ["20261124-SF-0001"]


def _insert_legacy_events(conn) -> None:
    """Two events as revision 0001-0005 wrote them: unkeyed SHA-256, no row digests."""
    from clerk.store.audit import GENESIS_HASH, event_hash

    prev = GENESIS_HASH
    for seq, action in ((1, "intake"), (2, "print")):
        event = {"seq": seq, "at": datetime(2026, 11, 24, 2, seq, tzinfo=UTC), "actor": "w01", "window": 2,
                 "case_number": "20261124-SF-0001", "action": action, "before": None, "after": {"n": seq}}
        digest = event_hash(prev, event)
        conn.execute(text("INSERT INTO audit_events (seq, at, actor, \"window\", case_number, action, before, after,"
                          " prev_hash, hash) VALUES (:seq, :at, :actor, :window, :case_number, :action, NULL,"
                          " :after, :prev, :hash)"),
                     event | {"after": '{"n": %d}' % seq, "prev": prev, "hash": digest})
        prev = digest
    conn.execute(text("UPDATE audit_head SET seq = 2, hash = :h WHERE id = 1"), {"h": prev})


def test_0006_keeps_every_case_and_extends_the_chain(empty_store, catalog, calendar, clock, cheap_password_hashing):
    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome
    from clerk.services.cases import CaseService
    from clerk.store.audit import verify_chain
    from clerk.store.tracked import hash_algorithm
    from tests.support.drafts import hygiene

    assert upgrade(empty_store, "0001") == (None, "0001")
    with empty_store.connection() as conn:
        _insert_0001_rows(conn)
        _insert_legacy_events(conn)
    upgrade(empty_store, "0005")
    assert upgrade(empty_store) == ("0005", head_revision())

    def verify():
        with empty_store.session(write=False) as session:
            return verify_chain(session)

    report = verify()
    assert report.ok, (report.message, report.rows)
    assert report.events == 3 and report.row_count == 3  # two legacy events + the baseline; 1 case, 2 notices
    with empty_store.connection(write=False) as conn:
        baseline = conn.execute(text("SELECT action, actor, alg FROM audit_events WHERE seq = 3")).one()
        assert tuple(baseline) == ("baseline", "system", hash_algorithm())
        assert conn.execute(text("SELECT number, applicant_name FROM cases")).all() == [("20261124-SF-0001", "赵六")]

    # The chain goes on: new work after the upgrade verifies with the old part.
    service = CaseService(empty_store, catalog, calendar, clock)
    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    service.submit(clerk, 2, hygiene(), Outcome.ACCEPT)
    assert verify().ok

    # Tampering with the old case after the upgrade is named; so is an edit of a legacy event.
    with empty_store.connection() as conn:
        conn.execute(text("UPDATE cases SET applicant_name = '李四' WHERE number = '20261124-SF-0001'"))
    report = verify()
    assert not report.ok and any("cases#1：" in line for line in report.rows)
    with empty_store.connection() as conn:
        conn.execute(text("UPDATE cases SET applicant_name = '赵六' WHERE number = '20261124-SF-0001'"))
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1"))
    report = verify()
    assert not report.ok and report.bad_seq == 1
    if empty_store.dialect == "postgresql":  # the reverted edit was still made behind the services' back
        assert report.rows and all("cases#1：" in line and "绕过系统改动" in line for line in report.rows)
    else:
        assert not report.rows


def test_0006_on_an_empty_store_needs_no_key(empty_store, tmp_path):
    from clerk.config import Settings
    from clerk.store.engine import Store

    keyless = Store(empty_store.url, settings=Settings.defaults(key_file=tmp_path / "none.key"))
    try:
        assert upgrade(keyless)[1] == head_revision()
    finally:
        keyless.dispose()


def test_0006_with_rows_and_no_key_says_so(empty_store, tmp_path):
    import pytest

    from clerk.config import Settings
    from clerk.store.engine import Store
    from clerk.store.hallkey import HallKeyError

    upgrade(empty_store, "0001")
    with empty_store.connection() as conn:
        _insert_0001_rows(conn)
    keyless = Store(empty_store.url, settings=Settings.defaults(key_file=tmp_path / "none.key"))
    try:
        with pytest.raises(HallKeyError, match="找不到大厅密钥文件"):
            upgrade(keyless)
        assert current_revision(keyless) == "0001"  # rolled back as a whole
    finally:
        keyless.dispose()


def test_a_0011_store_upgrades_and_its_file_sealed_events_keep_verifying(empty_store, catalog, calendar, clock,
                                                                         cheap_password_hashing, tmp_path):
    """The previous release sealed with the key file; after 0012 those events still verify,
    and on PostgreSQL new events are sealed by the database and a window without any key
    file verifies the whole chain (the database checks the old seals with its copy of the key)."""
    from clerk.config import Settings
    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome
    from clerk.services.cases import CaseService
    from clerk.store.audit import verify_chain
    from clerk.store.engine import Store
    from clerk.store.tracked import DB_ALG, hash_algorithm
    from tests.support.drafts import hygiene

    upgrade(empty_store, "0001")
    with empty_store.connection() as conn:
        _insert_0001_rows(conn)
        _insert_legacy_events(conn)
    upgrade(empty_store, "0011")  # 0006 attested the old case in an event sealed by the key file
    assert upgrade(empty_store) == ("0011", head_revision())

    service = CaseService(empty_store, catalog, calendar, clock)
    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    new_number = service.submit(clerk, 2, hygiene(), Outcome.ACCEPT).number
    with empty_store.connection(write=False) as conn:
        algs = dict(conn.execute(text("SELECT action, alg FROM audit_events WHERE action IN ('baseline', 'intake')"
                                      " AND (case_number IS NULL OR case_number = :n)"), {"n": new_number}).all())
    postgres = empty_store.dialect == "postgresql"
    assert algs == {"baseline": hash_algorithm(), "intake": DB_ALG if postgres else hash_algorithm()}
    with empty_store.session(write=False) as session:
        report = verify_chain(session, key=empty_store.hall_key())
    assert report.ok, (report.message, report.rows)
    if postgres:
        keyless = Store(empty_store.url, settings=Settings.defaults(key_file=tmp_path / "none.key"))
        try:
            with keyless.session(write=False) as session:
                report = verify_chain(session)
            assert report.ok, (report.message, report.rows)
            with keyless.connection() as conn:  # an old, file-sealed event edited: named without the key
                conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE action = 'baseline'"))
            with keyless.session(write=False) as session:
                report = verify_chain(session)
            assert not report.ok and "被改动" in report.message
        finally:
            keyless.dispose()
