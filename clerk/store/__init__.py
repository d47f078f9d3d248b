"""The case store: SQLModel tables, engine/session, Alembic migrations, numbering,
audit chain, accounts, print-queue rows.  See docs/store.md.

Importing this package is cheap; SQLAlchemy loads on first use of the engine.
"""

from clerk.store.engine import Store
from clerk.store.errors import ConcurrentUpdate, NotFound, StoreError, StoreUnavailable

__all__ = ["ConcurrentUpdate", "NotFound", "Store", "StoreError", "StoreUnavailable"]
