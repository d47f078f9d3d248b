"""Case numbers (受理编号): ``YYYYMMDD-HALL-NNNN``, e.g. ``20261125-SF-0007``.

ASCII only (a barcode scanner types it back), unique across windows and
processes, gap-free per day and hall: the serial comes from a counter row bumped
with ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` inside the transaction
that inserts the case, so a rolled-back intake gives its serial back.  Never
``max() + 1``.  The date is the hall's local date of acceptance.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

from sqlalchemy import text

NUMBER_PATTERN = re.compile(r"^(\d{8})-([A-Z0-9]{1,8})-(\d{4,})$")

_BUMP = (
    "INSERT INTO case_counters (day, hall, last) VALUES (:day, :hall, 1) "
    "ON CONFLICT (day, hall) DO UPDATE SET last = case_counters.last + 1 "
    "RETURNING last"
)


def format_number(day: date, hall: str, serial: int) -> str:
    return f"{day:%Y%m%d}-{hall}-{serial:04d}"


def parse_number(text: str) -> tuple[date, str, int] | None:
    """``(day, hall, serial)`` of a well-formed case number, else ``None``."""
    match = NUMBER_PATTERN.match(text.strip().upper())
    if not match:
        return None
    raw, hall, serial = match.groups()
    try:
        day = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return None
    return day, hall, int(serial)


def normalise_hall_code(hall: str) -> str:
    code = hall.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{1,8}", code):
        raise ValueError(f"大厅代码“{hall}”无效：只能使用1至8位大写字母或数字")
    return code


def allocate_number(session: Session, day: date, hall: str) -> str:
    """Take the next serial of ``day`` for ``hall`` inside the caller's transaction."""
    hall = normalise_hall_code(hall)
    serial = session.execute(text(_BUMP), {"day": f"{day:%Y%m%d}", "hall": hall}).scalar_one()
    return format_number(day, hall, serial)
