"""Pages captured for one material, and the one PDF they become (issue 26).

A page comes from a scanner, a document camera or a file as bytes; ``page_from_bytes``
checks it against limits a clerk understands and returns a ``Page`` ready for the PDF:

- a JPEG is kept byte for byte (img2pdf wraps it, ``DCTDecode``, no re-encoding);
- a PNG without transparency is kept too (img2pdf copies its compressed rows);
- any other picture Pillow reads (TIFF, BMP, PNM from a scanner, a PNG with
  transparency) becomes a PNG, losslessly;
- a picture too large for a page (a 40 MB phone photo: more pixels than an A4 page
  at 300 dpi needs, or more bytes than a page may hold) is reduced to fit an A4 page
  at 300 dpi and stored as a JPEG, and the page says so (``Page.note``); one that is
  still too large, too small to read, not a picture, broken or a decompression bomb
  is refused with a ``CaptureError`` whose text is one Chinese line for the clerk;
- a PDF file (an online supplement) gives one page per PDF page.

``MaterialPages`` is one material's pages, immutable: adding the same page twice
(same content hash) is refused with ``DuplicatePage``; too many pages with
``CaptureError``.  ``MaterialPages.file(key)`` is the ``MaterialFile`` (PDF, page
count, SHA-256, SM3) the window puts in ``IntakeDraft.files``.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import img2pdf
import pikepdf
from PIL import Image, UnidentifiedImageError

from clerk.capture.limits import DEFAULT_LIMITS, MB, CaptureError, DuplicatePage, Limits, human_size
from clerk.domain.intake import MaterialMark, MaterialStatus
from clerk.domain.scans import MaterialFile

__all__ = ["DEFAULT_LIMITS", "MB", "CaptureError", "DuplicatePage", "Limits", "MaterialPages", "Page", "build_pdf",
           "human_size", "page_from_bytes", "pages_from_bytes", "sniff", "travelling_files"]

@dataclass(frozen=True)
class Page:
    """One page ready for the material's PDF."""

    data: bytes  # a JPEG or PNG picture, or a one-page PDF
    kind: str  # "jpeg" | "png" | "pdf"
    digest: str  # SHA-256 of what was captured (the page's identity for deduplication)
    width: int = 0  # pixels (0 for a PDF page)
    height: int = 0
    dpi: int = 0  # the picture's resolution, when it says
    source: str = ""  # where it came from, for the page list: 扫描仪, 高拍仪, a file name
    note: str = ""  # what was done to it, e.g. 已缩小

    @property
    def size_text(self) -> str:
        return human_size(len(self.data))

    def describe(self) -> str:
        """One line for the page list (no personal data: sizes and where from)."""
        what = f"{self.width}×{self.height}" if self.width else "PDF 页"
        parts = [what, self.kind.upper(), self.size_text]
        if self.dpi:
            parts.append(f"{self.dpi}dpi")
        if self.source:
            parts.append(self.source)
        if self.note:
            parts.append(self.note)
        return " · ".join(parts)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniff(data: bytes) -> str:
    """What the bytes are by their first bytes: "jpeg", "png", "pdf" or "" (anything else)."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:5] == b"%PDF-" or (b"%PDF-" in data[:1024]):
        return "pdf"
    return ""


def pages_from_bytes(data: bytes, *, source: str = "", limits: Limits = DEFAULT_LIMITS) -> list[Page]:
    """The pages in ``data``: one for a picture, one per page for a PDF (``CaptureError`` if none)."""
    if not data:
        raise CaptureError("文件是空的（0 字节），请重新采集")
    if len(data) > limits.max_file_bytes:
        raise CaptureError(f"文件过大（{human_size(len(data))}），超过 {human_size(limits.max_file_bytes)} 的上限，"
                           "请降低分辨率或改为拍照后再添加")
    if sniff(data) == "pdf":
        return _pdf_pages(data, source, limits)
    return [page_from_bytes(data, source=source, limits=limits)]


def page_from_bytes(data: bytes, *, source: str = "", limits: Limits = DEFAULT_LIMITS) -> Page:
    """One picture as a page (see the module doc for what is kept, converted, reduced or refused)."""
    if not data:
        raise CaptureError("图片是空的（0 字节），请重新采集")
    if len(data) > limits.max_file_bytes:
        raise CaptureError(f"图片过大（{human_size(len(data))}），超过 {human_size(limits.max_file_bytes)} 的上限，"
                           "请降低分辨率后重新采集")
    digest = _sha(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > limits.max_pixels:
                raise CaptureError(f"图片像素过多（{width}×{height}），不是一页材料的照片，已拒收")
            image.load()
        except CaptureError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise CaptureError("图片像素过多，不是一页材料的照片，已拒收") from None
        except UnidentifiedImageError:
            raise CaptureError("不是图片或 PDF 文件，无法作为材料页添加（支持 JPEG、PNG、TIFF、PDF）") from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise CaptureError(f"图片文件不完整或已损坏，请重新采集（{type(exc).__name__}）") from None
    if min(width, height) < limits.min_short_side:
        raise CaptureError(f"图片分辨率过低（{width}×{height}），看不清材料内容，请靠近或提高分辨率后重新采集")
    dpi = _dpi(image)
    kind = image.format.lower() if image.format else ""
    too_big = max(width, height) > limits.max_long_side or len(data) > limits.max_page_bytes
    if too_big:
        return _reduced(image, data, digest, source, limits)
    if kind == "jpeg" and image.mode in ("L", "RGB", "CMYK"):
        return Page(data, "jpeg", digest, width, height, dpi, source)  # kept byte for byte
    if kind == "png" and image.mode in ("1", "L", "RGB", "P") and "transparency" not in image.info:
        return Page(data, "png", digest, width, height, dpi, source)
    return _as_png(image, digest, source, dpi, limits)


def _dpi(image: Image.Image) -> int:
    dpi = image.info.get("dpi")
    try:
        return int(round(float(dpi[0]))) if dpi else 0
    except (TypeError, ValueError, IndexError):
        return 0


def _flatten(image: Image.Image) -> Image.Image:
    """Without transparency (img2pdf refuses an alpha channel): on white, as paper is."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, "white")
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    if image.mode not in ("1", "L", "RGB"):
        return image.convert("RGB")
    return image


