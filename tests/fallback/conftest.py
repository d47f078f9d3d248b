"""Fixtures of the fallback desk / EMS station tests: a DeskService."""

from __future__ import annotations

import pytest


@pytest.fixture
def desk(service):
    from clerk.services.desk import DeskService

    return DeskService(service)
