"""The case store: SQLModel tables, engine/session, Alembic migrations, numbering,
audit chain, accounts, print-queue rows.  See docs/store.md.

Importing this package is cheap (PEP 562): ``clerk.store.errors`` and
``clerk.store.numbering`` serve the first screen without SQLAlchemy, which loads
with ``clerk.store.engine``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk.lazy import lazy_exports

_EXPORTS = {
    "Store": "clerk.store.engine",
    "ConcurrentUpdate": "clerk.store.errors",
    "NotFound": "clerk.store.errors",
    "StoreError": "clerk.store.errors",
    "StoreUnavailable": "clerk.store.errors",
}

__all__ = [
    "ConcurrentUpdate",
    "NotFound",
    "Store",
    "StoreError",
    "StoreUnavailable",
]

if TYPE_CHECKING:  # pragma: no cover
    from clerk.store.engine import Store
    from clerk.store.errors import ConcurrentUpdate, NotFound, StoreError, StoreUnavailable


__getattr__ = lazy_exports(__name__, _EXPORTS)
