"""跨域通办: cases handed between halls and the packets that carried them (migration 0018, issue 29).

``exchange_cases``: a case that another hall takes in or decides — where it was taken in
(收件地, ``taken_in_hall``) and where it is decided (办理地, ``deciding_hall``), the case's
reference between the two halls (``ref_number``: its number at the hall that took it in)
and its number at the other hall (``remote_number``, once known).

``exchange_packets``: every packet this hall made (``out``) or applied (``in``): its id,
sender, receiver, per-case sequence number of its sender, kind, the status it carried,
the SM3 of its signed manifest, when and by whom.  An applied packet id is never applied
again (replay), and the next packet of a sender for a case must carry the next number
(order); the unique constraints hold both even for two windows importing at once.

Both are tracked by the audit chain (``clerk.store.tracked``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

import clerk.store.tables  # noqa: F401  (naming convention)
from clerk.store.tracked import track

HALL_ID_MAX = 48


class ExchangeCaseRow(SQLModel, table=True):
    __tablename__ = "exchange_cases"
    __table_args__ = (UniqueConstraint("taken_in_hall", "ref_number", name="uq_exchange_cases_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", unique=True)
    taken_in_hall: str = Field(max_length=HALL_ID_MAX)  # 收件地
    deciding_hall: str = Field(max_length=HALL_ID_MAX)  # 办理地
    ref_number: str = Field(max_length=24)  # the case's number at the hall that took it in
    remote_number: str | None = Field(default=None, max_length=24)  # its number at the other hall
    created_at: datetime


class ExchangePacketRow(SQLModel, table=True):
    __tablename__ = "exchange_packets"
    __table_args__ = (
        UniqueConstraint("case_id", "direction", "sender", "sequence", name="uq_exchange_packets_sequence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    packet_id: str = Field(max_length=36, unique=True)
    direction: str = Field(max_length=4)  # out | in
    sender: str = Field(max_length=HALL_ID_MAX)
    receiver: str = Field(max_length=HALL_ID_MAX)
    case_id: int = Field(foreign_key="cases.id", index=True)
    sequence: int
    kind: str = Field(max_length=16)  # case | supplement | status
    status: str | None = Field(default=None, max_length=8)  # 受理 | 补正 | 办结 | 不予许可
    manifest_sm3: str = Field(max_length=64)
    at: datetime
    by: str = Field(max_length=32)


track("exchange_cases")
track("exchange_packets")
