from __future__ import annotations

import pytest

from tests.support.reports_hall import build_hall


@pytest.fixture
def hall(service, clock):
    return build_hall(service, clock)


@pytest.fixture
def dashboard(store, calendar, clock):
    from clerk.reports.dashboard import Dashboard

    return Dashboard(store, calendar, clock, timezone="Asia/Shanghai")
