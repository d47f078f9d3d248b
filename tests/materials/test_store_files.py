"""Material files in the store (issue 26): saved with the case or not at all, covered by
``clerk audit verify`` (a changed byte in the folder or in the bytea names case and material),
on SQLite and PostgreSQL through the ``store`` fixture."""

from __future__ import annotations

import os
import stat
from dataclasses import replace

import pytest
from sqlalchemy import text

from clerk.domain.accounts import Role
from clerk.domain.errors import IntakeError
from clerk.domain.intake import Outcome
from clerk.store.audit import verify_chain
from clerk.store.materials import blob_path
from tests.support.drafts import hygiene
from tests.support.scans import material_file, with_files


@pytest.fixture
def clerk_user(service):
    return service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")


def _verify(store):
    with store.session(write=False) as session:
        return verify_chain(session)


def _count(store, table: str) -> int:
    with store.connection(write=False) as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _stored_blobs(store) -> int:
    folder = store.materials_folder
    if folder is not None:
        return len(list(folder.glob("??/*.pdf"))) if folder.is_dir() else 0
    return _count(store, "material_blobs")


def test_a_case_is_saved_with_its_pages(store, service, clerk_user):
    draft = with_files(hygiene(), id_card=2, lease_contract=1)
    case = service.submit(clerk_user, 3, draft, Outcome.ACCEPT)
    assert [(f.material_key, f.pages, f.badge) for f in case.files] == [("id-card", 2, "▣2"),
                                                                        ("lease-contract", 1, "▣1")]
    assert case.file_of("id-card").sha256 == draft.files["id-card"].sha256
    assert _stored_blobs(store) == 2
    intake = next(e for e in case.events if e.action == "intake")
    assert intake.after["files"]["id-card"]["sha256"] == draft.files["id-card"].sha256
    report = _verify(store)
    assert report.ok, (report.message, report.rows)
    folder = store.materials_folder
    if folder is not None:  # beside the SQLite file, private
        assert folder.name == "clerk.db.materials" and (folder.parent / "clerk.db").is_file()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        path = blob_path(folder, case.file_of("id-card").sha256)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_bytes() == draft.files["id-card"].pdf


def test_the_same_pdf_is_kept_once(store, service, clerk_user):
    file = material_file("id-card", 1)
    for _ in range(2):
        service.submit(clerk_user, 3, replace(hygiene(), files={"id-card": file}), Outcome.ACCEPT)
    assert _count(store, "material_files") == 2
    assert _stored_blobs(store) == 1


def test_a_failed_save_leaves_neither_case_nor_pages(store, service, clerk_user, monkeypatch):
    import clerk.services.cases as cases

    def broken(*args, **kwargs):
        raise RuntimeError("printer queue broke")

    monkeypatch.setattr(cases, "queue_notice", broken)
    with pytest.raises(RuntimeError):
        service.submit(clerk_user, 3, with_files(hygiene(), id_card=2, hygiene_plan=1), Outcome.ACCEPT)
    assert _count(store, "cases") == 0
    assert _count(store, "material_files") == 0
    assert _stored_blobs(store) == 0
    folder = store.materials_folder
    if folder is not None and folder.is_dir():
        assert [p for p in folder.rglob("*") if p.is_file()] == []


def test_pages_of_a_material_not_on_the_checklist_are_refused(store, service, clerk_user):
    draft = with_files(hygiene(), id_card=1)
    bad = {**draft.files, "passport": material_file("passport")}
    assert any("passport" in p for p in service.preview(replace(draft, files=bad), Outcome.ACCEPT).problems)
    with pytest.raises(IntakeError, match="passport"):
        service.submit(clerk_user, 3, replace(draft, files=bad), Outcome.ACCEPT)
    assert _count(store, "cases") == 0 and _stored_blobs(store) == 0


def _tamper(store, sha256: str) -> None:
    folder = store.materials_folder
    if folder is not None:
        path = blob_path(folder, sha256)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
        return
    with store.connection() as conn:  # as the owner would, with psql
        conn.execute(text("UPDATE material_blobs SET data = overlay(data placing '\\x00'::bytea from 40 for 1)"
                          " WHERE sha256 = :s"), {"s": sha256})


def test_verify_names_the_case_and_material_of_a_changed_byte(store, service, clerk_user):
    case = service.submit(clerk_user, 3, with_files(hygiene(), id_card=2, lease_contract=1), Outcome.ACCEPT)
    _tamper(store, case.file_of("lease-contract").sha256)
    report = _verify(store)
    assert not report.ok
    assert [line for line in report.rows if case.number in line and "lease-contract" in line
            and "被替换或改动" in line], report.rows
    assert not [line for line in report.rows if "id-card" in line]


def test_verify_names_a_deleted_file(store, service, clerk_user):
    case = service.submit(clerk_user, 3, with_files(hygiene(), id_card=1), Outcome.ACCEPT)
    sha = case.file_of("id-card").sha256
    if store.materials_folder is not None:
        os.unlink(blob_path(store.materials_folder, sha))
    else:
        with store.connection() as conn:
            conn.execute(text("DELETE FROM material_blobs WHERE sha256 = :s"), {"s": sha})
    report = _verify(store)
    assert any(case.number in line and "id-card" in line and "已不存在" in line for line in report.rows), report.rows


def test_verify_names_an_edited_digest(store, service, clerk_user):
    case = service.submit(clerk_user, 3, with_files(hygiene(), id_card=1), Outcome.ACCEPT)
    with store.connection() as conn:
        conn.execute(text("UPDATE material_files SET pages = 5"))
    report = _verify(store)
    assert any("材料扫描件 material_files#" in line and "被改动" in line for line in report.rows), report.rows
    assert case.number
