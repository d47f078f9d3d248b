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
    return Settings.defaults(home=tmp_path, receipts_dir=tmp_path / "receipts", font_path="",
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
    """A real, private CUPS scheduler (queues ``good`` and ``jam``); CUPS_SERVER points at it."""
    from tests.printing.cupsd import private_cupsd

    yield from private_cupsd(tmp_path, monkeypatch)


@pytest.fixture
def clerk_log(tmp_path, monkeypatch):
    """The one log (clerk.log) of this test, empty; its path."""
    from clerk.incidents import close_log, log_path

    close_log()
    monkeypatch.setenv("CLERK_LOG_DIR", str(tmp_path / "log"))
    yield log_path()
    close_log()
