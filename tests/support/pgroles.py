"""A hall store on PostgreSQL with the roles of ``clerk db roles``: the owner (the test
cluster's superuser, as the administrator's machine would be), the windows' role and the
read-only role, each a ``Store`` logged in as that role."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

    from clerk.store.engine import Store


@dataclass
class HallRoles:
    owner: Store  # postgres: a superuser, member of every role
    window: Store  # clerk_window
    reader: Store  # clerk_reader
    database: str
    roles_output: str

    def dispose(self) -> None:
        for store in (self.window, self.reader, self.owner):
            store.dispose()


def as_role(url: str, role: str) -> str:
    """The same database, logged in as ``role`` (the test cluster trusts every local login)."""
    return url.replace("postgres@", f"{role}@", 1)


def run_db_roles(url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                 *extra: str) -> tuple[int, str, str]:
    """``clerk db roles --reader`` against ``url``; (exit code, stdout, stderr)."""
    from clerk.cli import main
    from clerk.config import get_settings

    monkeypatch.setenv("CLERK_DATABASE_URL", url)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    get_settings.cache_clear()
    try:
        code = main(["db", "roles", "--reader", *extra])
    finally:
        get_settings.cache_clear()
    captured = capsys.readouterr()
    return code, captured.out, captured.err
