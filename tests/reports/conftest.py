from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from tests.reports.reports_hall import build_hall  # noqa: E402


@pytest.fixture
def hall(service, clock):
    return build_hall(service, clock)


@pytest.fixture
def dashboard(store, calendar, clock):
    from clerk.reports.dashboard import Dashboard

    return Dashboard(store, calendar, clock, timezone="Asia/Shanghai")
