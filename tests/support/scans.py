"""Small real PDFs of captured pages for the material-file tests (issue 26)."""

from __future__ import annotations

import io
from dataclasses import replace

from clerk.domain.intake import IntakeDraft
from clerk.domain.scans import MaterialFile


def pdf_of(pages: int, *, shade: int = 200, size: tuple[int, int] = (120, 170)) -> bytes:
    """A PDF of ``pages`` small grey pages made by Pillow (each page a distinct shade)."""
    from PIL import Image

    images = [Image.new("RGB", size, (shade, (shade + 17 * i) % 256, 90)) for i in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=72.0)
    return out.getvalue()


def material_file(key: str, pages: int = 1, *, shade: int = 200) -> MaterialFile:
    return MaterialFile.of(key, pdf_of(pages, shade=shade), pages)


def with_files(draft: IntakeDraft, **pages: int) -> IntakeDraft:
    """``draft`` with a captured PDF per material key (``id_card=2`` → two pages); ``-`` for ``_``."""
    files = {key.replace("_", "-"): material_file(key.replace("_", "-"), n, shade=40 + 30 * i)
             for i, (key, n) in enumerate(pages.items())}
    return replace(draft, files=files)
