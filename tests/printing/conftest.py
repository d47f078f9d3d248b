"""Helpers for the printing tests: settings using the shipped notice font,
text extraction (pypdf) and barcode decoding (pypdfium2 + zxing-cpp).

No system fonts: the shipped font is embedded, so its text extracts on any host
(tests that need the CID font configure it).
"""

from __future__ import annotations

import io

import pytest

from clerk.config import HallInfo, Settings

HALL = HallInfo(
    name="测试区政务服务中心",
    address="测试区建设路9号",
    enquiry_phone="0531-66661111",
    complaint_phone="12345",
    fallback_desk_phone="0531-66662222",
    seal_caption="行政审批受理专用章",
)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path, receipts_dir=tmp_path / "receipts", font_path="",
                    timezone="Asia/Shanghai", hall=HALL)


def pdf_pages(pdf: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf)).pages


def pdf_text(pdf: bytes) -> str:
    """All text of the document, whitespace removed (lines may break anywhere in CJK)."""
    return "".join("".join(p.extract_text().split()) for p in pdf_pages(pdf))


def barcodes(pdf: bytes, page: int = 0, scale: float = 3.0) -> list[str]:
    """Code 128 symbols found on a rasterised page."""
    import pypdfium2 as pdfium
    import zxingcpp

    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[page].render(scale=scale).to_pil()
    finally:
        doc.close()
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)]


@pytest.fixture
def cupsd(tmp_path, monkeypatch):
    """A real, private CUPS scheduler (queues ``good`` and ``jam``); CUPS_SERVER points at it.

    Skipped with the reason when CUPS is not installed, except under CI=true,
    where a missing CUPS is a failure (.ci/run installs it).
    """
    import os

    from tests.printing.cupsd import Cupsd, missing

    why = missing()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but a private CUPS scheduler cannot run: {why}")
        pytest.skip(why)
    server = Cupsd(tmp_path / "cups")
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"private cupsd did not start: {exc}")
    monkeypatch.setenv("CUPS_SERVER", server.server)
    yield server
    server.stop()
