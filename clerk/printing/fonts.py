"""The Chinese font of the printed notices.

Three ways, chosen by ``Settings.font_path``:

- a path to a TrueType font (``.ttf``, or ``.ttc`` with an optional ``#index``
  of the face): embedded as a subset, so any print host shows it;
- ``STSong-Light`` (or ``cid``): reportlab's built-in CID font.  It needs no
  font file and its text extracts, but it is *not embedded*: a viewer or print
  host without a Chinese font shows empty boxes;
- empty (the default): the first usable font from ``SYSTEM_CANDIDATES``,
  else ``STSong-Light``.

reportlab embeds TrueType outlines only: OpenType/CFF fonts (``.otf`` and the
Noto/Source Han CJK ``.ttc`` of Debian's ``fonts-noto-cjk``) are refused with
a clear message.  A configured font must also cover Chinese *and* Latin text
(Droid Sans Fallback has no Latin digits, so case numbers would vanish).
See docs/printing.md.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from clerk.printing.data import PrintError

CID_FONT = "STSong-Light"

# Fonts with TrueType outlines known to work, Song/Ming faces first (official
# documents are set in 宋体).  Debian packages: fonts-arphic-uming,
# fonts-wqy-zenhei, fonts-wqy-microhei; then Windows and macOS locations.
SYSTEM_CANDIDATES = (
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)

# Characters every notice uses: Chinese, full-width punctuation, Latin, digits.
PROBE = "受理编号办结时间，（）：SF0123456789-X"


@dataclass(frozen=True)
class FontChoice:
    """The registered reportlab font name and how it was chosen."""

    name: str
    embedded: bool
    source: str  # file path, or CID_FONT
    note: str = ""  # Chinese remark for `clerk print --font`


def choose_font(font_path: str, candidates: tuple[str, ...] = SYSTEM_CANDIDATES) -> FontChoice:
    """Resolve ``Settings.font_path`` to a registered font; raise PrintError if unusable."""
    spec = font_path.strip()
    if spec.lower() in {CID_FONT.lower(), "cid"}:
        return _cid_font("按配置使用内置 CID 字体，未嵌入字体文件")
    if spec:
        return _truetype(spec)
    for candidate in candidates:
        if Path(candidate).is_file():
            try:
                return _truetype(candidate)
            except PrintError:
                continue
    return _cid_font("未找到可嵌入的中文 TrueType 字体，使用内置 CID 字体（未嵌入，打印机主机须装有中文字体）")


@lru_cache(maxsize=None)
def _cid_font(note: str) -> FontChoice:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return FontChoice(CID_FONT, embedded=False, source=CID_FONT, note=note)


@lru_cache(maxsize=None)
def _truetype(spec: str) -> FontChoice:
    path_text, _, index_text = spec.partition("#")
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise PrintError(f"找不到配置的字体文件：{path}")
    try:
        index = int(index_text or 0)
    except ValueError:
        raise PrintError(f"字体序号无效：{spec}（应为 文件路径#数字）") from None
    outline = outline_format(path, index)
    if outline == "cff":
        raise PrintError(
            f"字体 {path.name} 使用 PostScript(CFF) 轮廓，reportlab 无法嵌入；"
            "请改用 TrueType 轮廓的中文字体（如 文泉驿正黑 wqy-zenhei.ttc、AR PL UMing uming.ttc）"
        )
    if outline != "truetype":
        raise PrintError(f"{path.name} 不是可用的 TrueType/OpenType 字体文件")

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    name = "ClerkCJK-" + hashlib.sha1(spec.encode()).hexdigest()[:8]
    try:
        font = TTFont(name, str(path), subfontIndex=index)
    except TTFError as exc:
        raise PrintError(f"字体 {path.name} 无法使用：{exc}") from exc
    lacking = [ch for ch in PROBE if ord(ch) not in font.face.charToGlyph]
    if lacking:
        raise PrintError(f"字体 {path.name} 缺少常用字符（{''.join(lacking)}），不能用于打印通知书")
    pdfmetrics.registerFont(font)
    return FontChoice(name, embedded=True, source=str(path), note="嵌入字体子集")


def outline_format(path: Path, index: int = 0) -> str:
    """'truetype', 'cff' or 'unknown' for the face ``index`` of a font file."""
    with path.open("rb") as fh:
        head = fh.read(12)
        offset = 0
        if head[:4] == b"ttcf":
            fh.seek(12 + 4 * index)
            raw = fh.read(4)
            if len(raw) < 4:
                return "unknown"
            (offset,) = struct.unpack(">I", raw)
            fh.seek(offset)
            head = fh.read(12)
        if len(head) < 12:
            return "unknown"
        tag = head[:4]
        if tag == b"OTTO":
            return "cff"
        if tag not in (b"\x00\x01\x00\x00", b"true"):
            return "unknown"
        (count,) = struct.unpack(">H", head[4:6])
        tables = fh.read(16 * count)
    tags = {tables[i : i + 4] for i in range(0, len(tables), 16)}
    if b"glyf" in tags:
        return "truetype"
    return "cff" if b"CFF " in tags or b"CFF2" in tags else "unknown"
