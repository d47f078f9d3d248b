"""The queue ticket (号票) on an 80 mm thermal roll: hall, queue, the number large,
people ahead, estimated wait, time taken, a Code 128 barcode of the number
(the window scans it), and a short note.  Drawn with the notices' font set
(the shipped font, or the CID font) in reportlab's invariant mode, so the same
ticket renders to the same bytes.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.pdfgen.canvas import Canvas

from clerk.domain.queueing import NO_WINDOW
from clerk.printing.cjkwrap import text_width
from clerk.printing.code128 import draw_barcode, geometry
from clerk.printing.fonts import choose_font
from clerk.printing.layout import MM, draw_text, paper_for
from clerk.printing.parts import zone

if TYPE_CHECKING:
    from clerk.config import Settings
    from clerk.domain.queueing import TicketView

__all__ = ["render_ticket"]

HEIGHT = 92 * MM


def render_ticket(ticket: TicketView, settings: Settings, *, hall_name: str | None = None) -> bytes:
    """One ticket (a ``TicketView``) as a one-page PDF on the 80 mm roll."""
    paper = paper_for("roll")
    font = choose_font(settings.font_path).name
    tz = zone(settings.timezone)
    hall = hall_name if hall_name is not None else settings.hall.name
    buf = io.BytesIO()
    # initialFontName is a font name; types-reportlab types it float.
    c = Canvas(buf, pagesize=(paper.width, HEIGHT), invariant=1, pageCompression=0,
               initialFontName=font)  # type: ignore[arg-type]
    c.setTitle(f"号票 {ticket.number}")
    c.setAuthor(hall)
    c.setCreator("clerk")
    width = paper.width
    left = paper.margin

    def centred(text: str, size: float, y: float, *, bold: bool = False) -> None:
        x = max(left, (width - text_width(text, font, size)) / 2)
        draw_text(c, font, size, x, y, text, bold=bold)

    y = HEIGHT - paper.margin - 12
    centred(hall, 11, y, bold=True)
    y -= 18
    centred(f"{ticket.queue_name}（{ticket.queue}）", 12, y)
    y -= 50
    centred(ticket.number, 44, y, bold=True)
    y -= 20
    if ticket.priority.is_priority:
        centred(ticket.priority.label, 10, y, bold=True)
        y -= 15
    wait = f"预计等候约 {ticket.estimated_wait_minutes} 分钟" if ticket.serving_windows else NO_WINDOW
    centred(f"您前面还有 {ticket.ahead} 人，{wait}", 9, y)
    y -= 14
    centred(f"取号时间：{ticket.taken_at.astimezone(tz):%Y-%m-%d %H:%M}", 9, y)
    y -= 12 + paper.bar_height
    geo = geometry(ticket.number, width - 2 * left, paper.dpi, paper.max_dots)
    draw_barcode(c, geo, (width - geo.width) / 2, y, paper.bar_height, paper.dpi)
    y -= 14
    centred("请留意大厅屏幕与语音叫号，过号后请及时到窗口说明", 7.5, y)
    y -= 11
    centred("本票当日有效", 7.5, y)
    c.showPage()
    c.save()
    return buf.getvalue()
