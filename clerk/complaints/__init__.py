"""The complaint desk (有事您说话 / 办不成事 window).

Complaints and requests are logged with a category whose answer limit counts
working days (``clerk.calendar``), owned by whoever logged them (首问负责),
handed off to departments, answered and followed by a return visit.

Public API: ``ComplaintDesk`` (``clerk.complaints.service``), the views in
``clerk.complaints.views`` and ``load_categories`` / ``Category``
(``clerk.complaints.categories``).  Nothing here imports SQLAlchemy at import time.
"""

from __future__ import annotations

from clerk.complaints.categories import Category, CategoryError, load_categories
from clerk.complaints.views import ComplaintState, ComplaintStep, ComplaintView

__all__ = ["Category", "CategoryError", "ComplaintState", "ComplaintStep", "ComplaintView", "load_categories"]
