"""Fixtures of the fault tests: a restartable PostgreSQL cluster, accounts, printing settings."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="module")
def restartable_pg():
    from tests.faults.pgcluster import RestartableCluster

    try:
        cluster = RestartableCluster()
    except FileNotFoundError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{exc}; they are required under CI=true")
        pytest.skip(str(exc))
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def hall_users(service):
    """The accounts ``bench.hall_window.Window`` signs in with (window 1)."""
    from bench.hall_window import PASSWORD, window_users
    from clerk.domain.accounts import Role

    roles = {"window": Role.WINDOW, "fallback": Role.FALLBACK, "mail": Role.MAILROOM, "boss": Role.SUPERVISOR,
             "office": Role.BACKOFFICE}
    return {role: service.add_user(None, uid, f"测试{role}", roles[role], PASSWORD)
            for role, uid in window_users(1).items()}
