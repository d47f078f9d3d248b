"""The progress-query QR code printed beside the barcode (``Settings.progress_url``).

The URL is the hall's progress page with ``{number}`` replaced by the case
number (or the number appended when the URL has no placeholder).  Modules are
whole printer dots, snapped to the dot grid like the Code 128 bars, with the
4-module quiet zone the standard asks for; error correction level M.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from reportlab.graphics.barcode import qrencoder

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

QUIET = 4


def progress_link(template: str, number: str) -> str:
    template = template.strip()
    if not template:
        return ""
    if "{number}" in template:
        return template.replace("{number}", quote(number, safe=""))
    return template + quote(number, safe="")


@dataclass(frozen=True)
class QrGeometry:
    dark: tuple[tuple[int, int], ...]  # (row, column) of each dark module
    count: int  # modules per side, without the quiet zone
    module: float  # points

    @property
    def size(self) -> float:
        return (self.count + 2 * QUIET) * self.module


def geometry(text: str, max_size: float, dpi: int, max_dots: int) -> QrGeometry | None:
    """The symbol with the largest whole-dot module fitting ``max_size``; None if it does not fit."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.make()
    count = qr.getModuleCount()
    dot = 72.0 / dpi
    dots = min(max_dots, int(max_size / ((count + 2 * QUIET) * dot)))
    if dots < 2:  # a 1-dot module does not scan reliably from thermal paper
        return None
    dark = tuple((r, c) for r in range(count) for c in range(count) if qr.isDark(r, c))
    return QrGeometry(dark, count, dots * dot)


def draw_qr(canvas: Canvas, geo: QrGeometry, x: float, top: float, dpi: int) -> None:
    """Draw with the symbol's top-left corner (quiet zone included) at ``(x, top)``, snapped to dots."""
    dot = 72.0 / dpi
    x = round(x / dot) * dot
    top = round(top / dot) * dot
    m = geo.module
    canvas.saveState()
    canvas.setFillGray(0)
    for row, col in geo.dark:
        canvas.rect(x + (QUIET + col) * m, top - (QUIET + row + 1) * m, m, m, stroke=0, fill=1)
    canvas.restoreState()
