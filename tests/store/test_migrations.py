"""Migrations: head matches the tables, and an old database with rows upgrades intact."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

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
    at = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    conn.execute(text("INSERT INTO case_counters (day, hall, last) VALUES ('20261124', 'SF', 1)"))
    conn.execute(
        text(
            "INSERT INTO cases (number, code, name, department, is_bundle, item_kind, catalog_version, checklist,"
            " marks, applicant_kind, applicant_name, applicant_id_number, applicant_phone, applicant_address,"
            " applicant_postcode, delivery, \"window\", clerk_id, state, outcome, received_at, due_provisional,"
            " reason, version, updated_at) VALUES ('20261124-SF-0001', 'T-JB-003', '个体工商户名称查询', '', :f,"
            " '即办件', 'v0', :cl, '{}', '个人', '赵六', '11010519491231002X', '13812345678', '', '', '窗口领取',"
            " 2, 'w01', '即办办结', 'accept', :at, :f, '', 1, :at)"
        ),
        {"f": False, "at": at, "cl": '{"catalog_version": "v0", "item_codes": ["T-JB-003"], "answers": [], "entries": []}'},
    )
    for kind, status in (("on_the_spot", "printed"), ("acceptance", "queued")):
        conn.execute(
            text("INSERT INTO notices (case_id, kind, paper, path, sha256, status, reason, created_at)"
                 " VALUES (1, :k, 'a4', '', '', :s, '', :at)"),
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
