"""Checks on rendered PDFs with poppler (pdffonts, pdftotext, pdftoppm), the
glyph programs embedded in them (fontTools), and where each text run sits on the page
(pypdf), for tests/printing."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

POPPLER = shutil.which("pdffonts") and shutil.which("pdftoppm") and shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdffonts, pdftoppm, pdftotext) not installed")


def fonts_table(path: Path) -> list[dict[str, str]]:
    """``pdffonts`` rows: name, type, emb."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        fields = line.split()
        # name type… encoding emb sub uni object ID: emb is the 5th field from the end
        rows.append({"name": fields[0], "emb": fields[-5], "line": line})
    return rows


def poppler_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return "".join(out.split())


def rasterise(path: Path, dpi: int, page: int = 1, gray: bool = False):
    """One page rendered by poppler, as a PIL image."""
    from PIL import Image

    args = ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png"]
    if gray:
        args.append("-gray")
    png = subprocess.run([*args, str(path)], capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(png))
    return image.convert("L") if gray else image.convert("RGB")


def box_glyphs(pdf: bytes) -> list[str]:
    """Every drawn character whose embedded glyph would print as an empty box (or nothing).

    reportlab's TrueType subsets keep code 0 for .notdef: a character the font
    lacks is drawn with code 0.  Every other code is checked through the
    subset's ToUnicode map and its embedded glyph program: it must map to a
    real glyph with outlines (except spaces).
    """
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    problems: list[str] = []
    reader = PdfReader(io.BytesIO(pdf))
    for number, page in enumerate(reader.pages, 1):
        fonts = page["/Resources"]["/Font"]
        embedded = {}
        for key, ref in fonts.items():
            font = ref.get_object()
            if font.get("/Subtype") != "/TrueType":
                problems.append(f"page {number}: font {font.get('/BaseFont')} is not an embedded TrueType subset")
                continue
            program = TTFont(io.BytesIO(font["/FontDescriptor"]["/FontFile2"].get_data()))
            cmap: dict[int, str] = {}
            for table in program["cmap"].tables:
                cmap.update(table.cmap)
            # UTF-16BE: a supplementary-plane character (U+20000) is a surrogate pair, 8 hex digits
            unicode = {int(a, 16): bytes.fromhex(b.decode()).decode("utf-16-be") for a, b in
                       re.findall(rb"<([0-9A-F]{2})> <([0-9A-F]{4}(?:[0-9A-F]{4})?)>", font["/ToUnicode"].get_data())}
            embedded[key] = (program, cmap, unicode)
        current = None
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"Tf":
                current = embedded.get(operands[0])
            elif op in (b"Tj", b"TJ") and current is not None:
                program, cmap, unicode = current
                chunks = operands[0] if op == b"TJ" else [operands[0]]
                for chunk in chunks:
                    if isinstance(chunk, (int, float)):
                        continue
                    for code in bytes(chunk.original_bytes if hasattr(chunk, "original_bytes") else chunk):
                        ch = unicode.get(code, "")
                        glyph = cmap.get(code, ".notdef")
                        if code == 0 or glyph == ".notdef" or not ch:
                            problems.append(f"page {number}: code {code} ({ch!r}) prints as .notdef")
                        elif not ch.isspace() and program["glyf"][glyph].numberOfContours == 0:
                            problems.append(f"page {number}: {ch!r} has an empty glyph")
    return problems


def seal_geometry(pdf: bytes, texts: list[str]):
    """((cx, cy, r) of the dashed seal ring, [bbox of each text line in ``texts``]) on the last page.

    The ring is the path stroked with the dash pattern [2 2]; text boxes come
    from the text matrices and the fonts' advance widths.
    """
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    from clerk.printing.cjkwrap import text_width
    from clerk.printing.fonts import choose_font

    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[-1]
    ops = ContentStream(page.get_contents(), reader).operations
    ring = None
    dashed = False
    points: list[tuple[float, float]] = []
    for operands, op in ops:
        if op == b"d":
            dashed = [float(v) for v in operands[0]] == [2.0, 2.0]
        elif dashed and op in (b"m", b"c"):
            points += [(float(operands[i]), float(operands[i + 1])) for i in range(0, len(operands), 2)]
        elif dashed and op in (b"S", b"s") and points:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            ring = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, (max(xs) - min(xs)) / 2)
            points = []
    font = choose_font("").name
    boxes = []
    found: dict[str, tuple] = {}

    runs: list[list] = []  # [text, x, y, size]: pypdf splits a line into chunks at the same origin

    def visit(text, cm, tm, font_dict, size):
        x, y = tm[4] + cm[4], tm[5] + cm[5]
        if runs and (runs[-1][1], runs[-1][2]) == (x, y):
            runs[-1][0] += text
        elif text.strip():
            runs.append([text, x, y, size * tm[0]])

    page.extract_text(visitor_text=visit)
    for text, x, y, size in runs:
        if text.strip() in texts:
            found[text.strip()] = (x, y, size)  # the last occurrence: the seal
    for text in texts:
        if text in found:
            x, y, size = found[text]
            boxes.append((x, y - 0.2 * size, x + text_width(text, font, size), y + 0.9 * size))
    return ring, boxes


def text_boxes(pdf: bytes):
    """(page, text, x, y, width) of every text run, from the PDF itself."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from clerk.printing.fonts import choose_font
    from tests.printing.conftest import pdf_pages

    shipped = choose_font("").name  # the conftest settings: the shipped font
    for number, page in enumerate(pdf_pages(pdf)):
        box = page.mediabox
        found = []

        def visit(text, cm, tm, font, size, found=found):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.append((text, x, y, stringWidth(text.rstrip("\n"), shipped, size * cm[0])))

        page.extract_text(visitor_text=visit)
        assert found, f"page {number} has no text"
        for text, x, y, w in found:
            yield number, box, text, x, y, w


def assert_on_paper(pdf: bytes) -> None:
    for number, box, text, x, y, w in text_boxes(pdf):
        assert float(box.left) <= x and x + w <= float(box.right) + 0.01, (number, text, x, w)
        assert float(box.bottom) <= y <= float(box.top), (number, text, y)
