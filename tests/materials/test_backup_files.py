"""``clerk db backup`` carries the material files of an SQLite store (the folder beside the
file), its verification reads them, restore brings them back; ``clerk db purge-materials`` as
the administrator; a pg_dump carries them on PostgreSQL (issue 26)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile

import pytest
from sqlalchemy import text

from clerk.cli import main
from clerk.domain.accounts import Role
from clerk.domain.intake import Outcome
from clerk.store.materials import blob_path, folder_beside
from tests.install.test_backup import _pg_tool, hall  # noqa: F401  (the set-up SQLite home)
from tests.support.accounts import as_admin, ready_admin
from tests.support.drafts import hygiene
from tests.support.scans import with_files


@pytest.fixture
def desk(hall, catalog, calendar, clock):  # noqa: F811
    from clerk.services.cases import CaseService

    admin = ready_admin(hall)
    service = CaseService(hall, catalog, calendar, clock)
    window = service.add_user(admin, "w09", "张三", Role.WINDOW, "secret1")
    return service, window


def test_backup_carries_the_files_and_restore_brings_them_back(hall, desk, tmp_path, capsys, monkeypatch):  # noqa: F811
    service, window = desk
    draft = with_files(hygiene(), id_card=2, lease_contract=1)
    case = service.submit(window, 3, draft, Outcome.ACCEPT)
    copy = tmp_path / "backup.db"
    assert main(["db", "backup", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "材料扫描件 2 个" in out and "审计链完整" in out
    files = folder_beside(copy)
    assert stat.S_IMODE(files.stat().st_mode) == 0o700
    kept = blob_path(files, case.file_of("id-card").sha256)
    assert kept.read_bytes() == draft.files["id-card"].pdf and stat.S_IMODE(kept.stat().st_mode) == 0o600

    live = blob_path(hall.materials_folder, case.file_of("id-card").sha256)
    live.write_bytes(b"%PDF-1.4 replaced")  # damage after the backup
    assert main(["audit", "verify"]) == 1
    assert case.number in capsys.readouterr().err
    hall.dispose()
    assert as_admin(monkeypatch, ["db", "restore", str(copy), "--yes"]) == 0
    assert live.read_bytes() == draft.files["id-card"].pdf
    assert main(["audit", "verify"]) == 0


def test_a_backup_whose_files_do_not_verify_is_not_kept(hall, desk, tmp_path, capsys, monkeypatch):  # noqa: F811
    service, window = desk
    case = service.submit(window, 3, with_files(hygiene(), id_card=1), Outcome.ACCEPT)
    blob_path(hall.materials_folder, case.file_of("id-card").sha256).write_bytes(b"%PDF-1.4 replaced")
    copy = tmp_path / "backup.db"
    assert main(["db", "backup", str(copy)]) == 1
    assert "id-card" in capsys.readouterr().err
    assert not copy.exists() and not folder_beside(copy).exists()


def test_purge_materials_command_is_the_administrators_and_verify_passes(hall, desk, capsys, monkeypatch, clock):  # noqa: F811
    service, window = desk
    case = service.submit(window, 3, with_files(hygiene(), id_card=1), Outcome.REJECT, "申请人不符合条件")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(""))
    assert main(["db", "purge-materials", "--before", "2030-01-01"]) == 1
    assert "管理员" in capsys.readouterr().err
    assert main(["db", "purge-materials"]) == 2  # no date and no retention set
    capsys.readouterr()
    assert as_admin(monkeypatch, ["db", "purge-materials", "--before", "2030-01-01"]) == 0
    assert "1 件案件的 1 份扫描件" in capsys.readouterr().out
    assert not blob_path(hall.materials_folder, case.file_of("id-card").sha256).exists()
    assert service.get(case.number).file_of("id-card").purged
    assert main(["audit", "verify"]) == 0


def test_purge_removes_files_a_killed_save_left_behind(hall, desk, capsys, monkeypatch):  # noqa: F811
    service, window = desk
    service.submit(window, 3, with_files(hygiene(), id_card=1), Outcome.ACCEPT)
    stray = blob_path(hall.materials_folder, "ab" * 32)
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"%PDF-1.4 never committed")
    assert as_admin(monkeypatch, ["db", "purge-materials", "--before", "2020-01-01"]) == 0
    assert "残留文件 1 个" in capsys.readouterr().out
    assert not stray.exists()
    assert main(["audit", "verify"]) == 0


@pytest.mark.postgres
def test_a_pg_dump_carries_the_files(pg_server, service, store):
    from clerk.services.materials import MaterialService
    from clerk.store.audit import verify_chain
    from clerk.store.engine import Store

    if store.is_sqlite:
        pytest.skip("PostgreSQL half only")
    window = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    office = service.add_user(None, "b01", "赵六", Role.BACKOFFICE, "secret1")
    draft = with_files(hygiene(), id_card=2)
    case = service.submit(window, 3, draft, Outcome.ACCEPT)
    source = store.url.rsplit("/", 1)[1]
    folder = tempfile.mkdtemp(prefix="clerk-dump-")
    dump = os.path.join(folder, "clerk.dump")
    base = ["-h", pg_server.host, "-p", str(pg_server.port), "-U", "postgres"]
    try:
        subprocess.run([_pg_tool("pg_dump"), *base, "-Fc", "-f", dump, source], check=True, capture_output=True)
        target = pg_server.create_database()
        subprocess.run([_pg_tool("pg_restore"), *base, "--no-owner", "-d", target, dump], check=True,
                       capture_output=True)
        restored = Store(pg_server.url(target))
        try:
            with restored.session(write=False) as session:
                report = verify_chain(session)
            with restored.connection(write=False) as conn:
                assert conn.execute(text("SELECT count(*) FROM material_blobs")).scalar_one() == 1
            again = service.__class__(restored, service.catalog, service.calendar, service.clock)
            opened = MaterialService(again).open(office, case.number, case.file_of("id-card").id)
        finally:
            restored.dispose()
            pg_server.drop_database(target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert report.ok, report.rows
    assert opened.pdf == draft.files["id-card"].pdf
