"""The shared PostgreSQL server restarts in the middle of the day.

While it is down every call raises ``StoreUnavailable`` with a Chinese
message (the UI keeps the draft and retries: tests/tui/test_scan_and_lookup.py
``test_a_visit_survives_a_store_outage``); once it is back the same
``CaseService`` and ``Store`` work again without being reopened, and nothing
was lost or written twice.
"""

from __future__ import annotations

import re

import pytest

from bench.hall_checks import check_store
from tests.support.drafts import hygiene, incomplete_hygiene

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def pg_service(restartable_pg, catalog, calendar, clock, cheap_password_hashing):
    from clerk.services.cases import CaseService
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade

    name = restartable_pg.server.create_database()
    store = Store(restartable_pg.server.url(name))
    upgrade(store)
    try:
        yield CaseService(store, catalog, calendar, clock, hall_code="SF")
    finally:
        store.dispose()
        restartable_pg.server.drop_database(name)


@pytest.mark.parametrize("mode", ["fast", "immediate"])  # orderly restart, and a crash
@pytest.mark.slow
def test_service_reports_the_outage_and_carries_on_after_restart(restartable_pg, pg_service, mode):
    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome
    from clerk.store.errors import StoreUnavailable

    service = pg_service
    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    committed = [service.submit(clerk, 1, hygiene(), Outcome.ACCEPT).number for _ in range(3)]
    fallback = service.submit(clerk, 1, incomplete_hygiene(), Outcome.FALLBACK)
    committed.append(fallback.number)

    restartable_pg.stop(mode)
    try:
        calls = {
            "submit": lambda: service.submit(clerk, 1, hygiene(), Outcome.ACCEPT),
            "get": lambda: service.get(committed[0]),
            "find": lambda: service.find("王五"),
            "reject": lambda: service.reject(clerk, 1, fallback.number, "申请人撤回申请"),
        }
        for name, call in calls.items():
            with pytest.raises(StoreUnavailable) as raised:
                call()
            assert CJK.search(str(raised.value)), f"{name}: message for the clerk is not Chinese: {raised.value}"
    finally:
        restartable_pg.start()

    # Same service, same Store object: the pool's dead connections are replaced on use.
    committed.append(service.submit(clerk, 1, hygiene(), Outcome.ACCEPT).number)
    assert service.get(committed[0]).number == committed[0]
    rejected = service.reject(clerk, 1, fallback.number, "申请人撤回申请")
    assert rejected.state.value == "不予受理"
    numbers = sorted(s.number for s in service.find("王五"))
    assert numbers == sorted(committed)  # the failed submit left nothing behind
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, len(committed) + 1))
    assert check_store(service.store, reported=committed) == []
