"""The 跨域 cases of a hall as a list shows them: no personal data (``clerk exchange list``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import col

from clerk.domain.lifecycle import CaseState
from clerk.store.convert import aware
from clerk.store.tables import CaseRow
from clerk.store.tables_exchange import ExchangeCaseRow, ExchangePacketRow

if TYPE_CHECKING:
    from clerk.store.engine import Store


@dataclass(frozen=True)
class CrossRegionCase:
    """A 跨域 case as a list shows it (no personal data): this hall's number, the item, its state,
    whether this hall took it in (``taken_in``) or decides it, the other hall and its number there,
    and the last packet about it (``out``/``in``, kind or status, sequence, when)."""

    number: str
    name: str
    state: str
    taken_in: bool
    other_hall: str
    remote_number: str | None
    last_packet: tuple[str, str, int, datetime] | None


def cross_region_cases(store: Store, hall_id: str, *, open_only: bool = False) -> list[CrossRegionCase]:
    """The 跨域 cases of the hall ``hall_id``, by the other hall, then newest first."""
    query = (select(ExchangeCaseRow, col(CaseRow.number), col(CaseRow.name), col(CaseRow.state))
             .join(CaseRow, col(CaseRow.id) == col(ExchangeCaseRow.case_id))
             .order_by(col(ExchangeCaseRow.created_at).desc()))
    with store.session(write=False) as session:
        rows = session.execute(query).all()
        last: dict[int, tuple[str, str, int, datetime]] = {}
        for packet in session.execute(select(ExchangePacketRow).order_by(col(ExchangePacketRow.id))).scalars():
            last[packet.case_id] = (packet.direction, packet.status or packet.kind, packet.sequence, aware(packet.at))
    found = []
    for link, number, name, state in rows:
        if open_only and not CaseState(state).is_open:
            continue
        taken_in = link.taken_in_hall == hall_id
        found.append(CrossRegionCase(number, name, state, taken_in,
                                     link.deciding_hall if taken_in else link.taken_in_hall,
                                     link.remote_number, last.get(link.case_id)))
    return sorted(found, key=lambda c: c.other_hall)  # stable: newest first within each hall
