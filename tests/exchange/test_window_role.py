"""At a hall on PostgreSQL with ``clerk db roles``, the windows' role can import and export packets
(migration 0018's grants), but cannot rewrite or remove the record of an applied packet."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from clerk.domain.errors import StoreRefused
from clerk.domain.intake import Outcome
from clerk.domain.views import Decision
from tests.support.drafts import hygiene
from tests.support.exchange import HALL_B
from tests.support.pgroles import as_role, run_db_roles
from tests.support.scans import with_files

pytestmark = pytest.mark.postgres


def test_the_windows_role_imports_and_exports_but_cannot_rewrite_the_record(two_halls, monkeypatch, capsys):
    from clerk.exchange.service import ExchangeService
    from clerk.services.cases import CaseService
    from clerk.services.desk import DeskService
    from clerk.store.engine import Store

    a, b = two_halls
    code, out, err = run_db_roles(b.store.url, monkeypatch, capsys)
    assert code == 0, err
    window_store = Store(as_role(b.store.url, "clerk_window"))
    try:
        cases = CaseService(window_store, b.cases.catalog, b.cases.calendar, b.cases.clock, hall_code="NS")
        exchange = ExchangeService(cases, b.hall_id, "南山", b.exchange.key_file, b.exchange.trusted_keys)
        taken = a.cases.submit(a.users["window"], 3, with_files(hygiene(), id_card=1), Outcome.ACCEPT)
        arrived = exchange.import_packet(b.users["window"], 5, a.exchange.export(
            a.users["window"], 3, taken.number, to=HALL_B).data)
        DeskService(cases).record_decision(b.users["office"], 30, arrived.number, Decision.APPROVED)
        done = exchange.export(b.users["window"], 5, arrived.number)
        assert a.exchange.import_packet(a.users["window"], 3, done.data).state == "准予许可"
        for sql in ("UPDATE exchange_packets SET sequence = 9", "DELETE FROM exchange_packets",
                    "DELETE FROM exchange_cases"):
            with pytest.raises(StoreRefused):
                with window_store.connection() as conn:
                    conn.execute(text(sql))
        assert cases.verify_audit().ok
    finally:
        window_store.dispose()
