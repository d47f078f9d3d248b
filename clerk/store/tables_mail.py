"""Tables of the fallback desk and the EMS station (revision 0003).

- ``mail_items``: one mailing.  Outbound: a result sent to the applicant by EMS.
  Inbound: an EMS pickup (上门揽收) of missing materials from the applicant.
  Both go queued → handed → delivered | returned; for a pickup "handed" means
  collected by the courier and "delivered" means received at the hall.
- ``supplement_log``: each supplement of materials: which, by which channel
  (online upload, EMS pickup, in person), reference, when they arrived.
- ``rating_notes``: the comment given with a rating (好差评) and the
  supervisor's note when a bad rating's follow-up (回访整改) is done.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

import clerk.store.tables  # noqa: F401  (naming convention on the shared metadata)


class MailItemRow(SQLModel, table=True):
    """An EMS mailing: a result going out or a pickup of materials coming in."""

    __tablename__ = "mail_items"
    __table_args__ = (
        Index("ix_mail_items_status_direction", "status", "direction"),
        Index("ix_mail_items_pickup_on", "pickup_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    direction: str = Field(max_length=8)  # outbound | inbound
    status: str = Field(max_length=12)  # queued | handed | delivered | returned
    contents: str = Field(default="", max_length=200)  # 内件
    materials: list[Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    recipient: str = Field(max_length=200)
    phone: str = Field(max_length=32)
    address: str = Field(max_length=400)
    postcode: str = Field(default="", max_length=8)
    pickup_on: date | None = None  # inbound: the agreed day
    pickup_from: str = Field(default="", max_length=5)  # "09:00"
    pickup_to: str = Field(default="", max_length=5)
    waybill: str | None = Field(default=None, max_length=32, index=True)
    attempts: int = 0  # handed over how many times (a returned item is re-sent)
    return_reason: str = Field(default="", max_length=400)
    follow_up: bool = False  # returned mail waiting for someone to contact the applicant
    created_by: str = Field(max_length=32)
    created_at: datetime
    handed_at: datetime | None = None
    delivered_at: datetime | None = None
    returned_at: datetime | None = None


class SupplementRow(SQLModel, table=True):
    """Materials that arrived later, with the channel they came by."""

    __tablename__ = "supplement_log"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    materials: list[Any] = Field(sa_column=Column(JSON, nullable=False))
    channel: str = Field(max_length=16)  # online | ems | in_person
    reference: str = Field(default="", max_length=64)
    arrived_at: datetime
    logged_at: datetime
    logged_by: str = Field(max_length=32)
    window: int | None = None


class RatingNoteRow(SQLModel, table=True):
    """The applicant's comment with a rating; the follow-up outcome of a bad one."""

    __tablename__ = "rating_notes"

    case_id: int = Field(foreign_key="cases.id", primary_key=True)
    rating: str = Field(max_length=8)
    comment: str = Field(default="", max_length=1000)
    rated_by: str = Field(max_length=32)  # the clerk who recorded it
    rated_at: datetime
    follow_up_note: str = Field(default="", max_length=1000)
    resolved_by: str | None = Field(default=None, max_length=32)
    resolved_at: datetime | None = None
