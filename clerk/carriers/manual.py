"""EMS by hand: waybills typed or scanned, CSV export for the EMS batch system."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from clerk.carriers.base import ManifestLine, PickupRequest
from clerk.identity import check_waybill
from clerk.identity.check import Check

#: Column titles of the CSV (the EMS 批量导入 template's order).
CSV_HEADER = ("邮件号", "寄件日期", "受理编号", "收件人", "收件人电话", "收件地址", "邮政编码", "内件")


class ManualCarrier:
    """EMS without an API: the clerk enters each waybill; the batch goes out as CSV."""

    name = "EMS"

    def check_waybill(self, value: str) -> Check:
        return check_waybill(value)

    def export_manifest(self, day: date, lines: Sequence[ManifestLine]) -> bytes:
        """UTF-8 with BOM and CRLF, so the EMS desktop tools (and Excel) read the Chinese."""
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(CSV_HEADER)
        for line in lines:
            writer.writerow((line.waybill, day.isoformat(), line.case_number, line.recipient, line.phone,
                             line.address, line.postcode, line.contents))
        return buffer.getvalue().encode("utf-8-sig")

    def book_pickup(self, request: PickupRequest) -> str | None:
        return None  # booked by phone with the EMS station; nothing to call
