"""The 80 mm ticket: what it says, its barcode, the embedded font, same data same bytes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from clerk.domain.queueing import Priority, TicketState, TicketView
from clerk.printing.ticket_doc import render_ticket
from tests.printing.pdfcheck import fonts_table, needs_poppler, poppler_text

TICKET = TicketView(1, "A012", "A", "综合受理", TicketState.PENDING, Priority.ELDERLY,
                    datetime(2026, 11, 25, 2, 3, tzinfo=UTC), None, None, 7, 35, "", 0, (), date(2026, 11, 25))


@needs_poppler
def test_the_ticket_says_number_queue_ahead_wait_and_time(hall_settings, tmp_path):
    path = tmp_path / "ticket.pdf"
    path.write_bytes(render_ticket(TICKET, hall_settings))
    text = poppler_text(path)
    for part in ("示范区政务服务中心", "综合受理", "A012", "绿色通道（70岁以上）", "您前面还有7人，预计等候约35分钟",
                 "取号时间：2026-11-2510:03"):
        assert part in text
    assert all(row["emb"] == "yes" for row in fonts_table(path))


def test_same_ticket_same_bytes(hall_settings):
    first = render_ticket(TICKET, hall_settings)
    assert first == render_ticket(TICKET, hall_settings)
    assert render_ticket(TICKET, hall_settings, hall_name="某某大厅") != first
