"""A small flowing layout on a reportlab canvas, sized for CJK notices.

Documents are built as a ``Flow`` of groups of fixed-height units (one text
line, one table row, the barcode, the seal box…).  A group is kept on one page
when it fits on one; otherwise it is split between its units, and no unit is
taller than a page, so nothing is ever drawn outside the media box.  On the
80 mm roll there is one page exactly as long as the content.

The canvas is used directly (no platypus): it is several times faster, and a
notice must render in a few milliseconds at a busy window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clerk.printing import code128, qrcode
from clerk.printing.cjkwrap import text_width, wrap
from clerk.printing.data import PrintError
from clerk.printing.fonts import covers, face_for, missing_glyph_error

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

MM = 72 / 25.4
LEADING = 1.45


@dataclass(frozen=True)
class Paper:
    key: str
    label: str
    width: float
    height: float | None  # None: continuous roll, the page is as long as the content
    margin: float
    body: float  # font sizes, points
    title: float
    small: float
    dpi: int  # the printer's dot grid, for barcode bars
    max_dots: int  # widest barcode module, in dots
    bar_height: float
    seal: float  # diameter of the seal placeholder

    @property
    def content_width(self) -> float:
        return self.width - 2 * self.margin


PAPERS = {
    "a4": Paper("a4", "A4", 210 * MM, 297 * MM, 20 * MM, 11, 18, 8.5, 600, 8, 14 * MM, 36 * MM),
    "a5": Paper("a5", "A5", 148 * MM, 210 * MM, 10 * MM, 9, 14, 7, 600, 7, 10 * MM, 30 * MM),
    # 80 mm thermal roll: 72 mm printable = 576 dots at 203 dpi.
    "roll": Paper("roll", "80mm热敏纸", 80 * MM, None, 4 * MM, 8.5, 12, 7, 203, 3, 10 * MM, 26 * MM),
}


def paper_for(key: str) -> Paper:
    try:
        return PAPERS[key.lower()]
    except KeyError:
        raise PrintError(f"不支持的纸张：{key}（可选 a4、a5、roll）") from None


# --- flow ----------------------------------------------------------------------

DrawFn = Callable[["Canvas", float, float], None]  # (canvas, x_left, y_top)


@dataclass(frozen=True)
class Unit:
    height: float
    draw: DrawFn
    header: Unit | None = None  # a table row: its table's header, repeated atop a new page


PAGE_BREAK: list[Unit] = []


class Flow:
    """Builds the groups of units of one document for one paper."""

    def __init__(self, paper: Paper, font: str, tight: int = 0):
        self.paper = paper
        self.font = font
        self.tight = tight  # 0, 1, 2: tighter leading, spaces and tables to save a page
        self.width = paper.content_width
        self.groups: list[list[Unit]] = []
        self._heading: list[Unit] = []

    # building blocks --------------------------------------------------------
    def add(self, units: list[Unit]) -> None:
        """Append a keep-together group (a pending heading is glued to it)."""
        self.groups.append(self._heading + units)
        self._heading = []

    def line_height(self, size: float) -> float:
        return size * (LEADING - 0.07 * self.tight)

    def text_line(self, text: str, size: float, *, x: float = 0, align: str = "left",
                  bold: bool = False, gray: float = 0, box: float | None = None) -> Unit:
        font, width = self.font, box if box is not None else self.width - x

        def draw(c: Canvas, left: float, top: float) -> None:
            tx = left + x
            if align == "center":
                tx += (width - text_width(text, font, size)) / 2
            elif align == "right":
                tx += width - text_width(text, font, size)
            draw_text(c, font, size, tx, top - size * 1.1, text, bold=bold, gray=gray)

        return Unit(self.line_height(size), draw)

    def para(self, text: str, size: float | None = None, *, indent: float = 0, hang: float = 0,
             bold: bool = False, align: str = "left", gray: float = 0) -> None:
        """A wrapped paragraph; ``indent`` for all lines, ``hang`` extra for lines after the first."""
        size = size or self.paper.body
        first_w = self.width - indent
        lines = wrap(text, self.font, size, first_w, first_w - hang)
        units = [
            self.text_line(line, size, x=indent + (hang if i else 0), align=align, bold=bold, gray=gray)
            for i, line in enumerate(lines)
        ]
        self.add(units)

    def keep_with_next(self) -> None:
        """Glue the last group to the next one (e.g. the last lines to the seal)."""
        if self.groups and self.groups[-1] is not PAGE_BREAK:
            self._heading = self.groups.pop() + self._heading

    def heading(self, text: str, size: float | None = None) -> None:
        """A bold line kept with whatever follows it."""
        self.space(0.4)
        self._heading.append(self.text_line(text, size or self.paper.body, bold=True))

    def space(self, lines: float = 1) -> None:
        h = self.line_height(self.paper.body) * lines * (1 - 0.3 * self.tight)
        self.add([Unit(h, lambda c, x, y: None)])

    def rule(self, caption: str = "", dashed: bool = True) -> None:
        size = self.paper.small
        font, width = self.font, self.width

        def draw(c: Canvas, left: float, top: float) -> None:
            mid = top - size * LEADING / 2
            c.saveState()
            c.setLineWidth(0.6)
            if dashed:
                c.setDash(3, 2)
            c.line(left, mid, left + width, mid)
            if caption:
                tw = text_width(caption, font, size)
                tx = left + (width - tw) / 2
                c.setFillGray(1)
                c.rect(tx - 3, mid - size * 0.6, tw + 6, size * 1.2, stroke=0, fill=1)
                draw_text(c, font, size, tx, mid - size * 0.35, caption)
            c.restoreState()

        self.add([Unit(size * LEADING, draw)])

    def page_break(self) -> None:
        self.groups.append(PAGE_BREAK)

    def fields(self, pairs: list[tuple[str, str]], size: float | None = None) -> None:
        """Label：value lines, values wrapped beside the labels."""
        size = size or self.paper.body
        label_w = max(text_width(f"{k}：", self.font, size) for k, _ in pairs)
        units: list[Unit] = []
        for key, value in pairs:
            for i, line in enumerate(wrap(value or "—", self.font, size, self.width - label_w)):
                units.append(self._field_line(f"{key}：" if i == 0 else "", line, size, label_w))
        self.add(units)

    def _field_line(self, label: str, value: str, size: float, label_w: float) -> Unit:
        font = self.font

        def draw(c: Canvas, left: float, top: float) -> None:
            base = top - size * 1.1
            if label:
                draw_text(c, font, size, left, base, label, gray=0.25)
            draw_text(c, font, size, left + label_w, base, value)

        return Unit(self.line_height(size), draw)

    def table(self, headers: list[str], rows: list[list[str]], fractions: list[float],
              size: float | None = None, *, fit: tuple[int, ...] = ()) -> None:
        """A ruled table; cells wrap, a row too tall for a page is split by lines.

        Columns in ``fit`` get the width of their longest cell (a case number, a
        masked phone never wraps), taken from the other columns.  The last rows
        stay together so a page never ends a table with one stray row.
        """
        size = (size or self.paper.body) - 0.5 * self.tight
        pad = size * (0.3 - 0.1 * self.tight)
        widths = self._column_widths(headers, rows, fractions, size, pad, fit)
        lh = self.line_height(size)
        max_lines = int((self.body_height() - 2 * pad) / lh) - 1 if self.paper.height else 10**6
        header = self._row_unit(headers, widths, [[h] for h in headers], size, pad, shade=True)
        units = [header]
        for row in rows:
            cells = [wrap(text, self.font, size, w - 2 * pad) for text, w in zip(row, widths)]
            tallest = max(len(c) for c in cells)
            for start in range(0, tallest, max(1, max_lines)):
                chunk = [c[start : start + max_lines] for c in cells]
                units.append(self._row_unit(row, widths, chunk, size, pad, header=header))
        tail = 3 if len(units) > 5 else len(units)  # the last rows go to a page together
        body, last = units[: len(units) - tail], units[len(units) - tail :]
        if body:
            self.add(body[:2])  # the header stays with the first row
            for unit in body[2:]:
                self.groups.append([unit])
            self.groups.append(last)
        else:
            self.add(last)

    def _column_widths(self, headers: list[str], rows: list[list[str]], fractions: list[float], size: float,
                       pad: float, fit: tuple[int, ...]) -> list[float]:
        widths = [self.width * f / sum(fractions) for f in fractions]
        if not fit:
            return widths
        need = {i: max(text_width(r[i], self.font, size) for r in [headers, *rows]) + 2 * pad + 0.5
                for i in fit}
        extra = sum(max(0.0, need[i] - widths[i]) for i in fit)
        others = [i for i in range(len(widths)) if i not in need]
        spare = sum(widths[i] - 2.5 * size for i in others)
        if extra <= 0 or spare <= 0:
            return widths
        take = min(extra, spare)
        for i in fit:
            widths[i] += max(0.0, need[i] - widths[i]) * take / extra
        for i in others:
            widths[i] -= (widths[i] - 2.5 * size) * take / spare
        return widths

    def _row_unit(self, row: list[str], widths: list[float], cells: list[list[str]], size: float, pad: float,
                  shade: bool = False, header: Unit | None = None) -> Unit:
        font = self.font
        lh = self.line_height(size)
        height = max(len(c) for c in cells) * lh + 2 * pad
        lw = 0.5  # strokes are inset by half their width: nothing outside the content box

        def draw(c: Canvas, left: float, top: float) -> None:
            c.saveState()
            c.setLineWidth(lw)
            x = left
            for i, (w, lines) in enumerate(zip(widths, cells)):
                x0 = x + (lw / 2 if i == 0 else 0)
                x1 = x + w - (lw / 2 if i == len(widths) - 1 else 0)
                if shade:
                    c.setFillGray(0.9)
                    c.rect(x0, top - height, x1 - x0, height, stroke=1, fill=1)
                    c.setFillGray(0)
                else:
                    c.rect(x0, top - height, x1 - x0, height, stroke=1, fill=0)
                for j, line in enumerate(lines):
                    draw_text(c, font, size, x + pad, top - pad - j * lh - size * 1.1, line, bold=shade)
                x += w
            c.restoreState()

        return Unit(height, draw, header)

    def barcode(self, number: str, link: str = "") -> None:
        """The case number as Code 128, with the number in text under it.

        ``link``: the case's progress page, as a QR code beside the barcode
        (under it when the paper is too narrow for both side by side).
        """
        p = self.paper
        font, size, width = self.font, p.body, self.width
        qr = None
        if link:
            side = p.bar_height + size * 1.5
            qr = qrcode.geometry(link, side, p.dpi, p.max_dots)
            if qr is not None:
                room = width - qr.size - size
                geo = code128.geometry(number, room, p.dpi, p.max_dots)
                if geo.module < code128.geometry(number, width, p.dpi, p.max_dots).module:
                    qr = None  # it would make the bars thinner: put the QR code under the barcode
        geo = code128.geometry(number, width - (qr.size + size if qr else 0), p.dpi, p.max_dots)

        def draw(c: Canvas, left: float, top: float) -> None:
            x = left + (width - geo.width - (qr.size + size if qr else 0)) / 2
            code128.draw_barcode(c, geo, x, top - p.bar_height, p.bar_height, p.dpi)
            tw = text_width(number, font, size)
            draw_text(c, font, size, x + (geo.width - tw) / 2, top - p.bar_height - size * 1.15, number)
            if qr is not None:
                qrcode.draw_qr(c, qr, x + geo.width + size, top, p.dpi)

        height = p.bar_height + size * 1.5
        if qr is not None:
            height = max(height, qr.size)
        self.add([Unit(height, draw)])
        if link and qr is None:
            self._qr_below(link)

    def _qr_below(self, link: str) -> None:
        p = self.paper
        qr = qrcode.geometry(link, min(self.width, 30 * MM), p.dpi, p.max_dots)
        if qr is None:
            return
        small, width = p.small, self.width
        caption = "扫码查询办理进度"

        def draw(c: Canvas, left: float, top: float) -> None:
            qrcode.draw_qr(c, qr, left + (width - qr.size) / 2, top, p.dpi)
            tw = text_width(caption, self.font, small)
            draw_text(c, self.font, small, left + (width - tw) / 2, top - qr.size - small * 1.1, caption)

        self.add([Unit(qr.size + small * LEADING, draw)])

    def seal(self, hall_name: str, caption: str, date_text: str, side: tuple[str, ...] = ()) -> None:
        """Where the seal (受理专用章) goes: hall name, caption, date, and a dashed ring.

        The three lines are set in the largest size (at most the body size) at
        which each fits inside the ring.  ``side``: short lines (phones) set to
        the left of the seal when there is room.
        """
        p = self.paper
        small = p.small + 1
        lines = [hall_name, f"（{caption}）", date_text]
        size = self._seal_size(lines, p.seal / 2)
        box = min(self.width, p.seal * 1.25)
        side_w = self.width - box - small
        if side and side_w < self.width * 0.5:  # no room beside it (the roll): lines above
            for line in side:
                self.para(line, small)
            self.keep_with_next()
            side = ()
        side_lines = [ln for text in side for ln in wrap(text, self.font, small, side_w)]
        lh = size * LEADING
        height = max(p.seal, len(side_lines) * self.line_height(small)) + p.body * 0.5
        font, width = self.font, self.width

        def draw(c: Canvas, left: float, top: float) -> None:
            slh = self.line_height(small)
            y = top - (height - len(side_lines) * slh) / 2  # vertically centred beside the seal
            for text in side_lines:
                draw_text(c, font, small, left, y - small * 1.1, text)
                y -= slh
            x0 = left + width - box
            c.saveState()
            c.setStrokeGray(0.6)
            c.setLineWidth(0.6)
            c.setDash(2, 2)
            c.circle(x0 + box / 2, top - height / 2, p.seal / 2 - 0.3, stroke=1, fill=0)
            c.restoreState()
            y = top - (height - len(lines) * lh) / 2
            for text in lines:
                tw = text_width(text, font, size)
                draw_text(c, font, size, x0 + (box - tw) / 2, y - size * 1.1, text)
                y -= lh

        self.add([Unit(height, draw)])

    def _seal_size(self, lines: list[str], radius: float) -> float:
        """The largest size ≤ body at which every line of the seal fits inside its ring."""
        size = self.paper.body
        inner = radius - 0.6 - 1.0  # the ring's stroke and a 1 pt gap
        while size > 4:
            lh = size * LEADING
            ok = True
            for i, text in enumerate(lines):
                mid = (i - (len(lines) - 1) / 2) * lh  # line centre below the ring's centre
                far = abs(mid) + size * 0.6  # the line's edge farthest from the centre
                if far >= inner:
                    ok = False
                    break
                half_chord = (inner**2 - far**2) ** 0.5
                if text_width(text, self.font, size) / 2 > half_chord:
                    ok = False
                    break
            if ok:
                return size
            size -= 0.25
        return size

    def signature(self, label: str, size: float | None = None) -> None:
        """``label`` followed by a line to sign on."""
        size = size or self.paper.body
        font, width = self.font, self.width

        def draw(c: Canvas, left: float, top: float) -> None:
            base = top - size * 1.6
            draw_text(c, font, size, left, base, label)
            lw = text_width(label, font, size)
            c.setLineWidth(0.5)
            c.line(left + lw + 2, base - 2, left + width, base - 2)

        self.add([Unit(size * 2.2, draw)])

    # pagination ----------------------------------------------------------------
    def footer_height(self) -> float:
        return self.paper.small * LEADING * 1.5

    def forced_pages(self) -> int:
        """Pages the document has at least: one, plus one per page break."""
        return 1 + sum(1 for g in self.groups if g is PAGE_BREAK)

    def body_height(self) -> float:
        assert self.paper.height is not None
        return self.paper.height - 2 * self.paper.margin - self.footer_height()

    def paginate(self) -> list[list[tuple[float, Unit]]]:
        """Pages of (offset from the top of the body, unit)."""
        if self._heading:
            self.add([])
        limit = self.body_height() if self.paper.height else float("inf")
        pages: list[list[tuple[float, Unit]]] = [[]]
        used = 0.0
        for group in self.groups:
            if group is PAGE_BREAK:
                if pages[-1] and self.paper.height:
                    pages.append([])
                    used = 0.0
                continue
            total = sum(u.height for u in group)
            if used + total > limit and pages[-1] and total <= limit:
                pages.append([])
                used = 0.0
            for unit in group:
                if used + unit.height > limit and pages[-1]:
                    pages.append([])
                    used = 0.0
                if not pages[-1] and unit.header is not None and len(pages) > 1:
                    pages[-1].append((used, unit.header))  # a table continued: its header again
                    used += unit.header.height
                pages[-1].append((used, unit))
                used += unit.height
        return pages


def draw_text(c: Canvas, font: str, size: float, x: float, y: float, text: str, *,
              bold: bool = False, gray: float = 0) -> None:
    """One line of text at baseline ``y``; bold is simulated (fill + thin stroke).

    Characters the font set's main font lacks are drawn with its fallback; a
    character no font has raises ``PrintError`` (never an empty box).
    """
    if not text:
        return
    t = c.beginText(x, y)
    if gray:
        t.setFillGray(gray)
    if bold:
        c.setLineWidth(size * 0.035)
        t.setTextRenderMode(2)
    for face, run in font_runs(font, text):
        t.setFont(face, size)
        t.textOut(run)
    if bold:
        t.setTextRenderMode(0)
    if gray:
        t.setFillGray(0)
    c.drawText(t)


def font_runs(font: str, text: str) -> list[tuple[str, str]]:
    """``text`` split into (registered font, run) pairs; PrintError for a missing glyph."""
    if covers(font, text):  # the common case: the main font has every character
        return [(font, text)]
    runs: list[tuple[str, str]] = []
    for ch in text:
        face = face_for(font, ch)
        if face is None:
            if ch.isspace():
                face = font
            else:
                raise missing_glyph_error(ch, font)
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return runs
