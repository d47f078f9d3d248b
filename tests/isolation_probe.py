"""Run only by tests/test_isolation.py, in a child pytest whose host environment is dirty on
purpose (``ISOLATION_PROBE_HOST``: a HOME with a clerk.toml and a hall key, CLERK_* variables)."""

from __future__ import annotations

import os
from pathlib import Path

from clerk.config import get_settings


def test_the_dirty_host_is_out_of_sight(own_home, hall_key_file):
    host = Path(os.environ["ISOLATION_PROBE_HOST"])
    assert Path.home() == own_home and not own_home.is_relative_to(host)
    settings = get_settings()
    assert settings.printer == ""  # neither the host's clerk.toml nor its CLERK_PRINTER
    assert settings.home.is_relative_to(own_home)  # not the host's CLERK_HOME
    assert settings.effective_key_file == hall_key_file
    assert not any(value.startswith(str(host)) for key, value in os.environ.items() if key != "ISOLATION_PROBE_HOST")
