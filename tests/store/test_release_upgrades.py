"""Stores made by earlier releases upgrade to today's head and go on working.

The stores are real: tests/fixtures/releases/<schema>/ holds a SQLite file and a PostgreSQL
dump that the released code of that schema made and filled (make_fixtures.py there, run by
hand), with the hall key it used and a manifest read back from each store.  From each:
``clerk db upgrade`` → every row kept → ``clerk audit verify`` → ``clerk db backup`` (SQLite;
PostgreSQL has no clerk backup command, its backups are pg_dump, docs/deploy.md) → an old
case found by its number with its applicant → an old account signs in with its password →
a new visit saves → verify again.  The head is whatever the migrations say, not a number here.
"""

from __future__ import annotations

import json
import lzma
import os
import shutil
import stat
from pathlib import Path

import pytest

from clerk.catalog.model import Delivery, Need
from clerk.config import Settings, get_settings
from clerk.domain.intake import IntakeDraft, MaterialMark, MaterialStatus, Outcome
from clerk.services.cases import CaseService
from clerk.services.lookup import LookupService
from clerk.store.engine import Store
from clerk.store.hallkey import ensure_hall_key
from clerk.store.migrate import current_revision, head_revision
from tests.support.cli import run
from tests.support.drafts import PERSON

RELEASES = Path(__file__).resolve().parent.parent / "fixtures" / "releases"
SCHEMAS = ("0005", "0011", "0013", "0014")
#: tables a migration may add rows to (an upgrade's audit event, the key binding, row writes)
MAY_GROW = {"audit_events", "clerk_key_binding", "clerk_hall_key", "clerk_row_writes"}
NEW_PASSWORD = "Window-2026-Dec"


def _manifest(schema: str, backend: str) -> dict:
    return json.loads((RELEASES / schema / f"{backend}.json").read_text(encoding="utf-8"))


def _restore(schema: str, backend: str, tmp_path: Path, request) -> str:
    """The release's store, restored as it was made; its URL."""
    if backend == "sqlite":
        db = tmp_path / "clerk.db"
        db.write_bytes(lzma.decompress((RELEASES / schema / "sqlite.db.xz").read_bytes()))
        db.chmod(0o600)
        return f"sqlite:///{db}"
    import psycopg

    server = request.getfixturevalue("pg_server")
    name = server.create_database()
    request.addfinalizer(lambda: server.drop_database(name))
    sql = lzma.decompress((RELEASES / schema / "postgresql.sql.xz").read_bytes()).decode("utf-8")
    with psycopg.connect(host=server.host, port=server.port, user="postgres", dbname=name,
                         autocommit=True) as conn:
        conn.execute(sql.encode("utf-8"))  # a plain dump without psql meta-commands
    return server.url(name)


def _hall_key(schema: str, tmp_path: Path) -> Path:
    """The key the release made its store with; 0005 had none (its chain was unkeyed), so the
    hall makes one at upgrade, as ``clerk setup`` would."""
    path = tmp_path / "key" / "hall.key"
    path.parent.mkdir()
    kept = RELEASES / schema / "hall.key"
    if kept.exists():
        shutil.copyfile(kept, path)
        path.chmod(0o600)
    else:
        ensure_hall_key(Settings.defaults(key_file=path))
    return path


def _counts(store: Store) -> dict[str, int]:
    import sqlalchemy as sa

    with store.engine.connect() as conn:
        return {t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                for t in sa.inspect(conn).get_table_names()}


def _events(store: Store) -> list[tuple[str, dict | None]]:
    import sqlalchemy as sa

    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT action, after FROM audit_events ORDER BY seq")).all()
    return [(action, json.loads(after) if isinstance(after, str) else after) for action, after in rows]


def _new_visit(service: CaseService) -> IntakeDraft:
    """A complete visit for an item of the shipped catalog with no questions to answer."""
    item = next(it for _, it in sorted(service.catalog.items.items())
                if not it.situations and all(m.alt_group is None for m in it.materials)
                and any(m.need is Need.REQUIRED for m in it.materials) and Delivery.PICKUP in it.deliveries)
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, max(e.material.copies, 1))
             for e in service.catalog.checklist(item.code).entries}
    return IntakeDraft(item.code, PERSON, Delivery.PICKUP, {}, marks)


@pytest.fixture
def release_store(request, backend, tmp_path, monkeypatch, cheap_password_hashing):
    """(schema, manifest, store URL) with the environment a window of the hall has: the store's
    URL, its hall key, no config file, the shipped catalog."""
    schema = request.param
    url = _restore(schema, backend, tmp_path, request)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLERK_DATABASE_URL", url)
    monkeypatch.setenv("CLERK_KEY_FILE", str(_hall_key(schema, tmp_path)))
    monkeypatch.delenv("CLERK_CATALOG_DIR", raising=False)
    get_settings.cache_clear()
    yield schema, _manifest(schema, backend), url
    get_settings.cache_clear()


@pytest.mark.parametrize("release_store", SCHEMAS, indirect=True)
def test_release_store_upgrades_keeps_rows_verifies_backs_up_and_serves(release_store, backend, tmp_path,
                                                                        capsys):
    schema, manifest, url = release_store
    assert manifest["schema"] == schema and manifest["release_commit"]

    status, errors, out = run(["db", "upgrade"], capsys)
    assert status == 0, errors
    store = Store.from_settings(get_settings())
    try:
        assert current_revision(store) == head_revision()

        counts = _counts(store)
        for table, before in manifest["row_counts"].items():
            if table == "alembic_version":
                continue
            assert table in counts, f"table {table} of release {schema} is gone"
            if table in MAY_GROW:
                assert counts[table] >= before, (table, counts[table], before)
            else:
                assert counts[table] == before, (table, counts[table], before)

        if schema < "0007":  # 0007 adds columns to the accounts 0006 attested: the upgrade says so
            assert any(a == "schema_upgrade" and (after or {}).get("from") == schema
                       for a, after in _events(store)), "no re-attesting event for the changed rows"

        status, errors, out = run(["audit", "verify"], capsys)
        assert status == 0, errors

        if backend == "sqlite":  # PostgreSQL is backed up with pg_dump (docs/deploy.md), not by clerk
            copy = tmp_path / "backup" / "clerk-backup.db"
            copy.parent.mkdir()
            status, errors, out = run(["db", "backup", str(copy)], capsys)
            assert status == 0, errors
            assert stat.S_IMODE(copy.stat().st_mode) == 0o600

        service = CaseService.from_settings(get_settings(), store=store)
        window_clerk = next(a for a in manifest["accounts"] if a.startswith("1"))
        user = service.authenticate(window_clerk, manifest["password"], window=3, new_password=NEW_PASSWORD)
        assert user.id == window_clerk

        number = manifest["case_numbers"][0]
        old = LookupService(service).open(user, number, window=3)
        assert old.number == number and old.applicant.name and old.applicant.id_number

        new = service.submit(user, 3, _new_visit(service), Outcome.ACCEPT)
        assert LookupService(service).open(user, new.number, window=3).applicant.name == PERSON.name
        assert new.number != number

        status, errors, out = run(["audit", "verify"], capsys)
        assert status == 0, errors
    finally:
        store.dispose()
