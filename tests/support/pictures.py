"""Pictures and scanners for the capture tests (issue 26): real JPEGs and PNGs made with
Pillow, SANE's ``test`` backend, and a PDF reader's view of a material's file."""

from __future__ import annotations

import io
import os
import shutil

import pytest

#: SANE's test backend cannot scan wider or longer than 200 mm: the closest to an A4 page.
TEST_SCANNER_OPTIONS = ("--mode", "Color", "-x", "200", "-y", "200")

#: ``scanimage`` is installed by .ci/run (sane-utils); on a developer's machine without it these tests skip.
needs_scanimage = pytest.mark.skipif(shutil.which("scanimage") is None and os.environ.get("CI") != "true",
                                     reason="scanimage (sane-utils) is not installed")


def picture(width: int = 1240, height: int = 1754, *, kind: str = "JPEG", seed: int = 0, dpi: int = 150,
            mode: str = "RGB", quality: int = 90) -> bytes:
    """A page-like picture: a light background with dark bars (``seed`` makes it differ)."""
    from PIL import Image, ImageDraw

    image = Image.new(mode, (width, height), "white" if mode != "RGBA" else (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    for row in range(10, max(11, height - 10), max(8, height // 40)):
        left = min(width // 4, 10 + (seed * 37 + row) % 200)
        draw.rectangle((left, row, max(left, width - 10), row + 6), fill="black")
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, kind, quality=quality, dpi=(dpi, dpi))
    else:
        image.save(out, kind, dpi=(dpi, dpi))
    return out.getvalue()


def noisy_photo(width: int, height: int, seed: int = 1) -> bytes:
    """A phone photo's worth of bytes: random noise hardly compresses (a big JPEG)."""
    from PIL import Image

    rnd = os.urandom(width * height * 3) if seed is None else _pseudo(width * height * 3, seed)
    image = Image.frombytes("RGB", (width, height), rnd)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def _pseudo(n: int, seed: int) -> bytes:
    import random

    return random.Random(seed).randbytes(n)


def pdf_pages(pdf: bytes) -> list[dict]:
    """Each page's images as a PDF reader sees them: size, filter and the stream's bytes."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        images = []
        xobjects = page["/Resources"].get_object().get("/XObject", {})
        for name in xobjects:
            obj = xobjects[name].get_object()
            if obj.get("/Subtype") == "/Image":
                images.append({"width": int(obj["/Width"]), "height": int(obj["/Height"]),
                               "filter": obj.get("/Filter"), "data": obj._data})
        pages.append({"images": images, "width_pt": float(page.mediabox.width),
                      "height_pt": float(page.mediabox.height)})
    return pages
