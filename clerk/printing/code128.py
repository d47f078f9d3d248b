"""Code 128 case-number barcodes drawn as vector bars.

python-barcode encodes (it rejects characters Code 128 cannot carry, where
reportlab's own Code128 silently prints an empty code); we take its module
pattern and draw each bar as a filled rectangle.  Every bar is a whole number
of printer dots wide and starts on the printer's dot grid, so a 203 dpi
thermal head prints the bars without rounding them unevenly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from barcode.codex import Code128
from barcode.errors import BarcodeError

from clerk.printing.data import PrintError

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

QUIET_MODULES = 10  # quiet zone each side, in modules (ISO/IEC 15417 asks for 10)


@lru_cache(maxsize=256)
def module_pattern(text: str) -> str:
    """The '1'/'0' module string of ``text`` (start, data, checksum, stop)."""
    if not text:
        raise PrintError("受理编号为空，无法生成条码")
    try:
        pattern: str = Code128(text).build()[0]  # python-barcode ships no types
        return pattern
    except (BarcodeError, RuntimeError, KeyError) as exc:
        raise PrintError(f"受理编号 {text!r} 含有条码无法表示的字符") from exc


@dataclass(frozen=True)
class BarcodeGeometry:
    """Bars of one barcode: ``(x, width)`` runs in points from the left of the symbol."""

    bars: tuple[tuple[float, float], ...]
    width: float  # symbol width including quiet zones
    module: float  # module width in points
    dots_per_module: int


def geometry(text: str, max_width: float, dpi: int, max_dots: int) -> BarcodeGeometry:
    """Lay out the bars with the widest whole-dot module that fits ``max_width``."""
    pattern = module_pattern(text)
    dot = 72.0 / dpi
    total_modules = len(pattern) + 2 * QUIET_MODULES
    dots = min(max_dots, int(max_width / (total_modules * dot)))
    if dots < 1:
        raise PrintError(f"受理编号 {text} 过长，条码在此纸张上放不下")
    module = dots * dot
    bars: list[tuple[float, float]] = []
    start = None
    for i, bit in enumerate(pattern + "0"):
        if bit == "1" and start is None:
            start = i
        elif bit == "0" and start is not None:
            bars.append(((QUIET_MODULES + start) * module, (i - start) * module))
            start = None
    return BarcodeGeometry(tuple(bars), total_modules * module, module, dots)


def draw_barcode(canvas: Canvas, geo: BarcodeGeometry, x: float, y: float, height: float, dpi: int) -> float:
    """Draw at ``(x, y)`` (bottom left of the symbol, snapped to the dot grid); return x used."""
    dot = 72.0 / dpi
    x = round(x / dot) * dot
    canvas.saveState()
    canvas.setFillGray(0)
    for left, width in geo.bars:
        canvas.rect(x + left, y, width, height, stroke=0, fill=1)
    canvas.restoreState()
    return x
