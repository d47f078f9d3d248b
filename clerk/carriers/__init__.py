"""Couriers that carry the hall's mail (EMS by default).

A ``Carrier`` checks waybill numbers, exports the day's handover batch in the
format the courier's batch system imports, and may book pickups.  The built-in
``ManualCarrier`` is what every EMS station can do today: waybill numbers are
typed or scanned by the clerk, and the manifest is exported as CSV for the EMS
batch system (大客户批量导入).  A hall with a courier API plugs in its own
class with the same methods.
"""

from __future__ import annotations

from clerk.carriers.base import Carrier, ManifestLine, PickupRequest
from clerk.carriers.manual import CSV_HEADER, ManualCarrier

__all__ = ["CSV_HEADER", "Carrier", "ManifestLine", "ManualCarrier", "PickupRequest"]
