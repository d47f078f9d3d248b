"""The hall's day of tickets (bench/queue_sim.py) runs clean, and agrees with M/M/c (Erlang C)."""

from __future__ import annotations

import math

import pytest

from bench.queue_sim import erlang_c, mmc_check, mmc_mean_wait, simulate_day


def test_erlang_c_matches_known_cases():
    assert mmc_mean_wait(1, 0.5, 1.0) == pytest.approx(0.5 / (1.0 - 0.5))  # M/M/1: rho / (mu - lambda)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(4, 3.0) == pytest.approx(13.5 / 26.5)
    assert mmc_mean_wait(3, 3.0, 1.0) == math.inf


@pytest.mark.slow
def test_a_small_day_ends_with_every_ticket_accounted_for(tmp_path, cheap_password_hashing):
    day = simulate_day(f"sqlite:///{tmp_path / 'day.db'}", arrivals=150, windows=6, seed=3)
    assert day.problems == []
    assert day.tickets == day.arrivals > 100
    assert day.done + day.no_shows == day.tickets
    assert day.transfers and day.recalled_after_no_show and day.appointments_checked_in and day.pauses
    assert day.appointments_no_show and day.priority_served
    peak = sum(len(day.waits_by_hour[h]) for h in (9, 10))
    assert peak > sum(len(day.waits_by_hour[h]) for h in (15, 16))  # the morning peak


@pytest.mark.slow
def test_the_simulated_mean_wait_agrees_with_erlang_c(tmp_path, cheap_password_hashing):
    check = mmc_check(lambda i: f"sqlite:///{tmp_path / f'mmc{i}.db'}", windows=4, arrival_rate=0.6,
                      service_rate=0.2, customers=250, warmup=50, replications=8, seed=2)
    assert check.theory == pytest.approx(2.547, abs=0.01)
    assert check.low <= check.theory <= check.high, (check.means, check.low, check.high)
    assert check.high - check.low < 2 * check.theory  # a band that could miss: ±100 % at most