def _as_png(image: Image.Image, digest: str, source: str, dpi: int, limits: Limits) -> Page:
    flat = _flatten(image)
    out = io.BytesIO()
    flat.save(out, "PNG", dpi=(dpi, dpi) if dpi else None, optimize=False)
    data = out.getvalue()
    if len(data) > limits.max_page_bytes:
        return _reduced(flat, data, digest, source, limits)
    return Page(data, "png", digest, flat.width, flat.height, dpi, source)


def _reduced(image: Image.Image, original: bytes, digest: str, source: str, limits: Limits) -> Page:
    """A picture too large for a page, made to fit an A4 page at 300 dpi as a JPEG."""
    before = f"{image.width}×{image.height}，{human_size(len(original))}"
    flat = _flatten(image)
    if flat.mode not in ("L", "RGB"):
        flat = flat.convert("RGB")
    scale = min(1.0, limits.target_long_side / max(flat.width, flat.height))
    if scale < 1.0:
        flat = flat.resize((max(1, round(flat.width * scale)), max(1, round(flat.height * scale))),
                           Image.Resampling.LANCZOS)
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=85, dpi=(300, 300), optimize=True)
    data = out.getvalue()
    if len(data) > limits.max_page_bytes:
        raise CaptureError(f"图片过大（{before}），缩小后仍超过每页 {human_size(limits.max_page_bytes)} 的上限，已拒收")
    return Page(data, "jpeg", digest, flat.width, flat.height, 300, source, f"原图 {before}，已缩小为 A4 300dpi")


def _pdf_pages(data: bytes, source: str, limits: Limits) -> list[Page]:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            count = len(pdf.pages)
            if count == 0:
                raise CaptureError("PDF 文件没有页面，无法添加")
            if count > limits.max_pdf_pages:
                raise CaptureError(f"PDF 文件有 {count} 页，超过每份材料 {limits.max_pdf_pages} 页的上限")
            pages = []
            for index, page in enumerate(pdf.pages):
                single = pikepdf.new()
                single.pages.append(page)
                out = io.BytesIO()
                single.save(out, deterministic_id=True)
                # the file's hash and the page's place: the same file added twice is the same pages
                digest = _sha(data + f"#{index}".encode())
                pages.append(Page(out.getvalue(), "pdf", digest, source=source))
            return pages
    except CaptureError:
        raise
    except pikepdf.PasswordError:
        raise CaptureError("PDF 文件有密码保护，请申请人提供未加密的文件") from None
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise CaptureError(f"PDF 文件已损坏，无法读取（{type(exc).__name__}）") from None


_A4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))
_SCAN_DPI = 300


