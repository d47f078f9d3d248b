"""Optional progress-query QR code: only where the hall configures a URL; it opens the case's page."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clerk.printing import NoticeKind, render
from clerk.printing.qrcode import progress_link
from clerk.printing.samples import sample
from tests.printing.conftest import HALL
from tests.printing.pdfcheck import needs_poppler, rasterise

URL = "https://zwfw.example.gov.cn/progress?no={number}"


def test_the_link_carries_the_case_number():
    assert progress_link(URL, "SF20261218-0042") == "https://zwfw.example.gov.cn/progress?no=SF20261218-0042"
    assert progress_link("https://q.example.cn/c/", "A B") == "https://q.example.cn/c/A%20B"
    assert progress_link("", "SF1") == ""


def decode(path, dpi):
    import zxingcpp

    image = rasterise(path, dpi)
    found = zxingcpp.read_barcodes(image, formats=[zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.Code128])
    return sorted((r.format.name, r.text) for r in found)


@needs_poppler
@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("paper", ["a4", "a5", "roll"])
def test_the_qr_code_and_the_barcode_both_decode(settings, tmp_path, paper, dpi):
    path = tmp_path / "n.pdf"
    path.write_bytes(render(NoticeKind.PROMISED, sample(NoticeKind.PROMISED, HALL), paper,
                            replace(settings, progress_url=URL)))
    assert decode(path, dpi) == [("Code128", "SF20261218-0042"),
                                 ("QRCode", "https://zwfw.example.gov.cn/progress?no=SF20261218-0042")]


@needs_poppler
def test_no_qr_code_without_a_configured_url(settings, tmp_path):
    path = tmp_path / "n.pdf"
    path.write_bytes(render(NoticeKind.ONE_TIME, sample(NoticeKind.ONE_TIME, HALL), "a4", settings))
    assert decode(path, 300) == [("Code128", "SF20261218-0042")]
