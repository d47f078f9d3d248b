"""A station on the extranet: what one save of a visit costs in round trips to the district store.

Every round trip costs a station the link's round-trip time (docs/deploy.md, "Stations on the
extranet"), so the window's save is counted, not timed: the bench's ``DelayProxy`` (asyncio, no
root) stands between a real PostgreSQL and the window's own ``Store``/``CaseService``/
``VisitSaver`` and counts the requests the client waited for (BEGIN, COMMIT, the pool's ping,
every statement, psycopg's prepares).  Before the station work a save took 26 round trips
(40 on the save where psycopg prepared its statements).  ``python -m bench.bench_station_latency
--trace`` lists them one by one.
"""

from __future__ import annotations

import time
import uuid

import pytest

from bench.bench_station_latency import DelayProxy
from clerk.domain.accounts import Role
from clerk.domain.intake import Outcome
from tests.support.drafts import hygiene

pytestmark = pytest.mark.postgres

#: the most round trips one save of a visit may take (a plain one: a case, a deadline, notices)
SAVE_ROUND_TRIPS = 12


@pytest.fixture
def station(pg_server, store_templates, catalog, calendar, cheap_password_hashing):
    """(proxy, CaseService, window clerk): the window's store reaches PostgreSQL through a DelayProxy."""
    from clerk.services.cases import CaseService
    from clerk.store.engine import Store

    direct, name = store_templates.postgres_store(pg_server)
    setup = CaseService(direct, catalog, calendar)
    clerk = setup.add_user(None, "w01", "站点窗口", Role.WINDOW, "Station#2026")
    direct.dispose()
    proxies = []

    def through(rtt_ms: float):
        proxy = DelayProxy(pg_server.port, rtt_ms).__enter__()
        proxies.append(proxy)
        store = Store(f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/{name}", statement_timeout=30)
        return proxy, CaseService(store, catalog, calendar)

    try:
        yield through, clerk
    finally:
        for proxy in proxies:
            proxy.__exit__(None, None, None)
        pg_server.drop_database(name)


def _trips(proxy: DelayProxy, call) -> tuple[int, object]:
    before = proxy.round_trips
    result = call()
    return proxy.round_trips - before, result


def test_a_save_of_a_visit_takes_few_round_trips_every_time(station):
    from clerk.services.visits import VisitSaver

    through, clerk = station
    proxy, cases = through(0)
    saver = VisitSaver(cases, 30.0)
    saver.save(clerk, 7, hygiene(), Outcome.ACCEPT, "", uuid.uuid4().hex)  # connects (the station opened)
    counts = []
    for _ in range(12):  # past psycopg's fifth use of each statement, where it would prepare them
        trips, case = _trips(proxy, lambda: saver.save(clerk, 7, hygiene(), Outcome.ACCEPT, "", uuid.uuid4().hex))
        counts.append(trips)
        assert cases.get(case.number) == case  # what the window shows is what the store holds
    cases.store.dispose()
    assert max(counts) <= SAVE_ROUND_TRIPS, counts


def test_the_same_visit_saved_again_costs_one_transaction_and_returns_the_first_case(station):
    through, clerk = station
    proxy, cases = through(0)
    key = uuid.uuid4().hex
    first = cases.submit(clerk, 7, hygiene(), Outcome.ACCEPT, visit_key=key)
    trips, again = _trips(proxy, lambda: cases.submit(clerk, 7, hygiene(), Outcome.ACCEPT, visit_key=key))
    cases.store.dispose()
    assert again == first
    assert trips <= 10, trips  # BEGIN, the key and account, the case and its six reads (the last: its 跨域 link), COMMIT


def test_a_connection_the_server_closed_is_not_used_for_the_next_save(station, pg_server):
    """No ping on every checkout any more: a pooled connection the server ended (a restart, a
    failover, an idle timeout) is still found out before the save uses it, not by the save failing."""
    import psycopg

    through, clerk = station
    proxy, cases = through(0)
    cases.submit(clerk, 7, hygiene(), Outcome.ACCEPT)
    database = cases.store.engine.url.database
    with psycopg.connect(host=pg_server.host, port=pg_server.port, user="postgres", dbname="postgres",
                         autocommit=True) as admin:
        ended = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", (database,)).fetchone()
        assert ended is not None and ended[0] >= 1
        for _ in range(50):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE datname = %s", (database,)).fetchall():
                break
            time.sleep(0.05)
    for _ in range(100):  # the close has reached the window's socket (through the proxy: a moment later)
        if proxy.server_closed >= ended[0]:
            break
        time.sleep(0.05)
    time.sleep(0.05)
    case = cases.submit(clerk, 7, hygiene(), Outcome.ACCEPT)  # no StoreUnavailable: a fresh connection
    assert cases.get(case.number) == case
    cases.store.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("rtt_ms", [200, 300])
def test_the_repeated_visit_check_warns_at_a_station_on_a_slow_link(station, rtt_ms):
    """The confirmation's repeated-visit check waits for the link it measured, not a fixed second
    that a station 200 ms away always exceeded (the warning never showed there)."""
    from clerk.config import Settings
    from clerk.tui.services import Services

    through, clerk = station
    _proxy, cases = through(rtt_ms)
    services = Services(Settings.defaults(), cases=cases)
    clerk = services.authenticate("w01", "Station#2026", via="window", window=7)  # the station opens
    first = services.visits.save(clerk, 7, hygiene(), Outcome.ACCEPT, "", uuid.uuid4().hex)
    assert services.store.round_trip >= rtt_ms / 1000 * 0.9  # the store measured the link
    began = time.monotonic()
    found = services.recent_visit(clerk, hygiene(), uuid.uuid4().hex)  # the same applicant typed again
    assert found is not None and found.number == first.number, f"no warning after {time.monotonic() - began:.1f} s"
    cases.store.dispose()


def test_a_visit_with_scans_costs_the_same_round_trips_however_many_materials(station):
    """The pages' bytes go in one executemany and their rows in one insert (it was a round trip
    for each file's bytes and one for each file's row: 19 for three scanned materials)."""
    from tests.support.scans import with_files

    through, clerk = station
    proxy, cases = through(0)
    cases.submit(clerk, 7, hygiene(), Outcome.ACCEPT, visit_key=uuid.uuid4().hex)  # connects
    counts = {}
    for n, pages in ((1, {"id_card": 1}), (3, {"id_card": 2, "lease_contract": 1, "hygiene_plan": 1})):
        counts[n], case = _trips(proxy, lambda pages=pages: cases.submit(
            clerk, 7, with_files(hygiene(), **pages), Outcome.ACCEPT, visit_key=uuid.uuid4().hex))
        assert [f.material_key for f in case.files] == [key.replace("_", "-") for key in pages]
        assert cases.get(case.number) == case
    cases.store.dispose()
    assert counts[1] == counts[3] <= SAVE_ROUND_TRIPS + 3, counts
