"""Running ``clerk`` commands in-process (a pytest plugin, see tests/conftest.py).

- ``cli_store``: the environment a command reads (``CLERK_DATABASE_URL`` of an empty store, no
  config file, the test catalog), the settings cache cleared before and after.
- ``run``: one command's status, its non-blank error lines and its output.
- ``one_clear_line``: the error is one line, neither the internal-error sentence nor a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clerk.cli import main

#: The first words of the line for an internal error (clerk.commands.failures.record_bug).
BUG = "程序内部错误"
CATALOG = Path(__file__).resolve().parent.parent / "fixtures" / "catalog"


@pytest.fixture
def cli_store(empty_store, monkeypatch, cheap_password_hashing):
    from clerk.config import get_settings

    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_DATABASE_URL", empty_store.url)
    monkeypatch.setenv("CLERK_CATALOG_DIR", str(CATALOG))
    get_settings.cache_clear()
    yield empty_store
    get_settings.cache_clear()


def run(argv: list[str], capsys) -> tuple[int, list[str], str]:
    status = main(argv)
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    return status, lines, captured.out


def one_clear_line(lines: list[str]) -> str:
    assert len(lines) == 1, lines
    assert BUG not in lines[0] and "Traceback" not in lines[0]
    return lines[0]
