"""Issuing a ticket at the kiosk: take -> render -> print -> mark printed.

A ticket counts only once its paper is out: when rendering or the printer
fails (out of paper, jammed, offline), the PENDING ticket is voided and a
Chinese ``TicketError`` says what to do; nobody will ever call that number.
When the store is down, ``take`` raises ``StoreUnavailable`` before anything is
printed (no phantom ticket).  Used by ``clerk queue take`` and by the kiosk.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from clerk.domain.errors import StoreError
from clerk.domain.queueing import Priority, TicketError, TicketView
from clerk.filemodes import write_private
from clerk.printing.data import PrintError
from clerk.printing.ticket_doc import render_ticket

if TYPE_CHECKING:
    from clerk.config import Settings
    from clerk.printing.printers import Printer
    from clerk.services.appointments import AppointmentService
    from clerk.services.tickets import TicketService

__all__ = ["check_in_and_print", "issue_ticket", "print_and_count", "ticket_pdf_path"]


def ticket_pdf_path(settings: Settings, ticket: TicketView) -> Path:
    day = ticket.day or ticket.taken_at.date()
    return Path(settings.receipts_dir) / "tickets" / f"{day:%Y%m%d}" / f"{ticket.number}-{ticket.id}.pdf"


def issue_ticket(service: TicketService, printers: Printer, settings: Settings, queue: str, id_number: str | None = None,
                 priority: Priority = Priority.NONE, *, now: datetime | None = None,
                 appointment_code: str = "") -> TicketView:
    """Take a ticket of ``queue``, print it on ``printers`` (a ``Printer``), and count it.

    ``printers``: ``clerk.printing.printer_for(settings)`` or any object with
    ``send(path, title)``.  Returns the WAITING ticket; raises ``TicketError``
    (closed or full queue, print failure: the ticket is void) or
    ``StoreUnavailable``.
    """
    ticket = service.take(queue, id_number=id_number, priority=priority, now=now,
                          appointment_code=appointment_code)
    return print_and_count(service, printers, settings, ticket, now=now)


def check_in_and_print(appointments: AppointmentService, service: TicketService, printers: Printer, settings: Settings,
                       code_or_id_number: str, *,
                       now: datetime | None = None) -> TicketView:
    """Appointment check-in at the kiosk: the priority ticket, printed and counted (else void)."""
    ticket = appointments.check_in(code_or_id_number, now)
    return print_and_count(service, printers, settings, ticket, now=now)


def print_and_count(service: TicketService, printers: Printer, settings: Settings, ticket: TicketView, *,
                    now: datetime | None = None) -> TicketView:
    """Render and print a PENDING ticket, then count it (WAITING); a print failure voids it."""
    try:
        pdf = render_ticket(ticket, settings)
        path = write_private(ticket_pdf_path(settings, ticket), pdf)  # 0600 in 0700 folders, as every notice
        printers.send(path, title=f"号票 {ticket.number}")
    except (PrintError, OSError) as exc:
        reason = str(exc) or exc.__class__.__name__
        try:
            service.void(ticket.id)
        except (StoreError, TicketError):
            pass  # still PENDING: never called, never counted
        raise TicketError(f"号票未能打印（{reason}），本次取号不计，请联系工作人员后重试") from exc
    try:
        return service.mark_printed(ticket.id, now=now)
    except StoreError as exc:
        raise TicketError(f"号票已打印但未能登记（{exc}），请持票到引导台登记") from exc
