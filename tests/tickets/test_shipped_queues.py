"""The default queues and the shipped catalog agree: queue B (不动产登记) has the
real-estate registration items behind it (issue 25: it had none)."""

from __future__ import annotations

import pytest

from bench.bench_search_quality import repo_catalog


@pytest.fixture(scope="module")
def shipped():
    return repo_catalog()  # this checkout's data/catalog and synonym table


def test_real_estate_items_of_the_shipped_catalog_take_queue_b(store, hall_settings, shipped, hall_clock):
    from clerk.services.tickets import TicketService

    tickets = TicketService(store, hall_settings, shipped, hall_clock)
    real_estate = [code for code, item in shipped.items.items() if item.department == "区不动产登记中心"]
    assert len(real_estate) >= 15
    assert {tickets.queue_for_item(code) for code in real_estate} == {"B"}
    # what people say at the kiosk's search leads to an item of queue B
    for said in ("过户", "办房产证", "房产证丢了", "解押", "抵押"):
        hit = shipped.search(said)[0]
        assert tickets.queue_for_item(hit.code) == "B", (said, hit.code, hit.name)
    # household registration stays with the general intake
    assert tickets.queue_for_item(shipped.search("迁户口")[0].code) == "A"
