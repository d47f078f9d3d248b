"""Errors the store raises; the service layer lets them through to the UI.

Each carries a Chinese message meant for the clerk at the window.  They are
defined in ``clerk.domain.errors`` (the store imports the domain only).
"""

from __future__ import annotations

from clerk.domain.errors import ConcurrentUpdate, NotFound, StoreError, StoreFull, StoreRefused, StoreUnavailable

__all__ = ["ConcurrentUpdate", "NotFound", "StoreError", "StoreFull", "StoreRefused", "StoreUnavailable"]
