"""Several processes take cases at once on one store: unique, gap-free, no lock errors."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest

from tests.conftest import FIXTURES
from tests.store.concurrent_intake import intake_worker

WRITERS, PER_WRITER = 6, 12


@pytest.mark.slow
def test_parallel_intake_from_many_processes(store, clock):
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with ProcessPoolExecutor(WRITERS, mp_context=context) as pool:
            futures = [pool.submit(intake_worker, store.url, str(FIXTURES / "catalog"), w, PER_WRITER, start)
                       for w in range(1, WRITERS + 1)]
            start.set()
            results = [f.result(timeout=300) for f in futures]  # a lock error would be raised here

    numbers = [n for batch in results for n in batch]
    assert len(numbers) == WRITERS * PER_WRITER
    assert len(set(numbers)) == len(numbers)
    by_day: dict[str, list[int]] = {}
    for number in numbers:
        day, _hall, serial = number.split("-")
        by_day.setdefault(day, []).append(int(serial))
    for serials in by_day.values():
        assert sorted(serials) == list(range(1, len(serials) + 1))  # gap-free per day

    from clerk.store.audit import verify_chain

    with store.session(write=False) as session:
        report = verify_chain(session)
    assert report.ok and report.events == len(numbers) + WRITERS  # + one account_add per window's account
