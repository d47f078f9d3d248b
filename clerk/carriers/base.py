"""The carrier protocol and the plain data it works on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from clerk.identity.check import Check


@dataclass(frozen=True)
class ManifestLine:
    """One mailing handed to the courier (full phone: the courier needs it)."""

    waybill: str
    case_number: str
    recipient: str
    phone: str
    address: str
    postcode: str = ""
    contents: str = ""


@dataclass(frozen=True)
class PickupRequest:
    """A pickup (上门揽收) of missing materials at the applicant's address."""

    case_number: str
    sender: str
    phone: str
    address: str
    day: date
    window_from: str
    window_to: str
    contents: str = ""


class Carrier(Protocol):
    name: str

    def check_waybill(self, value: str) -> Check:
        """Is this a waybill number of this carrier?  ``reason`` in Chinese when not."""
        ...

    def export_manifest(self, day: date, lines: Sequence[ManifestLine]) -> bytes:
        """The day's handover batch in the carrier's import format."""
        ...

    def book_pickup(self, request: PickupRequest) -> str | None:
        """Book a pickup; the carrier's reference, or ``None`` when booked by phone."""
        ...