def _as_scanned(width_px: int, height_px: int, _ndpi: object) -> tuple[float, float, float, float]:
    """img2pdf layout for a picture that does not say its resolution (a document camera's or a
    phone's): read as a 300 dpi scan, and no larger than an A4 sheet the way it lies — not img2pdf's
    96 dpi default, which makes an A4 scan a page of 66 × 93 cm."""
    width, height = width_px * 72 / _SCAN_DPI, height_px * 72 / _SCAN_DPI
    sheet_w, sheet_h = _A4 if height >= width else _A4[::-1]
    scale = min(1.0, sheet_w / width, sheet_h / height)
    return width * scale, height * scale, width * scale, height * scale


def _image_pdf(page: Page) -> bytes:
    if page.dpi:
        return bytes(img2pdf.convert([page.data]))
    return bytes(img2pdf.convert([page.data], layout_fun=_as_scanned))


def build_pdf(pages: tuple[Page, ...]) -> bytes:
    """One PDF of ``pages`` in order: pictures through img2pdf (a JPEG's bytes kept), PDF pages as they are."""
    if not pages:
        raise ValueError("no pages")
    if all(p.kind != "pdf" and p.dpi for p in pages):
        return bytes(img2pdf.convert([p.data for p in pages]))
    out_pdf = pikepdf.new()
    opened: list[pikepdf.Pdf] = []
    try:
        for page in pages:
            data = page.data if page.kind == "pdf" else _image_pdf(page)
            one = pikepdf.open(io.BytesIO(data))
            opened.append(one)
            out_pdf.pages.extend(one.pages)
        out = io.BytesIO()
        out_pdf.save(out, deterministic_id=True)
        return out.getvalue()
    finally:
        for one in opened:
            one.close()


@dataclass(frozen=True)
class MaterialPages:
    """One material's pages, in order (immutable: each change is a new value)."""

    pages: tuple[Page, ...] = ()
    max_pages: int = DEFAULT_LIMITS.max_pages
    max_bytes: int = DEFAULT_LIMITS.max_material_bytes

    def __len__(self) -> int:
        return len(self.pages)

    @property
    def size(self) -> int:
        return sum(len(p.data) for p in self.pages)

    def _check_duplicate(self, page: Page, skip: int | None = None) -> None:
        for number, there in enumerate(self.pages, start=1):
            if there.digest == page.digest and number - 1 != skip:
                raise DuplicatePage(number)

    def adding(self, new: list[Page]) -> MaterialPages:
        """These pages added at the end (``DuplicatePage``/``CaptureError`` when they cannot be)."""
        result = self
        for page in new:
            result._check_duplicate(page)
            if len(result.pages) >= self.max_pages:
                raise CaptureError(f"每份材料最多 {self.max_pages} 页，已达上限")
            result = replace(result, pages=result.pages + (page,))
        if result.size > self.max_bytes:
            raise CaptureError(f"本材料的扫描件将超过 {human_size(self.max_bytes)} 的上限，请降低分辨率")
        return result

    def replacing(self, index: int, page: Page) -> MaterialPages:
        """Page ``index`` (0-based) re-taken."""
        if not 0 <= index < len(self.pages):
            raise CaptureError("要重拍的页已不存在")
        self._check_duplicate(page, skip=index)
        result = replace(self, pages=self.pages[:index] + (page,) + self.pages[index + 1:])
        if result.size > self.max_bytes:
            raise CaptureError(f"本材料的扫描件将超过 {human_size(self.max_bytes)} 的上限，请降低分辨率")
        return result

    def without(self, index: int) -> MaterialPages:
        if not 0 <= index < len(self.pages):
            return self
        return replace(self, pages=self.pages[:index] + self.pages[index + 1:])

    def file(self, material_key: str) -> MaterialFile | None:
        """The material's PDF with its digests (None: no pages)."""
        if not self.pages:
            return None
        return MaterialFile.of(material_key, build_pdf(self.pages), len(self.pages))


def travelling_files(files: Mapping[str, MaterialFile], on_checklist: Iterable[str],
                     marks: Mapping[str, MaterialMark]) -> dict[str, MaterialFile]:
    """The files that go with the visit (``IntakeDraft.files``): those of materials still on the
    checklist and not marked 不适用 (their pages stay at the window, in case the mark changes back)."""
    keys = set(on_checklist)
    return {key: file for key, file in files.items()
            if key in keys and marks.get(key, MaterialMark()).status is not MaterialStatus.NOT_APPLICABLE}
