"""How the hall uses its catalog: recent intakes per item, open cases on older versions.

Both are one aggregate query each, cheap enough for the intake screen (search
tie-breaks) and the dashboard's refresh.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlmodel import col

from clerk.reports.dashboard import OPEN_STATES
from clerk.store.tables import CaseRow as C

if TYPE_CHECKING:
    from clerk.store.engine import Store

RECENT_DAYS = 90


def recent_intakes(store: Store, now: datetime, days: int = RECENT_DAYS) -> dict[str, int]:
    """Cases taken per item or bundle code in the last ``days`` days (bundle items included)."""
    query = select(col(C.code), func.count()).where(col(C.received_at) >= now - timedelta(days=days)).group_by(col(C.code))
    with store.session(write=False) as session:
        return {code: int(n) for code, n in session.execute(query)}


def open_under_older_catalog(store: Store, version: str) -> int:
    """Open visits taken under a catalog version other than ``version``.

    They keep the checklist they were taken with (frozen in the case); the
    supervisor sees how many are still running after a catalog switch.
    """
    query = select(func.count()).where(col(C.parent_id).is_(None), col(C.state).in_(OPEN_STATES), col(C.catalog_version) != version)
    with store.session(write=False) as session:
        return int(session.execute(query).scalar_one())
