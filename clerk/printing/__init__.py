"""Printed notices: documents (reportlab), barcodes, fonts, print queue, printers.

The public names are imported lazily (PEP 562) so that ``import clerk.printing``
does not load reportlab; see docs/printing.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk.lazy import lazy_exports

_EXPORTS = {
    "NoticeKind": "clerk.printing.data",
    "NoticeData": "clerk.printing.data",
    "ManifestData": "clerk.printing.data",
    "ManifestRow": "clerk.printing.data",
    "ReceivedMaterial": "clerk.printing.data",
    "MissingMaterial": "clerk.printing.data",
    "ToleratedMaterial": "clerk.printing.data",
    "BundleItem": "clerk.printing.data",
    "PledgeLine": "clerk.printing.data",
    "PrintError": "clerk.printing.data",
    "render": "clerk.printing.rendering",
    "PAPERS": "clerk.printing.layout",
    "choose_font": "clerk.printing.fonts",
    "FontChoice": "clerk.printing.fonts",
    "Printer": "clerk.printing.printers",
    "NoPrinter": "clerk.printing.printers",
    "CupsPrinter": "clerk.printing.printers",
    "CommandPrinter": "clerk.printing.printers",
    "printer_for": "clerk.printing.printers",
    "PrintQueue": "clerk.printing.queue",
    "PrintOutcome": "clerk.printing.queue",
    "QueuedNotice": "clerk.printing.queue",
    "NoticeStore": "clerk.printing.queue",
    "sample": "clerk.printing.samples",
}

__all__ = [
    "BundleItem",
    "CommandPrinter",
    "CupsPrinter",
    "FontChoice",
    "ManifestData",
    "ManifestRow",
    "MissingMaterial",
    "NoPrinter",
    "NoticeData",
    "NoticeKind",
    "NoticeStore",
    "PAPERS",
    "PledgeLine",
    "PrintError",
    "PrintOutcome",
    "PrintQueue",
    "Printer",
    "QueuedNotice",
    "ReceivedMaterial",
    "ToleratedMaterial",
    "choose_font",
    "printer_for",
    "render",
    "sample",
]

if TYPE_CHECKING:  # pragma: no cover
    from clerk.printing.data import *  # noqa: F403
    from clerk.printing.fonts import FontChoice, choose_font  # noqa: F401
    from clerk.printing.layout import PAPERS  # noqa: F401
    from clerk.printing.printers import (  # noqa: F401
        CommandPrinter,
        CupsPrinter,
        NoPrinter,
        Printer,
        printer_for,
    )
    from clerk.printing.queue import NoticeStore, PrintOutcome, PrintQueue, QueuedNotice  # noqa: F401
    from clerk.printing.rendering import render  # noqa: F401
    from clerk.printing.samples import sample  # noqa: F401


__getattr__ = lazy_exports(__name__, _EXPORTS)
