"""Rasterise a running Textual app's screen to a PNG, cell by cell.

Textual's SVG export leaves the glyphs to the viewer's fonts: in a browser
without a CJK monospace font every double-width character is drawn one cell
wide and the rest of the line slides left over it.  Here every character is
drawn into its own cell box (two cells for a wide character) with fonts chosen
up front — a Latin monospace font for narrow characters and a CJK font for
wide ones — so the picture is the same everywhere.

Fonts: ``CLERK_SCREENSHOT_FONT`` / ``CLERK_SCREENSHOT_CJK_FONT`` if set, else
the first found of the candidates below (the shipped ``data/fonts`` first).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import MONOKAI

CELL_W, CELL_H, FONT_SIZE, PAD = 11, 22, 18, 12

LATIN_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "C:/Windows/Fonts/consola.ttf",
    "/System/Library/Fonts/Menlo.ttc",
)
LATIN_BOLD_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf",
)
SYMBOL_CANDIDATES = (  # narrow symbols the Latin font lacks (▸ ✖ ⚠ ✔ in the banners)
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf",
    "C:/Windows/Fonts/seguisym.ttf",
)
CJK_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)


def _first(paths: tuple[str, ...], env: str, extra: list[Path] = ()) -> str:
    chosen = os.environ.get(env)
    if chosen:
        return chosen
    for path in [*map(str, extra), *paths]:
        if Path(path).is_file():
            return path
    raise SystemExit(f"no font found for screenshots; set {env}")


def _shipped_fonts() -> list[Path]:
    from clerk.shipped import shipped_path

    # the notice font (a subset of AR PL UMing holding every character the UI and notices use), not
    # the name and rare-character fonts beside it, which hold only names' characters
    font = shipped_path("fonts") / "clerk-notice-song.ttf"
    return [font] if font.is_file() else []


class Fonts:
    def __init__(self) -> None:
        latin = _first(LATIN_CANDIDATES, "CLERK_SCREENSHOT_FONT")
        bold = next((p for p in LATIN_BOLD_CANDIDATES if Path(p).is_file()), latin)
        cjk = _first(CJK_CANDIDATES, "CLERK_SCREENSHOT_CJK_FONT", _shipped_fonts())
        self.latin = ImageFont.truetype(latin, FONT_SIZE)
        self.bold = ImageFont.truetype(bold, FONT_SIZE)
        self.cjk = ImageFont.truetype(cjk, FONT_SIZE)
        self.symbols = [ImageFont.truetype(p, FONT_SIZE) for p in SYMBOL_CANDIDATES if Path(p).is_file()]
        self.names = (Path(latin).name, Path(cjk).name)
        self._has: dict[tuple[int, str], bool] = {}

    def covers(self, char: str, font=None) -> bool:
        """Does ``font`` (default: the Latin one) draw ``char``, not its .notdef box?"""
        font = font or self.latin
        key = (id(font), char)
        if key not in self._has:
            missing = font.getmask("\uffff").getbbox()
            self._has[key] = font.getmask(char).getbbox() != missing or char == " "
        return self._has[key]

    def narrow(self, char: str, bold: bool):
        if self.covers(char):
            return self.bold if bold else self.latin
        return next((f for f in self.symbols if self.covers(char, f)), self.cjk)


def _rgb(color, theme, default):
    if color is None or color.is_default:
        return default
    return color.get_truecolor(theme).hex


def screen_lines(app) -> tuple[list[list[Segment]], int, int]:
    """The current screen as lines of segments (what ``export_screenshot`` would draw)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(render)
    segments = [s for s in console._record_buffer if not s.control]  # drop the cursor moves
    lines = list(Segment.split_and_crop_lines(segments, width, pad=True))
    return lines[:height], width, height


def rasterise(app, target: Path, fonts: Fonts | None = None) -> Path:
    fonts = fonts or Fonts()
    theme = MONOKAI
    lines, width, height = screen_lines(app)
    background = theme.background_color.hex
    foreground = theme.foreground_color.hex
    image = Image.new("RGB", (width * CELL_W + 2 * PAD, height * CELL_H + 2 * PAD), background)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        x = 0
        y = PAD + row * CELL_H
        for segment in line:
            style: Style = segment.style or Style()
            fg = _rgb(style.color, theme, foreground)
            bg = _rgb(style.bgcolor, theme, background)
            if style.reverse:
                fg, bg = bg, fg
            if style.dim:
                fg = _blend(fg, bg, 0.5)
            for char in segment.text:
                cells = cell_len(char)
                if cells == 0:
                    continue
                left = PAD + x * CELL_W
                draw.rectangle((left, y, left + cells * CELL_W - 1, y + CELL_H - 1), fill=bg)
                if not char.isspace():
                    _glyph(draw, fonts, char, cells, left, y, fg, bool(style.bold))
                if style.underline:
                    draw.line((left, y + CELL_H - 3, left + cells * CELL_W - 1, y + CELL_H - 3), fill=fg)
                x += cells
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, optimize=True)
    return target


def _glyph(draw, fonts: Fonts, char: str, cells: int, left: int, top: int, fill: str, bold: bool) -> None:
    if cells == 1 and _is_block(char):
        _block(draw, char, left, top, fill)
        return
    font = fonts.narrow(char, bold) if cells == 1 else fonts.cjk
    box_w = cells * CELL_W
    x0, y0, x1, y1 = font.getbbox(char)
    advance = font.getlength(char)
    # centre the glyph's advance in its cell box; baseline so text sits mid-cell
    dx = left + (box_w - advance) / 2
    ascent, descent = font.getmetrics()
    dy = top + (CELL_H - (ascent + descent)) / 2
    draw.text((dx, dy), char, font=font, fill=fill)


_BLOCKS = {"█": (0, 0, 1, 1), "▀": (0, 0, 1, 0.5), "▄": (0, 0.5, 1, 1), "▌": (0, 0, 0.5, 1), "▐": (0.5, 0, 1, 1),
           "▁": (0, 0.875, 1, 1), "▔": (0, 0, 1, 0.125), "▏": (0, 0, 0.125, 1), "▕": (0.875, 0, 1, 1),
           "▂": (0, 0.75, 1, 1), "▃": (0, 0.625, 1, 1), "▅": (0, 0.375, 1, 1), "▆": (0, 0.25, 1, 1),
           "▇": (0, 0.125, 1, 1), "▊": (0, 0, 0.75, 1), "▎": (0, 0, 0.25, 1), "▍": (0, 0, 0.375, 1),
           "▋": (0, 0, 0.625, 1), "▉": (0, 0, 0.875, 1)}


def _is_block(char: str) -> bool:
    return char in _BLOCKS


def _block(draw, char: str, left: int, top: int, fill: str) -> None:
    """Block elements fill their cell exactly (Textual draws borders and bars with them)."""
    a, b, c, d = _BLOCKS[char]
    draw.rectangle((left + a * CELL_W, top + b * CELL_H, left + c * CELL_W - 1, top + d * CELL_H - 1), fill=fill)


def _blend(fg: str, bg: str, amount: float) -> str:
    f = [int(fg[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(bg[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x * amount + y * (1 - amount)):02x}" for x, y in zip(f, b, strict=True))
