"""The window's capture limits and the error a clerk is shown (no picture library: imported at start-up)."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What the window accepts, in numbers a clerk can be told."""

    max_file_bytes: int = 60 * MB  # a file (photo, scan, PDF) larger than this is refused unread
    max_page_bytes: int = 8 * MB  # a page's picture larger than this is reduced
    max_long_side: int = 4200  # pixels: A4 at 300 dpi is 3508 × 2480; larger is reduced
    target_long_side: int = 3508  # what a reduced picture is made to fit (A4 long side at 300 dpi)
    min_short_side: int = 400  # pixels: smaller cannot be read (a thumbnail)
    max_pixels: int = 120_000_000  # a picture with more pixels is refused (decompression bombs)
    max_pages: int = 50  # pages of one material
    max_material_bytes: int = 80 * MB  # one material's PDF
    max_pdf_pages: int = 50  # pages of one PDF file added


DEFAULT_LIMITS = Limits()


class CaptureError(Exception):
    """A page cannot be taken; ``str(error)`` is one Chinese line for the clerk."""


class DuplicatePage(CaptureError):
    """The same page (same content) is already among the material's pages."""

    def __init__(self, number: int) -> None:
        super().__init__(f"这一页与第 {number} 页内容完全相同，未重复添加")
        self.number = number


def human_size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB // 10 else f"{max(1, n // 1024)} KB"


