"""The one wall clock of the hall: now, in UTC (stored times are UTC; screens show local time)."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> datetime:
    return datetime.now(UTC)
