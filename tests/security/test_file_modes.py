"""Files at rest: what clerk creates is 0600 (files) in 0700 folders, whatever the umask."""

from __future__ import annotations

import os
import stat

import pytest

from clerk.cli import main
from tests.conftest import FIXTURES
from tests.support.drafts import hygiene


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)  # the usual default: without care files come out 0644 in 0755 folders
    yield
    os.umask(old)


@pytest.fixture
def hall(tmp_path, monkeypatch, open_umask, capsys):
    for var in ("CLERK_FONT", "CLERK_PRINTER", "CLERK_PAPER", "CLERK_WINDOW", "CLERK_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "data" / "home"))
    monkeypatch.setenv("CLERK_CATALOG_DIR", str(FIXTURES / "catalog"))
    monkeypatch.setenv("CLERK_RECEIPTS_DIR", str(tmp_path / "receipts"))
    assert main(["setup"]) == 0
    return tmp_path


def test_the_store_after_clerk_setup(hall):
    home = hall / "data" / "home"
    assert mode(home) == 0o700 and mode(hall / "data") == 0o700
    assert mode(home / "clerk.db") == 0o600
    for leftover in home.iterdir():
        assert mode(leftover) & 0o077 == 0, leftover


def test_wal_and_shm_while_a_window_works(hall):
    from clerk.config import load_settings
    from clerk.store.engine import Store

    store = Store.from_settings(load_settings())
    with store.connection(write=True) as conn:
        from sqlalchemy import text

        conn.execute(text("UPDATE clerk_accounts SET name = name"))
    home = hall / "data" / "home"
    siblings = [p for p in home.iterdir() if p.name.startswith("clerk.db-")]
    assert {p.name for p in siblings} >= {"clerk.db-wal", "clerk.db-shm"}
    assert {p.name: mode(p) for p in siblings} == {p.name: 0o600 for p in siblings}
    store.dispose()


def test_an_existing_loose_store_is_tightened(hall):
    from clerk.config import load_settings
    from clerk.store.engine import Store

    db = hall / "data" / "home" / "clerk.db"
    os.chmod(db, 0o644)
    store = Store.from_settings(load_settings())
    store.engine  # noqa: B018
    assert mode(db) == 0o600
    store.dispose()


def test_a_printed_notice_and_its_date_folder(hall):
    from clerk.config import load_settings
    from clerk.domain.intake import Outcome
    from clerk.integration.printing import CasePrinter
    from clerk.services.cases import CaseService

    cases = CaseService.from_settings(load_settings())
    clerk = cases.authenticate("1001", "clerk123", new_password="Window#2026")
    number = cases.submit(clerk, 3, hygiene(), Outcome.ACCEPT).number
    (outcome,) = CasePrinter(load_settings()).print_case(cases, number, clerk, 3)
    assert outcome.ok
    pdf = outcome.path
    assert pdf.parent.parent == hall / "receipts"
    assert mode(pdf) == 0o600
    assert mode(pdf.parent) == 0o700  # the day's folder
    assert mode(hall / "receipts") == 0o700
    assert not list(pdf.parent.glob("*.part"))
