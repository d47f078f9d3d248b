"""Opening a scan is an audited view, refused to roles that may not see personal data unmasked;
the retention purge removes the bytes of closed cases, keeps their digests, and verify still
passes (issue 26; SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from clerk.domain.accounts import Role
from clerk.domain.errors import PermissionDenied, ServiceError
from clerk.domain.intake import Outcome
from clerk.services.materials import MaterialService
from clerk.store.audit import verify_chain
from clerk.store.materials import blob_path
from tests.support.drafts import hygiene
from tests.support.scans import with_files


@pytest.fixture
def people(service):
    add = service.add_user
    return {"window": add(None, "w01", "张三", Role.WINDOW, "secret1"),
            "office": add(None, "b01", "赵六", Role.BACKOFFICE, "secret1"),
            "mail": add(None, "m01", "钱七", Role.MAILROOM, "secret1"),
            "admin": add(None, "a01", "孙八", Role.ADMIN, "secret1")}


def _views(store, number: str) -> list[dict]:
    with store.connection(write=False) as conn:
        rows = conn.execute(text("SELECT actor, after FROM audit_events WHERE action = 'view' AND case_number = :n"
                                 " ORDER BY seq"), {"n": number}).all()
    import json

    return [(actor, after if isinstance(after, dict) else json.loads(after)) for actor, after in rows]


def _verify(store):
    with store.session(write=False) as session:
        return verify_chain(session)


def test_the_back_office_opens_a_scan_and_the_view_is_audited(store, service, people):
    draft = with_files(hygiene(), id_card=2)
    case = service.submit(people["window"], 3, draft, Outcome.ACCEPT)
    opened = MaterialService(service).open(people["office"], case.number, case.file_of("id-card").id, window=30)
    assert opened.pdf == draft.files["id-card"].pdf and opened.pages == 2
    assert _views(store, case.number) == [("b01", {"material": "id-card", "file": case.file_of("id-card").id,
                                                   "sha256": draft.files["id-card"].sha256})]
    assert _verify(store).ok


@pytest.mark.parametrize("who", ["mail", "admin"])
def test_roles_without_unmasked_sight_cannot_open_scans(store, service, people, who):
    case = service.submit(people["window"], 3, with_files(hygiene(), id_card=1), Outcome.ACCEPT)
    with pytest.raises(PermissionDenied, match="无权查看材料扫描件"):
        MaterialService(service).open(people[who], case.number, case.file_of("id-card").id)
    assert _views(store, case.number) == []


def test_a_tampered_scan_is_not_handed_out(store, service, people):
    case = service.submit(people["window"], 3, with_files(hygiene(), id_card=1), Outcome.ACCEPT)
    sha = case.file_of("id-card").sha256
    if store.materials_folder is not None:
        blob_path(store.materials_folder, sha).write_bytes(b"%PDF-1.4 forged")
    else:
        with store.connection() as conn:
            conn.execute(text("UPDATE material_blobs SET data = '\\x25504446'::bytea WHERE sha256 = :s"), {"s": sha})
    with pytest.raises(ServiceError, match="已被改动"):
        MaterialService(service).open(people["office"], case.number, case.file_of("id-card").id)
    assert _views(store, case.number) == []


def test_purge_removes_the_bytes_of_closed_cases_and_verify_still_passes(store, service, people, clock):
    closed = service.submit(people["window"], 3, with_files(hygiene(), id_card=2, lease_contract=1),
                            Outcome.REJECT, "申请人不符合条件")
    still_open = service.submit(people["window"], 3, with_files(hygiene(), hygiene_plan=1), Outcome.ACCEPT)
    clock.advance(days=40)
    materials = MaterialService(service)
    with pytest.raises(PermissionDenied):
        materials.purge(people["window"], date(2026, 12, 1))
    report = materials.purge(people["admin"], date(2026, 12, 1))
    assert report.files == 2 and report.cases == (closed.number,) and report.bytes > 0
    after = service.get(closed.number)
    assert [(f.material_key, f.purged, f.badge) for f in after.files] == [("id-card", True, "▣—"),
                                                                           ("lease-contract", True, "▣—")]
    assert after.file_of("id-card").sha256 == closed.file_of("id-card").sha256  # the digest stays
    assert not service.get(still_open.number).file_of("hygiene-plan").purged
    if store.materials_folder is not None:
        assert not blob_path(store.materials_folder, closed.file_of("id-card").sha256).exists()
        assert blob_path(store.materials_folder, still_open.file_of("hygiene-plan").sha256).exists()
    else:
        with store.connection(write=False) as conn:
            assert conn.execute(text("SELECT count(*) FROM material_blobs")).scalar_one() == 1
    assert [e.action for e in after.events][-1] == "purge_materials"
    report = _verify(store)
    assert report.ok, (report.message, report.rows)
    with pytest.raises(ServiceError, match="已按保存期限清理"):
        materials.open(people["office"], closed.number, after.file_of("id-card").id)
    assert materials.purge(people["admin"], date(2026, 12, 1)).files == 0  # nothing left to purge


def test_purge_keeps_cases_closed_after_the_date(store, service, people, clock):
    service.submit(people["window"], 3, with_files(hygiene(), id_card=1), Outcome.REJECT, "申请人不符合条件")
    received = clock().date()
    report = MaterialService(service).purge(people["admin"], received - timedelta(days=1))
    assert report.files == 0
